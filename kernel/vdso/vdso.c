/* vdso.c: the vDSO, user code the kernel maps into every process (both rings) as Linux
 * does: __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time and __vdso_getcpu (and
 * their unprefixed aliases), version LINUX_2.6, so musl's __vdsosym finds them through
 * AT_SYSINFO_EHDR. Clocks come from the TSC and the data page below the image (vdso.h),
 * computed exactly as kernel/proc/time.c computes them, without a system call.
 *
 * Built as a position-independent shared object with no relocations (vdso.lds; the build
 * checks), compiled -mno-red-zone: it runs on the calling program's stack, in ring 3 or
 * ring 0, and its fallback for what it does not compute (CLOCK_PROCESS_CPUTIME_ID,
 * CLOCK_THREAD_CPUTIME_ID, unknown clocks) is the real system call: the `syscall`
 * instruction at CPL 3, a `call` of the ring-0 entry at CPL 0 (contract 2: the pushed
 * return address lands below rsp, where nothing of this code lives).
 * Does not own: the data page's contents (the kernel's time.c), its mapping (proc/vdso.c). */
#define RZ_VDSO_USER
#include "vdso.h"
#include <asm/unistd.h>
#include <linux/time.h>

#define NSEC 1000000000ULL

struct vts {
	int64_t sec, nsec;
};
struct vtv {
	int64_t sec, usec;
};
struct vtz {
	int minuteswest, dsttime;
};

/* [vvar], the page(s) below the image (vdso.lds places the symbol). */
extern const volatile struct vdso_data vdso_vvar __attribute__((visibility("hidden")));

static inline const volatile struct vdso_data *vdata(void) { return &vdso_vvar; }

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

static inline uint64_t mono_ns(const volatile struct vdso_data *d)
{
	return (uint64_t)(((unsigned __int128)(rdtsc() - d->tsc0) * d->mult) >> 32);
}

/* The system call itself, from whichever ring this code runs in. */
static long fallback(long nr, long a, long b)
{
	long ret;
	uint16_t cs;
	__asm__("mov %%cs, %0" : "=r"(cs));
	if (cs & 3)
		__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	else
		__asm__ volatile("call *%[e]"
				 : "=a"(ret)
				 : "a"(nr), "D"(a), "S"(b), [e] "r"(vdata()->r0_entry)
				 : "rcx", "r11", "memory");
	return ret;
}

/* CLOCK_REALTIME(0), _COARSE(5); CLOCK_MONOTONIC(1), _RAW(4), _COARSE(6), BOOTTIME(7) */
#define REAL_CLOCKS (1u << CLOCK_REALTIME | 1u << CLOCK_REALTIME_COARSE)
#define MONO_CLOCKS (1u << CLOCK_MONOTONIC | 1u << CLOCK_MONOTONIC_RAW | 1u << CLOCK_MONOTONIC_COARSE | \
		     1u << CLOCK_BOOTTIME)

int __vdso_clock_gettime(int clk, struct vts *ts)
{
	if ((unsigned)clk >= 32 || !((REAL_CLOCKS | MONO_CLOCKS) >> clk & 1))
		return (int)fallback(__NR_clock_gettime, clk, (long)ts);
	const volatile struct vdso_data *d = vdata();
	uint64_t ns = mono_ns(d);
	if (REAL_CLOCKS >> clk & 1)
		ns += d->real_base_ns;
	ts->sec = (int64_t)(ns / NSEC);
	ts->nsec = (int64_t)(ns % NSEC);
	return 0;
}

int __vdso_gettimeofday(struct vtv *tv, struct vtz *tz)
{
	const volatile struct vdso_data *d = vdata();
	uint64_t ns = mono_ns(d) + d->real_base_ns;
	if (tv) {
		tv->sec = (int64_t)(ns / NSEC);
		tv->usec = (int64_t)(ns % NSEC / 1000);
	}
	if (tz) {
		tz->minuteswest = 0;
		tz->dsttime = 0;
	}
	return 0;
}

int64_t __vdso_time(int64_t *t)
{
	const volatile struct vdso_data *d = vdata();
	int64_t s = (int64_t)((mono_ns(d) + d->real_base_ns) / NSEC);
	if (t)
		*t = s;
	return s;
}

/* One CPU, one node. */
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	(void)unused;
	if (cpu)
		*cpu = 0;
	if (node)
		*node = 0;
	return 0;
}

int clock_gettime(int, struct vts *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct vtv *, struct vtz *) __attribute__((weak, alias("__vdso_gettimeofday")));
int64_t time(int64_t *) __attribute__((weak, alias("__vdso_time")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
