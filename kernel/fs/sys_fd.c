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

SYSCALL_DEFINE1(close, fd_t, fd)
{
	return fd_close(current_fdtable(), fd);
}

/* --- dup ------------------------------------------------------------------------------- */

SYSCALL_DEFINE1(dup, fd_t, fildes)
{
	struct file *f = fget(fildes);
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
	if (newfd < 0 || newfd >= fd_limit()) /* RLIMIT_NOFILE: EBADF, as Linux */
		return -EBADF;
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	if (newfd < t->size && t->fd[newfd])
		fd_close(t, newfd);
	int fd = fd_install(t, f, newfd, flags & O_CLOEXEC);
	if (fd < 0)                     /* no memory to grow the table to newfd */
		file_put(f);
	assert(fd < 0 || fd == newfd);
	return fd;
}

SYSCALL_DEFINE2(dup2, fd_t, oldfd, fd_t, newfd)
{
	if (oldfd == newfd) {
		struct file *f = fget(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

/* flags is flags64_t (Linux: int) in dup3 and pipe2: the check for unknown flags has always
 * seen the whole register. */
SYSCALL_DEFINE3(dup3, fd_t, oldfd, fd_t, newfd, flags64_t, flags)
{
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
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

SYSCALL_DEFINE1(pipe, uptr_t, fildes)
{
	return do_pipe2(fildes, 0);
}

SYSCALL_DEFINE2(pipe2, uptr_t, fildes, flags64_t, flags)
{
	return do_pipe2(fildes, flags);
}

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

/* The range is unsigned, as in Linux: a negative fd is above every max_fd. */
SYSCALL_DEFINE3(close_range, fd_t, fd, unsigned, max_fd, flags_t, flags)
{
	unsigned int first = fd, last = max_fd;
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	if (!t)
		return 0;
	for (unsigned int i = first; i <= last && i < (unsigned)t->size; i++) {
		if (!t->fd[i])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			t->cloexec[i / 64] |= 1ULL << (i % 64);
		else
			fd_close(t, (int)i);
	}
	return 0;
}
