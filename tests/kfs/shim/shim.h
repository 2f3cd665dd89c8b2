/* shim.h: the test controls of shim.c. */
#ifndef KFS_SHIM_H
#define KFS_SHIM_H
#include "types.h"
struct waitq;
struct fdtable;
struct fs_context;
extern long (*test_sleep_hook)(struct waitq *q);
extern int test_sleeps;
extern uint64_t test_now_ns;
extern struct fdtable *current_files;
#define test_fdt current_files /* the test's descriptor table is files.h's current_files */
extern struct fs_context *test_fs;
extern int test_mask_sets, test_mask_restores;
extern int test_sig_pid, test_sig_num, test_sig_count, test_fg_pid;
extern char test_out[65536];
extern size_t test_out_len;
extern uint64_t test_rlimit[16];        /* current_rlimit(): ~0 (unlimited) unless set */
extern int test_resched_points;         /* cond_resched() calls */
#endif
