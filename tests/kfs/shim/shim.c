/* shim.c: the process core's half of files.h, uaccess.h (uaccess_copy) and wait.h, and the UART, for the
 * host tests of the file layer (tests/kfs). User pointers are host pointers; addresses
 * below 64 KiB or at/above USER_TOP are "unmapped" and give -EFAULT. Sleeping calls a hook
 * the test installs (standing in for another process or an interrupt), or fails with
 * -EAGAIN when there is none, so a test never hangs. */
#include "shim.h"
#include "vfs.h"
#include "uaccess.h"
#include "wait.h"
#include "lib.h"

static bool bad(uint64_t a, size_t n) { return n && (a < 65536 || a >= USER_TOP || n > USER_TOP - a); }
/* copy_{to,from}_user and user_range_ok are inline in uaccess.h: the copy itself. Kernel
 * buffers are host pointers, never "unmapped" here, so checking both ends is enough. */
uint64_t uaccess_copy(void *d, const void *s, uint64_t n)
{
	if (bad((uint64_t)(uintptr_t)d, n) || bad((uint64_t)(uintptr_t)s, n))
		return n;
	memcpy(d, s, n);
	return 0;
}
long strncpy_from_user(char *d, uint64_t s, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		if (bad(s + i, 1))
			return -EFAULT;
		d[i] = ((char *)s)[i];
		if (!d[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

long (*test_sleep_hook)(struct waitq *q);
int test_sleeps;
void waitq_init(struct waitq *q) { q->first = NULL; }
long waitq_sleep(struct waitq *q)
{
	test_sleeps++;
	if (!test_sleep_hook || test_sleeps > 1000)
		return -EAGAIN;
	return test_sleep_hook(q);
}
uint64_t test_now_ns;
long waitq_sleep_until(struct waitq *q, uint64_t deadline)
{
	long r = waitq_sleep(q);
	if (r == -EAGAIN && deadline) { /* no hook: time passes until the deadline */
		test_now_ns = deadline;
		return -ETIMEDOUT;
	}
	return r;
}
void waitq_wake_all(struct waitq *q) { (void)q; }
uint64_t irq_save(void) { return 1; }
void irq_restore(uint64_t s) { (void)s; }
uint64_t time_monotonic_ns(void) { return test_now_ns; }
uint64_t time_realtime_ns(void) { return 1700000000ULL * 1000000000ULL + test_now_ns; }

struct fdtable *current_files; /* test_fdt (shim.h): the kernel's inline current_fdtable reads it */
struct fs_context *test_fs;
struct fs_context *current_fs_context(void) { return test_fs; }
const char *current_name(void) { return "kfs-test"; }
int current_pid(void) { return 42; }
int current_tgid(void) { return 42; }
/* Process groups (proc/pgrp.c): the one process leads its own group and session; group
 * signals are counted, not delivered. */
int current_sid(void) { return 42; }
int current_pgid(void) { return 42; }
bool pgrp_exists(int pgid, int sid) { return pgid == 42 && (sid == 0 || sid == 42); }
int test_pgrp_kills;
long pgrp_kill(int pgid, int sig, int code, int sender)
{
	(void)sig, (void)code, (void)sender;
	test_pgrp_kills++;
	return pgid == 42 ? 0 : -ESRCH;
}
bool current_ctty(void) { return true; }
void ctty_set(int sid, bool on) { (void)sid, (void)on; }
bool session_leader_alive(int sid) { return sid == 42; }
bool pgrp_orphaned(int pgid) { (void)pgid; return false; }
bool signal_ignored_or_blocked(int sig) { (void)sig; return false; }
int test_sig_pid, test_sig_num, test_sig_count;
long signal_send(int pid, int sig)
{
	test_sig_pid = pid;
	test_sig_num = sig;
	test_sig_count++;
	return 0;
}
/* signalfd's and pidfd's view of the process core: one process whose pending signals are
 * test_sig_pending; process 77 exists and has ended once test_proc_ended is set. */
uint64_t test_sig_pending;
uint64_t signal_pending_set(void) { return test_sig_pending; }
int signal_take(uint64_t set, struct sig_taken *out)
{
	uint64_t r = test_sig_pending & set;
	if (!r)
		return 0;
	int sig = __builtin_ctzll(r) + 1;
	test_sig_pending &= ~(1ULL << (sig - 1));
	*out = (struct sig_taken){.signo = sig, .pid = 42};
	return sig;
}
int test_proc_ended;
int proc_exited(int pid) { return pid == 77 ? test_proc_ended : -ESRCH; }
long proc_kill(int pid, int sig) { return signal_send(pid, sig); }
int test_mask_sets, test_mask_restores;
void sigmask_set_temporary(uint64_t mask) { (void)mask; test_mask_sets++; }
void sigmask_restore(bool interrupted) { (void)interrupted; test_mask_restores++; }
/* Resource limits: unlimited (~0) unless a test sets one; cond_resched only counts. */
uint64_t test_rlimit[16] = {~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, 256, ~0ULL, ~0ULL,
			    ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL};
uint64_t current_rlimit(int resource) { return test_rlimit[resource]; }
int test_resched_points;
void cond_resched(void) { test_resched_points++; }
int test_fg_pid;
int console_foreground_pid(void) { return test_fg_pid; }

char test_out[65536];
size_t test_out_len;
void serial_putc(uint8_t c)
{
	if (test_out_len < sizeof(test_out) - 1)
		test_out[test_out_len++] = (char)c;
	test_out[test_out_len] = 0;
}
int serial_getc_nowait(void) { return -1; }
uint64_t frames_free(void) { return 1000; }
uint64_t frames_total(void) { return 4096; }
size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t l = strlen(s);
	if (n) {
		size_t k = l < n - 1 ? l : n - 1;
		memcpy(d, s, k);
		d[k] = 0;
	}
	return l;
}

/* The page cache's half for the file layer (kernel/mm/pagecache.c, filemap.c): file
 * contents in page-aligned host memory; nothing maps files here. */
#include "pagecache.h"
#include <stdlib.h>
void *filebuf_alloc(uint64_t bytes)
{
	void *p = aligned_alloc(4096, bytes);
	if (p)
		memset(p, 0, bytes);
	return p;
}
void filebuf_free(void *buf, uint64_t bytes) { (void)bytes; free(buf); }
void filemap_moved(struct inode *ip, const void *old, uint64_t oldcap) { (void)ip, (void)old, (void)oldcap; }
void filemap_truncated(struct inode *ip, uint64_t size) { (void)ip, (void)size; }

/* /proc's questions (procfs.h): one process, pid 42 (current_pid), with test_fdt as its
 * descriptors and no program file, while test_proc_alive; its texts are fixed. */
#include "procfs.h"
bool test_proc_alive = true;
int proc_self_tgid(void) { return 42; }
bool proc_tgid_exists(int pid) { return pid == 42 && test_proc_alive; }
int proc_next_tgid(int after) { return after < 42 && test_proc_alive ? 42 : 0; }
struct inode *proc_pid_exe(int pid) { (void)pid; return NULL; }
struct fdtable *proc_pid_files(int pid) { return proc_tgid_exists(pid) ? test_fdt : NULL; }
long proc_pid_text(int pid, enum proc_pid_file which, struct kbuf *b)
{
	if (!proc_tgid_exists(pid))
		return -ESRCH;
	kbuf_printf(b, "%d (kfs-test) R file %d\n", pid, (int)which);
	return 0;
}
long proc_sys_text(enum proc_sys_file which, struct kbuf *b)
{
	for (int i = 0; i < 300; i++) /* 3600 bytes: reads in pieces must continue the text */
		kbuf_printf(b, "line %04d %d\n", i, (int)which);
	return 0;
}

/* Sockets (net/socket.c) are not linked here: no file is one. */
bool file_is_socket(struct file *f) { (void)f; return false; }
long sock_file_rwv(struct file *f, const void *iov, int cnt, size_t len, bool write)
{
	(void)f, (void)iov, (void)cnt, (void)len, (void)write;
	return -EINVAL;
}
