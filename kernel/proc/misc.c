/* misc.c: identity and small system calls: uname, the uid/gid family (everyone is root),
 * process groups and sessions (one of each: the process's own pid), getrandom (xorshift
 * seeded from the TSC and RDRAND when present; not cryptographic), sched_yield,
 * sched_getaffinity, resource limits (prlimit64/getrlimit/setrlimit: fixed values, setting
 * is accepted and ignored except that it is checked), set_robust_list, getrusage, sysinfo,
 * times, prctl (PR_SET_NAME/PR_GET_NAME) and a minimal futex (wait/wake on 64 hashed queues:
 * wake-ups may be spurious, which futex callers allow). */
#include "proc.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"
#include <asm-generic/errno.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <linux/resource.h>
#include <linux/utsname.h>

SYSCALL_DEFINE1(uname, uptr_t, name)
{
	struct new_utsname u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname)); /* programs test for Linux */
	strlcpy(u.nodename, "ringzero", sizeof(u.nodename));
	strlcpy(u.release, "6.1.0-ringzero", sizeof(u.release));
	strlcpy(u.version, "ringzero " RZ_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(name, &u, sizeof(u));
}

SYSCALL_LEAF_DEFINE0(getuid) { return 0; }
SYSCALL_LEAF_DEFINE0(geteuid) { return 0; }
SYSCALL_LEAF_DEFINE0(getgid) { return 0; }
SYSCALL_LEAF_DEFINE0(getegid) { return 0; }
SYSCALL_DEFINE1(setuid, unsigned, uid) { (void)uid; return 0; }
SYSCALL_DEFINE1(setgid, unsigned, gid) { (void)gid; return 0; }
SYSCALL_DEFINE2(getgroups, int, gidsetsize, uptr_t, grouplist)
{
	(void)gidsetsize, (void)grouplist;
	return 0;
}

static long three_zeros(uint64_t a, uint64_t b, uint64_t c)
{
	uint32_t z = 0;
	if (copy_to_user(a, &z, 4) || copy_to_user(b, &z, 4) || copy_to_user(c, &z, 4))
		return -EFAULT;
	return 0;
}
SYSCALL_DEFINE3(getresuid, uptr_t, ruidp, uptr_t, euidp, uptr_t, suidp)
{
	return three_zeros(ruidp, euidp, suidp);
}
SYSCALL_DEFINE3(getresgid, uptr_t, rgidp, uptr_t, egidp, uptr_t, sgidp)
{
	return three_zeros(rgidp, egidp, sgidp);
}

SYSCALL_DEFINE0(getpgrp) { return current->tgid; }
SYSCALL_DEFINE1(getpgid, pid_t, pid)
{
	if (pid && !task_find(pid))
		return -ESRCH;
	return pid ? pid : current->tgid;
}
SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)
{
	(void)pid, (void)pgid;
	return 0;
}
SYSCALL_DEFINE1(getsid, pid_t, pid)
{
	(void)pid;
	return current->tgid;
}
SYSCALL_DEFINE0(setsid) { return current->tgid; }

static uint64_t rng_state;

void getrandom_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;
	if (!rng_state) {
		rng_state = rdtsc() | 1;
		uint32_t r[4];
		cpuid(1, 0, r);
		if (r[2] & (1u << 30)) { /* RDRAND */
			uint64_t v;
			uint8_t ok;
			__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok)
				rng_state ^= v | 1;
		}
	}
	while (n) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		uint64_t v = rng_state * 0x2545f4914f6cdd1dULL;
		for (int i = 0; i < 8 && n; i++, n--)
			*p++ = (uint8_t)(v >> (8 * i));
	}
}

SYSCALL_DEFINE3(getrandom, uptr_t, ubuf, size_t, len, flags_t, flags)
{
	uint8_t chunk[256];
	size_t done = 0;
	if (flags & ~7u)
		return -EINVAL;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		getrandom_bytes(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield_now();
	return 0;
}

/* len is size_t (Linux: unsigned int): the check has always seen the whole register. */
SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, size_t, len, uptr_t, user_mask_ptr)
{
	(void)pid;
	uint64_t mask = 1;
	if (len < sizeof(mask))
		return -EINVAL;
	if (copy_to_user(user_mask_ptr, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

struct krlimit {
	uint64_t cur, max;
};

static bool rlimit_of(int res, struct krlimit *r)
{
	const uint64_t inf = RLIM_INFINITY;
	switch (res) {
	case RLIMIT_STACK: *r = (struct krlimit){USER_STACK_SIZE, USER_STACK_SIZE}; return true;
	case RLIMIT_NPROC: *r = (struct krlimit){PROC_LIMIT, PROC_LIMIT}; return true;
	case RLIMIT_NOFILE: *r = (struct krlimit){1024, 1024}; return true;
	case RLIMIT_CORE: *r = (struct krlimit){0, 0}; return true;
	default:
		if (res < 0 || res >= RLIM_NLIMITS)
			return false;
		*r = (struct krlimit){inf, inf};
		return true;
	}
}

SYSCALL_DEFINE4(prlimit64, pid_t, pid, int, resource, uptr_t, new_rlim, uptr_t, old_rlim)
{
	struct krlimit r;
	if (pid && !task_find(pid))
		return -ESRCH;
	if (!rlimit_of(resource, &r))
		return -EINVAL;
	if (new_rlim) {
		struct krlimit n;
		if (copy_from_user(&n, new_rlim, sizeof(n)))
			return -EFAULT;
		if (n.cur > n.max)
			return -EINVAL;
	}
	if (old_rlim && copy_to_user(old_rlim, &r, sizeof(r)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(getrlimit, int, resource, uptr_t, rlim)
{
	struct krlimit r;
	if (!rlimit_of(resource, &r))
		return -EINVAL;
	return copy_to_user(rlim, &r, sizeof(r));
}

SYSCALL_DEFINE2(setrlimit, int, resource, uptr_t, rlim)
{
	struct krlimit r;
	if (!rlimit_of(resource, &r))
		return -EINVAL;
	return copy_from_user(&r, rlim, sizeof(r));
}

SYSCALL_DEFINE2(set_robust_list, uptr_t, head, size_t, len)
{
	(void)head;
	return len == 24 ? 0 : -EINVAL;
}

SYSCALL_DEFINE2(getrusage, int, who, uptr_t, ru)
{
	(void)who;
	uint8_t usage[144];
	memset(usage, 0, sizeof(usage));
	uint64_t ns = clock_mono_ns() - current->start_ns;
	uint64_t tv[2] = {ns / 1000000000ULL, ns % 1000000000ULL / 1000};
	memcpy(usage, tv, sizeof(tv)); /* ru_utime */
	return copy_to_user(ru, usage, sizeof(usage));
}

SYSCALL_DEFINE1(sysinfo, uptr_t, info)
{
	struct {
		int64_t uptime;
		uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
		uint16_t procs, pad;
		uint64_t totalhigh, freehigh;
		uint32_t mem_unit;
		char f[0];
	} __attribute__((aligned(8))) si;
	uint8_t buf[112];
	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(clock_mono_ns() / 1000000000ULL);
	si.totalram = frames_total() * PAGE_SIZE;
	si.freeram = frames_free() * PAGE_SIZE;
	si.procs = (uint16_t)task_count();
	si.mem_unit = 1;
	memset(buf, 0, sizeof(buf));
	memcpy(buf, &si, MIN(sizeof(si), sizeof(buf)));
	return copy_to_user(info, buf, sizeof(buf));
}

SYSCALL_DEFINE1(times, uptr_t, tbuf)
{
	uint64_t t[4] = {0, 0, 0, 0};
	long ticks = (long)(clock_mono_ns() / 10000000ULL); /* USER_HZ = 100 */
	t[0] = (clock_mono_ns() - current->start_ns) / 10000000ULL;
	if (tbuf && copy_to_user(tbuf, t, sizeof(t)))
		return -EFAULT;
	return ticks;
}

SYSCALL_DEFINE5(prctl, int, option, uint64_t, arg2, uint64_t, arg3, uint64_t, arg4,
		uint64_t, arg5)
{
	(void)arg3, (void)arg4, (void)arg5;
	switch (option) {
	case PR_SET_NAME: {
		char n[16];
		long e = strncpy_from_user(n, arg2, sizeof(n));
		if (e == -EFAULT)
			return e;
		n[15] = 0;
		memcpy(current->name, n, sizeof(n));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user(arg2, current->name, 16);
	}
	return -EINVAL;
}

/* Futex queues: 64 buckets by the word's address; a wake wakes its whole bucket and each
 * sleeper rechecks its word (a spurious wake-up is allowed by every futex user). */
static struct waitq futex_q[64];

static struct waitq *futex_bucket(uint64_t uaddr) { return &futex_q[(uaddr >> 2) % 64]; }

void futex_wake_addr(uint64_t uaddr) { waitq_wake_all(futex_bucket(uaddr)); }
void futex_wake_all(void)
{
	for (int i = 0; i < 64; i++)
		waitq_wake_all(&futex_q[i]);
}

SYSCALL_DEFINE6(futex, uptr_t, uaddr, int, op, uint32_t, val, uptr_t, utime, uptr_t, uaddr2,
		uint32_t, val3)
{
	(void)val3;
	int cmd = op & FUTEX_CMD_MASK;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t v;
		if (uaddr & 3)
			return -EINVAL;
		if (copy_from_user(&v, uaddr, sizeof(v)))
			return -EFAULT;
		if (v != val)
			return -EAGAIN;
		uint64_t deadline = 0;
		if (utime) {
			int64_t ts[2];
			if (copy_from_user(ts, utime, sizeof(ts)))
				return -EFAULT;
			uint64_t ns = (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
			if (cmd == FUTEX_WAIT_BITSET) {
				uint64_t now = (op & FUTEX_CLOCK_REALTIME) ? clock_real_ns() : clock_mono_ns();
				deadline = clock_mono_ns() + (ns > now ? ns - now : 0) + 1;
			} else {
				deadline = clock_mono_ns() + ns + 1;
			}
		}
		uint64_t f = irq_save();
		long e = waitq_sleep_until(futex_bucket(uaddr), deadline);
		irq_restore(f);
		return e;
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		futex_wake_addr(uaddr);
		return 0;
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* no requeue: wake both words' sleepers, they recheck */
		futex_wake_addr(uaddr);
		futex_wake_addr(uaddr2);
		return 0;
	}
	return -ENOSYS;
}

uint32_t fs_umask_swap(uint32_t mask); /* vfs.h: the file layer keeps the umask in fs_context */

SYSCALL_DEFINE1(umask, mode_t, mask)
{
	return fs_umask_swap(mask);
}

SYSCALL_DEFINE3(sched_setaffinity, pid_t, pid, size_t, len, uptr_t, user_mask_ptr)
{
	(void)pid, (void)len, (void)user_mask_ptr;
	return 0;
}
SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	(void)which, (void)who;
	return 20; /* nice 0, as the raw call reports it */
}
SYSCALL_DEFINE3(setpriority, int, which, int, who, int, niceval)
{
	(void)which, (void)who, (void)niceval;
	return 0;
}
SYSCALL_DEFINE2(mlock, uptr_t, start, size_t, len)
{
	(void)start, (void)len;
	return 0;
}
SYSCALL_DEFINE2(munlock, uptr_t, start, size_t, len)
{
	(void)start, (void)len;
	return 0;
}
