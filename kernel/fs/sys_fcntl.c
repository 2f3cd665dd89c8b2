/* sys_fcntl.c: the system calls that control an open descriptor. Owns fcntl (F_DUPFD*,
 * close-on-exec, status flags, locks that always succeed, pipe sizes), ioctl (FIOCLEX,
 * FIONCLEX, FIONBIO here, the rest passed to the file's ioctl op or -ENOTTY) and flock
 * (checks only: one process holds every lock). Does not own the device ioctls (the tty's
 * termios and window size: dev/tty.c), descriptors (sys_fd.c) or the table (file.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include "sys_common.h"
#include <asm/ioctls.h>

#define SETFL_MASK (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

SYSCALL_DEFINE3(fcntl, fd_t, fd, unsigned, cmd, uint64_t, arg)
{
	struct fdtable *t = current_fdtable();
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)arg < 0 || (int)arg >= RZ_FD_MAX) { /* F_DUPFD's arg is an int */
			r = -EINVAL;
			break;
		}
		r = fd_install(t, file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = (t->cloexec[fd / 64] >> (fd % 64)) & 1 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		if (arg & FD_CLOEXEC)
			t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		else
			t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
		r = 0;
		break;
	case F_GETFL:
		r = (long)(f->flags | O_LARGEFILE);
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | ((uint32_t)arg & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK: {
		struct flock fl;
		if (copy_from_user(&fl, arg, sizeof(fl))) {
			r = -EFAULT;
			break;
		}
		fl.l_type = F_UNLCK; /* no other process holds locks here */
		r = copy_to_user(arg, &fl, sizeof(fl)) ? -EFAULT : 0;
		break;
	}
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = 0;
		break;
	case F_GETPIPE_SZ:
		r = S_ISFIFO(f->ip->mode) ? RZ_PIPE_SIZE : -EBADF;
		break;
	case F_SETPIPE_SZ:
		r = S_ISFIFO(f->ip->mode) ? RZ_PIPE_SIZE : -EBADF;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(ioctl, fd_t, fd, unsigned, cmd, uptr_t, arg)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r;
	struct fdtable *t = current_fdtable();
	switch (cmd) {
	case FIOCLEX:
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		r = 0;
		break;
	case FIONCLEX:
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
		r = 0;
		break;
	case FIONBIO: {
		int on;
		if (copy_from_user(&on, arg, sizeof(on))) {
			r = -EFAULT;
			break;
		}
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~(uint32_t)O_NONBLOCK;
		r = 0;
		break;
	}
	default:
		r = (f->ops && f->ops->ioctl) ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
	}
	file_put(f);
	return r;
}

/* flock: one process holds everything here; the call only checks its arguments. cmd is
 * uint64_t (Linux: unsigned int): the check has always seen the whole register. */
SYSCALL_DEFINE2(flock, fd_t, fd, uint64_t, cmd)
{
	uint64_t op = cmd & ~(uint64_t)LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return fd_check(fd);
}
