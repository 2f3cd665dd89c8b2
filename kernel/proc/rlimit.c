/* rlimit.c: resource limits. Owns each process's limits (struct task's rlim: the same in
 * every thread of a process, as Linux keeps them per process), their defaults, inheritance
 * (fork and clone copy them, execve keeps them), the system calls getrlimit, setrlimit and
 * prlimit64, and current_rlimit(), the soft limit that the places enforcing a limit ask.
 *
 * Every process here is root (uid 0, misc.c) with every capability, so, as on Linux for
 * such a process: a hard limit may be raised (CAP_SYS_RESOURCE), except RLIMIT_NOFILE above
 * RZ_NR_OPEN (Linux's fs.nr_open, 1 048 576: EPERM), and RLIMIT_NPROC is not
 * enforced (Linux skips it for root); the kernel's own process limit (PROC_LIMIT) stays.
 *
 * Does not own the enforcement, which lives where the resource is used:
 *   RLIMIT_NOFILE  fs/file.c fd_install (EMFILE), fs/sys_fd.c dup2/dup3 (EBADF),
 *                  fs/sys_fcntl.c F_DUPFD (EINVAL)
 *   RLIMIT_FSIZE   fs/file.c reg_write (a write is cut at the limit; at or past it SIGXFSZ
 *                  and EFBIG), fs/ramfs.c inode_truncate (growing past it: SIGXFSZ, EFBIG)
 *   RLIMIT_AS, RLIMIT_DATA  proc/mem.c mmap and brk (ENOMEM)
 *   RLIMIT_STACK   proc/proc.c exec_core (the stack area's size), mm/vm.c vm_fault (a new
 *                  stack page further than the limit from the top: SIGSEGV)
 *   RLIMIT_SIGPENDING  proc/signal.c, which keeps this one with the real-time queue
 *                  (sigqueue_limit/sigqueue_set_limit; EAGAIN beyond it)
 * The others (CPU, CORE, RSS, MEMLOCK, LOCKS, MSGQUEUE, NICE, RTPRIO, RTTIME)
 * are kept and reported only; no core file is ever written, whatever RLIMIT_CORE says. */
#include "proc.h"
#include "files.h"
#include "lib.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include <asm-generic/errno.h>
#include <linux/resource.h>

_Static_assert(RZ_NLIMITS == RLIM_NLIMITS, "struct task's rlim has one entry per limit");

void rlimit_defaults(struct task *t)
{
	for (int i = 0; i < RZ_NLIMITS; i++)
		t->rlim[i] = (struct krlimit){RLIM_INFINITY, RLIM_INFINITY};
	t->rlim[RLIMIT_STACK].cur = USER_STACK_SIZE;          /* 8 MiB, as Linux */
	t->rlim[RLIMIT_CORE].cur = 0;
	t->rlim[RLIMIT_NOFILE] = (struct krlimit){1024, 4096}; /* Linux's INR_OPEN_CUR, INR_OPEN_MAX */
	t->rlim[RLIMIT_NPROC] = (struct krlimit){PROC_LIMIT, PROC_LIMIT};
	t->rlim[RLIMIT_MEMLOCK] = (struct krlimit){8ULL << 20, 8ULL << 20};
	t->rlim[RLIMIT_MSGQUEUE] = (struct krlimit){819200, 819200};
	t->rlim[RLIMIT_NICE] = (struct krlimit){0, 0};
	t->rlim[RLIMIT_RTPRIO] = (struct krlimit){0, 0};
}

uint64_t task_rlimit(struct task *t, int resource) { return t->rlim[resource].cur; }

uint64_t current_rlimit(int resource) { return current->rlim[resource].cur; }

/* Sets t's process's limit (every thread of it) and/or reads the old one. */
static long do_prlimit(struct task *t, int resource, const struct krlimit *n, struct krlimit *old)
{
	if (resource < 0 || resource >= RZ_NLIMITS)
		return -EINVAL;
	if (old && resource == RLIMIT_SIGPENDING)
		sigqueue_limit(t, &old->cur, &old->max); /* signal.c keeps it, with the queue */
	else if (old)
		*old = t->rlim[resource];
	if (!n)
		return 0;
	if (n->cur > n->max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && n->max > RZ_NR_OPEN)
		return -EPERM; /* above nr_open, even for root */
	if (resource == RLIMIT_SIGPENDING) {
		sigqueue_set_limit(t, n->cur, n->max);
		return 0;
	}
	/* raising the hard limit needs CAP_SYS_RESOURCE: every process here has it */
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o->tgid == t->tgid && o->state != T_ZOMBIE)
			o->rlim[resource] = *n;
	return 0;
}

SYSCALL_DEFINE4(prlimit64, pid_t, pid, int, resource, uptr_t, new_rlim, uptr_t, old_rlim)
{
	struct krlimit n, old;
	if (new_rlim && copy_from_user(&n, new_rlim, sizeof(n)))
		return -EFAULT;
	struct task *t = pid ? task_find(pid) : current;
	if (!t || t->state == T_ZOMBIE)
		return -ESRCH;
	long e = do_prlimit(t, resource, new_rlim ? &n : NULL, old_rlim ? &old : NULL);
	if (!e && old_rlim && copy_to_user(old_rlim, &old, sizeof(old)))
		return -EFAULT;
	return e;
}

SYSCALL_DEFINE2(getrlimit, int, resource, uptr_t, rlim)
{
	struct krlimit r;
	long e = do_prlimit(current, resource, NULL, &r);
	if (e)
		return e;
	return copy_to_user(rlim, &r, sizeof(r));
}

SYSCALL_DEFINE2(setrlimit, int, resource, uptr_t, rlim)
{
	struct krlimit r;
	if (copy_from_user(&r, rlim, sizeof(r)))
		return -EFAULT;
	return do_prlimit(current, resource, &r, NULL);
}
