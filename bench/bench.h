/* bench.h: the measurement frame shared by the benchmark programs (header-only).
 *
 * Every program is called as
 *
 *     PROG MODE ENGINE [SCALE [CASE...]]
 *
 * MODE and ENGINE are labels copied into the output (contract 5: ring0 ring3 linux
 * linux-nomitig host; tcg icount kvm native). SCALE (default 1, or $BENCH_SCALE) multiplies
 * every case's base iteration count; the base counts are chosen so that one case takes
 * well under a second under TCG, so the harness passes a larger SCALE natively and a
 * smaller one for QUICK runs. CASE... restricts the run to the named cases.
 *
 * Each case: a warm-up run of a tenth of the iterations, then REPS timed runs; the run with
 * the median time is printed as
 *
 *     case,mode,engine,iterations,ns_per_op,ticks_per_op
 *
 * Each timed run of the loop is marked for the transition plugin (bench/plugin/transitions.c,
 * make bench-model) by two multi-byte NOPs, bench_mark_start() and bench_mark_end(): they do
 * nothing on hardware or under any engine, and the plugin counts instructions and events
 * between them (so REPS regions per case, in order; lat_ctx's case has two medians, 2*REPS).
 *
 * ns from clock_gettime(CLOCK_MONOTONIC), ticks from rdtsc (under QEMU's
 * -icount shift=0,sleep=off a tick is one guest instruction). Per-op figures include the
 * loop around the operation, as in lmbench; the "floor" case measures that loop.
 *
 * Before the cases, one line tells the harness where the program really runs:
 *
 *     # info prog=NAME cpl=N at_sysinfo=yes|no
 *
 * (the privilege level from %cs, and whether the environment gave an AT_SYSINFO entry), so
 * that a "ring0" run that actually ran in ring 3 is not reported as ring 0.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/auxv.h>

#define REPS 5

static inline uint64_t bench_ticks(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return (uint64_t)hi << 32 | lo;
}

/* The plugin's region markers: nopl 0x525a0001(%rax) and nopl 0x525a0002(%rax). */
static inline void bench_mark_start(void)
{
	__asm__ __volatile__("nopl 0x525a0001(%%rax)" ::: "memory");
}

static inline void bench_mark_end(void)
{
	__asm__ __volatile__("nopl 0x525a0002(%%rax)" ::: "memory");
}

static inline uint64_t bench_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void bench_die(const char *what)
{
	perror(what);
	exit(1);
}

struct bench_sample { double ns, ticks; };

struct bench {
	const char *mode, *engine;
	double scale;
	char **only;        /* NULL-terminated case filter, or NULL for all */
	int failed;
};

/* The loop of a case: performs the operation n times. */
typedef void (*bench_loop)(long n);

static struct bench B;

static void bench_init(int argc, char **argv, const char *usage_cases)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s MODE ENGINE [SCALE [CASE...]]\ncases: %s\n",
			argv[0], usage_cases);
		exit(2);
	}
	B.mode = argv[1];
	B.engine = argv[2];
	const char *s = argc > 3 ? argv[3] : getenv("BENCH_SCALE");
	B.scale = s && *s ? atof(s) : 1.0;
	if (B.scale <= 0)
		B.scale = 1.0;
	B.only = argc > 4 ? argv + 4 : NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned short cs;
	__asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
	const char *name = strrchr(argv[0], '/');
	printf("# info prog=%s cpl=%d at_sysinfo=%s\n", name ? name + 1 : argv[0], cs & 3,
	       getauxval(AT_SYSINFO) ? "yes" : "no");
}

static int bench_selected(const char *name)
{
	if (!B.only)
		return 1;
	for (char **p = B.only; *p; p++)
		if (!strcmp(*p, name))
			return 1;
	return 0;
}

static long bench_iters(long base)
{
	double n = base * B.scale;
	return n < 1 ? 1 : (long)n;
}

static struct bench_sample bench_time(bench_loop loop, long n)
{
	uint64_t t0 = bench_ns(), c0 = bench_ticks();
	bench_mark_start();
	loop(n);
	bench_mark_end();
	uint64_t c1 = bench_ticks(), t1 = bench_ns();
	return (struct bench_sample){ (double)(t1 - t0), (double)(c1 - c0) };
}

static int bench_by_ns(const void *a, const void *b)
{
	double x = ((const struct bench_sample *)a)->ns, y = ((const struct bench_sample *)b)->ns;
	return (x > y) - (x < y);
}

static void bench_print(const char *name, long n, double ns, double ticks)
{
	printf("%s,%s,%s,%ld,%.2f,%.1f\n", name, B.mode, B.engine, n, ns, ticks);
}

/* Warm-up, then REPS timed runs of n operations: the run with the median time, in total
 * ns and ticks for the n operations. */
static struct bench_sample bench_median(bench_loop loop, long n)
{
	struct bench_sample s[REPS];
	loop(n / 10 + 1);                         /* warm-up */
	for (int r = 0; r < REPS; r++)
		s[r] = bench_time(loop, n);
	qsort(s, REPS, sizeof s[0], bench_by_ns);
	return s[REPS / 2];
}

/* Runs one case and prints the median per op. `per` divides the per-iteration figure
 * further (e.g. 2 when one iteration is two context switches); `mult` multiplies it (e.g.
 * to express a per-byte cost per 16 MiB). */
static void bench_case_scaled(const char *name, bench_loop loop, long base, double per, double mult)
{
	if (!bench_selected(name))
		return;
	long n = bench_iters(base);
	struct bench_sample m = bench_median(loop, n);
	double k = mult / (per * n);
	bench_print(name, n, m.ns * k, m.ticks * k);
}

static inline void bench_case(const char *name, bench_loop loop, long base)
{
	bench_case_scaled(name, loop, base, 1.0, 1.0);
}

#endif
