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

long sys_uname(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct new_utsname u;
	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", sizeof(u.sysname)); /* programs test for Linux */
	strlcpy(u.nodename, "ringzero", sizeof(u.nodename));
	strlcpy(u.release, "6.1.0-ringzero", sizeof(u.release));
	strlcpy(u.version, "ringzero " RZ_VERSION, sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(a0, &u, sizeof(u));
}

long sys_getuid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_geteuid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_getgid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_getegid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_setuid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_setgid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_getgroups(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }

static long three_zeros(uint64_t a, uint64_t b, uint64_t c)
{
	uint32_t z = 0;
	if (copy_to_user(a, &z, 4) || copy_to_user(b, &z, 4) || copy_to_user(c, &z, 4))
		return -EFAULT;
	return 0;
}
long sys_getresuid(SYSCALL_ARGS) { SYSCALL_UNUSED; return three_zeros(a0, a1, a2); }
long sys_getresgid(SYSCALL_ARGS) { SYSCALL_UNUSED; return three_zeros(a0, a1, a2); }

long sys_getpgrp(SYSCALL_ARGS) { SYSCALL_UNUSED; return current->tgid; }
long sys_getpgid(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int)a0 && !task_find((int)a0))
		return -ESRCH;
	return (int)a0 ? (int)a0 : current->tgid;
}
long sys_setpgid(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_getsid(SYSCALL_ARGS) { SYSCALL_UNUSED; return current->tgid; }
long sys_setsid(SYSCALL_ARGS) { SYSCALL_UNUSED; return current->tgid; }

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

long sys_getrandom(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	uint8_t chunk[256];
	size_t done = 0, len = a1;
	if ((int)a2 & ~7)
		return -EINVAL;
	if (!user_range_ok(a0, len))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		getrandom_bytes(chunk, n);
		if (copy_to_user(a0 + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

long sys_sched_yield(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	sched_yield_now();
	return 0;
}

long sys_sched_getaffinity(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	uint64_t mask = 1;
	if (a1 < sizeof(mask))
		return -EINVAL;
	if (copy_to_user(a2, &mask, sizeof(mask)))
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

long sys_prlimit64(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct krlimit r;
	if ((int)a0 && !task_find((int)a0))
		return -ESRCH;
	if (!rlimit_of((int)a1, &r))
		return -EINVAL;
	if (a2) {
		struct krlimit n;
		if (copy_from_user(&n, a2, sizeof(n)))
			return -EFAULT;
		if (n.cur > n.max)
			return -EINVAL;
	}
	if (a3 && copy_to_user(a3, &r, sizeof(r)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct krlimit r;
	if (!rlimit_of((int)a0, &r))
		return -EINVAL;
	return copy_to_user(a1, &r, sizeof(r));
}

long sys_setrlimit(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct krlimit r;
	if (!rlimit_of((int)a0, &r))
		return -EINVAL;
	return copy_from_user(&r, a1, sizeof(r));
}

long sys_set_robust_list(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return a1 == 24 ? 0 : -EINVAL;
}

long sys_getrusage(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	uint8_t ru[144];
	memset(ru, 0, sizeof(ru));
	uint64_t ns = clock_mono_ns() - current->start_ns;
	uint64_t tv[2] = {ns / 1000000000ULL, ns % 1000000000ULL / 1000};
	memcpy(ru, tv, sizeof(tv)); /* ru_utime */
	return copy_to_user(a1, ru, sizeof(ru));
}

long sys_sysinfo(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
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
	return copy_to_user(a0, buf, sizeof(buf));
}

long sys_times(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	uint64_t t[4] = {0, 0, 0, 0};
	long ticks = (long)(clock_mono_ns() / 10000000ULL); /* USER_HZ = 100 */
	t[0] = (clock_mono_ns() - current->start_ns) / 10000000ULL;
	if (a0 && copy_to_user(a0, t, sizeof(t)))
		return -EFAULT;
	return ticks;
}

long sys_prctl(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	switch ((int)a0) {
	case PR_SET_NAME: {
		char n[16];
		long e = strncpy_from_user(n, a1, sizeof(n));
		if (e == -EFAULT)
			return e;
		n[15] = 0;
		memcpy(current->name, n, sizeof(n));
		return 0;
	}
	case PR_GET_NAME:
		return copy_to_user(a1, current->name, 16);
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

long sys_futex(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int op = (int)a1 & FUTEX_CMD_MASK;
	switch (op) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		uint32_t v;
		if (a0 & 3)
			return -EINVAL;
		if (copy_from_user(&v, a0, sizeof(v)))
			return -EFAULT;
		if (v != (uint32_t)a2)
			return -EAGAIN;
		uint64_t deadline = 0;
		if (a3) {
			int64_t ts[2];
			if (copy_from_user(ts, a3, sizeof(ts)))
				return -EFAULT;
			uint64_t ns = (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
			if (op == FUTEX_WAIT_BITSET) {
				uint64_t now = ((int)a1 & FUTEX_CLOCK_REALTIME) ? clock_real_ns() : clock_mono_ns();
				deadline = clock_mono_ns() + (ns > now ? ns - now : 0) + 1;
			} else {
				deadline = clock_mono_ns() + ns + 1;
			}
		}
		uint64_t f = irq_save();
		long e = waitq_sleep_until(futex_bucket(a0), deadline);
		irq_restore(f);
		return e;
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		futex_wake_addr(a0);
		return 0;
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		/* no requeue: wake both words' sleepers, they recheck */
		futex_wake_addr(a0);
		futex_wake_addr(a4);
		return 0;
	}
	return -ENOSYS;
}

uint32_t fs_umask_swap(uint32_t mask); /* vfs.h: the file layer keeps the umask in fs_context */

long sys_umask(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return fs_umask_swap((uint32_t)a0);
}

long sys_sched_setaffinity(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_getpriority(SYSCALL_ARGS) { SYSCALL_UNUSED; return 20; /* nice 0, as the raw call reports it */ }
long sys_setpriority(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_msync(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_mlock(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
long sys_munlock(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }
