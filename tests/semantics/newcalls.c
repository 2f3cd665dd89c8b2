/* newcalls: the calls of issue 10, item 10, each against Linux's behaviour (the host run of
 * this program is the reference):
 *
 *   waitid     P_PID/P_PGID/P_ALL, WEXITED/WNOHANG/WNOWAIT (WSTOPPED/WCONTINUED accepted),
 *              the siginfo (si_signo SIGCHLD, si_code CLD_EXITED/CLD_KILLED, si_pid, si_uid,
 *              si_status), zero fields for WNOHANG with nothing ready, EINVAL and ECHILD
 *   mremap     growing in place, moving with MREMAP_MAYMOVE (contents kept, the old range
 *              freed), shrinking, MREMAP_FIXED, MREMAP_DONTUNMAP, a moved copy-on-write
 *              range after fork, EINVAL/EFAULT/ENOMEM
 *   pidfd      pidfd_open (close-on-exec, poll readable once the process ends, waitid
 *              P_PIDFD), pidfd_send_signal, EINVAL/ESRCH/EBADF
 *   getrandom  GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE; unknown flags and INSECURE|RANDOM
 *              EINVAL; EFAULT
 *   sched      sched_getscheduler, sched_getparam, sched_get_priority_max/min,
 *              sched_rr_get_interval, sched_getaffinity
 *   timerfd    relative and absolute settings with an interval, gettime, the 8-byte
 *              expiration count, poll and select, EAGAIN, blocking reads, disarming
 *   signalfd   struct signalfd_siginfo for pending signals of the mask, poll, a new mask on
 *              an existing descriptor, several records per read, a blocking read woken by
 *              another process's kill, SIGCHLD's fields
 *   eventfd    the counter, EFD_SEMAPHORE, EFD_NONBLOCK, overflow (EAGAIN), poll, blocking
 *              reads and writes woken by another process
 *   prctl      PR_SET_NAME/PR_GET_NAME: 16 bytes, zero-padded, per thread
 *
 * Output is deterministic (no pids, addresses or times). Usage: newcalls [PART...];
 * newcalls --named FIFO / --release FIFO: a child named by PR_SET_NAME for the shell's ps. */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef GRND_NONBLOCK
#define GRND_NONBLOCK 1
#define GRND_RANDOM 2
#endif
#ifndef GRND_INSECURE
#define GRND_INSECURE 4
#endif

#define NO_PID 4194000 /* above any pid in use (Linux's pid_max is 4194304 at most) */

static long pg;

static void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* A child that waits until the pipe's write end is closed (or written), then exits with
 * code. *wr: the write end, kept by the parent. */
static pid_t blocked_child(int code, int *wr)
{
	int p[2];
	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(code);
	}
	close(p[0]);
	*wr = p[1];
	return pid;
}

static int xwaitid(idtype_t t, id_t id, siginfo_t *si, int opts)
{
	memset(si, 0xa5, sizeof(*si));
	errno = 0;
	return waitid(t, id, si, opts);
}

/* --- waitid ------------------------------------------------------------------------------ */

static void check_waitid(void)
{
	siginfo_t si;
	CHECK_EQ(xwaitid(P_ALL, 0, &si, WEXITED), -1);
	CHECK_EQ(errno, ECHILD);

	/* exit status, WNOWAIT keeps the child waitable */
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_uid, getuid());
	CHECK_EQ(si.si_status, 7);
	CHECK_EQ(si.si_errno, 0);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WEXITED), 0);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_status, 7);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WEXITED), -1);
	CHECK_EQ(errno, ECHILD);

	/* WNOHANG with nothing ready: 0 and the fields zero; then a kill */
	int wr;
	pid = blocked_child(0, &wr);
	CHECK_EQ(xwaitid(P_ALL, 0, &si, WEXITED | WNOHANG), 0);
	CHECK_EQ(si.si_pid, 0);
	CHECK_EQ(si.si_signo, 0);
	CHECK_EQ(si.si_status, 0);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WEXITED | WSTOPPED | WCONTINUED | WNOHANG), 0);
	CHECK_EQ(si.si_pid, 0);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WSTOPPED | WNOHANG), 0);
	CHECK_EQ(si.si_pid, 0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(xwaitid(P_ALL, 0, &si, WEXITED), 0);
	CHECK_EQ(si.si_signo, SIGCHLD);
	CHECK_EQ(si.si_code, CLD_KILLED);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_status, SIGKILL);
	close(wr);

	/* P_PGID: a child that leads its own group */
	pid = blocked_child(3, &wr);
	CHECK_EQ(setpgid(pid, pid), 0);
	CHECK_EQ(xwaitid(P_PGID, getpgrp(), &si, WEXITED | WNOHANG), -1);
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(xwaitid(P_PGID, pid, &si, WEXITED | WNOHANG), 0);
	CHECK_EQ(si.si_pid, 0);
	close(wr);
	CHECK_EQ(xwaitid(P_PGID, pid, &si, WEXITED), 0);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_code, CLD_EXITED);
	CHECK_EQ(si.si_status, 3);

	/* errors */
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK_EQ(xwaitid(P_ALL, 0, &si, 0), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(xwaitid(P_ALL, 0, &si, WNOHANG), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(xwaitid(P_ALL, 0, &si, WEXITED | 0x10000), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(xwaitid((idtype_t)42, 0, &si, WEXITED), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(xwaitid(P_PID, 0, &si, WEXITED), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(xwaitid(P_PID, NO_PID, &si, WEXITED), -1);
	CHECK_EQ(errno, ECHILD);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WEXITED), 0);
	CHECK_EQ(si.si_pid, pid);
}

/* --- mremap ------------------------------------------------------------------------------ */

static void fill(char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(i * 7 + seed);
}

static int same(const char *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (char)(i * 7 + seed))
			return 0;
	return 1;
}

static int zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* The range is unmapped: a MAP_FIXED_NOREPLACE mapping there succeeds (and is undone). */
static int is_free(void *a, size_t n)
{
	void *q = mmap(a, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (q == MAP_FAILED)
		return 0;
	munmap(q, n);
	return q == a;
}

static char *anon(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void check_mremap(void)
{
	/* grow in place: 4 pages mapped, the last 2 unmapped, the first 2 grown back */
	char *p = anon(4 * pg);
	CHECK(p != NULL, "mmap");
	CHECK_EQ(munmap(p + 2 * pg, 2 * pg), 0);
	fill(p, 2 * pg, 1);
	errno = 0;
	char *r = mremap(p, 2 * pg, 4 * pg, 0);
	CHECK(r == p, "grown in place: %p %p", (void *)r, (void *)p);
	if (r != p)
		CHECK_EQ(mmap(p + 2 * pg, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
			 p + 2 * pg); /* go on with the rest */
	CHECK(same(p, 2 * pg, 1), "contents kept");
	CHECK(zero(p + 2 * pg, 2 * pg), "new pages zero");
	p[4 * pg - 1] = 1;

	/* shrink: the tail is unmapped */
	r = mremap(p, 4 * pg, pg, 0);
	CHECK(r == p, "shrunk in place");
	CHECK(is_free(p + pg, 3 * pg), "the tail is unmapped");
	CHECK(same(p, pg, 1), "contents kept after shrinking");

	/* growing into another mapping: ENOMEM without MREMAP_MAYMOVE, a move with it */
	char *q = anon(3 * pg);
	CHECK(q != NULL, "mmap");
	CHECK_EQ(mprotect(q + 2 * pg, pg, PROT_NONE), 0); /* a separate area after q..q+2 */
	fill(q, 2 * pg, 2);
	errno = 0;
	CHECK(mremap(q, 2 * pg, 3 * pg, 0) == MAP_FAILED, "no room, no move");
	CHECK_EQ(errno, ENOMEM);
	r = mremap(q, 2 * pg, 6 * pg, MREMAP_MAYMOVE);
	CHECK(r != MAP_FAILED && r != q, "moved");
	if (r != MAP_FAILED) {
		CHECK(same(r, 2 * pg, 2), "contents moved");
		CHECK(zero(r + 2 * pg, 4 * pg), "grown part zero");
		CHECK(is_free(q, 2 * pg), "the old range is unmapped");
		r[6 * pg - 1] = 5;
		munmap(r, 6 * pg);
	}
	munmap(q + 2 * pg, pg);

	/* MREMAP_FIXED: onto a mapping that is replaced */
	char *src = anon(2 * pg), *dst = anon(2 * pg);
	fill(src, 2 * pg, 3);
	fill(dst, 2 * pg, 4);
	r = mremap(src, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	CHECK(r == dst, "moved to the fixed address");
	CHECK(same(dst, 2 * pg, 3), "the source's contents");
	CHECK(is_free(src, 2 * pg), "source unmapped");
	/* FIXED with a shrink */
	r = mremap(dst, 2 * pg, pg, MREMAP_MAYMOVE | MREMAP_FIXED, src);
	CHECK(r == src, "fixed and shrunk");
	CHECK(same(src, pg, 3), "contents");
	CHECK(is_free(dst, 2 * pg), "old range unmapped");
	munmap(src, pg);

	/* MREMAP_DONTUNMAP: the old range stays, empty */
	src = anon(pg);
	fill(src, pg, 6);
	r = mremap(src, pg, pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
	CHECK(r != MAP_FAILED && r != src, "moved, not unmapped");
	if (r != MAP_FAILED) {
		CHECK(same(r, pg, 6), "contents moved");
		CHECK(zero(src, pg), "the old range reads zero");
		munmap(r, pg);
	}
	munmap(src, pg);

	/* after fork: a copy-on-write range moved in the child stays private */
	src = anon(2 * pg);
	fill(src, 2 * pg, 8);
	pid_t pid = fork();
	if (pid == 0) {
		char *m = mremap(src, 2 * pg, 64 * pg, MREMAP_MAYMOVE);
		int ok = m != MAP_FAILED && same(m, 2 * pg, 8);
		if (ok)
			memset(m, 0x5a, 2 * pg);
		_exit(ok ? 0 : 1);
	}
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's move status %#x", st);
	CHECK(same(src, 2 * pg, 8), "parent's copy untouched");
	munmap(src, 2 * pg);

	/* errors */
	p = anon(2 * pg);
	errno = 0;
	CHECK(mremap(p, pg, 2 * pg, MREMAP_FIXED, p + 8 * pg) == MAP_FAILED && errno == EINVAL, "FIXED needs MAYMOVE");
	errno = 0;
	CHECK(mremap(p + 1, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL, "unaligned");
	errno = 0;
	CHECK(mremap(p, pg, 0, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL, "new length 0");
	errno = 0;
	CHECK(mremap(p, pg, 2 * pg, 0x80) == MAP_FAILED && errno == EINVAL, "unknown flag");
	errno = 0;
	CHECK(mremap(p, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, p + pg) == MAP_FAILED && errno == EINVAL,
	      "overlapping FIXED");
	errno = 0;
	CHECK(mremap(p, pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL) == MAP_FAILED && errno == EINVAL,
	      "DONTUNMAP changing the length");
	munmap(p, 2 * pg);
	errno = 0;
	CHECK(mremap(p, pg, 2 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT, "unmapped: errno %d", errno);
	q = anon(2 * pg);
	CHECK_EQ(mprotect(q + pg, pg, PROT_READ), 0);
	errno = 0;
	CHECK(mremap(q, 2 * pg, 4 * pg, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT, "across two areas: errno %d",
	      errno);
	/* a shrink needs addr mapped (EFAULT) but its tail may cross areas */
	char *u = anon(2 * pg);
	munmap(u, 2 * pg);
	errno = 0;
	CHECK(mremap(u, 2 * pg, pg, 0) == MAP_FAILED && errno == EFAULT, "shrinking an unmapped range: errno %d", errno);
	errno = 0;
	CHECK(mremap(u, pg, pg, 0) == MAP_FAILED && errno == EFAULT, "same length, unmapped: errno %d", errno);
	CHECK(mremap(q, 2 * pg, pg, 0) == q, "shrinking across two areas");
	CHECK(is_free(q + pg, pg), "the second area is gone");
	CHECK(mremap(q, pg, pg, 0) == q, "same length");
	munmap(q, 2 * pg);

	/* realloc of a large block (musl moves it with mremap) */
	char *b = malloc(1 << 20);
	fill(b, 1 << 20, 9);
	b = realloc(b, 8 << 20);
	CHECK(b && same(b, 1 << 20, 9), "realloc kept the contents");
	free(b);
}

/* --- pidfd ------------------------------------------------------------------------------- */

static int pidfd_open(pid_t pid, unsigned flags) { return (int)syscall(SYS_pidfd_open, pid, flags); }

static int poll1(int fd, short ev, int ms)
{
	struct pollfd p = {fd, ev, 0};
	int r = poll(&p, 1, ms);
	return r == 1 ? p.revents : r;
}

/* A thread that publishes its tid and waits until the pipe is closed. */
struct tid_arg {
	volatile pid_t *tid;
	int fd;
};

static void *tid_thread(void *arg)
{
	struct tid_arg *a = arg;
	char c;
	*a->tid = gettid();
	while (read(a->fd, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

static void check_pidfd(void)
{
	int wr;
	pid_t pid = blocked_child(4, &wr);
	int fd = pidfd_open(pid, 0);
	CHECK(fd >= 0, "pidfd_open");
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(poll1(fd, POLLIN, 0), 0);
	char c;
	errno = 0;
	CHECK_EQ(read(fd, &c, 1), -1);
	CHECK_EQ(errno, EINVAL);
	close(wr);
	CHECK_EQ(poll1(fd, POLLIN, 10000), POLLIN);
	siginfo_t si;
	CHECK_EQ(xwaitid(P_PIDFD, (id_t)fd, &si, WEXITED), 0);
	CHECK_EQ(si.si_pid, pid);
	CHECK_EQ(si.si_status, 4);
	errno = 0;
	CHECK_EQ(syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0), -1);
	CHECK_EQ(errno, ESRCH);
	close(fd);

	/* pidfd_send_signal */
	pid = blocked_child(0, &wr);
	fd = pidfd_open(pid, O_NONBLOCK);
	CHECK(fd >= 0, "pidfd_open PIDFD_NONBLOCK");
	errno = 0;
	/* a flag no Linux knows (6.9 added 1, 2 and 4; uname here says 6.1, which has none) */
	CHECK_EQ(syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 8), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_pidfd_send_signal, wr, SIGTERM, NULL, 0), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0), 0);
	CHECK_EQ(syscall(SYS_pidfd_send_signal, fd, SIGTERM, NULL, 0), 0);
	CHECK_EQ(poll1(fd, POLLIN, 10000), POLLIN);
	CHECK_EQ(xwaitid(P_PID, pid, &si, WEXITED), 0);
	CHECK_EQ(si.si_code, CLD_KILLED);
	CHECK_EQ(si.si_status, SIGTERM);
	close(fd);
	close(wr);

	errno = 0;
	CHECK_EQ(pidfd_open(getpid(), 1), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(pidfd_open(0, 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(pidfd_open(NO_PID, 0), -1);
	CHECK_EQ(errno, ESRCH);
	pthread_t th;
	volatile pid_t tid = 0;
	int hold[2];
	CHECK_EQ(pipe(hold), 0);
	struct tid_arg ta = {&tid, hold[0]};
	CHECK_EQ(pthread_create(&th, NULL, tid_thread, &ta), 0);
	while (!tid)
		sched_yield();
	errno = 0;
	CHECK_EQ(pidfd_open(tid, 0), -1); /* a thread, not a process (Linux 6.9+; 6.1: EINVAL) */
	CHECK_EQ(errno, ENOENT);
	close(hold[1]);
	pthread_join(th, NULL);
	close(hold[0]);
	errno = 0;
	CHECK_EQ(xwaitid(P_PIDFD, (id_t)-1, &si, WEXITED), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(xwaitid(P_PIDFD, 0, &si, WEXITED), -1); /* fd 0 is no pidfd */
	CHECK_EQ(errno, EBADF);
}

/* --- getrandom --------------------------------------------------------------------------- */

static long grnd(void *b, size_t n, unsigned f)
{
	errno = 0;
	return syscall(SYS_getrandom, b, n, f);
}

static void check_getrandom(void)
{
	unsigned char a[32], b[32];
	CHECK_EQ(grnd(a, sizeof(a), 0), 32);
	CHECK_EQ(grnd(b, sizeof(b), 0), 32);
	CHECK(memcmp(a, b, sizeof(a)) != 0, "two draws differ");
	CHECK_EQ(grnd(a, 16, GRND_NONBLOCK), 16);
	CHECK_EQ(grnd(a, 16, GRND_RANDOM), 16);
	CHECK_EQ(grnd(a, 16, GRND_RANDOM | GRND_NONBLOCK), 16);
	CHECK_EQ(grnd(a, 16, GRND_INSECURE), 16);
	CHECK_EQ(grnd(a, 0, 0), 0);
	CHECK_EQ(grnd(a, 16, GRND_INSECURE | GRND_RANDOM), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(grnd(a, 16, 8), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(grnd((void *)8, 16, 0), -1);
	CHECK_EQ(errno, EFAULT);
}

/* --- sched_* ----------------------------------------------------------------------------- */

static void check_sched(void)
{
	errno = 0;
	/* musl answers sched_getscheduler/sched_getparam with ENOSYS itself: ask the kernel */
	CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER);
	CHECK_EQ(syscall(SYS_sched_getscheduler, getpid()), SCHED_OTHER);
	CHECK_EQ(syscall(SYS_sched_getscheduler, -1), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_sched_getscheduler, NO_PID), -1);
	CHECK_EQ(errno, ESRCH);
	struct sched_param sp = {.sched_priority = 77};
	CHECK_EQ(syscall(SYS_sched_getparam, 0, &sp), 0);
	CHECK_EQ(sp.sched_priority, 0);
	errno = 0;
	CHECK_EQ(syscall(SYS_sched_getparam, 0, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_sched_getparam, NO_PID, &sp), -1);
	CHECK_EQ(errno, ESRCH);

	CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
	CHECK_EQ(sched_get_priority_min(SCHED_FIFO), 1);
	CHECK_EQ(sched_get_priority_max(SCHED_RR), 99);
	CHECK_EQ(sched_get_priority_min(SCHED_RR), 1);
	CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
	CHECK_EQ(sched_get_priority_min(SCHED_OTHER), 0);
	CHECK_EQ(sched_get_priority_max(SCHED_BATCH), 0);
	CHECK_EQ(sched_get_priority_min(SCHED_IDLE), 0);
	errno = 0;
	CHECK_EQ(sched_get_priority_max(42), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(sched_get_priority_min(-1), -1);
	CHECK_EQ(errno, EINVAL);

	struct timespec ts = {-1, -1};
	CHECK_EQ(sched_rr_get_interval(0, &ts), 0);
	CHECK(ts.tv_sec >= 0 && ts.tv_sec < 10 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L, "interval %ld.%09ld",
	      (long)ts.tv_sec, ts.tv_nsec);
	errno = 0;
	CHECK_EQ(sched_rr_get_interval(-1, &ts), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(sched_rr_get_interval(NO_PID, &ts), -1);
	CHECK_EQ(errno, ESRCH);

	cpu_set_t set;
	CPU_ZERO(&set);
	CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	CHECK(CPU_COUNT(&set) >= 1, "at least one CPU");
	unsigned long raw[16];
	long n = syscall(SYS_sched_getaffinity, 0, sizeof(raw), raw);
	CHECK(n >= 8 && n <= (long)sizeof(raw) && n % 8 == 0, "raw length %ld", n);
	errno = 0;
	CHECK_EQ(syscall(SYS_sched_getaffinity, 0, 12, raw), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_sched_getaffinity, NO_PID, sizeof(raw), raw), -1);
	CHECK_EQ(errno, ESRCH);
}

/* --- timerfd ----------------------------------------------------------------------------- */

static long ms_of(const struct timespec *t) { return (long)t->tv_sec * 1000 + t->tv_nsec / 1000000; }

static uint64_t read8(int fd, int *err)
{
	uint64_t v = 0;
	errno = 0;
	ssize_t r = read(fd, &v, sizeof(v));
	*err = r == 8 ? 0 : r < 0 ? errno : -1;
	return v;
}

static void check_timerfd(void)
{
	int err;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK(fd >= 0, "timerfd_create");
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK, "O_NONBLOCK");
	read8(fd, &err);
	CHECK_EQ(err, EAGAIN);
	struct itimerspec cur;
	memset(&cur, 0x55, sizeof(cur));
	CHECK_EQ(timerfd_gettime(fd, &cur), 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0 && cur.it_interval.tv_sec == 0 &&
	      cur.it_interval.tv_nsec == 0, "disarmed");

	/* relative, 50 ms then every 20 ms */
	struct itimerspec set = {.it_interval = {0, 20000000}, .it_value = {0, 50000000}};
	CHECK_EQ(timerfd_settime(fd, 0, &set, NULL), 0);
	CHECK_EQ(timerfd_gettime(fd, &cur), 0);
	CHECK(ms_of(&cur.it_value) <= 50 && (cur.it_value.tv_sec || cur.it_value.tv_nsec), "time left");
	CHECK(cur.it_interval.tv_sec == 0 && cur.it_interval.tv_nsec == 20000000, "interval");
	CHECK_EQ(poll1(fd, POLLIN, 0), 0);
	char small[4];
	errno = 0;
	CHECK_EQ(read(fd, small, sizeof(small)), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(poll1(fd, POLLIN, 10000), POLLIN);
	uint64_t n = read8(fd, &err);
	CHECK_EQ(err, 0);
	CHECK(n >= 1, "expirations %llu", (unsigned long long)n);
	msleep(100);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	struct timeval tv = {5, 0};
	CHECK_EQ(select(fd + 1, &rs, NULL, NULL, &tv), 1);
	CHECK(FD_ISSET(fd, &rs), "select: readable");
	n = read8(fd, &err);
	CHECK_EQ(err, 0);
	CHECK(n >= 4, "expirations after 100 ms of a 20 ms interval: %llu", (unsigned long long)n);
	/* settime's old value, then disarmed */
	struct itimerspec zero_set = {{0, 0}, {0, 0}}, old;
	CHECK_EQ(timerfd_settime(fd, 0, &zero_set, &old), 0);
	CHECK(old.it_interval.tv_nsec == 20000000 && ms_of(&old.it_value) <= 20, "old setting");
	CHECK_EQ(timerfd_gettime(fd, &cur), 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "disarmed again");
	msleep(30);
	read8(fd, &err);
	CHECK_EQ(err, EAGAIN);
	CHECK_EQ(poll1(fd, POLLIN, 0), 0);
	close(fd);

	/* absolute on CLOCK_REALTIME, one shot, a blocking read */
	fd = timerfd_create(CLOCK_REALTIME, 0);
	CHECK(fd >= 0, "timerfd_create REALTIME");
	CHECK_EQ(fcntl(fd, F_GETFD), 0);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	set = (struct itimerspec){.it_interval = {0, 0}, .it_value = now};
	set.it_value.tv_nsec += 30000000;
	if (set.it_value.tv_nsec >= 1000000000L) {
		set.it_value.tv_sec++;
		set.it_value.tv_nsec -= 1000000000L;
	}
	CHECK_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &set, NULL), 0);
	n = read8(fd, &err);
	CHECK_EQ(err, 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(timerfd_gettime(fd, &cur), 0);
	CHECK(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "a one-shot timer is disarmed after it fires");
	/* an absolute time in the past with an interval: expired at once */
	set = (struct itimerspec){.it_interval = {1, 0}, .it_value = {1, 0}};
	CHECK_EQ(timerfd_settime(fd, TFD_TIMER_ABSTIME, &set, NULL), 0);
	n = read8(fd, &err);
	CHECK_EQ(err, 0);
	CHECK(n > 1000000, "expirations since 1970: %llu", (unsigned long long)n);
	close(fd);

	/* errors */
	errno = 0;
	CHECK_EQ(timerfd_create(42, 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(timerfd_create(CLOCK_MONOTONIC, 1), -1);
	CHECK_EQ(errno, EINVAL);
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	set = (struct itimerspec){.it_interval = {0, 0}, .it_value = {0, 1000000000L}};
	errno = 0;
	CHECK_EQ(timerfd_settime(fd, 0, &set, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	set.it_value.tv_nsec = 1;
	errno = 0;
	CHECK_EQ(timerfd_settime(fd, 4, &set, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	errno = 0;
	CHECK_EQ(timerfd_settime(p[0], 0, &set, NULL), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(timerfd_gettime(p[0], &cur), -1);
	CHECK_EQ(errno, EINVAL);
	close(p[0]);
	close(p[1]);
	errno = 0;
	CHECK_EQ(timerfd_gettime(999, &cur), -1);
	CHECK_EQ(errno, EBADF);
	close(fd);
}

/* --- signalfd ---------------------------------------------------------------------------- */

static int pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

static void check_signalfd(void)
{
	sigset_t block, m1, m12, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigemptyset(&m1);
	sigaddset(&m1, SIGUSR1);
	sigaddset(&m1, SIGKILL); /* ignored, as on Linux */
	sigemptyset(&m12);
	sigaddset(&m12, SIGUSR1);
	sigaddset(&m12, SIGUSR2);

	int fd = signalfd(-1, &m1, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK(fd >= 0, "signalfd");
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	struct signalfd_siginfo si[2];
	errno = 0;
	CHECK_EQ(read(fd, si, sizeof(si[0])), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(poll1(fd, POLLIN, 0), 0);

	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(poll1(fd, POLLIN, 0), POLLIN);
	memset(si, 0x5a, sizeof(si));
	CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si[0]));
	CHECK_EQ(si[0].ssi_signo, SIGUSR1);
	CHECK_EQ(si[0].ssi_code, SI_USER);
	CHECK_EQ(si[0].ssi_pid, getpid());
	CHECK_EQ(si[0].ssi_uid, getuid());
	CHECK_EQ(si[0].ssi_errno, 0);
	CHECK(!pending(SIGUSR1), "taken by the read");

	/* a signal outside the mask is not read; a new mask on the same descriptor */
	CHECK_EQ(kill(getpid(), SIGUSR2), 0);
	CHECK_EQ(poll1(fd, POLLIN, 0), 0);
	errno = 0;
	CHECK_EQ(read(fd, si, sizeof(si)), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(signalfd(fd, &m12, 0), fd);
	CHECK_EQ(poll1(fd, POLLIN, 0), POLLIN);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si));
	CHECK_EQ(si[0].ssi_signo, SIGUSR1);
	CHECK_EQ(si[1].ssi_signo, SIGUSR2);
	CHECK(!pending(SIGUSR1) && !pending(SIGUSR2), "both taken");
	errno = 0;
	CHECK_EQ(read(fd, si, 100), -1);
	CHECK_EQ(errno, EINVAL);

	/* a blocking read (and a poll) woken by another process's kill */
	int bfd = signalfd(-1, &m12, 0);
	CHECK(bfd >= 0, "signalfd blocking");
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		msleep(50);
		kill(parent, SIGUSR2);
		msleep(50);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	CHECK_EQ(read(bfd, si, sizeof(si[0])), (long)sizeof(si[0]));
	CHECK_EQ(si[0].ssi_signo, SIGUSR2);
	CHECK_EQ(si[0].ssi_pid, pid);
	CHECK_EQ(poll1(fd, POLLIN, 10000), POLLIN);
	CHECK_EQ(read(fd, si, sizeof(si)), (long)sizeof(si[0]));
	CHECK_EQ(si[0].ssi_signo, SIGUSR1);

	/* SIGCHLD's fields */
	sigset_t mc;
	sigemptyset(&mc);
	sigaddset(&mc, SIGCHLD);
	CHECK_EQ(signalfd(bfd, &mc, 0), bfd);
	CHECK_EQ(read(bfd, si, sizeof(si[0])), (long)sizeof(si[0])); /* the child above ended */
	CHECK_EQ(si[0].ssi_signo, SIGCHLD);
	CHECK_EQ(si[0].ssi_code, CLD_EXITED);
	CHECK_EQ(si[0].ssi_pid, pid);
	CHECK_EQ(si[0].ssi_status, 0);
	waitpid(pid, NULL, 0);
	pid = fork();
	if (pid == 0)
		_exit(9);
	CHECK_EQ(read(bfd, si, sizeof(si[0])), (long)sizeof(si[0]));
	CHECK_EQ(si[0].ssi_code, CLD_EXITED);
	CHECK_EQ(si[0].ssi_pid, pid);
	CHECK_EQ(si[0].ssi_status, 9);
	waitpid(pid, NULL, 0);

	/* errors */
	errno = 0;
	CHECK_EQ(syscall(SYS_signalfd4, -1, &m1, 4, 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(syscall(SYS_signalfd4, -1, &m1, 8, 1), -1);
	CHECK_EQ(errno, EINVAL);
	int p[2];
	CHECK_EQ(pipe(p), 0);
	errno = 0;
	CHECK_EQ(signalfd(p[0], &m1, 0), -1);
	CHECK_EQ(errno, EINVAL);
	close(p[0]);
	close(p[1]);
	close(fd);
	close(bfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* --- eventfd ----------------------------------------------------------------------------- */

static long wr8(int fd, uint64_t v)
{
	errno = 0;
	return write(fd, &v, sizeof(v));
}

static void check_eventfd(void)
{
	int err;
	int fd = eventfd(3, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(fd >= 0, "eventfd");
	CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	CHECK_EQ(poll1(fd, POLLIN | POLLOUT, 0), POLLIN | POLLOUT);
	CHECK_EQ(read8(fd, &err), 3);
	CHECK_EQ(err, 0);
	read8(fd, &err);
	CHECK_EQ(err, EAGAIN);
	CHECK_EQ(poll1(fd, POLLIN | POLLOUT, 0), POLLOUT);
	CHECK_EQ(wr8(fd, 5), 8);
	CHECK_EQ(wr8(fd, 2), 8);
	CHECK_EQ(read8(fd, &err), 7);
	CHECK_EQ(wr8(fd, UINT64_MAX), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(wr8(fd, UINT64_MAX - 1), 8);
	CHECK_EQ(wr8(fd, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(poll1(fd, POLLIN | POLLOUT, 0), POLLIN);
	CHECK_EQ(read8(fd, &err), UINT64_MAX - 1);
	uint32_t small = 1;
	errno = 0;
	CHECK_EQ(write(fd, &small, 4), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(read(fd, &small, 4), -1);
	CHECK_EQ(errno, EINVAL);
	close(fd);

	/* EFD_SEMAPHORE */
	fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
	CHECK_EQ(read8(fd, &err), 1);
	CHECK_EQ(read8(fd, &err), 1);
	read8(fd, &err);
	CHECK_EQ(err, EAGAIN);
	close(fd);

	/* blocking read, then blocking write, each woken by another process */
	fd = eventfd(0, 0);
	pid_t pid = fork();
	if (pid == 0) {
		msleep(50);
		wr8(fd, 42);
		msleep(100);
		int e;
		_exit(read8(fd, &e) == UINT64_MAX - 1 && e == 0 ? 0 : 1);
	}
	CHECK_EQ(read8(fd, &err), 42);
	CHECK_EQ(err, 0);
	CHECK_EQ(wr8(fd, UINT64_MAX - 1), 8);
	CHECK_EQ(wr8(fd, 5), 8); /* waits for the child's read */
	CHECK_EQ(read8(fd, &err), 5);
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(st, 0);
	close(fd);

	errno = 0;
	CHECK_EQ(eventfd(0, 8), -1);
	CHECK_EQ(errno, EINVAL);
}

/* --- prctl ------------------------------------------------------------------------------- */

static void *thread_name(void *arg)
{
	char n[16];
	int *ok = arg;
	*ok = prctl(PR_SET_NAME, "worker", 0, 0, 0) == 0 && prctl(PR_GET_NAME, n, 0, 0, 0) == 0 &&
	      strcmp(n, "worker") == 0;
	return NULL;
}

static void check_prctl(void)
{
	char n[16], want[16] = "newcalls-name-l";
	memset(n, 0x7f, sizeof(n));
	CHECK_EQ(prctl(PR_SET_NAME, "newcalls-name-longer-than-16", 0, 0, 0), 0);
	CHECK_EQ(prctl(PR_GET_NAME, n, 0, 0, 0), 0);
	CHECK(memcmp(n, want, 16) == 0, "15 bytes and a NUL: %.16s", n);
	CHECK_EQ(prctl(PR_SET_NAME, "ab", 0, 0, 0), 0);
	memset(n, 0x7f, sizeof(n));
	CHECK_EQ(prctl(PR_GET_NAME, n, 0, 0, 0), 0);
	memset(want, 0, sizeof(want));
	strcpy(want, "ab");
	CHECK(memcmp(n, want, 16) == 0, "zero-padded");

	int ok = 0;
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, thread_name, &ok), 0);
	pthread_join(t, NULL);
	CHECK(ok, "the thread's own name");
	CHECK_EQ(prctl(PR_GET_NAME, n, 0, 0, 0), 0);
	CHECK(strcmp(n, "ab") == 0, "the main thread's name unchanged: %s", n);
	errno = 0;
	CHECK_EQ(prctl(PR_SET_NAME, (char *)8, 0, 0, 0), -1);
	CHECK_EQ(errno, EFAULT);
	errno = 0;
	CHECK_EQ(prctl(PR_GET_NAME, (char *)8, 0, 0, 0), -1);
	CHECK_EQ(errno, EFAULT);
	prctl(PR_SET_NAME, "newcalls", 0, 0, 0);
}

/* For the shell's `ps` (tests/qemu/test_semantics.py): `newcalls --named FIFO` leaves a
 * child named "nc-named" by PR_SET_NAME, blocked on the FIFO, and ends once the child has
 * its name; `newcalls --release FIFO` lets it end and removes the FIFO. */
static int named_child(const char *fifo)
{
	int p[2];
	if (mkfifo(fifo, 0600) != 0 || pipe(p) != 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		char c = 'n';
		prctl(PR_SET_NAME, "nc-named", 0, 0, 0);
		write(p[1], &c, 1);
		int fd = open(fifo, O_RDONLY);
		while (read(fd, &c, 1) > 0)
			;
		_exit(0);
	}
	char c;
	int ok = read(p[0], &c, 1) == 1;
	printf("newcalls: %s\n", ok ? "named child left" : "no named child");
	return !ok;
}

static int release_child(const char *fifo)
{
	int fd = open(fifo, O_WRONLY);
	int ok = fd >= 0 && close(fd) == 0 && unlink(fifo) == 0;
	printf("newcalls: %s\n", ok ? "named child released" : "release failed");
	return !ok;
}

/* With arguments, only the parts named (to see each one fail on a kernel without it). */
static int want(int argc, char **argv, const char *part)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], part) == 0)
			return 1;
	return 0;
}

#define PART(name, fn) do { if (want(argc, argv, name)) R0_PART(name, fn()); } while (0)

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--named") == 0)
		return named_child(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--release") == 0)
		return release_child(argv[2]);
	r0_start("newcalls");
	pg = sysconf(_SC_PAGESIZE);
	PART("waitid", check_waitid);
	PART("mremap", check_mremap);
	PART("pidfd", check_pidfd);
	PART("getrandom", check_getrandom);
	PART("sched", check_sched);
	PART("timerfd", check_timerfd);
	PART("signalfd", check_signalfd);
	PART("eventfd", check_eventfd);
	PART("prctl", check_prctl);
	R0_DONE();
}
