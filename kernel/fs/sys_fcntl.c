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

long sys_fcntl(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int fd = (int)a0;
	unsigned int cmd = (unsigned int)a1;
	struct fdtable *t = current_fdtable();
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int64_t)(int)a2 < 0 || (int)a2 >= RZ_FD_MAX) {
			r = -EINVAL;
			break;
		}
		r = fd_install(t, file_get(f), (int)a2, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = (t->cloexec[fd / 64] >> (fd % 64)) & 1 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		if (a2 & FD_CLOEXEC)
			t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		else
			t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
		r = 0;
		break;
	case F_GETFL:
		r = (long)(f->flags | O_LARGEFILE);
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | ((uint32_t)a2 & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK: {
		struct flock fl;
		if (copy_from_user(&fl, a2, sizeof(fl))) {
			r = -EFAULT;
			break;
		}
		fl.l_type = F_UNLCK; /* no other process holds locks here */
		r = copy_to_user(a2, &fl, sizeof(fl)) ? -EFAULT : 0;
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

long sys_ioctl(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int fd = (int)a0;
	unsigned int cmd = (unsigned int)a1;
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
		if (copy_from_user(&on, a2, sizeof(on))) {
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
		r = (f->ops && f->ops->ioctl) ? f->ops->ioctl(f, cmd, a2) : -ENOTTY;
	}
	file_put(f);
	return r;
}

/* flock: one process holds everything here; the call only checks its arguments. */
long sys_flock(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	uint64_t op = a1 & ~(uint64_t)LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return fd_check((int)a0);
}
