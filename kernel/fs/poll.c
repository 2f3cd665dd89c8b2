/* poll.c: poll, ppoll, select and pselect6. Owns the readiness scan (each file's poll
 * operation; files without one, such as regular files, are always ready), the poll heads
 * through which a sleeping poller is woken by the objects it watches and by no others (a
 * poll operation calls poll_wait_on(&its_head) during the scan; an object that changes calls
 * pollhead_wake; vfs.h), timeouts
 * (waitq_sleep_until on CLOCK_MONOTONIC) and the conversion between fd_set bitmaps and
 * poll events. A signal ends the wait with -ERESTARTNOHAND (EINTR when a handler runs,
 * restarted otherwise). ppoll/pselect6 apply their signal mask for the wait through the
 * process core (sigmask_set_temporary/sigmask_restore). Also the registrations that outlive
 * a scan (poll_file, pollwait_detach; epoll's items, fs/epoll.c) and the wake keys. */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include <linux/time_types.h>

#define ERESTARTNOHAND 514              /* Linux's internal value: never reaches a program */

/* The registration the scan in progress offers the file being asked (poll_wait_on); NULL
 * outside a scan. Scans run with interrupts disabled on the one CPU, so one is enough. */
static struct pollwait *scan_slot;
/* The earliest time a file asked the scan in progress to look again (poll_wake_at), 0 none. */
static uint64_t scan_wake_at;

void poll_wake_at(uint64_t mono_ns)
{
	if (scan_slot && (!scan_wake_at || mono_ns < scan_wake_at))
		scan_wake_at = mono_ns < 2 ? 2 : mono_ns;
}

void poll_wait_on(struct pollhead *h)
{
	struct pollwait *w = scan_slot;
	if (!w || w->head)
		return; /* not scanning, or this file registered already */
	w->head = h;
	w->next = h->first;
	h->first = w;
}

void pollhead_wake_key(struct pollhead *h, unsigned int key)
{
	uint64_t irq = irq_save();
	for (struct pollwait *w = h->first; w; w = w->next) {
		if (w->notify)
			w->notify(w, key);
		else
			waitq_wake_all(w->wake);
	}
	irq_restore(irq);
}

void pollhead_wake(struct pollhead *h)
{
	pollhead_wake_key(h, 0);
}

void pollhead_release(struct pollhead *h)
{
	uint64_t irq = irq_save();
	while (h->first) {
		struct pollwait *w = h->first;
		h->first = w->next;
		w->head = NULL;
		if (w->notify)
			w->notify(w, POLLHUP | POLLERR);
		else
			waitq_wake_all(w->wake);
	}
	irq_restore(irq);
}

void pollwait_detach(struct pollwait *w)
{
	uint64_t irq = irq_save();
	if (w->head) {
		struct pollwait **pp = &w->head->first;
		while (*pp && *pp != w)
			pp = &(*pp)->next;
		if (*pp)
			*pp = w->next;
		w->head = NULL;
	}
	irq_restore(irq);
}

#define POLL_DEFAULT (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

unsigned int poll_file(struct file *f, struct pollwait *w, uint64_t *wake_at)
{
	struct pollwait *slot = scan_slot;
	uint64_t at = scan_wake_at;
	scan_slot = w;
	scan_wake_at = 0;
	unsigned int m = f->ops && f->ops->poll ? f->ops->poll(f) : POLL_DEFAULT;
	*wake_at = scan_wake_at;
	scan_slot = slot;
	scan_wake_at = at;
	return m;
}

struct kpollfd {
	int fd;
	short events, revents;
};

#define POLL_ALWAYS (POLLERR | POLLHUP | POLLNVAL)
#define MAX_POLLFDS 4096

/* Fills revents; returns the number of entries with revents != 0. Each file's poll operation
 * may register w[i] on its poll head (poll_wait_on). Interrupts disabled. */
static int scan(struct kpollfd *p, size_t n, struct pollwait *w)
{
	int ready = 0;
	scan_wake_at = 0;
	for (size_t i = 0; i < n; i++) {
		p[i].revents = 0;
		if (p[i].fd < 0)
			continue;
		struct file *f = fget(p[i].fd);
		unsigned int m = POLLNVAL;
		if (f) {
			uint64_t at;
			m = poll_file(f, &w[i], &at);
			if (at && (!scan_wake_at || at < scan_wake_at))
				scan_wake_at = at;
		}
		file_put(f);
		p[i].revents = (short)(m & ((unsigned short)p[i].events | POLL_ALWAYS));
		if (p[i].revents)
			ready++;
	}
	return ready;
}

/* Scans, registers on the watched objects' poll heads and sleeps on a queue of its own
 * until one of them changes, a signal comes or the deadline passes; then scans again.
 * deadline: 0 wait forever, 1 do not wait, else CLOCK_MONOTONIC ns. */
static long do_poll(struct kpollfd *p, size_t n, uint64_t deadline)
{
	struct pollwait *w = n ? kzalloc(n * sizeof(*w)) : NULL;
	if (n && !w)
		return -ENOMEM;
	struct waitq q;
	waitq_init(&q);
	for (size_t i = 0; i < n; i++)
		w[i].wake = &q;
	long r;
	for (;;) {
		uint64_t irq = irq_save();
		int ready = scan(p, n, w);
		bool last = ready || deadline == 1 || (deadline && time_monotonic_ns() >= deadline);
		/* a file's own time (poll_wake_at) may come before the caller's deadline */
		uint64_t until = deadline;
		bool early = scan_wake_at && (!until || scan_wake_at < until);
		if (early)
			until = scan_wake_at;
		long err = last ? 0 : waitq_sleep_until(&q, until);
		for (size_t i = 0; i < n; i++)
			pollwait_detach(&w[i]);
		irq_restore(irq);
		if (last) {
			r = ready;
			break;
		}
		if (err == -ETIMEDOUT && early) {
			continue; /* the file's time came: scan again */
		} else if (err == -ETIMEDOUT) {
			deadline = 1; /* one last scan */
		} else if (err) {
			r = err == -ERESTARTSYS ? -ERESTARTNOHAND : err;
			break;
		}
	}
	kfree(w);
	return r;
}

static uint64_t deadline_after_ns(uint64_t ns)
{
	if (ns == 0)
		return 1;
	uint64_t now = time_monotonic_ns();
	uint64_t d = now + ns;
	if (d < now)
		return 0; /* overflow: forever */
	return d < 2 ? 2 : d;
}

static long ts_deadline(uint64_t uts, uint64_t *deadline)
{
	if (!uts) {
		*deadline = 0;
		return 0;
	}
	struct __kernel_timespec ts;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	if ((uint64_t)ts.tv_sec > 1000000000ULL * 365 * 24 * 3600) {
		*deadline = 0;
		return 0;
	}
	*deadline = deadline_after_ns((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
	return 0;
}

static long poll_user(uint64_t ufds, uint64_t nfds, uint64_t deadline)
{
	if (nfds > MAX_POLLFDS)
		return -EINVAL;
	struct kpollfd *p = nfds ? kmalloc(nfds * sizeof(*p)) : NULL;
	if (nfds && !p)
		return -ENOMEM;
	long r = 0;
	if (nfds && copy_from_user(p, ufds, nfds * sizeof(*p)))
		r = -EFAULT;
	if (!r)
		r = do_poll(p, nfds, deadline);
	if (r >= 0 && nfds && copy_to_user(ufds, p, nfds * sizeof(*p)))
		r = -EFAULT;
	kfree(p);
	return r;
}

/* nfds is uint64_t (Linux: unsigned int) in poll and ppoll: poll_user's limit has always
 * seen the whole register. */
SYSCALL_DEFINE3(poll, uptr_t, ufds, uint64_t, nfds, int, timeout_msecs)
{
	uint64_t deadline = timeout_msecs < 0 ? 0 : deadline_after_ns((uint64_t)timeout_msecs * 1000000ULL);
	return poll_user(ufds, nfds, deadline);
}

/* The sigmask argument of ppoll (pointer, size) and pselect6 (in a {pointer, size} pair). */
static long mask_in(uint64_t umask, uint64_t size, bool *set, uint64_t *mask)
{
	*set = false;
	if (!umask)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(mask, umask, sizeof(*mask)))
		return -EFAULT;
	*set = true;
	return 0;
}

SYSCALL_DEFINE5(ppoll, uptr_t, ufds, uint64_t, nfds, uptr_t, tsp, uptr_t, sigmask, size_t, sigsetsize)
{
	uint64_t deadline, mask;
	bool set;
	long err = ts_deadline(tsp, &deadline);
	if (!err)
		err = mask_in(sigmask, sigsetsize, &set, &mask);
	if (err)
		return err;
	if (set)
		sigmask_set_temporary(mask);
	long r = poll_user(ufds, nfds, deadline);
	if (set)
		sigmask_restore(r == -ERESTARTNOHAND);
	return r;
}

/* --- select ---------------------------------------------------------------------------- */

#define SEL_IN (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define SEL_OUT (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define SEL_EX (POLLPRI)
#define SEL_MAX_FDS 1024          /* FD_SETSIZE: the sets are copied onto the kernel stack */

static long do_select(int nfds, uint64_t ur, uint64_t uw, uint64_t ue, uint64_t deadline)
{
	if (nfds < 0)
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	if (t && nfds > t->size)
		nfds = t->size;         /* larger nfds are cut down to the table, as Linux does */
	if (nfds > SEL_MAX_FDS)
		return -EINVAL;         /* Linux takes them; fd_set ends at FD_SETSIZE anyway */
	size_t words = ((size_t)nfds + 63) / 64;
	uint64_t in[3][SEL_MAX_FDS / 64], out[3][SEL_MAX_FDS / 64];
	uint64_t usets[3] = {ur, uw, ue};
	memset(in, 0, sizeof(in));
	memset(out, 0, sizeof(out));
	for (int s = 0; s < 3; s++)
		if (usets[s] && words && copy_from_user(in[s], usets[s], words * 8))
			return -EFAULT;
	if (nfds % 64)
		for (int s = 0; s < 3; s++)
			in[s][words - 1] &= (1ULL << (nfds % 64)) - 1;
	/* the fds asked about, as a poll list */
	size_t n = 0;
	for (int fd = 0; fd < nfds; fd++)
		if ((in[0][fd / 64] | in[1][fd / 64] | in[2][fd / 64]) >> (fd % 64) & 1)
			n++;
	struct kpollfd *p = n ? kmalloc(n * sizeof(*p)) : NULL;
	if (n && !p)
		return -ENOMEM;
	size_t i = 0;
	for (int fd = 0; fd < nfds; fd++) {
		uint64_t bit = 1ULL << (fd % 64);
		short ev = 0;
		if (in[0][fd / 64] & bit)
			ev |= SEL_IN;
		if (in[1][fd / 64] & bit)
			ev |= SEL_OUT;
		if (in[2][fd / 64] & bit)
			ev |= SEL_EX;
		if (ev) {
			struct file *f = fget(fd);
			if (!f) {
				kfree(p);
				return -EBADF;
			}
			file_put(f);
			p[i].fd = fd;
			p[i].events = ev;
			i++;
		}
	}
	long r = do_poll(p, n, deadline);
	if (r >= 0) {
		r = 0;
		for (i = 0; i < n; i++) {
			int fd = p[i].fd;
			uint64_t bit = 1ULL << (fd % 64);
			short rv = p[i].revents;
			if ((in[0][fd / 64] & bit) && (rv & SEL_IN)) {
				out[0][fd / 64] |= bit;
				r++;
			}
			if ((in[1][fd / 64] & bit) && (rv & SEL_OUT)) {
				out[1][fd / 64] |= bit;
				r++;
			}
			if ((in[2][fd / 64] & bit) && (rv & SEL_EX)) {
				out[2][fd / 64] |= bit;
				r++;
			}
		}
		for (int s = 0; s < 3; s++)
			if (usets[s] && words && copy_to_user(usets[s], out[s], words * 8))
				r = -EFAULT;
	}
	kfree(p);
	return r;
}

/* Writes back the time left, as Linux does for select. */
static void time_left(uint64_t uts, uint64_t deadline, bool timeval)
{
	if (!uts || deadline <= 1)
		return;
	uint64_t now = time_monotonic_ns();
	uint64_t left = deadline > now ? deadline - now : 0;
	if (timeval) {
		struct __kernel_old_timeval tv = {(long)(left / 1000000000ULL), (long)(left % 1000000000ULL / 1000)};
		copy_to_user(uts, &tv, sizeof(tv));
	} else {
		struct __kernel_timespec ts = {(long long)(left / 1000000000ULL), (long long)(left % 1000000000ULL)};
		copy_to_user(uts, &ts, sizeof(ts));
	}
}

SYSCALL_DEFINE5(select, int, n, uptr_t, inp, uptr_t, outp, uptr_t, exp, uptr_t, tvp)
{
	uint64_t deadline = 0;
	if (tvp) {
		struct __kernel_old_timeval tv;
		if (copy_from_user(&tv, tvp, sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		uint64_t ns = (uint64_t)tv.tv_sec * 1000000000ULL + (uint64_t)(tv.tv_usec % 1000000) * 1000ULL +
			      (uint64_t)(tv.tv_usec / 1000000) * 1000000000ULL;
		deadline = deadline_after_ns(ns);
	}
	long r = do_select(n, inp, outp, exp, deadline);
	time_left(tvp, deadline, true);
	return r;
}

SYSCALL_DEFINE6(pselect6, int, n, uptr_t, inp, uptr_t, outp, uptr_t, exp, uptr_t, tsp, uptr_t, sig)
{
	uint64_t deadline, mask = 0, usig[2] = {0, 0};
	bool set = false;
	long err = ts_deadline(tsp, &deadline);
	if (!err && sig && copy_from_user(usig, sig, sizeof(usig)))
		err = -EFAULT;
	if (!err)
		err = mask_in(usig[0], usig[1], &set, &mask);
	if (err)
		return err;
	if (set)
		sigmask_set_temporary(mask);
	long r = do_select(n, inp, outp, exp, deadline);
	if (set)
		sigmask_restore(r == -ERESTARTNOHAND);
	time_left(tsp, deadline, false);
	return r;
}
