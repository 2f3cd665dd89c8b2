/* timerfd.c: timerfd_create, timerfd_settime and timerfd_gettime (timerfd_create(2)): a
 * timer on CLOCK_MONOTONIC, CLOCK_BOOTTIME (the same clock here: nothing suspends) or
 * CLOCK_REALTIME (the _ALARM variants behave as their base clock) whose expirations are
 * read as an 8-byte count. Owns the timer's state (the next expiration on its own clock,
 * the interval, the expirations not yet read) and its rules: relative or absolute
 * (TFD_TIMER_ABSTIME) settings, a zero it_value disarms, settime and gettime report the
 * time left, reading waits for an expiration (EAGAIN with TFD_NONBLOCK, EINVAL for a
 * buffer under 8 bytes), poll is readable once it has expired.
 *
 * Expirations are counted when looked at (from the clock, not by an interrupt): a reader
 * sleeps until the next expiration's time, and a poller asks the poll loop to scan again
 * then (poll_wake_at). Setting the timer wakes both so they look again. The realtime clock
 * is never set here, so TFD_TIMER_CANCEL_ON_SET is accepted and never cancels. Does not own
 * the clocks (proc/time.c), descriptors (file.c) or the poll loop (poll.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#ifndef CLOCK_REALTIME          /* the host build of tests/kfs has them from <time.h> */
#include <linux/time.h>
#endif
#include <linux/time_types.h>
#include <linux/timerfd.h>

#define NS 1000000000ULL

struct timerfd {
	int clock;                      /* CLOCK_REALTIME or CLOCK_MONOTONIC */
	uint64_t next;                  /* next expiration on that clock, ns; 0: disarmed */
	uint64_t interval;              /* ns; 0: one shot */
	uint64_t ticks;                 /* expirations not yet read */
	struct waitq q;
	struct pollhead pollers;
};

static uint64_t tfd_now(struct timerfd *t)
{
	return t->clock == CLOCK_REALTIME ? time_realtime_ns() : time_monotonic_ns();
}

/* Counts the expirations up to now. */
static void tfd_update(struct timerfd *t)
{
	uint64_t now = tfd_now(t);
	if (!t->next || now < t->next)
		return;
	if (!t->interval) {
		t->ticks++;
		t->next = 0;
		return;
	}
	uint64_t n = (now - t->next) / t->interval + 1;
	t->ticks += n;
	t->next += n * t->interval;
}

/* The next expiration on CLOCK_MONOTONIC (0: disarmed). */
static uint64_t tfd_mono_deadline(struct timerfd *t)
{
	if (!t->next)
		return 0;
	uint64_t now = tfd_now(t), mono = time_monotonic_ns();
	uint64_t d = mono + (t->next > now ? t->next - now : 0);
	return d < 2 ? 2 : d;
}

static long tfd_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	struct timerfd *t = f->priv;
	if (n < 8)
		return -EINVAL;
	uint64_t irq = irq_save();
	long err = 0;
	for (tfd_update(t); !t->ticks; tfd_update(t)) {
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = waitq_sleep_until(&t->q, tfd_mono_deadline(t));
		if (err == -ETIMEDOUT)
			err = 0;
		else if (err)
			break;
	}
	uint64_t v = t->ticks;
	if (!err)
		t->ticks = 0;
	irq_restore(irq);
	if (err)
		return err;
	/* An unread expiration is the last event until this read (Linux re-arms its timer
	 * here): an epoll item that reported it looks again for the next one's time. */
	if (t->next)
		pollhead_wake(&t->pollers);
	if (copy_to_user(ubuf, &v, 8))
		return -EFAULT;
	return 8;
}

static unsigned int tfd_poll(struct file *f)
{
	struct timerfd *t = f->priv;
	poll_wait_on(&t->pollers);
	tfd_update(t);
	if (t->ticks)
		return POLLIN | POLLRDNORM;
	if (t->next)
		poll_wake_at(tfd_mono_deadline(t));
	return 0;
}

static void tfd_release(struct file *f)
{
	struct timerfd *t = f->priv;
	pollhead_release(&t->pollers);
	kfree(t);
}

static const struct file_ops timerfd_fops = {
	.read = tfd_read, .poll = tfd_poll, .release = tfd_release,
};

SYSCALL_DEFINE2(timerfd_create, int, clockid, flags_t, flags)
{
	if (flags & ~(unsigned int)(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	int clock;
	switch (clockid) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_ALARM:
		clock = CLOCK_REALTIME;
		break;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		clock = CLOCK_MONOTONIC;
		break;
	default:
		return -EINVAL;
	}
	struct timerfd *t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->clock = clock;
	waitq_init(&t->q);
	long fd = anon_fd_install(&timerfd_fops, t, O_RDWR | flags);
	if (fd < 0)
		kfree(t);
	return fd;
}

static uint64_t ts_ns(const struct __kernel_timespec *ts)
{
	return (uint64_t)ts->tv_sec * NS + (uint64_t)ts->tv_nsec;
}

static struct __kernel_timespec ns_ts(uint64_t ns)
{
	return (struct __kernel_timespec){.tv_sec = (int64_t)(ns / NS), .tv_nsec = (int64_t)(ns % NS)};
}

static bool ts_valid(const struct __kernel_timespec *ts)
{
	/* past about 292 years the nanoseconds would not fit: Linux clamps, so do we */
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (int64_t)NS;
}

static uint64_t ts_ns_clamped(const struct __kernel_timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= (UINT64_MAX / NS) - 1)
		return UINT64_MAX / 2;
	return ts_ns(ts);
}

/* The setting as timerfd_gettime reports it (expirations counted first). */
static struct __kernel_itimerspec tfd_current(struct timerfd *t)
{
	tfd_update(t);
	uint64_t now = tfd_now(t);
	struct __kernel_itimerspec v;
	v.it_interval = ns_ts(t->interval);
	v.it_value = ns_ts(t->next ? (t->next > now ? t->next - now : 1) : 0);
	return v;
}

SYSCALL_DEFINE4(timerfd_settime, fd_t, ufd, flags_t, flags, uptr_t, utmr, uptr_t, otmr)
{
	struct __kernel_itimerspec n;
	if (flags & ~(unsigned int)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	if (copy_from_user(&n, utmr, sizeof(n)))
		return -EFAULT;
	if (!ts_valid(&n.it_value) || !ts_valid(&n.it_interval))
		return -EINVAL;
	long err;
	struct file *f = fget_kind(ufd, &timerfd_fops, &err);
	if (!f)
		return err;
	struct timerfd *t = f->priv;
	struct __kernel_itimerspec old = tfd_current(t);
	uint64_t value = ts_ns_clamped(&n.it_value);
	t->ticks = 0;
	t->interval = ts_ns_clamped(&n.it_interval);
	if (!value)
		t->next = 0;
	else if (flags & TFD_TIMER_ABSTIME)
		t->next = value;
	else
		t->next = tfd_now(t) + value;
	waitq_wake_all(&t->q);
	pollhead_wake(&t->pollers);
	file_put(f);
	if (otmr && copy_to_user(otmr, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, fd_t, ufd, uptr_t, otmr)
{
	long err;
	struct file *f = fget_kind(ufd, &timerfd_fops, &err);
	if (!f)
		return err;
	struct __kernel_itimerspec cur = tfd_current(f->priv);
	file_put(f);
	return copy_to_user(otmr, &cur, sizeof(cur));
}
