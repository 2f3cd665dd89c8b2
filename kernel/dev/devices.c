/* devices.c: the character devices and their numbers (Linux's): /dev/null (1,3),
 * /dev/zero (1,5), /dev/full (1,7), /dev/tty (5,0) and /dev/console (5,1), the last two
 * the console tty (tty.c). Owns picking a device's operations when it is opened and the
 * memory devices' operations. */
#include "vfs.h"
#include "lib.h"
#include "uaccess.h"

extern const struct file_ops tty_fops;

static long null_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return 0;
}

static long null_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)f, (void)src, (void)pos;
	return (long)n;
}

static const char zeros[512];

/* More than 512 bytes: a copy per 512, a preemption point every 64 KiB. */
static __attribute__((noinline)) long zero_read_long(uint64_t ubuf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		size_t k = MIN(n - done, sizeof(zeros));
		if (copy_to_user(ubuf + done, zeros, k))
			return done ? (long)done : -EFAULT;
		done += k;
		if (done % (64 * 1024) == 0)
			cond_resched(); /* a preemption point every 64 KiB */
	}
	return (long)done;
}

static long zero_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)pos;
	if (n > sizeof(zeros))
		return zero_read_long(ubuf, n);
	return copy_to_user(ubuf, zeros, n) ? -EFAULT : (long)n; /* the common case: one copy */
}

static long full_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)f, (void)src, (void)n, (void)pos;
	return -ENOSPC;
}

static unsigned int mem_poll(struct file *f)
{
	(void)f;
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

static const struct file_ops null_fops = {.read = null_read, .write = null_write, .poll = mem_poll, .seekable = true,
					  .no_epoll = true};
static const struct file_ops zero_fops = {.read = zero_read, .write = null_write, .poll = mem_poll, .seekable = true,
					  .no_epoll = true};
static const struct file_ops full_fops = {.read = zero_read, .write = full_write, .poll = mem_poll, .seekable = true,
					  .no_epoll = true};

long chrdev_open(struct file *f)
{
	switch (f->ip->rdev) {
	case RZ_MKDEV(1, 3): f->ops = &null_fops; return 0;
	case RZ_MKDEV(1, 5): f->ops = &zero_fops; return 0;
	case RZ_MKDEV(1, 7): f->ops = &full_fops; return 0;
	case RZ_MKDEV(5, 0):
	case RZ_MKDEV(5, 1): tty_init(); f->ops = &tty_fops; return 0;
	default: return -ENXIO;
	}
}
