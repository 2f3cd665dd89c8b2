/* litepath: the file calls that ring 0 runs on the entry's lite path (issue 12 item 3: read,
 * write, pread/pwrite, readv/writev, lseek, fstat, stat, open, close; the trapframe filled
 * lazily, fdget without a file reference, copy_to_user in quadwords, getppid from a cached
 * ppid), checked against the host where a blocked, signalled, restarted, faulting or
 * preempted call would show an incomplete frame or a freed file.
 *
 * Parts: `restart` (a pipe read blocked in the call, a signal with and without SA_RESTART:
 * the handler runs, the read goes on or fails with EINTR, the caller's live values intact,
 * a lite call inside the handler; the same for open of a FIFO with no writer), `efault` (copies of 0..17 bytes at every alignment up to
 * the end of a mapping, none written past the buffer; a buffer across into an unmapped page
 * or wholly in it: EFAULT, nothing written before the buffer), `stackgrow` (a read into an
 * untouched stack array far below the stack pointer), `threadclose` (one thread blocked in
 * read while another closes the descriptor and reuses its number: the read still ends with
 * the pipe's data), `vfork` (the child writes and _exits on the parent's stack), `ppid`
 * (getppid of a process and of its threads after the parent exits; a thread's getppid is
 * the process's parent), `ppid-thread` (a child forked by a thread that exits keeps the
 * process as parent), `preempt` (long reads and fstats while another process forks and
 * execs: every result right). */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define PAGE 4096

static volatile int handled;
static int hpipe[2];
static void on_usr1(int s)
{
	(void)s;
	handled++;
	char c = 'h';
	if (write(hpipe[1], &c, 1) != 1) /* a lite call inside the handler */
		handled += 100;
}

static void set_handler(int restart)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
}

/* A child that signals the parent (blocked in read) and, for SA_RESTART, then writes. */
static pid_t poke(int wfd, int write_after)
{
	pid_t p = fork();
	if (p == 0) {
		usleep(50000);
		kill(getppid(), SIGUSR1);
		usleep(50000);
		if (write_after && write(wfd, "data", 4) != 4)
			_exit(2);
		_exit(0);
	}
	return p;
}

static __attribute__((noinline)) long mix(long a, long b) { return a * 31 + b; }

static void part_restart(void)
{
	CHECK(pipe(hpipe) == 0, "pipe");
	for (int restart = 1; restart >= 0; restart--) {
		int p[2];
		CHECK(pipe(p) == 0, "pipe");
		set_handler(restart);
		handled = 0;
		/* values live across the call (callee-saved registers at -O2) */
		long a = mix(getpid(), 1), b = mix(a, 2), c = mix(b, 3), d = mix(c, 4), e = mix(d, 5);
		pid_t k = poke(p[1], restart);
		char buf[8] = { 0 };
		errno = 0;
		ssize_t n = read(p[0], buf, sizeof(buf));
		if (restart)
			CHECK(n == 4 && memcmp(buf, "data", 4) == 0, "SA_RESTART read %zd", n);
		else
			CHECK(n == -1 && errno == EINTR, "read without SA_RESTART %zd", n);
		CHECK_EQ(handled, 1);
		CHECK(e == mix(mix(mix(mix(mix(getpid(), 1), 2), 3), 4), 5) && d == mix(c, 4) && b == mix(a, 2),
		      "live values");
		char hc = 0;
		CHECK(read(hpipe[0], &hc, 1) == 1 && hc == 'h', "handler's write");
		int st;
		CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0, "poker");
		/* readv blocked and restarted too */
		if (restart) {
			k = poke(p[1], 1);
			struct iovec iv[2] = { { buf, 2 }, { buf + 4, 2 } };
			memset(buf, 0, sizeof(buf));
			n = readv(p[0], iv, 2);
			CHECK(n == 4 && memcmp(buf, "da\0\0ta", 6) == 0, "readv restarted %zd", n);
			CHECK(read(hpipe[0], &hc, 1) == 1, "handler's write");
			CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0, "poker");
		}
		close(p[0]);
		close(p[1]);
	}
	/* open of a FIFO blocks until a writer opens it: restarted, or EINTR */
	char fifo[] = "/tmp/litepath-fifo";
	unlink(fifo);
	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
	for (int restart = 1; restart >= 0; restart--) {
		set_handler(restart);
		handled = 0;
		pid_t k = fork();
		if (k == 0) {
			usleep(50000);
			kill(getppid(), SIGUSR1);
			usleep(50000);
			if (restart) {
				int w = open(fifo, O_WRONLY);
				if (w < 0 || write(w, "f", 1) != 1)
					_exit(2);
				close(w);
			}
			_exit(0);
		}
		long a = mix(k, 9), b = mix(a, 10);
		errno = 0;
		int r = open(fifo, O_RDONLY);
		if (restart) {
			char fc = 0;
			CHECK(r >= 0 && read(r, &fc, 1) == 1 && fc == 'f', "FIFO open restarted (%d)", r);
		} else {
			CHECK(r == -1 && errno == EINTR, "FIFO open without SA_RESTART: %d", r);
		}
		if (r >= 0)
			close(r);
		CHECK_EQ(handled, 1);
		CHECK(b == mix(mix(k, 9), 10), "live values");
		char hc;
		CHECK(read(hpipe[0], &hc, 1) == 1, "handler's write");
		int st;
		CHECK(waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 0, "poker");
	}
	unlink(fifo);
	signal(SIGUSR1, SIG_DFL);
	close(hpipe[0]);
	close(hpipe[1]);
}

static void part_efault(void)
{
	char *m = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap");
	if (m == MAP_FAILED)
		return;
	CHECK(munmap(m + PAGE, PAGE) == 0, "munmap");
	char *end = m + PAGE;
	char path[] = "/tmp/litepathXXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	unlink(path);
	unsigned char src[64];
	for (int i = 0; i < 64; i++)
		src[i] = (unsigned char)(i + 1);
	CHECK(write(fd, src, 64) == 64, "file");
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	for (int n = 0; n <= 17; n++) {
		for (int off = 0; off < 8; off++) {
			/* a buffer of n bytes that ends off bytes before the end of the mapping */
			char *b = end - off - n;
			memset(end - 64, 0xaa, 64);
			CHECK(pread(fd, b, n, 0) == n, "pread n=%d off=%d", n, off);
			int bad = 0;
			for (char *q = end - 64; q < end; q++)
				if (q >= b && q < b + n ? (unsigned char)*q != src[q - b] : (unsigned char)*q != 0xaa)
					bad++;
			CHECK(bad == 0, "pread n=%d off=%d: %d bytes wrong", n, off, bad);
			/* copy_from_user: the same bytes out through a pipe */
			CHECK(write(p[1], b, n) == n, "write n=%d off=%d", n, off);
			unsigned char got[32];
			CHECK(n == 0 || read(p[0], got, sizeof(got)) == n, "read back");
			CHECK(n == 0 || memcmp(got, src, n) == 0, "bytes back n=%d off=%d", n, off);
			/* across into the unmapped page (the last off+1 bytes missing) */
			if (n > 0) {
				char *x = end - n + off + 1;
				if (x > end)
					x = end;
				memset(end - 64, 0xaa, 64);
				errno = 0;
				ssize_t r = pread(fd, x, n, 0);
				CHECK((r == -1 && errno == EFAULT) || (r >= 0 && r < n && x + r <= end),
				      "pread across n=%d off=%d: %zd", n, off, r);
				int before = 0;
				for (char *q = end - 64; q < x && q < end; q++)
					before += (unsigned char)*q != 0xaa;
				CHECK(before == 0, "bytes before the buffer written n=%d off=%d", n, off);
				errno = 0;
				r = write(p[1], x, n);
				CHECK((r == -1 && errno == EFAULT) || (r >= 0 && r < n), "write from across n=%d off=%d: %zd", n, off, r);
				if (r > 0) { /* drain */
					unsigned char got2[32];
					if (read(p[0], got2, sizeof(got2)) < 0)
						break;
				}
			}
		}
	}
	/* the raw calls (musl's fstat copies through a stat of its own) */
	struct stat st;
	errno = 0;
	CHECK(syscall(SYS_fstat, fd, end - sizeof(st) + 8) == -1 && errno == EFAULT, "fstat across");
	errno = 0;
	CHECK(syscall(SYS_fstat, fd, end) == -1 && errno == EFAULT, "fstat unmapped");
	CHECK(syscall(SYS_fstat, fd, end - sizeof(st)) == 0, "fstat at the end");
	CHECK(((struct stat *)(end - sizeof(st)))->st_size == 64, "fstat's size");
	errno = 0;
	CHECK(syscall(SYS_stat, "/tmp", end - 1) == -1 && errno == EFAULT, "stat across");
	errno = 0;
	CHECK(open(end, O_RDONLY) == -1 && errno == EFAULT, "open of an unmapped name");
	close(fd);
	close(p[0]);
	close(p[1]);
	munmap(m, PAGE);
}

static __attribute__((noinline)) int deep_read(int fd)
{
	volatile char big[1 << 20]; /* 1 MiB below the stack pointer, never touched */
	char *lo = (char *)big;
	int r = (int)read(fd, lo, 4096);
	int ok = r == 4096;
	for (int i = 0; i < 4096; i++)
		ok &= lo[i] == 0;
	return ok;
}

static void part_stackgrow(void)
{
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0, "/dev/zero");
	CHECK(deep_read(fd), "a read into an untouched stack array");
	close(fd);
}

static int tc_fd;
static volatile int tc_state;
static void *tc_reader(void *arg)
{
	(void)arg;
	char buf[16] = { 0 };
	tc_state = 1;
	ssize_t n = read(tc_fd, buf, sizeof(buf));
	return (void *)(long)(n == 5 && memcmp(buf, "hello", 5) == 0 ? 1 : -n - 1000);
}

static void part_threadclose(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	tc_fd = p[0];
	tc_state = 0;
	pthread_t t;
	CHECK(pthread_create(&t, NULL, tc_reader, NULL) == 0, "thread");
	while (!tc_state)
		usleep(1000);
	usleep(50000); /* the reader is (most likely) asleep in read */
	CHECK(close(p[0]) == 0, "close the reader's descriptor");
	/* reuse the number and the memory a freed file would leave */
	int fds[8];
	for (int i = 0; i < 8; i++)
		fds[i] = open("/dev/null", O_RDONLY);
	CHECK(fds[0] == p[0], "the number reused");
	CHECK(write(p[1], "hello", 5) == 5, "write");
	void *r;
	CHECK(pthread_join(t, &r) == 0 && r == (void *)1L, "the blocked read got the data (%ld)", (long)r);
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	close(p[1]);
}

static void part_vfork(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	long live = mix(getpid(), 7);
	pid_t c = vfork();
	if (c == 0) {
		if (write(p[1], "vf", 2) != 2)
			_exit(3);
		_exit(0);
	}
	CHECK(c > 0, "vfork");
	CHECK_EQ(live, mix(getpid(), 7));
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child");
	char b[4] = { 0 };
	CHECK(read(p[0], b, 4) == 2 && memcmp(b, "vf", 2) == 0, "the child's write");
	close(p[0]);
	close(p[1]);
}

static volatile pid_t thr_ppid;
static void *ppid_thread(void *a)
{
	(void)a;
	thr_ppid = getppid();
	return NULL;
}

static void part_ppid(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t me = getpid();
	pid_t c = fork();
	if (c == 0) {
		/* child: its thread sees this process's parent */
		pthread_t t;
		thr_ppid = -1;
		if (pthread_create(&t, NULL, ppid_thread, NULL) || pthread_join(t, NULL))
			_exit(10);
		if (thr_ppid != me || getppid() != me)
			_exit(11);
		pid_t self = getpid();
		pid_t g = fork();
		if (g == 0) {
			/* grandchild: wait until the child is gone, then report its parent */
			close(p[0]);
			pid_t before = self;
			while (getppid() == before)
				usleep(1000);
			pid_t after = getppid();
			thr_ppid = -1;
			pthread_t t2;
			if (pthread_create(&t2, NULL, ppid_thread, NULL) || pthread_join(t2, NULL))
				_exit(12);
			int ok = after != before && thr_ppid == after;
			if (write(p[1], &ok, sizeof(ok)) != sizeof(ok))
				_exit(13);
			_exit(0);
		}
		_exit(0);
	}
	close(p[1]);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %x", st);
	int ok = 0;
	CHECK(read(p[0], &ok, sizeof(ok)) == sizeof(ok) && ok == 1, "reparented grandchild and its thread");
	close(p[0]);
}

/* A child forked by a thread that then exits keeps the process as its parent (Linux
 * reparents to another thread of the group, getppid stays the process's pid). */
static int tp_pipe[2];
static volatile pid_t tp_child;
static void *tp_forker(void *a)
{
	(void)a;
	pid_t me = getpid();
	pid_t c = fork();
	if (c == 0) {
		char x;
		if (read(tp_pipe[0], &x, 1) != 1) /* until the forking thread is gone */
			_exit(20);
		_exit(getppid() == me ? 0 : 21);
	}
	tp_child = c;
	return NULL;
}

static void part_ppidthread(void)
{
	CHECK(pipe(tp_pipe) == 0, "pipe");
	pthread_t t;
	CHECK(pthread_create(&t, NULL, tp_forker, NULL) == 0 && pthread_join(t, NULL) == 0, "thread");
	usleep(20000); /* the thread has exited (join), and its exit has run */
	CHECK(write(tp_pipe[1], "x", 1) == 1, "go");
	int st = -1;
	CHECK(waitpid(tp_child, &st, 0) == tp_child, "waitpid of a child forked by a thread");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "getppid after the forking thread exited: status %x", st);
	close(tp_pipe[0]);
	close(tp_pipe[1]);
}

static void part_preempt(void)
{
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < 20; i++) {
			pid_t g = fork();
			if (g == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(0); /* no /bin/true: the fork alone */
			}
			waitpid(g, NULL, 0);
		}
		_exit(0);
	}
	char *buf = malloc(1 << 20);
	int fd = open("/dev/zero", O_RDONLY);
	int bad = 0;
	for (int i = 0; i < 40; i++) {
		long a = mix(i, 1), b = mix(a, 2);
		memset(buf, 1, 1 << 20);
		if (read(fd, buf, 1 << 20) != 1 << 20 || buf[0] || buf[(1 << 20) - 1])
			bad++;
		struct stat st;
		if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode))
			bad++;
		if (b != mix(mix(i, 1), 2))
			bad++;
	}
	CHECK_EQ(bad, 0);
	int st;
	CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st), "forker");
	close(fd);
	free(buf);
}

int main(int argc, char **argv)
{
	r0_start("litepath");
	const char *only = argc > 1 ? argv[1] : NULL;
#define RUN(name, fn) if (!only || !strcmp(only, name)) R0_PART(name, fn())
	RUN("restart", part_restart);
	RUN("efault", part_efault);
	RUN("stackgrow", part_stackgrow);
	RUN("threadclose", part_threadclose);
	RUN("vfork", part_vfork);
	RUN("ppid", part_ppid);
	RUN("ppid-thread", part_ppidthread);
	RUN("preempt", part_preempt);
	R0_DONE();
}
