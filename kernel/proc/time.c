/* time.c: clocks and the timer. Owns TSC calibration (against the PIT's channel 0, read
 * back by latch; 20 ms), CLOCK_MONOTONIC from the TSC, CLOCK_REALTIME as the RTC's
 * date at boot plus the monotonic clock, the local APIC timer at HZ (periodic; calibrated
 * against the TSC), the tick handler (sched_tick, and the network stack's timeouts: net_tick) and the time system calls:
 * clock_gettime, clock_getres, gettimeofday, time, nanosleep, clock_nanosleep.
 * Without a usable PIT (it reads back nothing), 1 GHz is assumed for both the TSC and the
 * APIC timer, which is what QEMU gives under -icount shift=0. */
#include "proc.h"
#include "apic.h"
#include "idt.h"
#include "lib.h"
#include "netstack.h"
#include "syscall.h"
#include "uaccess.h"
#include "vdso.h"
#include "x86.h"
#include <asm-generic/errno.h>
#include <linux/time.h>

#define HZ 1000

static uint64_t tsc0, tsc_hz, mult; /* ns = (tsc - tsc0) * mult >> 32 */
static uint64_t boot_real_ns;
static uint64_t ticks;

static uint16_t pit_read(void)
{
	outb(0x43, 0x00); /* latch channel 0 */
	uint8_t lo = inb(0x40), hi = inb(0x40);
	return (uint16_t)(lo | hi << 8);
}

static uint8_t cmos(int reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int bcd(int v, bool binary) { return binary ? v : (v & 15) + (v >> 4) * 10; }

static uint64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = y / 400, yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (uint64_t)(era * 146097 + doe - 719468);
}

static uint64_t rtc_read_ns(void)
{
	for (int i = 0; i < 100000 && (cmos(0x0a) & 0x80); i++)
		pause();
	uint8_t b = cmos(0x0b);
	bool bin = b & 4;
	int s = bcd(cmos(0), bin), mi = bcd(cmos(2), bin), h = cmos(4), d = bcd(cmos(7), bin);
	int mo = bcd(cmos(8), bin), y = bcd(cmos(9), bin);
	bool pm = h & 0x80;
	h = bcd(h & 0x7f, bin);
	if (!(b & 2) && pm)
		h = (h % 12) + 12;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || cmos(0x0a) == 0xff)
		return 0;
	y += 2000;
	uint64_t days = days_from_civil(y, mo, d);
	return ((days * 86400) + h * 3600 + mi * 60 + s) * 1000000000ULL;
}

uint64_t clock_mono_ns(void) { return (uint64_t)(((unsigned __int128)(rdtsc() - tsc0) * mult) >> 32); }
uint64_t clock_real_ns(void) { return boot_real_ns + clock_mono_ns(); }
uint64_t time_tsc_hz(void) { return tsc_hz; }
uint64_t time_boot_real_ns(void) { return boot_real_ns; }

static void timer_irq(void)
{
	ticks++;
	net_tick();
	sched_tick();
}

void time_init(void)
{
	/* PIT channel 0: mode 2, reload 0 (65536), so it counts down continuously */
	outb(0x43, 0x34);
	outb(0x40, 0);
	outb(0x40, 0);
	uint16_t p0 = pit_read();
	uint64_t t0 = rdtsc();
	lapic_timer_oneshot_max();
	uint32_t l0 = lapic_timer_current();
	uint64_t elapsed = 0, want = 1193182 / 50; /* 20 ms of PIT ticks */
	uint16_t prev = p0;
	bool pit_ok = false;
	for (uint64_t spins = 0; spins < 50000000; spins++) {
		uint16_t c = pit_read();
		elapsed += (uint16_t)(prev - c);
		if (c != prev)
			pit_ok = true;
		prev = c;
		if (elapsed >= want)
			break;
	}
	uint64_t t1 = rdtsc();
	uint32_t l1 = lapic_timer_current();
	uint64_t lapic_hz;
	if (pit_ok && elapsed >= want) {
		tsc_hz = (t1 - t0) * 1193182 / elapsed;
		lapic_hz = (uint64_t)(l0 - l1) * 1193182 / elapsed;
	} else {
		tsc_hz = 1000000000ULL;
		lapic_hz = 1000000000ULL / 16;
	}
	if (!tsc_hz)
		tsc_hz = 1000000000ULL;
	tsc0 = rdtsc();
	mult = (1000000000ULL << 32) / tsc_hz; /* fits: 1e9 * 2^32 < 2^64 */
	boot_real_ns = rtc_read_ns();
	vdso_set_clock(tsc0, mult, boot_real_ns);
	irq_set_handler(VEC_TIMER, timer_irq);
	uint32_t count = (uint32_t)(lapic_hz / HZ);
	if (!count)
		count = 1;
	lapic_timer_periodic(VEC_TIMER, count);
	printk("time: TSC %lu kHz (%s), APIC timer %lu kHz / 16 -> %d Hz, realtime %lu s since the epoch\n",
	       tsc_hz / 1000, pit_ok ? "PIT-calibrated" : "assumed", lapic_hz / 1000, HZ, (uint64_t)(boot_real_ns / 1000000000ULL));
}

/* --- system calls ----------------------------------------------------------------------- */

struct kts {
	int64_t sec, nsec;
};

static long clock_ns(int clk, uint64_t *ns)
{
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		*ns = clock_real_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		*ns = clock_mono_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = clock_mono_ns() - current->start_ns;
		return 0;
	}
	return -EINVAL;
}

SYSCALL_LEAF_DEFINE2(clock_gettime, int, which_clock, uptr_t, tp)
{
	uint64_t ns;
	long e = clock_ns(which_clock, &ns);
	if (e)
		return e;
	struct kts ts = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL)};
	return copy_to_user(tp, &ts, sizeof(ts));
}

SYSCALL_LEAF_DEFINE2(clock_getres, int, which_clock, uptr_t, tp)
{
	uint64_t ns;
	long e = clock_ns(which_clock, &ns);
	if (e)
		return e;
	struct kts ts = {0, 1};
	return tp ? copy_to_user(tp, &ts, sizeof(ts)) : 0;
}

SYSCALL_LEAF_DEFINE2(gettimeofday, uptr_t, tv, uptr_t, tz)
{
	uint64_t ns = clock_real_ns();
	int32_t zone[2] = {0, 0}; /* struct timezone: UTC, no DST (Linux writes it when asked) */
	struct {
		int64_t sec, usec;
	} now = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000)};
	if (tv && copy_to_user(tv, &now, sizeof(now)))
		return -EFAULT;
	if (tz && copy_to_user(tz, zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}

SYSCALL_LEAF_DEFINE1(time, uptr_t, tloc)
{
	int64_t t = (int64_t)(clock_real_ns() / 1000000000ULL);
	if (tloc && copy_to_user(tloc, &t, sizeof(t)))
		return -EFAULT;
	return t;
}

/* Sleeps until the monotonic deadline; -EINTR (remaining time written) on a signal. */
static long sleep_until(uint64_t deadline, uint64_t urem)
{
	uint64_t f = irq_save();
	long e;
	while ((e = waitq_sleep_until(NULL, deadline)) == 0)
		;
	irq_restore(f);
	if (e == -ETIMEDOUT)
		return 0;
	if (urem) {
		uint64_t now = clock_mono_ns(), left = deadline > now ? deadline - now : 0;
		struct kts ts = {(int64_t)(left / 1000000000ULL), (int64_t)(left % 1000000000ULL)};
		if (copy_to_user(urem, &ts, sizeof(ts)))
			return -EFAULT;
	}
	return -EINTR;
}

static long read_ts(uint64_t uts, uint64_t *ns)
{
	struct kts ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
		return -EINVAL;
	*ns = (uint64_t)ts.sec * 1000000000ULL + (uint64_t)ts.nsec;
	return 0;
}

SYSCALL_DEFINE2(nanosleep, uptr_t, rqtp, uptr_t, rmtp)
{
	uint64_t ns;
	long e = read_ts(rqtp, &ns);
	if (e)
		return e;
	return sleep_until(clock_mono_ns() + ns + 1, rmtp);
}

SYSCALL_DEFINE4(clock_nanosleep, int, which_clock, flags_t, flags, uptr_t, rqtp, uptr_t, rmtp)
{
	uint64_t ns, now;
	if (clock_ns(which_clock, &now))
		return -EINVAL;
	long e = read_ts(rqtp, &ns);
	if (e)
		return e;
	uint64_t deadline;
	if (flags & TIMER_ABSTIME) {
		uint64_t mono = clock_mono_ns();
		deadline = ns > now ? mono + (ns - now) : mono;
		rmtp = 0;
	} else {
		deadline = clock_mono_ns() + ns + 1;
	}
	e = sleep_until(deadline, rmtp);
	return e;
}

/* vfs.h names these for file times. */
uint64_t time_monotonic_ns(void) { return clock_mono_ns(); }
uint64_t time_realtime_ns(void) { return clock_real_ns(); }

/* ITIMER_REAL (SIGALRM), shared by setitimer, getitimer and alarm. */
struct ktimeval {
	int64_t sec, usec;
};

static void itimer_get(struct ktimeval v[2])
{
	uint64_t now = clock_mono_ns(), left = 0;
	if (current->itimer_deadline)
		left = current->itimer_deadline > now ? current->itimer_deadline - now : 1000;
	v[0] = (struct ktimeval){(int64_t)(current->itimer_interval / 1000000000ULL),
				 (int64_t)(current->itimer_interval % 1000000000ULL / 1000)};
	v[1] = (struct ktimeval){(int64_t)(left / 1000000000ULL), (int64_t)(left % 1000000000ULL / 1000)};
}

static void itimer_set(uint64_t value_ns, uint64_t interval_ns)
{
	uint64_t f = irq_save();
	if (current->itimer_deadline)
		itimers_armed--;
	current->itimer_deadline = value_ns ? clock_mono_ns() + value_ns : 0;
	current->itimer_interval = value_ns ? interval_ns : 0;
	if (current->itimer_deadline)
		itimers_armed++;
	irq_restore(f);
}

SYSCALL_DEFINE2(getitimer, int, which, uptr_t, value)
{
	struct ktimeval v[2] = {{0, 0}, {0, 0}};
	if (which < 0 || which > 2)
		return -EINVAL;
	if (which == 0)
		itimer_get(v);
	return copy_to_user(value, v, sizeof(v));
}

SYSCALL_DEFINE3(setitimer, int, which, uptr_t, value, uptr_t, ovalue)
{
	struct ktimeval n[2], old[2] = {{0, 0}, {0, 0}};
	if (which < 0 || which > 2)
		return -EINVAL;
	if (value && copy_from_user(n, value, sizeof(n)))
		return -EFAULT;
	if (value && (n[0].usec < 0 || n[0].usec >= 1000000 || n[1].usec < 0 || n[1].usec >= 1000000 ||
		   n[0].sec < 0 || n[1].sec < 0))
		return -EINVAL;
	if (which != 0) /* ITIMER_VIRTUAL/PROF: accepted, never fire */
		return ovalue ? copy_to_user(ovalue, old, sizeof(old)) : 0;
	itimer_get(old);
	if (value)
		itimer_set((uint64_t)n[1].sec * 1000000000ULL + (uint64_t)n[1].usec * 1000,
			   (uint64_t)n[0].sec * 1000000000ULL + (uint64_t)n[0].usec * 1000);
	if (ovalue && copy_to_user(ovalue, old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* seconds is uint64_t (Linux: unsigned int): the whole register has always counted. */
SYSCALL_DEFINE1(alarm, uint64_t, seconds)
{
	struct ktimeval old[2];
	itimer_get(old);
	itimer_set(seconds * 1000000000ULL, 0);
	return old[1].sec + (old[1].usec ? 1 : 0);
}
