/* sched_policy.c: the scheduling-policy getters (sched(7)), answered for the one policy the
 * scheduler has (sched.c: round robin, one tick of 1 ms): sched_getscheduler (SCHED_OTHER),
 * sched_getparam (priority 0), sched_get_priority_max/min (Linux's ranges per policy:
 * 1..99 for SCHED_FIFO/SCHED_RR, 0 for the others, EINVAL for an unknown policy) and
 * sched_rr_get_interval (the tick). A pid of 0 is the caller; a negative one is EINVAL, an
 * unknown one ESRCH. The setters (sched_setscheduler, sched_setparam, sched_setattr) are
 * not provided (ENOSYS): nothing here could honour another policy. sched_yield and the
 * affinity calls are in misc.c. */
#include "proc.h"
#include "lib.h"
#include "syscall.h"
#include "uaccess.h"
#include <asm-generic/errno.h>
#include <linux/sched.h>
#include <linux/time_types.h>

#define RR_INTERVAL_NS 1000000 /* sched.c's tick (HZ 1000 in time.c) */

static long check_pid(int pid)
{
	if (pid < 0)
		return -EINVAL;
	if (pid && !task_find(pid))
		return -ESRCH;
	return 0;
}

SYSCALL_DEFINE1(sched_getscheduler, pid_t, pid)
{
	long e = check_pid(pid);
	return e ? e : SCHED_NORMAL;
}

SYSCALL_DEFINE2(sched_getparam, pid_t, pid, uptr_t, param)
{
	if (!param || pid < 0)
		return -EINVAL;
	long e = check_pid(pid);
	if (e)
		return e;
	int prio = 0; /* struct sched_param { int sched_priority; } */
	return copy_to_user(param, &prio, sizeof(prio));
}

/* The priority range of a policy: 1..99 for the real-time ones, 0..0 for the others, or
 * -EINVAL for an unknown policy. */
static long priority_bound(int policy, int rt_bound)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return rt_bound;
	case SCHED_NORMAL:
	case SCHED_BATCH:
	case SCHED_IDLE:
	case SCHED_DEADLINE:
		return 0;
	}
	return -EINVAL;
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy) { return priority_bound(policy, 99); }

SYSCALL_DEFINE1(sched_get_priority_min, int, policy) { return priority_bound(policy, 1); }

SYSCALL_DEFINE2(sched_rr_get_interval, pid_t, pid, uptr_t, interval)
{
	long e = check_pid(pid);
	if (e)
		return e;
	struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = RR_INTERVAL_NS};
	return copy_to_user(interval, &ts, sizeof(ts));
}
