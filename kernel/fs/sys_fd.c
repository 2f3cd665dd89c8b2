/* sys_fd.c: the system calls that make and drop descriptors without a name. Owns close,
 * close_range (CLOSE_RANGE_CLOEXEC), dup, dup2, dup3 and pipe, pipe2 (installing the two
 * ends, O_CLOEXEC/O_NONBLOCK). Does not own the descriptor table (fd_install, fd_close:
 * file.c), the pipe itself (pipe.c), descriptors from names (open: sys_names.c) or the
 * flags of a descriptor once made (fcntl: sys_fcntl.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"

long sys_close(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return fd_close(current_fdtable(), (int)a0);
}

/* --- dup ------------------------------------------------------------------------------- */

long sys_dup(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	int fd = fd_install(current_fdtable(), f, 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_dup3(int oldfd, int newfd, uint64_t flags)
{
	struct fdtable *t = current_fdtable();
	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if (newfd < 0 || newfd >= RZ_FD_MAX)
		return -EBADF;
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	if (t->fd[newfd])
		fd_close(t, newfd);
	int fd = fd_install(t, f, newfd, flags & O_CLOEXEC);
	assert(fd == newfd);
	return fd;
}

long sys_dup2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int)a0 == (int)a1) {
		struct file *f = fget((int)a0);
		if (!f)
			return -EBADF;
		file_put(f);
		return (int)a1;
	}
	return do_dup3((int)a0, (int)a1, 0);
}

long sys_dup3(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int)a0 == (int)a1)
		return -EINVAL;
	return do_dup3((int)a0, (int)a1, a2);
}

static long do_pipe2(uint64_t ufds, uint64_t flags)
{
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	struct file *rd, *wr;
	long err = pipe_create(&rd, &wr);
	if (err)
		return err;
	rd->flags |= (uint32_t)(flags & O_NONBLOCK);
	wr->flags |= (uint32_t)(flags & O_NONBLOCK);
	int fds[2];
	fds[0] = fd_install(t, rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(t, wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_pipe2(a0, 0);
}

long sys_pipe2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_pipe2(a0, a1);
}

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

long sys_close_range(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	unsigned int first = (unsigned int)a0, last = (unsigned int)a1, flags = (unsigned int)a2;
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	if (!t)
		return 0;
	for (unsigned int fd = first; fd <= last && fd < RZ_FD_MAX; fd++) {
		if (!t->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		else
			fd_close(t, (int)fd);
	}
	return 0;
}
