/* lat_syscall.c: the cost of a null system call, lmbench style, in contract 5's CSV format.
 *
 *   lat_syscall MODE ENGINE [ITERATIONS]
 *
 * Cases: floor (an indirect call to a function returning a constant: the loop's own cost),
 * null (getppid through the libc: the entry, or the syscall fallback), raw (getppid with an
 * inline syscall instruction, bypassing the entry). Each case: a warm-up, then the median of
 * 7 repetitions. Prints "case,mode,engine,iterations,ns_per_op,ticks_per_op" lines; MODE and
 * ENGINE are labels the harness passes (ring0, ring3, linux, host; tcg, icount, kvm, native).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#define REPS 7

static inline uint64_t ticks(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

__attribute__((noinline)) static long constant(void) { return 1; }
static long (*volatile floor_fn)(void) = constant;

static long raw_getppid(void)
{
	long ret;
	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(SYS_getppid) : "rcx", "r11", "memory");
	return ret;
}

static long op_floor(void) { return floor_fn(); }
static long op_null(void) { return getppid(); }

struct sample { double ns, ticks; };

static struct sample run(long (*op)(void), long n)
{
	uint64_t t0 = now_ns(), c0 = ticks();
	for (long i = 0; i < n; i++)
		op();
	uint64_t c1 = ticks(), t1 = now_ns();
	return (struct sample){ (double)(t1 - t0) / n, (double)(c1 - c0) / n };
}

static int by_ns(const void *a, const void *b)
{
	double x = ((const struct sample *)a)->ns, y = ((const struct sample *)b)->ns;
	return (x > y) - (x < y);
}

static void measure(const char *name, long (*op)(void), long n, const char *mode, const char *engine)
{
	struct sample s[REPS];
	run(op, n / 10 + 1);                        /* warm-up */
	for (int r = 0; r < REPS; r++)
		s[r] = run(op, n);
	qsort(s, REPS, sizeof s[0], by_ns);
	printf("%s,%s,%s,%ld,%.2f,%.1f\n", name, mode, engine, n, s[REPS / 2].ns, s[REPS / 2].ticks);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: lat_syscall MODE ENGINE [ITERATIONS]\n");
		return 2;
	}
	long n = argc > 3 ? atol(argv[3]) : 1000000;
	measure("floor", op_floor, n, argv[1], argv[2]);
	measure("null", op_null, n, argv[1], argv[2]);
	measure("raw", raw_getppid, n, argv[1], argv[2]);
	return 0;
}
