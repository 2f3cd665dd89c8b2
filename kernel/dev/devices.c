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

/* /dev/zero's reads clear the caller's buffer in place (uaccess_zero: rep stosb with a fault
 * fixup), as Linux's clear_user does: a buffer that runs into an unmapped page gets the
 * bytes up to it and their count, -EFAULT only when not one byte could be written. Reads
 * of 16 bytes or more go through zero_read_long (quadwords; beyond ZERO_CHUNK in chunks,
 * with a preemption point between). */
#define ZERO_CHUNK (64 * 1024)

/* 16 bytes or more: one uaccess_zero (quadwords) up to ZERO_CHUNK, chunks beyond. */
static __attribute__((noinline, noclone)) long zero_read_long(struct file *f, uint64_t ubuf, size_t n)
{
	if (!user_range_ok(ubuf, n))
		return -EFAULT;
	if (n <= ZERO_CHUNK)
		return uaccess_zero(f, ubuf, n);
	size_t done = 0;
	while (done < n) {
		size_t k = MIN(n - done, (size_t)ZERO_CHUNK);
		long r = uaccess_zero(NULL, ubuf + done, k);
		if (r < 0)
			return done ? (long)done : r;
		done += (size_t)r;
		if ((size_t)r < k)
			break;
		if (done < n)
			cond_resched();
	}
	return (long)done;
}

static long zero_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	if (n >= 16)
		return zero_read_long(f, ubuf, n);
	if (ubuf > USER_TOP - n)        /* user_range_ok for n < 16 (no wrap) */
		return -EFAULT;
	return uaccess_zero_short(f, ubuf, n); /* a tail jump: f stays in the first register */
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
