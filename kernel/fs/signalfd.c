/* signalfd.c: signalfd and signalfd4 (signalfd(2)): a descriptor that reads the caller's
 * pending signals of a mask as struct signalfd_siginfo records (128 bytes each, as many as
 * fit and are pending; a buffer under 128 bytes is EINVAL), waits when none is pending
 * (EAGAIN with SFD_NONBLOCK), and polls readable while one is. signalfd(fd, ...) with an
 * existing signalfd replaces its mask (EINVAL for another kind of descriptor). SIGKILL and
 * SIGSTOP in the mask are ignored, as on Linux. The signals read are those of the task
 * reading, as on Linux (a descriptor passed to another process reads that process's).
 *
 * Owns the descriptor and its mask. Does not own the pending sets (the process core's
 * signal_take / signal_pending_set, files.h): the process core calls signalfd_notify when
 * a signal becomes pending anywhere, which wakes every signalfd reader and poller (they
 * look again; a wake-up for another task's signal costs one scan). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include <linux/signalfd.h>

#define SIG_BIT(s) (1ULL << ((s) - 1))
#define UNTAKEABLE (SIG_BIT(9) | SIG_BIT(19)) /* SIGKILL, SIGSTOP */

_Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo layout");

struct signalfd {
	uint64_t mask;
};

static struct waitq readers = {NULL};   /* every blocked signalfd read */
static struct pollhead pollers;         /* every poller of a signalfd */

void signalfd_notify(void)
{
	waitq_wake_all(&readers);
	pollhead_wake(&pollers);
}

static void fill(struct signalfd_siginfo *si, const struct sig_taken *s)
{
	memset(si, 0, sizeof(*si));
	si->ssi_signo = (uint32_t)s->signo;
	si->ssi_code = s->code;
	si->ssi_pid = (uint32_t)s->pid;
	si->ssi_uid = (uint32_t)s->uid;
	si->ssi_status = s->status;
	si->ssi_addr = s->addr;
}

static long sfd_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	struct signalfd *s = f->priv;
	size_t want = n / sizeof(struct signalfd_siginfo), got = 0;
	if (!want)
		return -EINVAL;
	uint64_t irq = irq_save();
	while (!(signal_pending_set() & s->mask)) {
		long err = (f->flags & O_NONBLOCK) ? -EAGAIN : waitq_sleep(&readers);
		if (err) {
			irq_restore(irq);
			return err;
		}
	}
	irq_restore(irq);
	for (struct sig_taken t; got < want && signal_take(s->mask, &t); got++) {
		struct signalfd_siginfo si;
		fill(&si, &t);
		if (copy_to_user(ubuf + got * sizeof(si), &si, sizeof(si)))
			return got ? (long)(got * sizeof(si)) : -EFAULT;
	}
	return (long)(got * sizeof(struct signalfd_siginfo));
}

static unsigned int sfd_poll(struct file *f)
{
	struct signalfd *s = f->priv;
	poll_wait_on(&pollers);
	return (signal_pending_set() & s->mask) ? POLLIN | POLLRDNORM : 0;
}

static void sfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops signalfd_fops = {
	.read = sfd_read, .poll = sfd_poll, .release = sfd_release,
};

static long do_signalfd(int ufd, uint64_t umask, size_t sizemask, unsigned int flags)
{
	uint64_t mask;
	if (flags & ~(unsigned int)(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	if (sizemask != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	mask &= ~UNTAKEABLE;
	if (ufd != -1) {
		long err;
		struct file *f = fget_kind(ufd, &signalfd_fops, &err);
		if (!f)
			return err;
		((struct signalfd *)f->priv)->mask = mask;
		file_put(f);
		signalfd_notify(); /* pollers look again with the new mask */
		return ufd;
	}
	struct signalfd *s = kzalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->mask = mask;
	long fd = anon_fd_install(&signalfd_fops, s, O_RDWR | flags);
	if (fd < 0)
		kfree(s);
	return fd;
}

SYSCALL_DEFINE4(signalfd4, fd_t, ufd, uptr_t, user_mask, size_t, sizemask, flags_t, flags)
{
	return do_signalfd(ufd, user_mask, sizemask, flags);
}

SYSCALL_DEFINE3(signalfd, fd_t, ufd, uptr_t, user_mask, size_t, sizemask)
{
	return do_signalfd(ufd, user_mask, sizemask, 0);
}
