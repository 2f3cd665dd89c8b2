/* eventfd.c: eventfd and eventfd2, a 64-bit counter behind a descriptor (eventfd(2)).
 * Owns the counter's rules: a write of 8 bytes adds its value (0xffffffffffffffff is
 * EINVAL) and waits while the sum would pass 0xfffffffffffffffe (EAGAIN with O_NONBLOCK);
 * a read of 8 bytes waits for a non-zero counter and returns it and resets it to zero, or
 * with EFD_SEMAPHORE returns 1 and decrements it; buffers under 8 bytes are EINVAL; poll is
 * readable while the counter is non-zero and writable while a write of 1 would not block.
 * Does not own descriptors (file.c) or the poll loop (poll.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"

/* Linux's include/linux/eventfd.h (not in this Debian's UAPI headers); the other two
 * flags are O_CLOEXEC and O_NONBLOCK, as there. */
#define EFD_SEMAPHORE 1
#define EVENTFD_MAX 0xfffffffffffffffeULL

struct eventfd {
	uint64_t count;
	bool semaphore;
	struct waitq q;                 /* readers and writers that wait */
	struct pollhead pollers;
};

/* key: what may have become ready (a read makes room, a write a count) */
static void efd_changed(struct eventfd *e, unsigned int key)
{
	waitq_wake_all(&e->q);
	pollhead_wake_key(&e->pollers, key);
}

/* Waits (interrupts disabled) until ready() holds: 0, -EAGAIN or -ERESTARTSYS. */
static long efd_wait(struct file *f, struct eventfd *e, bool (*ready)(struct eventfd *, uint64_t), uint64_t v)
{
	while (!ready(e, v)) {
		if (f->flags & O_NONBLOCK)
			return -EAGAIN;
		long err = waitq_sleep(&e->q);
		if (err)
			return err;
	}
	return 0;
}

static bool can_read(struct eventfd *e, uint64_t v) { (void)v; return e->count != 0; }
static bool can_add(struct eventfd *e, uint64_t v) { return EVENTFD_MAX - e->count >= v; }

static long efd_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	struct eventfd *e = f->priv;
	if (n < 8)
		return -EINVAL;
	uint64_t irq = irq_save();
	long err = efd_wait(f, e, can_read, 0);
	uint64_t v = e->semaphore ? 1 : e->count;
	if (!err)
		e->count -= v;
	irq_restore(irq);
	if (err)
		return err;
	efd_changed(e, POLLOUT | POLLWRNORM);
	if (copy_to_user(ubuf, &v, 8))
		return -EFAULT; /* as Linux: the value is consumed */
	return 8;
}

static long efd_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)pos;
	struct eventfd *e = f->priv;
	uint64_t v;
	if (n < 8)
		return -EINVAL;
	if (wsrc_copy(&v, src, 0, 8))
		return -EFAULT;
	if (v == 0xffffffffffffffffULL)
		return -EINVAL;
	uint64_t irq = irq_save();
	long err = efd_wait(f, e, can_add, v);
	if (!err)
		e->count += v;
	irq_restore(irq);
	if (err)
		return err;
	efd_changed(e, POLLIN | POLLRDNORM);
	return 8;
}

static unsigned int efd_poll(struct file *f)
{
	struct eventfd *e = f->priv;
	unsigned int m = 0;
	poll_wait_on(&e->pollers);
	if (e->count)
		m |= POLLIN | POLLRDNORM;
	if (e->count < EVENTFD_MAX)
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static void efd_release(struct file *f)
{
	struct eventfd *e = f->priv;
	pollhead_release(&e->pollers);
	kfree(e);
}

static const struct file_ops eventfd_fops = {
	.read = efd_read, .write = efd_write, .poll = efd_poll, .release = efd_release,
};

static long do_eventfd(unsigned int initval, unsigned int flags)
{
	if (flags & ~(unsigned int)(O_CLOEXEC | O_NONBLOCK | EFD_SEMAPHORE))
		return -EINVAL;
	struct eventfd *e = kzalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	waitq_init(&e->q);
	long fd = anon_fd_install(&eventfd_fops, e, O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK)));
	if (fd < 0)
		kfree(e);
	return fd;
}

SYSCALL_DEFINE2(eventfd2, unsigned, count, flags_t, flags)
{
	return do_eventfd(count, flags);
}

SYSCALL_DEFINE1(eventfd, unsigned, count)
{
	return do_eventfd(count, 0);
}
