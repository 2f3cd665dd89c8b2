/* longcall: long system calls reach preemption points (issue 10, item 12). While this
 * process is inside one long call, a second process that wants the CPU (it spins) must get
 * it, and must see the call half done: on ringzero's single CPU that is only possible if the
 * kernel gave the CPU away in the middle of the call. Seen by ordering, not by time:
 *
 *   read    read(2) of a 32 MiB file into a MAP_SHARED buffer: the spinner sees the buffer
 *           partly filled (its first byte written, its last not yet)
 *   write   write(2) of 32 MiB to a regular file: the spinner, with fstat on the same file,
 *           sees a size strictly between 0 and 32 MiB
 *   append  the same write with O_APPEND while the other process appends bytes: the long
 *           write stays in one piece and nothing is lost (writers take turns)
 *   munmap  munmap of 96 MiB of touched memory: the spinner stamps the TSC (under -icount:
 *           the guest's instruction count) as it runs; one of its stamps falls in the middle
 *           third of the call (without a preemption point it can run only before the call
 *           starts or after its work is done, at the return to the program)
 *
 * On the host (Linux: preemptible and with more than one CPU) the same things are seen; a
 * part is tried up to 200 times there, since another load may keep the spinner off the CPU.
 * Under ringzero's -icount each attempt is the same, and the first one must succeed.
 *
 * Usage: longcall */
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <x86intrin.h>

#define MIB (1024UL * 1024)
#define BIG (32 * MIB)
#define TRIES 200

struct shared {
	volatile int ready, done;
	volatile long seen;          /* observations of a half-done call */
	volatile long polls;
	volatile uint64_t t0, t1;    /* the call's start and end (munmap part) */
	volatile uint64_t mid_stamps;
};

static struct shared *sh;
static const char *path = "/tmp/longcall.data";

static pid_t spinner(void (*body)(void))
{
	sh->ready = sh->done = 0;
	sh->seen = sh->polls = 0;
	sh->mid_stamps = 0;
	fflush(stdout);
	pid_t p = fork();
	if (p == 0) {
		body();
		_exit(0);
	}
	while (!sh->ready) /* on one CPU: until the timer lets it run */
		;
	return p;
}

static void reap(pid_t p)
{
	sh->done = 1;
	int st;
	CHECK(waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0, "spinner status %#x", st);
}

/* --- read ---------------------------------------------------------------------------- */

static char *rbuf;

static void read_watch(void)
{
	sh->ready = 1;
	while (!sh->done) {
		sh->polls++;
		if (rbuf[0] && !rbuf[BIG - 1])
			sh->seen++;
	}
}

static int read_once(int fd)
{
	memset(rbuf, 0, BIG);
	pid_t p = spinner(read_watch);
	ssize_t n = pread(fd, rbuf, BIG, 0);
	CHECK(n == (ssize_t)BIG, "pread %zd", n);
	reap(p);
	CHECK(rbuf[0] == 'r' && rbuf[BIG - 1] == 'r', "contents");
	return sh->seen > 0;
}

static void read_part(void)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "open");
	rbuf = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(rbuf != MAP_FAILED, "mmap");
	if (fd < 0 || rbuf == MAP_FAILED)
		return;
	memset(rbuf, 'r', BIG);
	CHECK(write(fd, rbuf, BIG) == (ssize_t)BIG, "write the file");
	int ok = 0, tries = 0;
	while (!ok && tries++ < TRIES)
		ok = read_once(fd);
	CHECK(ok, "the spinner never saw the read half done (%d tries)", tries - 1);
	fprintf(stderr, "longcall: read: seen %ld in %ld polls, %d tries\n", sh->seen, sh->polls, tries);
	munmap(rbuf, BIG);
	close(fd);
	unlink(path);
}

/* --- write --------------------------------------------------------------------------- */

static int wfd;

static void write_watch(void)
{
	sh->ready = 1;
	struct stat sb;
	while (!sh->done) {
		sh->polls++;
		if (fstat(wfd, &sb) == 0 && sb.st_size > 0 && sb.st_size < (off_t)BIG)
			sh->seen++;
	}
}

static void write_part(void)
{
	char *buf = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap");
	if (buf == MAP_FAILED)
		return;
	memset(buf, 'w', BIG);
	int ok = 0, tries = 0;
	while (!ok && tries++ < TRIES) {
		wfd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		CHECK(wfd >= 0, "open");
		pid_t p = spinner(write_watch);
		CHECK(write(wfd, buf, BIG) == (ssize_t)BIG, "write");
		reap(p);
		ok = sh->seen > 0;
		close(wfd);
		unlink(path);
	}
	CHECK(ok, "the spinner never saw the file half written (%d tries)", tries - 1);
	fprintf(stderr, "longcall: write: seen %ld in %ld polls, %d tries\n", sh->seen, sh->polls, tries);
	munmap(buf, BIG);
}

/* --- append -------------------------------------------------------------------------- */

static void append_watch(void)
{
	sh->ready = 1;
	while (!sh->done)
		if (write(wfd, "b", 1) == 1)
			sh->polls++;
}

/* A long O_APPEND write and another process appending meanwhile: writes to one file take
 * turns (Linux holds the inode's lock), so the long one lands in one piece and nothing is
 * lost, even though the kernel gives the CPU away in the middle of it. */
static void append_part(void)
{
	char *buf = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED, "mmap");
	if (buf == MAP_FAILED)
		return;
	memset(buf, 'a', BIG);
	wfd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_APPEND, 0644);
	CHECK(wfd >= 0, "open");
	pid_t p = spinner(append_watch);
	CHECK(write(wfd, buf, BIG) == (ssize_t)BIG, "write");
	sched_yield(); /* let the other one append after it too */
	reap(p);
	struct stat sb;
	CHECK(fstat(wfd, &sb) == 0 && sb.st_size == (off_t)BIG + sh->polls, "size %lld, %lld expected",
	      (long long)sb.st_size, (long long)BIG + sh->polls);
	memset(buf, 0, BIG);
	long as = 0, runs = 0;
	char prev = 0, c[65536];
	ssize_t n;
	lseek(wfd, 0, SEEK_SET);
	while ((n = read(wfd, c, sizeof(c))) > 0)
		for (ssize_t i = 0; i < n; i++) {
			as += c[i] == 'a';
			runs += c[i] == 'a' && prev != 'a';
			prev = c[i];
		}
	CHECK(as == (long)BIG && runs == 1, "%ld bytes of the long write in %ld pieces", as, runs);
	fprintf(stderr, "longcall: append: %ld other appends\n", sh->polls);
	close(wfd);
	unlink(path);
	munmap(buf, BIG);
}

/* --- munmap -------------------------------------------------------------------------- */

/* While the call runs (t0 set, t1 still 0) the spinner remembers a stamp every STAMP_GAP
 * ticks at most; they are judged once t1 is known. */
#define STAMP_GAP 20000
#define MAX_STAMPS 4096

static void stamp_watch(void)
{
	uint64_t last = 0;
	sh->ready = 1;
	while (!sh->done) {
		uint64_t now = __rdtsc(), t0 = sh->t0, t1 = sh->t1;
		sh->polls++;
		if (t0 && !t1 && now - last >= STAMP_GAP && sh->mid_stamps < MAX_STAMPS) {
			((volatile uint64_t *)(sh + 1))[sh->mid_stamps++] = now;
			last = now;
		}
	}
}

static int munmap_once(void)
{
	const size_t len = 96 * MIB; /* ringzero: about 2.5 timer ticks of work */
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap");
	if (m == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < len; i += 4096)
		m[i] = 1;
	sh->t0 = sh->t1 = 0;
	pid_t p = spinner(stamp_watch);
	/* a fresh time slice (ringzero: the spinner runs until the next tick), so the call starts
	 * at once and is not preempted on its way in */
	sched_yield();
	sh->t0 = __rdtsc();
	int r = munmap(m, len);
	sh->t1 = __rdtsc();
	CHECK(r == 0, "munmap");
	reap(p);
	uint64_t span = sh->t1 - sh->t0, lo = sh->t0 + span / 3, hi = sh->t0 + 2 * span / 3;
	long mid = 0;
	for (uint64_t i = 0; i < sh->mid_stamps; i++) {
		uint64_t s = ((volatile uint64_t *)(sh + 1))[i];
		mid += s > lo && s < hi;
	}
	fprintf(stderr, "longcall: munmap: %llu ticks, %llu stamps, %ld in the middle third\n",
		(unsigned long long)span, (unsigned long long)sh->mid_stamps, mid);
	return mid > 0;
}

static void munmap_part(void)
{
	int ok = 0, tries = 0;
	while (!ok && tries++ < TRIES)
		ok = munmap_once();
	CHECK(ok, "the spinner never ran in the middle of the munmap (%d tries)", tries - 1);
}

int main(void)
{
	r0_start("longcall");
	mkdir("/tmp", 0777);
	sh = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED, "shared page");
	if (sh == MAP_FAILED)
		R0_DONE();
	R0_PART("read", read_part());
	R0_PART("write", write_part());
	R0_PART("append", append_part());
	R0_PART("munmap", munmap_part());
	R0_DONE();
}
