/* sys_fcntl.c: the system calls that control an open descriptor. Owns fcntl (F_DUPFD*,
 * close-on-exec, status flags, pipe sizes; the lock commands are passed to lock.c), ioctl
 * (FIOCLEX, FIONCLEX, FIONBIO here, the rest passed to the file's ioctl op or -ENOTTY) and
 * flock (its arguments; the lock is lock.c's). Does not own the device ioctls (the tty's
 * termios and window size: dev/tty.c), descriptors (sys_fd.c), the table (file.c) or the
 * locks (lock.c). */
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
		if ((int)arg < 0 || (int)arg >= fd_limit()) { /* an int; RLIMIT_NOFILE: EINVAL */
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
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = lock_fcntl(f, fd, cmd, arg);
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

/* flock: the lock itself is lock.c's. cmd is uint64_t (Linux: unsigned int): the check
 * has always seen the whole register. */
SYSCALL_DEFINE2(flock, fd_t, fd, uint64_t, cmd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	uint64_t op = cmd & ~(uint64_t)LOCK_NB;
	long r = -EINVAL;
	if (op == LOCK_SH || op == LOCK_EX || op == LOCK_UN)
		r = lock_flock(f, (unsigned int)op, cmd & LOCK_NB);
	file_put(f);
	return r;
}
