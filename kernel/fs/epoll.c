/* epoll.c: epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and epoll_pwait2
 * (epoll(7)). Owns the epoll instance (an anonymous file: its items, its ready list, the
 * tasks waiting in it and its own poll head, so that an epoll can be polled and nested) and
 * the items' rules:
 *
 *  - an item is keyed by (open file description, fd number) as on Linux: closing one dup of
 *    the file keeps it; it goes when its file's last reference is dropped (file_put calls
 *    epoll_file_gone) or with EPOLL_CTL_DEL;
 *  - its registration on the file's object's poll head (a struct pollwait with a `notify`,
 *    vfs.h) lasts as long as the item: a wake whose key matches the item's events (or with
 *    key 0, unknown) puts it on the ready list and wakes the epoll's waiters and pollers;
 *  - epoll_wait takes the ready list and asks each file again (poll_file): level-triggered
 *    items that are still ready go back on the list, edge-triggered ones wait for the next
 *    wake, EPOLLONESHOT ones are disabled until EPOLL_CTL_MOD; EPOLLERR and EPOLLHUP are
 *    always watched (until a one-shot fires), EPOLLEXCLUSIVE is accepted (every waiter is
 *    woken: one CPU), EPOLLWAKEUP ignored;
 *  - readiness that comes with time (timerfd's poll_wake_at) is kept per item: the wait
 *    sleeps until the earliest such time and then asks those items again;
 *  - an epoll may watch another (5 deep at most, no cycles: ELOOP as Linux).
 *
 * A signal ends a wait with EINTR (never restarted, as Linux). Concurrency is as the rest of
 * the file layer's: one CPU, interrupts off while lists change (wakes come from interrupt
 * handlers too), nothing here sleeps except the wait itself. Does not own descriptors
 * (file.c), the poll heads of the objects or poll/select's scan (poll.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include <linux/eventpoll.h>
#include <linux/time_types.h>

/* struct epoll_event as x86_64 lays it out: packed, 12 bytes */
struct kepoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct kepoll_event) == 12, "epoll_event layout");

#define EP_PRIVATE (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4                  /* as Linux: at most 5 epolls in a chain */
#define EP_MAX_EVENTS (0x7fffffff / (int)sizeof(struct kepoll_event))
#define EP_BATCH 256                    /* events gathered per wait at most */
#define ERESTARTNOHAND 514

struct eventpoll;
struct epitem {
	struct pollwait pw;             /* first: the wake finds the item from it */
	struct eventpoll *ep;
	struct file *file;              /* not referenced: the item goes with the file */
	int fd;
	uint32_t events;                /* asked for, with EPOLLERR|EPOLLHUP; private bits */
	uint64_t data;
	uint64_t wake_at;               /* the file asked to be looked at then (0: no) */
	struct epitem *prev, *next;     /* the epoll's items */
	struct epitem *rprev, *rnext;   /* the ready list */
	bool ready;                     /* on the ready list */
	struct epitem *fnext;           /* the file's items (f->epitems) */
};

struct eventpoll {
	struct file *file;              /* its own file (no reference) */
	struct epitem *items;
	struct epitem *rfirst, *rlast;  /* the ready list, in the order items became ready */
	int ntimed;                     /* items with a wake_at */
	uint64_t frees;                 /* items freed so far (epoll_wait's EFAULT path) */
	struct waitq wq;                /* tasks in epoll_wait */
	struct pollhead ph;             /* pollers of the epoll file (poll, another epoll) */
	/* epoll_wait's buffers, kept for the next wait (made at every wait, their two zeroed
	 * frames were 4 700 instructions of a redis GET); NULL while a wait has them, and a
	 * second thread waiting meanwhile makes its own */
	struct wait_bufs *spare;
};

static const struct file_ops epoll_fops;

/* --- the ready list (interrupts disabled) ------------------------------------------------ */

static void ready_add(struct eventpoll *ep, struct epitem *it)
{
	if (it->ready)
		return;
	it->ready = true;
	it->rnext = NULL;
	it->rprev = ep->rlast;
	if (ep->rlast)
		ep->rlast->rnext = it;
	else
		ep->rfirst = it;
	ep->rlast = it;
}

static void ready_front(struct eventpoll *ep, struct epitem *it)
{
	if (it->ready)
		return;
	it->ready = true;
	it->rprev = NULL;
	it->rnext = ep->rfirst;
	if (ep->rfirst)
		ep->rfirst->rprev = it;
	else
		ep->rlast = it;
	ep->rfirst = it;
}

static void ready_del(struct eventpoll *ep, struct epitem *it)
{
	if (!it->ready)
		return;
	it->ready = false;
	if (it->rprev)
		it->rprev->rnext = it->rnext;
	else
		ep->rfirst = it->rnext;
	if (it->rnext)
		it->rnext->rprev = it->rprev;
	else
		ep->rlast = it->rprev;
	it->rprev = it->rnext = NULL;
}

/* Something is ready: wake the waiters and whoever polls this epoll. */
static void ep_signal(struct eventpoll *ep)
{
	waitq_wake_all(&ep->wq);
	pollhead_wake_key(&ep->ph, POLLIN | POLLRDNORM);
}

/* The wake of a watched object (any context): queue the item if the change may concern it. */
static void ep_notify(struct pollwait *w, unsigned int key)
{
	struct epitem *it = (struct epitem *)w;
	if (!(it->events & ~EP_PRIVATE))
		return; /* a one-shot that fired */
	if (key && !(key & it->events))
		return;
	uint64_t irq = irq_save();
	ready_add(it->ep, it);
	irq_restore(irq);
	ep_signal(it->ep);
}

static void set_wake_at(struct eventpoll *ep, struct epitem *it, uint64_t at)
{
	ep->ntimed += (at != 0) - (it->wake_at != 0);
	it->wake_at = at;
}

/* Asks the item's file; registers the item on its poll head if it is not yet. */
static unsigned int item_poll(struct epitem *it)
{
	uint64_t at;
	unsigned int m = poll_file(it->file, &it->pw, &at);
	set_wake_at(it->ep, it, at);
	return m & it->events;
}

/* Items whose time came go on the ready list; returns the earliest time still to come. */
static uint64_t ep_due(struct eventpoll *ep)
{
	if (!ep->ntimed)
		return 0;
	uint64_t now = time_monotonic_ns(), next = 0;
	for (struct epitem *it = ep->items; it; it = it->next) {
		if (!it->wake_at)
			continue;
		if (it->wake_at <= now) {
			set_wake_at(ep, it, 0);
			ready_add(ep, it);
		} else if (!next || it->wake_at < next) {
			next = it->wake_at;
		}
	}
	return next;
}

/* --- the epoll file ------------------------------------------------------------------------ */

/* Readable while an item on the ready list is ready (those that are not leave the list). */
static unsigned int ep_poll(struct file *f)
{
	struct eventpoll *ep = f->priv;
	unsigned int m = 0;
	poll_wait_on(&ep->ph);
	ep_due(ep);
	for (struct epitem *it = ep->rfirst, *nx; it && !m; it = nx) {
		nx = it->rnext;
		if ((it->events & ~EP_PRIVATE) && item_poll(it))
			m = POLLIN | POLLRDNORM;
		else
			ready_del(ep, it);
	}
	uint64_t next = ep_due(ep);
	if (next)
		poll_wake_at(next);
	return m;
}

static void item_free(struct eventpoll *ep, struct epitem *it)
{
	pollwait_detach(&it->pw);
	uint64_t irq = irq_save();
	ready_del(ep, it);
	set_wake_at(ep, it, 0);
	if (it->prev)
		it->prev->next = it->next;
	else
		ep->items = it->next;
	if (it->next)
		it->next->prev = it->prev;
	struct epitem **pp = &it->file->epitems;
	while (*pp && *pp != it)
		pp = &(*pp)->fnext;
	if (*pp)
		*pp = it->fnext;
	ep->frees++;
	irq_restore(irq);
	kfree(it);
}

void epoll_file_gone(struct file *f)
{
	while (f->epitems)
		item_free(f->epitems->ep, f->epitems);
}

static void ep_release(struct file *f)
{
	struct eventpoll *ep = f->priv;
	while (ep->items)
		item_free(ep, ep->items);
	pollhead_release(&ep->ph);
	kfree(ep->spare);
	kfree(ep);
}

static const struct file_ops epoll_fops = {
	.poll = ep_poll, .release = ep_release,
};

static long ep_create(unsigned int flags)
{
	if (flags & ~(unsigned int)EPOLL_CLOEXEC)
		return -EINVAL;
	struct eventpoll *ep = kzalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	waitq_init(&ep->wq);
	long fd = anon_fd_install(&epoll_fops, ep, O_RDWR | (flags & O_CLOEXEC));
	if (fd < 0) {
		kfree(ep);
		return fd;
	}
	struct file *f = fget((int)fd);
	ep->file = f;
	file_put(f);
	return fd;
}

SYSCALL_DEFINE1(epoll_create1, flags_t, flags)
{
	return ep_create(flags);
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	if (size <= 0)
		return -EINVAL;
	return ep_create(0);
}

/* --- epoll_ctl ----------------------------------------------------------------------------- */

static struct epitem *item_find(struct eventpoll *ep, struct file *f, int fd)
{
	for (struct epitem *it = ep->items; it; it = it->next)
		if (it->file == f && it->fd == fd)
			return it;
	return NULL;
}

/* The longest chain of epolls below ep (ep itself counts 1); -1 when `target` is in it. */
static int depth_below(struct eventpoll *ep, struct eventpoll *target, int limit)
{
	if (ep == target)
		return -1;
	if (limit < 0)
		return 1000; /* deeper than anything allowed */
	int d = 1;
	for (struct epitem *it = ep->items; it; it = it->next) {
		if (it->file->ops != &epoll_fops)
			continue;
		int k = depth_below(it->file->priv, target, limit - 1);
		if (k < 0)
			return -1;
		if (k + 1 > d)
			d = k + 1;
	}
	return d;
}

/* The longest chain of epolls above ep, through the items that watch its file (ep counts 1). */
static int depth_above(struct eventpoll *ep, int limit)
{
	if (limit < 0)
		return 1000;
	int d = 1;
	for (struct epitem *it = ep->file ? ep->file->epitems : NULL; it; it = it->fnext) {
		int k = depth_above(it->ep, limit - 1) + 1;
		if (k > d)
			d = k;
	}
	return d;
}

/* Adding the epoll `inner` to ep: ELOOP for a cycle or a chain longer than Linux allows. */
static long nest_check(struct eventpoll *ep, struct eventpoll *inner)
{
	int below = depth_below(inner, ep, EP_MAX_NESTS + 1);
	if (below < 0 || below + depth_above(ep, EP_MAX_NESTS + 1) > EP_MAX_NESTS + 1)
		return -ELOOP;
	return 0;
}

/* Asks the file at once: an item that is ready now goes on the ready list. */
static void item_arm(struct eventpoll *ep, struct epitem *it)
{
	uint64_t irq = irq_save();
	bool now = (it->events & ~EP_PRIVATE) && item_poll(it);
	if (now)
		ready_add(ep, it);
	irq_restore(irq);
	if (now)
		ep_signal(ep);
}

static long item_add(struct eventpoll *ep, struct file *tf, int fd, struct kepoll_event *ev)
{
	if (tf->ops == &epoll_fops) {
		long err = nest_check(ep, tf->priv);
		if (err)
			return err;
	}
	struct epitem *it = kzalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->pw.notify = ep_notify;
	it->ep = ep;
	it->file = tf;
	it->fd = fd;
	it->events = ev->events;
	it->data = ev->data;
	uint64_t irq = irq_save();
	it->next = ep->items;
	if (ep->items)
		ep->items->prev = it;
	ep->items = it;
	it->fnext = tf->epitems;
	tf->epitems = it;
	irq_restore(irq);
	item_arm(ep, it);
	return 0;
}

static long item_mod(struct eventpoll *ep, struct epitem *it, struct kepoll_event *ev)
{
	uint64_t irq = irq_save();
	it->events = ev->events;
	it->data = ev->data;
	ready_del(ep, it);
	irq_restore(irq);
	item_arm(ep, it);
	return 0;
}

static long do_ctl(struct eventpoll *ep, struct file *epf, struct file *tf, int op, int fd, struct kepoll_event *ev)
{
	if (!tf->ops || !tf->ops->poll || tf->ops->no_epoll)
		return -EPERM; /* regular files, directories, /dev/null: as Linux */
	if (tf == epf || epf->ops != &epoll_fops)
		return -EINVAL;
	bool has_event = op != EPOLL_CTL_DEL;
	if (has_event && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (tf->ops == &epoll_fops || (ev->events & ~(uint32_t)EP_EXCLUSIVE_OK))
			return -EINVAL;
	}
	if (has_event)
		ev->events |= EPOLLERR | EPOLLHUP;
	struct epitem *it = item_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		return it ? -EEXIST : item_add(ep, tf, fd, ev);
	case EPOLL_CTL_DEL:
		if (!it)
			return -ENOENT;
		item_free(ep, it);
		return 0;
	case EPOLL_CTL_MOD:
		if (!it)
			return -ENOENT;
		if (it->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		return item_mod(ep, it, ev);
	}
	return -EINVAL;
}

SYSCALL_DEFINE4(epoll_ctl, fd_t, epfd, int, op, fd_t, fd, uptr_t, event)
{
	struct kepoll_event ev = {0, 0};
	/* as Linux: every op but DEL reads the event, an unknown one too */
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, event, sizeof(ev)))
		return -EFAULT;
	struct file *epf = fget(epfd);
	if (!epf)
		return -EBADF;
	struct file *tf = fget(fd);
	long r = tf ? do_ctl(epf->priv, epf, tf, op, fd, &ev) : -EBADF;
	file_put(tf);
	file_put(epf);
	return r;
}

/* --- epoll_wait ---------------------------------------------------------------------------- */

/* An event taken off the ready list: its item and the item's events before (a one-shot's). */
struct taken {
	struct epitem *it;
	uint32_t events;
};

struct wait_bufs {
	struct kepoll_event ev[EP_BATCH];
	struct taken tk[EP_BATCH];
};

/* Takes up to max events off the ready list (interrupts disabled). */
static int harvest(struct eventpoll *ep, struct kepoll_event *out, struct taken *taken, int max)
{
	ep_due(ep);
	struct epitem *list = ep->rfirst;
	/* the list as it is now: level-triggered items put back go after it */
	for (struct epitem *it = list; it; it = it->rnext)
		it->ready = false;
	ep->rfirst = ep->rlast = NULL;
	int n = 0;
	struct epitem *it = list;
	while (it && n < max) {
		struct epitem *nx = it->rnext;
		it->rprev = it->rnext = NULL;
		unsigned int m = (it->events & ~EP_PRIVATE) ? item_poll(it) : 0;
		if (m) {
			out[n].events = m;
			out[n].data = it->data;
			taken[n].it = it;
			taken[n++].events = it->events;
			if (it->events & EPOLLONESHOT)
				it->events &= EP_PRIVATE;
			else if (!(it->events & EPOLLET))
				ready_add(ep, it);
		}
		it = nx;
	}
	/* what was not looked at goes first again, in its order */
	struct epitem *rest = it, *tail = NULL;
	for (struct epitem *r = rest; r; r = r->rnext) {
		r->ready = true;
		tail = r;
	}
	if (rest) {
		rest->rprev = NULL;
		tail->rnext = ep->rfirst;
		if (ep->rfirst)
			ep->rfirst->rprev = tail;
		else
			ep->rlast = tail;
		ep->rfirst = rest;
	}
	return n;
}

/* deadline: 0 forever, 1 do not wait, else CLOCK_MONOTONIC ns. */
static long ep_wait(struct eventpoll *ep, uint64_t uevents, int max, uint64_t deadline)
{
	int cap = max < EP_BATCH ? max : EP_BATCH;
	struct wait_bufs *wb = ep->spare;
	ep->spare = NULL;
	if (!wb && !(wb = kmalloc(sizeof(*wb))))
		return -ENOMEM;
	struct kepoll_event *buf = wb->ev;
	struct taken *taken = wb->tk;
	long r;
	uint64_t frees = 0;
	for (;;) {
		uint64_t irq = irq_save();
		frees = ep->frees;
		int n = harvest(ep, buf, taken, cap);
		uint64_t now = deadline > 1 ? time_monotonic_ns() : 0;
		if (n || deadline == 1 || (deadline && now >= deadline)) {
			irq_restore(irq);
			r = n;
			break;
		}
		uint64_t until = deadline, next = ep_due(ep);
		if (next && (!until || next < until))
			until = next;
		long err = ep->rfirst ? 0 : waitq_sleep_until(&ep->wq, until);
		irq_restore(irq);
		if (err == -ETIMEDOUT && until == deadline)
			deadline = 1; /* one last look */
		else if (err && err != -ETIMEDOUT) {
			r = -EINTR;
			break;
		}
	}
	if (r > 0 && copy_to_user(uevents, buf, (size_t)r * sizeof(*buf))) {
		/* as Linux: the events taken go back, one-shots armed again (if no item was freed
		 * meanwhile: the copy may have slept on a page fault) */
		uint64_t irq = irq_save();
		if (ep->frees == frees)
			for (long i = r - 1; i >= 0; i--) {
				taken[i].it->events = taken[i].events;
				ready_front(ep, taken[i].it);
			}
		irq_restore(irq);
		r = -EFAULT;
	}
	if (!ep->spare)
		ep->spare = wb;
	else
		kfree(wb);
	return r;
}

static long do_wait(int epfd, uint64_t uevents, int max, uint64_t deadline)
{
	if (max <= 0 || max > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok(uevents, (size_t)max * sizeof(struct kepoll_event)))
		return -EFAULT;
	struct file *f = fget(epfd);
	if (!f)
		return -EBADF;
	long r = f->ops == &epoll_fops ? ep_wait(f->priv, uevents, max, deadline) : -EINVAL;
	file_put(f);
	return r;
}

static uint64_t ms_deadline(int ms)
{
	if (ms < 0)
		return 0;
	if (ms == 0)
		return 1;
	return time_monotonic_ns() + (uint64_t)ms * 1000000ULL;
}

/* epoll_pwait's mask for the wait (as ppoll's). */
static long with_mask(uint64_t umask, size_t size, int epfd, uint64_t uevents, int max, uint64_t deadline)
{
	uint64_t mask;
	if (umask) {
		if (size != sizeof(uint64_t))
			return -EINVAL;
		if (copy_from_user(&mask, umask, sizeof(mask)))
			return -EFAULT;
		sigmask_set_temporary(mask);
	}
	long r = do_wait(epfd, uevents, max, deadline);
	if (umask)
		sigmask_restore(r == -EINTR);
	return r;
}

SYSCALL_DEFINE4(epoll_wait, fd_t, epfd, uptr_t, events, int, maxevents, int, timeout)
{
	return do_wait(epfd, events, maxevents, ms_deadline(timeout));
}

SYSCALL_DEFINE6(epoll_pwait, fd_t, epfd, uptr_t, events, int, maxevents, int, timeout, uptr_t, sigmask,
		size_t, sigsetsize)
{
	return with_mask(sigmask, sigsetsize, epfd, events, maxevents, ms_deadline(timeout));
}

SYSCALL_DEFINE6(epoll_pwait2, fd_t, epfd, uptr_t, events, int, maxevents, uptr_t, timeout, uptr_t, sigmask,
		size_t, sigsetsize)
{
	uint64_t deadline = 0;
	if (timeout) {
		struct __kernel_timespec ts;
		if (copy_from_user(&ts, timeout, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		uint64_t ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
		if ((uint64_t)ts.tv_sec > 1000000000ULL * 365 * 24 * 3600)
			deadline = 0;
		else if (!ns)
			deadline = 1;
		else
			deadline = time_monotonic_ns() + ns;
	}
	return with_mask(sigmask, sigsetsize, epfd, events, maxevents, deadline);
}
