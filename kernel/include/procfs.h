/* procfs.h: the /proc file system. fs/procfs.c owns the tree under /proc (which names
 * exist, links, directories, opening and reading); the text of each file comes from the
 * part that owns the facts: proc/procinfo.c (per-process files, the process list) and
 * proc/sysinfo.c (meminfo, cpuinfo, stat, loadavg, uptime). Text is built into a kbuf
 * (lib/kbuf.c) every time a file is read from offset 0. */
#ifndef RZ_PROCFS_H
#define RZ_PROCFS_H
#include "types.h"

/* A growable text buffer. On allocation failure `oom` is set and later output dropped. */
struct kbuf {
	char *p;
	size_t len, cap;
	bool oom;
};
void kbuf_printf(struct kbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kbuf_put(struct kbuf *b, const void *s, size_t n);
void kbuf_free(struct kbuf *b);

/* --- fs/procfs.c -------------------------------------------------------------------- */
void procfs_init(void);                 /* called by vfs_init: /proc and its fixed entries */
struct inode;
/* The path of ip as /proc shows it ("/bin/busybox"; an unlinked file gets " (deleted)"). */
void procfs_inode_path(struct inode *ip, struct kbuf *b);
uint64_t procfs_inode_number(struct inode *ip);

/* --- implemented by the process core (proc/procinfo.c, proc/sysinfo.c) --------------- */
enum proc_pid_file { PROC_STAT, PROC_STATUS, PROC_CMDLINE, PROC_COMM, PROC_MAPS };
enum proc_sys_file { PROC_MEMINFO, PROC_CPUINFO, PROC_SYSSTAT, PROC_LOADAVG, PROC_UPTIME };
int proc_self_tgid(void);
int proc_next_tgid(int after);          /* the smallest process id (a thread group) > after, or 0 */
bool proc_tgid_exists(int pid);
/* The text of /proc/PID/<which>: 0 or -ESRCH (the process is gone). */
long proc_pid_text(int pid, enum proc_pid_file which, struct kbuf *b);
struct inode *proc_pid_exe(int pid);    /* the program's file, referenced; NULL if none */
struct fdtable *proc_pid_files(int pid); /* its descriptor table (no reference); NULL if none */
long proc_sys_text(enum proc_sys_file which, struct kbuf *b);

#endif
