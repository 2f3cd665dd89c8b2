/* rlimits: resource limits are enforced, not only stored (issue 10, item 2). Each part runs
 * what it changes in a child process, so the next part starts from the inherited limits.
 *
 *   get-set  getrlimit/prlimit64 return what setrlimit set; soft > hard and an unknown
 *            resource are EINVAL, a bad pointer EFAULT; raising a hard limit needs
 *            CAP_SYS_RESOURCE (asked with capget: the host's root may lack it, ringzero's
 *            root has it), RLIMIT_NOFILE never above nr_open (EPERM)
 *   inherit  fork copies the limits, execve keeps them
 *   nofile   RLIMIT_NOFILE: open, openat, dup, pipe, F_DUPFD beyond it EMFILE; dup2 to a
 *            descriptor at or above it EBADF, F_DUPFD from there EINVAL; descriptors already
 *            open above a lowered limit stay usable
 *   nofile-big  RLIMIT_NOFILE raised to 10 032 (as redis-server asks): 1 500 descriptors
 *            open at once, dup2 to 5 000 and F_DUPFD from 9 000, /proc/self/fd lists them,
 *            fork copies them, execve closes the close-on-exec one and keeps the other,
 *            close_range closes them, dup2 to the limit is EBADF; on ringzero the defaults
 *            are Linux's (1 024 soft, 4 096 hard)
 *   nproc    RLIMIT_NPROC is stored and inherited; fork beyond it is EAGAIN except for root
 *            or CAP_SYS_RESOURCE/CAP_SYS_ADMIN (Linux does not enforce it for them; every
 *            process is root on ringzero)
 *   as-data  RLIMIT_AS: mmap beyond it ENOMEM (a MAP_FIXED replacement counts what it
 *            replaces); RLIMIT_DATA: private writable mmap, brk and mprotect to writable
 *            beyond it ENOMEM (brk stays), read-only and shared mappings not counted
 *   stack    RLIMIT_STACK: growing the stack past it is SIGSEGV, within it fine; after
 *            execve the stack may grow up to a raised limit (past the 8 MiB default)
 *   fsize    RLIMIT_FSIZE: a write crossing it is cut at the limit, one at or past it gets
 *            SIGXFSZ and EFBIG (handled or ignored) or is killed by it (default action);
 *            ftruncate past it the same; pipes and /dev/null are not limited
 *
 * Usage: rlimits                      the test
 *        rlimits --show RES CUR MAX   (used by the test after execve) exit 0 if limit RES is
 *                                     CUR/MAX ("inf" for RLIM_INFINITY)
 *        rlimits --deep KIB           recurse through KIB KiB of stack, exit 0
 *        rlimits --open FD OPEN       exit 0 if descriptor FD is open (OPEN 1) or not (0) */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define MIB (1024UL * 1024)
static const char *self;

/* Whether this process has capability cap (capget, version 3). */
static int capable(int cap)
{
	struct { uint32_t version; int pid; } h = {0x20080522, 0};
	struct { uint32_t eff, perm, inh; } d[2];
	if (syscall(SYS_capget, &h, d) != 0)
		return 0;
	return (d[cap / 32].eff >> (cap % 32)) & 1;
}
#define CAP_SYS_ADMIN 21
#define CAP_SYS_RESOURCE 24

static int set(int res, rlim_t cur, rlim_t max)
{
	struct rlimit r = {cur, max};
	return setrlimit(res, &r);
}

static struct rlimit get(int res)
{
	struct rlimit r = {0, 0};
	CHECK(getrlimit(res, &r) == 0, "getrlimit %d", res);
	return r;
}

/* Runs fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		fn();
		fflush(stdout);
		_exit(r0_failures ? 1 : 0);
	}
	int st = -1;
	CHECK(p > 0 && waitpid(p, &st, 0) == p, "fork/wait");
	return st;
}

static void child_ok(void (*fn)(void), const char *what)
{
	int st = in_child(fn);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: child status %#x", what, st);
}

/* --- get-set ------------------------------------------------------------------------- */

static void get_set_body(void)
{
	static const int res[] = {RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_CORE,
				  RLIMIT_NOFILE, RLIMIT_AS, RLIMIT_NPROC, RLIMIT_MEMLOCK};
	for (unsigned i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		struct rlimit old = get(res[i]);
		rlim_t cur = 100 + i, max = old.rlim_max == RLIM_INFINITY ? 1000 + i : old.rlim_max;
		if (res[i] == RLIMIT_NOFILE)
			cur = 20;
		if (res[i] == RLIMIT_STACK || res[i] == RLIMIT_AS || res[i] == RLIMIT_DATA)
			cur = 1ULL << 40; /* lower limits would end this child */
		if (max < cur)
			cur = max;
		CHECK(set(res[i], cur, max) == 0, "setrlimit %d", res[i]);
		struct rlimit now = get(res[i]);
		CHECK(now.rlim_cur == cur && now.rlim_max == max, "resource %d: %llu/%llu, set %llu/%llu", res[i],
		      (unsigned long long)now.rlim_cur, (unsigned long long)now.rlim_max, (unsigned long long)cur,
		      (unsigned long long)max);
		struct rlimit p;
		CHECK(prlimit(0, res[i], NULL, &p) == 0 && p.rlim_cur == cur && p.rlim_max == max,
		      "prlimit reads resource %d", res[i]);
	}
	struct rlimit r = {10, 5};
	errno = 0;
	CHECK(setrlimit(RLIMIT_CPU, &r) == -1 && errno == EINVAL, "soft above hard");
	CHECK(get(RLIMIT_CPU).rlim_cur == 100, "unchanged after EINVAL");
	errno = 0;
	CHECK(syscall(SYS_getrlimit, 99, &r) == -1 && errno == EINVAL, "unknown resource");
	errno = 0;
	CHECK(syscall(SYS_setrlimit, RLIMIT_CPU, (void *)8) == -1 && errno == EFAULT, "bad pointer");
	errno = 0;
	CHECK(syscall(SYS_getrlimit, RLIMIT_CPU, (void *)8) == -1 && errno == EFAULT, "bad pointer");
	/* prlimit64 sets and returns the old value in one call */
	struct rlimit n = {50, 500}, o;
	CHECK(prlimit(0, RLIMIT_CPU, &n, &o) == 0 && o.rlim_cur == 100 && o.rlim_max == 1000, "prlimit old");
	CHECK(get(RLIMIT_CPU).rlim_cur == 50 && get(RLIMIT_CPU).rlim_max == 500, "prlimit new");
	/* the hard limit: lowering is always allowed, raising needs CAP_SYS_RESOURCE (capget:
	 * first the version probe libcap makes) */
	struct { uint32_t version; int pid; } h = {0, 0};
	CHECK(syscall(SYS_capget, &h, NULL) == 0 && h.version == 0x20080522, "capget version probe");
	uint32_t d[6];
	h.version = 1;
	errno = 0;
	CHECK(syscall(SYS_capget, &h, d) == -1 && errno == EINVAL && h.version == 0x20080522, "capget bad version");
	int priv = capable(CAP_SYS_RESOURCE);
	errno = 0;
	int e = set(RLIMIT_CPU, 50, 600);
	if (priv)
		CHECK(e == 0 && get(RLIMIT_CPU).rlim_max == 600, "raise the hard limit (privileged)");
	else
		CHECK(e == -1 && errno == EPERM && get(RLIMIT_CPU).rlim_max == 500, "raise the hard limit: EPERM");
	errno = 0;
	CHECK(set(RLIMIT_NOFILE, 20, 1ULL << 30) == -1 && errno == EPERM, "NOFILE above nr_open: EPERM");
	printf("rlimits: raising a hard limit %s\n", priv ? "allowed (CAP_SYS_RESOURCE)" : "refused (no CAP_SYS_RESOURCE)");
}

/* --- inherit ------------------------------------------------------------------------- */

static void inherit_body(void)
{
	CHECK(set(RLIMIT_CPU, 77, 88) == 0 && set(RLIMIT_FSIZE, 1 << 20, 2 << 20) == 0, "set");
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		struct rlimit a = get(RLIMIT_CPU), b = get(RLIMIT_FSIZE);
		_exit(a.rlim_cur == 77 && a.rlim_max == 88 && b.rlim_cur == 1 << 20 && b.rlim_max == 2 << 20 ? 0 : 1);
	}
	int st;
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork copies the limits");
	p = fork();
	if (p == 0) {
		execl(self, self, "--show", "0", "77", "88", (char *)0); /* RLIMIT_CPU = 0 */
		_exit(3);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve keeps them (status %#x)", st);
}

/* --- nofile -------------------------------------------------------------------------- */

static void nofile_body(void)
{
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	struct rlimit old = get(RLIMIT_NOFILE);
	CHECK(set(RLIMIT_NOFILE, 16, old.rlim_max) == 0, "set 16");
	int last = -1, fd;
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		last = fd;
	CHECK(errno == EMFILE, "open beyond: EMFILE");
	CHECK_EQ(last, 15);
	errno = 0;
	CHECK(openat(AT_FDCWD, "/dev/null", O_RDONLY) == -1 && errno == EMFILE, "openat: EMFILE");
	errno = 0;
	CHECK(dup(0) == -1 && errno == EMFILE, "dup: EMFILE");
	errno = 0;
	CHECK(fcntl(0, F_DUPFD, 3) == -1 && errno == EMFILE, "F_DUPFD: EMFILE");
	close(15);
	int pfd[2];
	errno = 0;
	CHECK(pipe(pfd) == -1 && errno == EMFILE, "pipe with one slot: EMFILE");
	CHECK(fcntl(0, F_DUPFD, 0) == 15, "the slot is still free");
	errno = 0;
	CHECK(dup2(0, 16) == -1 && errno == EBADF, "dup2 to the limit: EBADF");
	errno = 0;
	CHECK(dup2(0, 200) == -1 && errno == EBADF, "dup2 above: EBADF");
	errno = 0;
	CHECK(dup3(0, 16, O_CLOEXEC) == -1 && errno == EBADF, "dup3 to the limit: EBADF");
	errno = 0;
	CHECK(fcntl(0, F_DUPFD, 16) == -1 && errno == EINVAL, "F_DUPFD from the limit: EINVAL");
	CHECK(dup2(0, 15) == 15, "dup2 below the limit");
	/* lowered below open descriptors: they stay usable, new ones come below the limit */
	for (int i = 3; i < 10; i++)
		close(i);
	CHECK(set(RLIMIT_NOFILE, 8, old.rlim_max) == 0, "set 8");
	struct stat sb;
	CHECK(fstat(15, &sb) == 0, "fd 15 above the limit still works");
	CHECK(open("/dev/null", O_RDONLY) == 3, "open takes the lowest free slot");
	for (int i = 4; i < 8; i++)
		CHECK(open("/dev/null", O_RDONLY) == i, "open %d", i);
	errno = 0;
	CHECK(open("/dev/null", O_RDONLY) == -1 && errno == EMFILE, "open with 8 below the limit: EMFILE");
	CHECK(set(RLIMIT_NOFILE, 64, old.rlim_max) == 0, "raise the soft limit again");
	CHECK(pipe(pfd) == 0 && pfd[0] == 8 && pfd[1] == 9, "pipe after raising");
}

/* --- nofile-big ---------------------------------------------------------------------- */

static void nofile_big_body(void)
{
	struct utsname u;
	if (uname(&u) == 0 && strstr(u.version, "ringzero")) {
		struct rlimit d = get(RLIMIT_NOFILE);
		CHECK(d.rlim_cur == 1024 && d.rlim_max == 4096, "defaults %llu/%llu", (unsigned long long)d.rlim_cur,
		      (unsigned long long)d.rlim_max);
	}
	struct rlimit old = get(RLIMIT_NOFILE);
	rlim_t want = 10032;
	if (old.rlim_max < want && !capable(CAP_SYS_RESOURCE)) {
		printf("# nofile-big: hard limit %llu and no CAP_SYS_RESOURCE: not run\n",
		       (unsigned long long)old.rlim_max);
		return;
	}
	CHECK(set(RLIMIT_NOFILE, want, old.rlim_max < want ? want : old.rlim_max) == 0, "raise to 10032");
	static int fds[1500];
	int n = 0, fd;
	while (n < 1500 && (fd = open("/dev/null", O_RDONLY)) >= 0)
		fds[n++] = fd;
	CHECK_EQ(n, 1500);
	CHECK(n == 0 || fds[n - 1] >= 1500, "the last of 1500 is fd %d", n ? fds[n - 1] : -1);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	CHECK_EQ(dup2(0, 5000), 5000);
	CHECK_EQ(fcntl(0, F_DUPFD, 9000), 9000);
	struct stat sb;
	CHECK(fstat(5000, &sb) == 0 && fstat(9000, &sb) == 0, "both usable");
	char path[64], target[64];
	snprintf(path, sizeof(path), "/proc/%d/fd/9000", (int)getpid());
	CHECK(readlink(path, target, sizeof(target)) > 0, "%s", path);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0)
		_exit(fcntl(5000, F_GETFD) >= 0 && fcntl(9000, F_GETFD) >= 0 ? 0 : 1);
	int st;
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork copies them (status %#x)", st);
	CHECK(fcntl(9000, F_SETFD, FD_CLOEXEC) == 0, "FD_CLOEXEC");
	const char *check[][2] = {{"9000", "0"}, {"5000", "1"}};
	for (int i = 0; i < 2; i++) {
		p = fork();
		if (p == 0) {
			execl(self, self, "--open", check[i][0], check[i][1], (char *)0);
			_exit(3);
		}
		CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "after execve fd %s open: %s (status %#x)",
		      check[i][0], check[i][1], st);
	}
	CHECK(syscall(SYS_close_range, 4000, ~0U, 0) == 0, "close_range");
	errno = 0;
	CHECK(fcntl(5000, F_GETFD) == -1 && errno == EBADF, "closed");
	errno = 0;
	CHECK(dup2(0, (int)want) == -1 && errno == EBADF, "dup2 to the limit: EBADF");
}

/* --- nproc --------------------------------------------------------------------------- */

static void nproc_body(void)
{
	CHECK(set(RLIMIT_NPROC, 1, 1) == 0, "set NPROC 1");
	struct rlimit r = get(RLIMIT_NPROC);
	CHECK(r.rlim_cur == 1 && r.rlim_max == 1, "NPROC reads back");
	int exempt = getuid() == 0 || capable(CAP_SYS_RESOURCE) || capable(CAP_SYS_ADMIN);
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		struct rlimit c = get(RLIMIT_NPROC);
		_exit(c.rlim_cur == 1 ? 0 : 1);
	}
	if (exempt) {
		int st;
		CHECK(p > 0, "fork beyond NPROC succeeds for root (as Linux)");
		CHECK(p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child inherited NPROC");
	} else {
		CHECK(p == -1 && errno == EAGAIN, "fork beyond NPROC: EAGAIN");
	}
	printf("rlimits: RLIMIT_NPROC %s\n", exempt ? "not enforced (root)" : "enforced");
}

/* --- as-data ------------------------------------------------------------------------- */

static void *map(size_t len, int prot, int flags)
{
	return mmap(NULL, len, prot, flags | MAP_ANONYMOUS, -1, 0);
}

static void as_body(void)
{
	CHECK(set(RLIMIT_AS, 512 * MIB, RLIM_INFINITY) == 0, "set AS");
	errno = 0;
	CHECK(map(1024 * MIB, PROT_NONE, MAP_PRIVATE) == MAP_FAILED && errno == ENOMEM, "1 GiB beyond AS: ENOMEM");
	errno = 0;
	CHECK(map(1024 * MIB, PROT_READ, MAP_SHARED) == MAP_FAILED && errno == ENOMEM, "shared too");
	char *a = map(256 * MIB, PROT_NONE, MAP_PRIVATE);
	CHECK(a != MAP_FAILED, "256 MiB within AS");
	errno = 0;
	CHECK(map(256 * MIB, PROT_NONE, MAP_PRIVATE) == MAP_FAILED && errno == ENOMEM, "another 256 MiB: ENOMEM");
	/* MAP_FIXED over part of it: counts only the growth */
	CHECK(mmap(a, 128 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == a, "MAP_FIXED replace");
	errno = 0;
	CHECK(mmap(a + 128 * MIB, 512 * MIB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED &&
	      errno == ENOMEM, "MAP_FIXED growing beyond AS: ENOMEM");
	CHECK(mprotect(a + 128 * MIB, 4096, PROT_NONE) == 0, "the old mapping is still there");
	CHECK(munmap(a, 256 * MIB) == 0, "munmap");
	char *b = map(256 * MIB, PROT_NONE, MAP_PRIVATE);
	CHECK(b != MAP_FAILED, "room again after munmap");
	munmap(b, 256 * MIB);
}

static void data_body(void)
{
	CHECK(set(RLIMIT_DATA, 64 * MIB, RLIM_INFINITY) == 0, "set DATA");
	errno = 0;
	CHECK(map(128 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE) == MAP_FAILED && errno == ENOMEM,
	      "private writable beyond DATA: ENOMEM");
	void *r = map(128 * MIB, PROT_READ, MAP_PRIVATE);
	CHECK(r != MAP_FAILED, "read-only is not data");
	errno = 0;
	CHECK(mprotect(r, 128 * MIB, PROT_READ | PROT_WRITE) == -1 && errno == ENOMEM,
	      "mprotect making it writable: beyond DATA");
	CHECK(mprotect(r, 16 * MIB, PROT_READ | PROT_WRITE) == 0, "16 MiB of it writable: within");
	CHECK(mprotect(r, 16 * MIB, PROT_READ) == 0, "back to read-only");
	void *s = map(128 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED);
	CHECK(s != MAP_FAILED, "shared is not data");
	void *w = map(32 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE);
	CHECK(w != MAP_FAILED, "32 MiB within DATA");
	errno = 0;
	CHECK(map(40 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE) == MAP_FAILED && errno == ENOMEM,
	      "40 more: beyond DATA");
	long cur = syscall(SYS_brk, 0);
	CHECK(syscall(SYS_brk, cur + 40 * MIB) == cur, "brk beyond DATA stays");
	CHECK(syscall(SYS_brk, cur + 16 * MIB) == cur + (long)(16 * MIB), "brk within DATA");
	CHECK(syscall(SYS_brk, cur) == cur, "brk back");
	munmap(r, 128 * MIB);
	munmap(s, 128 * MIB);
	munmap(w, 32 * MIB);
}

/* --- stack --------------------------------------------------------------------------- */

static __attribute__((noinline)) int deep(int kib)
{
	volatile char buf[1024];
	buf[0] = (char)kib;
	buf[1023] = 1;
	if (kib <= 1)
		return buf[0];
	return deep(kib - 1) + buf[1023];
}

static long deep_kib;
static void deep_body(void) { _exit(deep((int)deep_kib) > 0 ? 0 : 1); }

static int run_deep(rlim_t limit, long kib)
{
	struct rlimit old = get(RLIMIT_STACK);
	CHECK(set(RLIMIT_STACK, limit, old.rlim_max) == 0, "set STACK");
	deep_kib = kib;
	int st = in_child(deep_body);
	CHECK(set(RLIMIT_STACK, old.rlim_cur, old.rlim_max) == 0, "restore STACK");
	return st;
}

static void stack_body(void)
{
	int st = run_deep(256 * 1024, 1024);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "1 MiB of stack with a 256 KiB limit: SIGSEGV (status %#x)", st);
	st = run_deep(256 * 1024, 128);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "128 KiB within 256 KiB (status %#x)", st);
	/* execve with a raised limit: the new stack may grow past the 8 MiB default */
	struct rlimit old = get(RLIMIT_STACK);
	CHECK(set(RLIMIT_STACK, 32 * MIB, old.rlim_max) == 0, "set STACK 32 MiB");
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		execl(self, self, "--deep", "16384", (char *)0);
		_exit(3);
	}
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "16 MiB of stack after execve with a 32 MiB limit (status %#x)", st);
	CHECK(set(RLIMIT_STACK, old.rlim_cur, old.rlim_max) == 0, "restore");
}

/* --- fsize --------------------------------------------------------------------------- */

static volatile int xfsz;
static void on_xfsz(int s) { (void)s; xfsz++; }
static const char *fsize_path = "/tmp/rlimits.fsize";
static char block[6000];

static void fsize_body(void)
{
	CHECK(set(RLIMIT_FSIZE, 10000, RLIM_INFINITY) == 0, "set FSIZE");
	signal(SIGXFSZ, on_xfsz);
	int fd = open(fsize_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open");
	CHECK_EQ(write(fd, block, 6000), 6000);
	CHECK_EQ(write(fd, block, 6000), 4000); /* cut at the limit */
	CHECK_EQ(xfsz, 0);
	errno = 0;
	CHECK(write(fd, block, 1) == -1 && errno == EFBIG, "at the limit: EFBIG");
	CHECK_EQ(xfsz, 1);
	CHECK_EQ(pwrite(fd, block, 10, 9995), 5);
	errno = 0;
	CHECK(pwrite(fd, block, 10, 20000) == -1 && errno == EFBIG, "past the limit: EFBIG");
	CHECK_EQ(xfsz, 2);
	errno = 0;
	CHECK(ftruncate(fd, 20000) == -1 && errno == EFBIG, "ftruncate past: EFBIG");
	CHECK_EQ(xfsz, 3);
	CHECK(ftruncate(fd, 10000) == 0 && ftruncate(fd, 5000) == 0, "ftruncate within / shrinking");
	struct stat sb;
	CHECK(fstat(fd, &sb) == 0 && sb.st_size == 5000, "size");
	CHECK_EQ(write(fd, block, 0), 0);
	/* ignored: EFBIG, nothing else */
	signal(SIGXFSZ, SIG_IGN);
	errno = 0;
	CHECK(pwrite(fd, block, 1, 10000) == -1 && errno == EFBIG, "ignored: EFBIG");
	CHECK_EQ(xfsz, 3);
	close(fd);
	/* pipes and devices are not files */
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	CHECK_EQ(write(p[1], block, 6000) + write(p[1], block, 6000), 12000);
	close(p[0]);
	close(p[1]);
	int n = open("/dev/null", O_WRONLY);
	CHECK(write(n, block, 6000) == 6000 && write(n, block, 6000) == 6000, "/dev/null");
	close(n);
}

static void fsize_kill_body(void)
{
	set(RLIMIT_FSIZE, 100, RLIM_INFINITY);
	int fd = open(fsize_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, block, 200); /* 100 bytes */
	write(fd, block, 1);   /* SIGXFSZ, default action: the process ends */
	_exit(0);
}

static void fsize(void)
{
	mkdir("/tmp", 0777);
	child_ok(fsize_body, "fsize");
	int st = in_child(fsize_kill_body);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ, "default action of SIGXFSZ (status %#x)", st);
	struct stat sb;
	CHECK(stat(fsize_path, &sb) == 0 && sb.st_size == 100, "the killed writer wrote 100 bytes");
	unlink(fsize_path);
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 5 && !strcmp(argv[1], "--show")) {
		struct rlimit r;
		if (getrlimit(atoi(argv[2]), &r))
			return 2;
		rlim_t c = strcmp(argv[3], "inf") ? strtoull(argv[3], 0, 0) : RLIM_INFINITY;
		rlim_t m = strcmp(argv[4], "inf") ? strtoull(argv[4], 0, 0) : RLIM_INFINITY;
		return r.rlim_cur == c && r.rlim_max == m ? 0 : 1;
	}
	if (argc == 4 && !strcmp(argv[1], "--open"))
		return (fcntl(atoi(argv[2]), F_GETFD) >= 0) == (atoi(argv[3]) == 1) ? 0 : 1;
	if (argc == 3 && !strcmp(argv[1], "--deep"))
		return deep(atoi(argv[2])) > 0 ? 0 : 1;
	r0_start("rlimits");
	R0_PART("get-set", child_ok(get_set_body, "get-set"));
	R0_PART("inherit", child_ok(inherit_body, "inherit"));
	R0_PART("nofile", child_ok(nofile_body, "nofile"));
	R0_PART("nofile-big", child_ok(nofile_big_body, "nofile-big"));
	R0_PART("nproc", child_ok(nproc_body, "nproc"));
	R0_PART("as-data", child_ok(as_body, "as"); child_ok(data_body, "data"));
	R0_PART("stack", stack_body());
	R0_PART("fsize", fsize());
	R0_DONE();
}
