/* vdso: the vDSO, as Linux gives one (issue 12, item 2), in both rings.
 *
 * Parts: auxv (AT_SYSINFO_EHDR points at an ELF shared object exporting __vdso_clock_gettime,
 * __vdso_gettimeofday, __vdso_time and __vdso_getcpu with version LINUX_2.6, found the way
 * musl's __vdsosym finds them: DT_HASH, DT_SYMTAB, DT_VERSYM/DT_VERDEF), agree (each clock
 * read through the vDSO lies between two readings by the system call itself, for every clock
 * the vDSO computes and for those it passes on; errors as the call's), monotonic (10 000
 * calls of the vDSO and of libc's clock_gettime never go back), readonly ([vvar] and [vdso]
 * cannot be written: SIGSEGV, in ring 0 too, where CR0.WP makes supervisor pages read-only;
 * mprotect cannot make [vvar] writable), maps (/proc/self/maps names [vdso] at
 * AT_SYSINFO_EHDR and [vvar]), getcpu (CPU 0 here; a valid CPU on the host; the system call
 * agrees), fork (the child's vDSO works). */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <elf.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

typedef int (*cgt_f)(clockid_t, struct timespec *);
typedef int (*gtod_f)(struct timeval *, void *);
typedef time_t (*time_f)(time_t *);
typedef long (*getcpu_f)(unsigned *, unsigned *, void *);

static int on_ringzero; /* the kernel is ringzero (uname), not the host's Linux */

/* The symbol name@version in the image at eh, or NULL. */
static void *vsym(const Elf64_Ehdr *eh, const char *name, const char *ver)
{
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	uintptr_t base = 0;
	int load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !load++)
			base = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
	}
	if (!dyn || !load)
		return NULL;
	const char *str = NULL;
	const Elf64_Sym *sym = NULL;
	const Elf64_Word *hash = NULL;
	const Elf64_Versym *versym = NULL;
	const Elf64_Verdef *verdef = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		void *p = (void *)(base + dyn->d_un.d_ptr);
		if (dyn->d_tag == DT_STRTAB) str = p;
		if (dyn->d_tag == DT_SYMTAB) sym = p;
		if (dyn->d_tag == DT_HASH) hash = p;
		if (dyn->d_tag == DT_VERSYM) versym = p;
		if (dyn->d_tag == DT_VERDEF) verdef = p;
	}
	if (!str || !sym || !hash || !versym || !verdef)
		return NULL;
	for (Elf64_Word i = 0; i < hash[1]; i++) {
		if (!sym[i].st_shndx || strcmp(str + sym[i].st_name, name))
			continue;
		const Elf64_Verdef *d = verdef;
		for (;;) {
			if (!(d->vd_flags & VER_FLG_BASE) && d->vd_ndx == (versym[i] & 0x7fff))
				break;
			if (!d->vd_next)
				return NULL;
			d = (const void *)((const char *)d + d->vd_next);
		}
		const Elf64_Verdaux *a = (const void *)((const char *)d + d->vd_aux);
		if (strcmp(str + a->vda_name, ver))
			continue;
		return (void *)(base + sym[i].st_value);
	}
	return NULL;
}

static cgt_f v_cgt;
static gtod_f v_gtod;
static time_f v_time;
static getcpu_f v_getcpu;

static void auxv(void)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	CHECK(eh != NULL, "AT_SYSINFO_EHDR present");
	if (!eh)
		return;
	CHECK(!memcmp(eh->e_ident, ELFMAG, SELFMAG) && eh->e_ident[EI_CLASS] == ELFCLASS64 && eh->e_type == ET_DYN,
	      "an ELF64 shared object");
	v_cgt = (cgt_f)vsym(eh, "__vdso_clock_gettime", "LINUX_2.6");
	v_gtod = (gtod_f)vsym(eh, "__vdso_gettimeofday", "LINUX_2.6");
	v_time = (time_f)vsym(eh, "__vdso_time", "LINUX_2.6");
	v_getcpu = (getcpu_f)vsym(eh, "__vdso_getcpu", "LINUX_2.6");
	CHECK(v_cgt && v_gtod && v_time && v_getcpu, "symbols %p %p %p %p", (void *)v_cgt, (void *)v_gtod,
	      (void *)v_time, (void *)v_getcpu);
	CHECK(vsym(eh, "__vdso_clock_gettime", "LINUX_2.5") == NULL, "another version is not found");
}

static long long ns_of(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

/* s1 <= vDSO <= s2 for clock c; coarse clocks may lag a tick behind the fine readings. */
static void sandwich(clockid_t c, long long slack)
{
	struct timespec a, v, b;
	CHECK(syscall(SYS_clock_gettime, c, &a) == 0, "syscall clock %d", (int)c);
	int r = v_cgt(c, &v);
	CHECK(syscall(SYS_clock_gettime, c, &b) == 0, "syscall clock %d", (int)c);
	CHECK(r == 0, "vDSO clock %d: %d", (int)c, r);
	CHECK(v.tv_nsec >= 0 && v.tv_nsec < 1000000000, "clock %d nsec %ld", (int)c, v.tv_nsec);
	CHECK(ns_of(a) - slack <= ns_of(v) && ns_of(v) <= ns_of(b) + slack, "clock %d: %lld <= %lld <= %lld", (int)c,
	      ns_of(a), ns_of(v), ns_of(b));
}

static void agree(void)
{
	CHECK(v_cgt != NULL, "no vDSO");
	if (!v_cgt)
		return;
	sandwich(CLOCK_REALTIME, 0);
	sandwich(CLOCK_MONOTONIC, 0);
	sandwich(CLOCK_MONOTONIC_RAW, 0);
	sandwich(CLOCK_BOOTTIME, 0);
	sandwich(CLOCK_REALTIME_COARSE, 100000000);
	sandwich(CLOCK_MONOTONIC_COARSE, 100000000);
	/* passed on to the system call by the vDSO itself */
	struct timespec p;
	CHECK(v_cgt(CLOCK_PROCESS_CPUTIME_ID, &p) == 0 && p.tv_nsec >= 0 && ns_of(p) > 0, "process CPU clock");
	CHECK(v_cgt(CLOCK_THREAD_CPUTIME_ID, &p) == 0 && ns_of(p) > 0, "thread CPU clock");
	CHECK(v_cgt(99, &p) == -EINVAL, "unknown clock: %d", v_cgt(99, &p));
	CHECK(v_cgt(-1, &p) == -EINVAL, "clock -1");
	/* gettimeofday and time against their calls */
	struct timeval ta, tv, tb;
	struct { int minuteswest, dsttime; } tz = {77, 77};
	syscall(SYS_gettimeofday, &ta, NULL);
	CHECK(v_gtod(&tv, &tz) == 0, "vDSO gettimeofday");
	syscall(SYS_gettimeofday, &tb, NULL);
	long long ua = ta.tv_sec * 1000000LL + ta.tv_usec, uv = tv.tv_sec * 1000000LL + tv.tv_usec,
		  ub = tb.tv_sec * 1000000LL + tb.tv_usec;
	CHECK(ua <= uv && uv <= ub && tv.tv_usec < 1000000, "gettimeofday %lld <= %lld <= %lld", ua, uv, ub);
	CHECK(tz.minuteswest == 0 && tz.dsttime == 0, "timezone %d %d", tz.minuteswest, tz.dsttime);
	CHECK(v_gtod(NULL, NULL) == 0, "gettimeofday(NULL, NULL)");
	time_t t1 = syscall(SYS_time, NULL), tl = 0, t = v_time(&tl), t2 = syscall(SYS_time, NULL);
	CHECK(t1 <= t && t <= t2 && tl == t, "time %ld <= %ld (%ld) <= %ld", (long)t1, (long)t, (long)tl, (long)t2);
	CHECK(v_time(NULL) >= t, "time(NULL)");
	/* libc's clock_gettime (musl: through the vDSO) agrees too */
	struct timespec a, l, b;
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_MONOTONIC, &l);
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b);
	CHECK(ns_of(a) <= ns_of(l) && ns_of(l) <= ns_of(b), "libc clock_gettime");
}

static void monotonic(void)
{
	CHECK(v_cgt != NULL, "no vDSO");
	if (!v_cgt)
		return;
	struct timespec prev = {0, 0}, now, lprev = {0, 0}, lnow;
	int back = 0, lback = 0;
	for (int i = 0; i < 10000; i++) {
		v_cgt(CLOCK_MONOTONIC, &now);
		back += ns_of(now) < ns_of(prev);
		prev = now;
		clock_gettime(CLOCK_MONOTONIC, &lnow);
		lback += ns_of(lnow) < ns_of(lprev);
		lprev = lnow;
	}
	CHECK(back == 0 && lback == 0, "went back %d (vDSO) and %d (libc) times", back, lback);
	CHECK(ns_of(prev) > 0, "clock runs");
}

/* [vdso] and [vvar] from /proc/self/maps: start addresses and permissions. */
static unsigned long map_of(const char *name, char perm[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[256];
	unsigned long lo = 0, hi;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f)) {
		char *nl = strchr(line, '\n'), *p;
		if (nl)
			*nl = 0;
		size_t n = strlen(line), k = strlen(name);
		if (n < k || strcmp(line + n - k, name))
			continue;
		p = line;
		lo = strtoul(p, &p, 16);
		hi = strtoul(p + 1, &p, 16);
		(void)hi;
		memcpy(perm, p + 1, 4);
		perm[4] = 0;
		break;
	}
	fclose(f);
	return lo;
}

static sigjmp_buf jb;
static volatile sig_atomic_t faults;
static void on_segv(int s)
{
	(void)s;
	faults++;
	siglongjmp(jb, 1);
}

/* 1 when a store of one byte at p faulted with SIGSEGV (and changed nothing). */
static int write_faults(volatile char *p)
{
	int before = faults;
	char old = *p;
	if (!sigsetjmp(jb, 1))
		*p = (char)(old + 1);
	int faulted = faults != before;
	CHECK(*p == old, "unchanged");
	return faulted;
}

static void readonly(void)
{
	char pv[5] = "", pd[5] = "";
	unsigned long vvar = map_of("[vvar]", pv), vdso = map_of("[vdso]", pd);
	CHECK(vvar && vdso, "[vvar] %#lx [vdso] %#lx", vvar, vdso);
	if (!vvar || !vdso)
		return;
	struct sigaction sa = {0};
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, NULL);
	CHECK(write_faults((char *)vdso), "a write to [vdso] faults");
	CHECK(write_faults((char *)vvar), "a write to [vvar] faults");
	if (on_ringzero) { /* the host's [vvar] pages may not be readable (SIGBUS) */
		CHECK(write_faults((char *)vvar + 24), "a write to [vvar] + 24 faults");
	}
	errno = 0;
	CHECK(mprotect((void *)vvar, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
	      "mprotect [vvar] writable: EACCES");
	sa.sa_handler = SIG_DFL;
	sigaction(SIGSEGV, &sa, NULL);
	/* the same from a child: the default action kills it with SIGSEGV */
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile char *)vvar = 1;
		_exit(0);
	}
	int st = 0;
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "child status %#x", st);
}

static void maps(void)
{
	char pv[5] = "", pd[5] = "";
	unsigned long vvar = map_of("[vvar]", pv), vdso = map_of("[vdso]", pd);
	CHECK(vdso == getauxval(AT_SYSINFO_EHDR), "[vdso] at %#lx, AT_SYSINFO_EHDR %#lx", vdso,
	      getauxval(AT_SYSINFO_EHDR));
	CHECK(!strcmp(pd, "r-xp"), "[vdso] %s", pd);
	CHECK(vvar && !strcmp(pv, "r--p"), "[vvar] %#lx %s", vvar, pv);
	CHECK(vvar < vdso, "[vvar] below [vdso]");
}

static void getcpu_part(void)
{
	CHECK(v_getcpu != NULL, "no vDSO");
	if (!v_getcpu)
		return;
	unsigned cpu = 99, node = 99;
	CHECK(v_getcpu(&cpu, &node, NULL) == 0, "vDSO getcpu");
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	CHECK(cpu < (unsigned)ncpu && node < 64, "cpu %u of %ld, node %u", cpu, ncpu, node);
	if (on_ringzero)
		CHECK(cpu == 0 && node == 0, "one CPU: cpu %u node %u", cpu, node);
	CHECK(v_getcpu(NULL, NULL, NULL) == 0, "getcpu(NULL, NULL)");
	unsigned scpu = 99, snode = 99;
	CHECK(syscall(SYS_getcpu, &scpu, &snode, NULL) == 0 && scpu < (unsigned)ncpu, "getcpu call: %u", scpu);
	if (on_ringzero)
		CHECK(scpu == 0 && snode == 0, "getcpu call: %u %u", scpu, snode);
	CHECK(sched_getcpu() >= 0, "sched_getcpu");
}

static void fork_part(void)
{
	CHECK(v_cgt != NULL, "no vDSO");
	if (!v_cgt)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec a, v;
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a);
		_exit(v_cgt(CLOCK_MONOTONIC, &v) == 0 && ns_of(v) >= ns_of(a) ? 0 : 1);
	}
	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

int main(void)
{
	r0_start("vdso");
	struct utsname u;
	on_ringzero = uname(&u) == 0 && strstr(u.release, "ringzero") != NULL;
	R0_PART("auxv", auxv());
	R0_PART("agree", agree());
	R0_PART("monotonic", monotonic());
	R0_PART("readonly", readonly());
	R0_PART("maps", maps());
	R0_PART("getcpu", getcpu_part());
	R0_PART("fork", fork_part());
	R0_DONE();
}
