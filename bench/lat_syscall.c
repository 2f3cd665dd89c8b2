/* lat_syscall.c: the cost of simple system calls, lmbench style, in contract 5's CSV format.
 *
 *   lat_syscall MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases: floor (an indirect call to a function returning a constant: the loop's own cost),
 * null (getppid through the libc: the entry, or the syscall fallback), raw (getppid with an
 * inline syscall instruction, bypassing the entry), read (1 byte from /dev/zero), write
 * (1 byte to /dev/null), clock (clock_gettime(CLOCK_MONOTONIC): musl uses the vDSO where the
 * kernel offers one, as Linux does, and a system call otherwise), open (open+close of /dev/null), stat and fstat (of
 * /dev/null).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "bench.h"

#define FILE_PATH "/dev/null"

__attribute__((noinline)) static long constant(void) { return 1; }
static long (*volatile floor_fn)(void) = constant;
static int zero_fd, null_fd;

static long raw_getppid(void)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(SYS_getppid) : "rcx", "r11", "memory");
	return ret;
}

static void loop_floor(long n) { for (long i = 0; i < n; i++) floor_fn(); }
static void loop_null(long n) { for (long i = 0; i < n; i++) getppid(); }
static void loop_raw(long n) { for (long i = 0; i < n; i++) raw_getppid(); }

static void loop_read(long n)
{
	char c;
	for (long i = 0; i < n; i++)
		if (read(zero_fd, &c, 1) != 1)
			bench_die("read /dev/zero");
}

static void loop_write(long n)
{
	char c = 0;
	for (long i = 0; i < n; i++)
		if (write(null_fd, &c, 1) != 1)
			bench_die("write /dev/null");
}

static void loop_clock(long n)
{
	struct timespec ts;
	for (long i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void loop_open(long n)
{
	for (long i = 0; i < n; i++) {
		int fd = open(FILE_PATH, O_RDONLY);
		if (fd < 0)
			bench_die("open " FILE_PATH);
		close(fd);
	}
}

static void loop_stat(long n)
{
	struct stat st;
	for (long i = 0; i < n; i++)
		if (stat(FILE_PATH, &st) < 0)
			bench_die("stat " FILE_PATH);
}

static void loop_fstat(long n)
{
	struct stat st;
	for (long i = 0; i < n; i++)
		if (fstat(null_fd, &st) < 0)
			bench_die("fstat");
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "floor null raw read write clock open stat fstat");
	zero_fd = open("/dev/zero", O_RDONLY);
	null_fd = open("/dev/null", O_WRONLY);
	if (zero_fd < 0 || null_fd < 0)
		bench_die("open /dev/zero or /dev/null");
	bench_case("floor", loop_floor, 200000);
	bench_case("null", loop_null, 20000);
	bench_case("raw", loop_raw, 20000);
	bench_case("read", loop_read, 10000);
	bench_case("write", loop_write, 10000);
	bench_case("clock", loop_clock, 10000);
	bench_case("open", loop_open, 2000);
	bench_case("stat", loop_stat, 2000);
	bench_case("fstat", loop_fstat, 5000);
	return 0;
}
