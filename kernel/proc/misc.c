/* misc.c: identity and small system calls: uname, the uid/gid family (everyone is root),
 * getrandom (xorshift
 * seeded from the TSC and RDRAND when present; not cryptographic), sched_yield,
 * sched_getaffinity, getcpu (one CPU, one node), capget (root has every capability), getrusage, sysinfo, times, prctl
 * (PR_SET_NAME/PR_GET_NAME). Resource limits are rlimit.c's, futexes and robust lists
 * futex.c's. */
#include "proc.h"
#include "files.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"
#include <asm-generic/errno.h>
#include <linux/prctl.h>
#include <linux/random.h>
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
	/* the pool is never short here, so GRND_NONBLOCK and GRND_RANDOM never block; Linux
	 * refuses GRND_INSECURE with GRND_RANDOM */
	if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return -EINVAL;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		getrandom_bytes(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		cond_resched(); /* a preemption point between two chunks */
	}
	return (long)done;
}

SYSCALL_DEFINE0(sched_yield)
{
	sched_yield_now();
	return 0;
}

/* len is size_t (Linux: unsigned int): the check has always seen the whole register. */
/* The vDSO's __vdso_getcpu answers the same without a call. */
SYSCALL_DEFINE3(getcpu, uptr_t, cpu, uptr_t, node, uptr_t, tcache)
{
	(void)tcache;
	uint32_t zero = 0;
	if (cpu && copy_to_user(cpu, &zero, sizeof(zero)))
		return -EFAULT;
	if (node && copy_to_user(node, &zero, sizeof(zero)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, size_t, len, uptr_t, user_mask_ptr)
{
	uint64_t mask = 1;
	if (pid < 0)
		return -EINVAL;
	if (pid && !task_find(pid))
		return -ESRCH;
	if (len < sizeof(mask) || (len & (sizeof(long) - 1)))
		return -EINVAL; /* Linux: a whole number of longs, enough for every CPU */
	if (copy_to_user(user_mask_ptr, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
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
		char n[16] = {0}; /* the name is zero-padded, as Linux's comm */
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

/* capget: every process is root with every capability (the full set of CAP_LAST_CAP + 1
 * bits, effective and permitted; nothing inheritable). Version 1 (32 bits) and 2/3 (two
 * 32-bit words); an unknown version is answered with version 3 and EINVAL (0 with a NULL
 * data pointer: how libcap probes), as Linux. There is no capset: nothing can drop a
 * capability here. */
#define CAP_V1 0x19980330
#define CAP_V2 0x20071026
#define CAP_V3 0x20080522
#define CAP_BITS 41 /* CAP_LAST_CAP (40, CAP_CHECKPOINT_RESTORE) + 1 */
SYSCALL_DEFINE2(capget, uptr_t, header, uptr_t, dataptr)
{
	uint32_t h[2];
	if (copy_from_user(h, header, sizeof(h)))
		return -EFAULT;
	if (h[0] != CAP_V1 && h[0] != CAP_V2 && h[0] != CAP_V3) {
		h[0] = CAP_V3;
		if (copy_to_user(header, h, 4))
			return -EFAULT;
		return dataptr ? -EINVAL : 0; /* a NULL data pointer: the version probe */
	}
	if (!dataptr)
		return 0;
	if ((int)h[1] < 0)
		return -EINVAL;
	if (h[1] && !task_find((int)h[1]))
		return -ESRCH;
	uint64_t all = (1ULL << CAP_BITS) - 1;
	uint32_t d[6] = {(uint32_t)all, (uint32_t)all, 0, (uint32_t)(all >> 32), (uint32_t)(all >> 32), 0};
	return copy_to_user(dataptr, d, h[0] == CAP_V1 ? 12 : sizeof(d));
}
