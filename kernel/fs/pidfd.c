/* pidfd.c: pidfd_open and pidfd_send_signal (pidfd_open(2)): a descriptor that refers to a
 * process and polls readable (POLLIN) once the process has ended (all its threads; a
 * zombie or already reaped). pidfd_open takes a process: ENOENT for a thread that does not
 * lead its group (as Linux 6.9+), ESRCH for no such pid, EINVAL for pid <= 0 or a flag
 * other than PIDFD_NONBLOCK; the descriptor is always close-on-exec.
 * pidfd_send_signal(fd, sig, NULL, 0) is kill(pid, sig) (ESRCH once the process has
 * ended); a siginfo argument is refused with EINVAL (not supported here), flags with EINVAL
 * (6.1 has none), another kind of descriptor with EBADF as on Linux. Reading a pidfd is
 * EINVAL, as on Linux.
 *
 * Owns the descriptor (the pid it names). Pids are never reused here (sched.c hands them
 * out in increasing order), so the pid alone names the process. Does not own processes:
 * the process core answers proc_exited and proc_kill and calls pidfd_notify at every exit,
 * which wakes every pidfd poller (files.h). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include <linux/pidfd.h>

static struct pollhead pollers;         /* every poller of a pidfd */

void pidfd_notify(void)
{
	pollhead_wake(&pollers);
}

static unsigned int pidfd_poll(struct file *f)
{
	poll_wait_on(&pollers);
	return proc_exited((int)(uintptr_t)f->priv) != 0 ? POLLIN | POLLRDNORM : 0;
}

static const struct file_ops pidfd_fops = {
	.poll = pidfd_poll,
};

SYSCALL_DEFINE2(pidfd_open, pid_t, pid, flags_t, flags)
{
	if (flags & ~(unsigned int)PIDFD_NONBLOCK)
		return -EINVAL;
	if (pid <= 0)
		return -EINVAL;
	int st = proc_exited(pid);
	if (st < 0)
		return st;
	return anon_fd_install(&pidfd_fops, (void *)(uintptr_t)pid, O_RDWR | O_CLOEXEC | flags);
}

/* The pid a pidfd names: the pid, or -EBADF. */
long pidfd_pid(int fd)
{
	long err;
	struct file *f = fget_kind(fd, &pidfd_fops, &err);
	if (!f)
		return -EBADF;
	long pid = (long)(uintptr_t)f->priv;
	file_put(f);
	return pid;
}

SYSCALL_DEFINE4(pidfd_send_signal, fd_t, pidfd, int, sig, uptr_t, info, flags_t, flags)
{
	if (flags)
		return -EINVAL;
	long pid = pidfd_pid(pidfd);
	if (pid < 0)
		return pid;
	if (info)
		return -EINVAL;
	if (proc_exited((int)pid))
		return -ESRCH;
	return proc_kill((int)pid, sig);
}
