/* filemap: file-backed mmap through the page cache (issue 10 item 5), against Linux.
 * MAP_SHARED sees write() and write() sees stores (also after the file grew), MAP_PRIVATE is
 * copy-on-write (against the file and between a parent and its forked child), two processes
 * that map the same file talk through it, msync, the end of the file (zeros in the last
 * partial page, SIGBUS a page past it, SIGBUS after ftruncate shrinks the file, zeros when it
 * grows back), /dev/zero shared and private across fork, munmap/mprotect of file mappings,
 * the errors (EACCES, ENODEV, EBADF, EINVAL), and execve, which maps the program's segments
 * from the same cache: a child that writes its initialised data must not change what the
 * next exec of the same file sees.
 *
 * Usage: filemap   (it runs itself as filemap --child) */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096
static char path[64];
static const char *self;

static sigjmp_buf jb;
static volatile sig_atomic_t got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = si->si_addr;
	siglongjmp(jb, 1);
}

/* The signal a read (or write) of *p raises, 0 for none. */
static int probe(volatile char *p, int write)
{
	got_sig = 0;
	if (sigsetjmp(jb, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
	}
	return got_sig;
}

/* A new file at path with n bytes of pattern: byte i = (i * 7 + seed) & 0xff. */
static int make_file(size_t n, int seed)
{
	unlink(path);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open %s", path);
	static char buf[4 * PG];
	for (size_t i = 0; i < n; i++)
		buf[i % sizeof(buf)] = (char)((i * 7 + seed) & 0xff);
	for (size_t done = 0; done < n;) {
		size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
		CHECK_EQ(write(fd, buf, k), (long)k);
		done += k;
	}
	return fd;
}

static int pattern_ok(const char *p, size_t off, size_t n, int seed)
{
	for (size_t i = off; i < off + n; i++)
		if (p[i - off] != (char)((i * 7 + seed) & 0xff))
			return 0;
	return 1;
}

static char pread1(int fd, off_t off)
{
	char c = 0;
	CHECK_EQ(pread(fd, &c, 1, off), 1);
	return c;
}

static void shared_write(void)
{
	int fd = make_file(3 * PG, 1);
	char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap shared");
	if (m == MAP_FAILED)
		return;
	CHECK(pattern_ok(m, 0, 3 * PG, 1), "the mapping shows the file");
	CHECK_EQ(pwrite(fd, "XYZ", 3, PG + 10), 3);
	CHECK(!memcmp(m + PG + 10, "XYZ", 3), "write() seen through the mapping");
	m[2 * PG + 5] = 'Q';
	CHECK_EQ(pread1(fd, 2 * PG + 5), 'Q');
	/* the file grows well past its frames: the mapping still is the file */
	static char big[64 * PG];
	CHECK_EQ(pwrite(fd, big, sizeof(big), 3 * PG), (long)sizeof(big));
	CHECK_EQ(m[2 * PG + 5], 'Q');
	m[7] = 'S';
	CHECK_EQ(pread1(fd, 7), 'S');
	CHECK_EQ(pwrite(fd, "w", 1, 8), 1);
	CHECK_EQ(m[8], 'w');
	/* a second mapping at an offset sees the same bytes */
	char *m2 = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, PG);
	CHECK(m2 != MAP_FAILED, "mmap at offset");
	if (m2 != MAP_FAILED) {
		CHECK(!memcmp(m2 + 10, "XYZ", 3), "offset mapping");
		m[PG + 11] = 'y';
		CHECK_EQ(m2[11], 'y');
		munmap(m2, PG);
	}
	munmap(m, 3 * PG);
	CHECK_EQ(pread1(fd, PG + 11), 'y');
	close(fd);
	unlink(path);
}

static void private_cow(void)
{
	int fd = make_file(2 * PG, 2);
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap private");
	if (m == MAP_FAILED)
		return;
	char orig = m[100];
	m[100] = (char)(orig + 1);
	CHECK_EQ(pread1(fd, 100), orig); /* the store stays private */
	CHECK_EQ(pwrite(fd, "F", 1, PG + 3), 1);
	CHECK_EQ(m[PG + 3], 'F'); /* a page not written yet still shows the file (Linux) */
	CHECK_EQ(pwrite(fd, "G", 1, 101), 1);
	CHECK(m[101] != 'G', "a copied page no longer follows the file");
	pid_t pid = fork();
	if (pid == 0) {
		int bad = m[100] != (char)(orig + 1);
		m[100] = 'c';
		m[PG + 4] = 'c';
		_exit(bad ? 1 : m[100] == 'c' ? 0 : 2);
	}
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child saw the parent's copy, status %#x", st);
	CHECK_EQ(m[100], (char)(orig + 1));
	CHECK(m[PG + 4] != 'c', "the child's store stayed in the child");
	CHECK(pread1(fd, PG + 4) != 'c', "... and out of the file");
	munmap(m, 2 * PG);
	close(fd);
	unlink(path);
}

static void two_processes(void)
{
	int fd = make_file(PG, 3);
	int go[2], back[2];
	CHECK_EQ(pipe(go), 0);
	CHECK_EQ(pipe(back), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = open(path, O_RDWR);
		volatile char *c = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		char b;
		if (c == MAP_FAILED || read(go[0], &b, 1) != 1)
			_exit(3);
		int ok = c[0] == 'P'; /* the parent's store, before it wrote to the pipe */
		c[1] = 'C';
		if (write(back[1], "x", 1) != 1)
			_exit(4);
		_exit(ok ? 0 : 5);
	}
	volatile char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	p[0] = 'P';
	char b;
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(read(back[0], &b, 1), 1);
	CHECK_EQ(p[1], 'C');
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	/* inherited through fork: shared too */
	pid = fork();
	if (pid == 0) {
		p[2] = 'K';
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(p[2], 'K');
	CHECK_EQ(pread1(fd, 2), 'K');
	munmap((void *)p, PG);
	close(fd);
	for (int i = 0; i < 2; i++) {
		close(go[i]);
		close(back[i]);
	}
	unlink(path);
}

static void do_msync(void)
{
	int fd = make_file(2 * PG, 4);
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	if (m == MAP_FAILED)
		return;
	m[0] = 'M';
	CHECK_EQ(msync(m, 2 * PG, MS_SYNC), 0);
	CHECK_EQ(pread1(fd, 0), 'M');
	CHECK_EQ(msync(m, PG, MS_ASYNC), 0);
	CHECK_EQ(msync(m, PG, MS_INVALIDATE), 0);
	CHECK_EQ(msync(m, 100, MS_SYNC | MS_INVALIDATE), 0);
	errno = 0;
	CHECK_EQ(msync(m, PG, MS_SYNC | MS_ASYNC), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(msync(m + 1, PG, MS_SYNC), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(msync(m, PG, 0x100), -1);
	CHECK_EQ(errno, EINVAL);
	munmap(m + PG, PG);
	errno = 0;
	CHECK_EQ(msync(m, 2 * PG, MS_SYNC), -1);
	CHECK_EQ(errno, ENOMEM);
	munmap(m, PG);
	close(fd);
	unlink(path);
}

static void end_of_file(void)
{
	int fd = make_file(100, 5);
	char *m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap past the end");
	if (m == MAP_FAILED)
		return;
	CHECK(pattern_ok(m, 0, 100, 5), "the file's bytes");
	int zero = 1;
	for (int i = 100; i < PG; i++)
		zero &= m[i] == 0;
	CHECK(zero, "the rest of the last page reads as zeros");
	CHECK_EQ(probe(m + 200, 0), 0);
	CHECK_EQ(probe(m + PG, 0), SIGBUS);
	CHECK_EQ(got_code, BUS_ADRERR);
	CHECK(got_addr == m + PG, "si_addr %p, want %p", got_addr, (void *)(m + PG));
	CHECK_EQ(probe(m + PG + 50, 1), SIGBUS);
	m[300] = 'T'; /* past the end, in the last page: not part of the file */
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 100);
	char buf[200];
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 100);
	munmap(m, 2 * PG);
	/* MAP_PRIVATE too */
	m = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "mmap private past the end");
	if (m != MAP_FAILED) {
		CHECK_EQ(probe(m + 50, 0), 0);
		CHECK_EQ(probe(m + PG, 0), SIGBUS);
		munmap(m, 2 * PG);
	}
	close(fd);
	unlink(path);
}

static void truncate_sigbus(void)
{
	int fd = make_file(3 * PG, 6);
	char *m = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *pv = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && pv != MAP_FAILED, "mmap");
	if (m == MAP_FAILED || pv == MAP_FAILED)
		return;
	CHECK(pattern_ok(m + 2 * PG, 2 * PG, PG, 6), "page 2 before");
	pv[2 * PG] = 'p'; /* a private copy of page 2 */
	CHECK_EQ(ftruncate(fd, PG + 100), 0);
	CHECK_EQ(probe(m + PG + 50, 0), 0);
	CHECK(pattern_ok(m + PG, PG, 100, 6), "kept bytes");
	CHECK_EQ(m[PG + 200], 0); /* cut bytes of the last page read as zeros */
	CHECK_EQ(probe(m + 2 * PG, 0), SIGBUS);
	CHECK_EQ(got_code, BUS_ADRERR);
	CHECK_EQ(probe(m + 2 * PG + 9, 1), SIGBUS);
	CHECK_EQ(probe(pv + 2 * PG, 0), SIGBUS); /* private copies past the end go too (Linux) */
	CHECK_EQ(probe(pv + 10, 0), 0);
	CHECK_EQ(ftruncate(fd, 3 * PG), 0); /* grows back: zeros */
	CHECK_EQ(probe(m + 2 * PG, 0), 0);
	int zero = 1;
	for (int i = PG + 100; i < 3 * PG; i++)
		zero &= m[i] == 0;
	CHECK(zero, "zeros after growing back");
	CHECK_EQ(pv[2 * PG], 0);
	CHECK_EQ(ftruncate(fd, 0), 0);
	CHECK_EQ(probe(m, 0), SIGBUS);
	munmap(m, 3 * PG);
	munmap(pv, 3 * PG);
	close(fd);
	unlink(path);
}

static void dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR);
	CHECK(fd >= 0, "open /dev/zero");
	volatile char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	volatile char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(s != MAP_FAILED && p != MAP_FAILED, "mmap /dev/zero");
	if (s == MAP_FAILED || p == MAP_FAILED)
		return;
	CHECK(s[0] == 0 && s[PG + 1] == 0 && p[5] == 0, "zeros");
	pid_t pid = fork();
	if (pid == 0) {
		s[PG + 1] = 'z';
		p[5] = 'z';
		_exit(0);
	}
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK_EQ(s[PG + 1], 'z'); /* MAP_SHARED of /dev/zero: shared anonymous memory */
	CHECK_EQ(p[5], 0);
	char c;
	CHECK_EQ(read(fd, &c, 1), 1);
	CHECK_EQ(c, 0);
	munmap((void *)s, 2 * PG);
	munmap((void *)p, PG);
	close(fd);
}

static void unmap_protect(void)
{
	int fd = make_file(4 * PG, 7);
	char *m = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED, "mmap");
	if (m == MAP_FAILED)
		return;
	CHECK_EQ(munmap(m + PG, PG), 0);
	CHECK_EQ(probe(m + PG, 0), SIGSEGV);
	m[3 * PG + 1] = 'u'; /* the part after the hole keeps its file offset */
	CHECK_EQ(pread1(fd, 3 * PG + 1), 'u');
	CHECK_EQ(mprotect(m + 2 * PG, PG, PROT_READ), 0);
	CHECK_EQ(probe(m + 2 * PG, 1), SIGSEGV);
	CHECK(pattern_ok(m + 2 * PG, 2 * PG, PG, 7), "read-only page");
	CHECK_EQ(mprotect(m + 2 * PG, PG, PROT_READ | PROT_WRITE), 0);
	m[2 * PG] = 'v';
	CHECK_EQ(pread1(fd, 2 * PG), 'v');
	munmap(m, 4 * PG);
	close(fd);
	unlink(path);
}

static void errors(void)
{
	int fd = make_file(PG, 8);
	close(fd);
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY), ap = open(path, O_RDWR | O_APPEND);
	CHECK(ro >= 0 && wo >= 0 && ap >= 0, "open");
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED, "shared writable of O_RDONLY");
	CHECK_EQ(errno, EACCES);
	void *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	CHECK(m != MAP_FAILED, "private writable of O_RDONLY is allowed");
	if (m != MAP_FAILED) {
		((char *)m)[0] = 'x';
		munmap(m, PG);
	}
	m = mmap(NULL, PG, PROT_READ, MAP_SHARED, ro, 0);
	CHECK(m != MAP_FAILED, "shared read-only of O_RDONLY");
	if (m != MAP_FAILED) {
		errno = 0;
		CHECK_EQ(mprotect(m, PG, PROT_READ | PROT_WRITE), -1);
		CHECK_EQ(errno, EACCES);
		munmap(m, PG);
	}
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED, "O_WRONLY");
	CHECK_EQ(errno, EACCES);
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	CHECK(m != MAP_FAILED, "O_APPEND may be mapped shared");
	if (m != MAP_FAILED)
		munmap(m, PG);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, ro, 100) == MAP_FAILED, "offset not page-aligned");
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, ro, 0) == MAP_FAILED, "length 0");
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0) == MAP_FAILED, "fd -1");
	CHECK_EQ(errno, EBADF);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, 200, 0) == MAP_FAILED, "closed fd");
	CHECK_EQ(errno, EBADF);
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0) == MAP_FAILED, "directory");
	CHECK_EQ(errno, ENODEV);
	int pp[2];
	CHECK_EQ(pipe(pp), 0);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, pp[0], 0) == MAP_FAILED, "pipe");
	CHECK_EQ(errno, ENODEV);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, pp[1], 0) == MAP_FAILED, "pipe's write end");
	CHECK_EQ(errno, EACCES);
	int path_fd = open(path, O_PATH);
	errno = 0;
	CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, path_fd, 0) == MAP_FAILED, "O_PATH");
	CHECK_EQ(errno, EBADF);
	close(path_fd);
	close(pp[0]);
	close(pp[1]);
	close(dir);
	close(ro);
	close(wo);
	close(ap);
	/* an unlinked file stays mapped */
	fd = make_file(PG, 9);
	char *u = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	unlink(path);
	CHECK(u != MAP_FAILED, "mmap");
	if (u != MAP_FAILED) {
		CHECK(pattern_ok(u, 0, PG, 9), "unlinked and closed, still mapped");
		munmap(u, PG);
	}
}

/* Initialised data and bss of the program: the child run checks and changes them. */
static int data_word = 0x5eed;
static char bss_bytes[5000];

static int child(void)
{
	int ok = data_word == 0x5eed && bss_bytes[0] == 0 && bss_bytes[4999] == 0;
	data_word = 1;
	bss_bytes[0] = 1;
	return ok ? 42 : 1;
}

static void exec_image(void)
{
	for (int i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char *argv[] = {(char *)self, "--child", NULL};
			execv(self, argv);
			_exit(127);
		}
		int st = -1;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "run %d of the child: status %#x", i, st);
	}
	/* our own image is running: no writer (Linux: ETXTBSY) */
	errno = 0;
	CHECK_EQ(open(self, O_WRONLY), -1);
	CHECK_EQ(errno, ETXTBSY);
	errno = 0;
	CHECK_EQ(truncate(self, 0), -1);
	CHECK_EQ(errno, ETXTBSY);
	/* a private writable mapping of our own image: a store stays out of the file */
	int fd = open(self, O_RDONLY);
	CHECK(fd >= 0, "open self");
	char *m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && !memcmp(m, "\177ELF", 4), "own image");
	if (m != MAP_FAILED) {
		m[0] = 'X';
		CHECK_EQ(pread1(fd, 0), 0x7f);
		munmap(m, PG);
	}
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--child"))
		return child();
	self = argv[0];
	r0_start("filemap");
	snprintf(path, sizeof(path), "/tmp/filemap.%d", (int)getpid());
	struct sigaction sa = {0};
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGBUS, &sa, NULL) == 0 && sigaction(SIGSEGV, &sa, NULL) == 0, "sigaction");
	R0_PART("shared-write", shared_write());
	R0_PART("private-cow", private_cow());
	R0_PART("two-processes", two_processes());
	R0_PART("msync", do_msync());
	R0_PART("end-of-file", end_of_file());
	R0_PART("truncate-sigbus", truncate_sigbus());
	R0_PART("dev-zero", dev_zero());
	R0_PART("munmap-mprotect", unmap_protect());
	R0_PART("errors", errors());
	R0_PART("exec", exec_image());
	R0_DONE();
}
