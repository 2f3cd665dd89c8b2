/* sysinfo.c: the system-wide files of /proc (procfs.h) in Linux's formats: meminfo (from
 * the frame allocator), cpuinfo (from CPUID and the TSC calibration), stat (the timer's
 * tick accounting, context switches, boot time), loadavg and uptime. Does not own the
 * counters themselves (proc/sched.c, mm/frame.c, proc/time.c) or the /proc tree. */
#include "proc.h"
#include "lib.h"
#include "mm.h"
#include "cpu.h"
#include "x86.h"
#include "procfs.h"
#include <asm-generic/errno.h>

#define TICKS_PER_USER_HZ 10    /* 1 kHz timer, USER_HZ 100 */

static void kb_line(struct kbuf *b, const char *name, uint64_t kb)
{
	kbuf_printf(b, "%-16s%8lu kB\n", name, (unsigned long)kb);
}

static void meminfo_text(struct kbuf *b)
{
	uint64_t total = frames_total() * 4, free = frames_free() * 4;
	kb_line(b, "MemTotal:", total);
	kb_line(b, "MemFree:", free);
	kb_line(b, "MemAvailable:", free);
	kb_line(b, "Buffers:", 0);
	kb_line(b, "Cached:", 0);
	kb_line(b, "SwapCached:", 0);
	kb_line(b, "Active:", 0);
	kb_line(b, "Inactive:", 0);
	kb_line(b, "SwapTotal:", 0);
	kb_line(b, "SwapFree:", 0);
	kb_line(b, "Dirty:", 0);
	kb_line(b, "Shmem:", 0);
}

/* Linux's names of CPUID bits, per register, in the order /proc/cpuinfo lists them. */
struct flag_word {
	uint32_t leaf;
	int reg;                /* 0 eax, 1 ebx, 2 ecx, 3 edx */
	const char *names[32];
};
static const struct flag_word flag_words[] = {
	{1, 3, {"fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", 0, "sep", "mtrr", "pge",
		"mca", "cmov", "pat", "pse36", "pn", "clflush", 0, "dts", "acpi", "mmx", "fxsr", "sse", "sse2",
		"ss", "ht", "tm", "ia64", "pbe"}},
	{0x80000001, 3, {[11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
			 [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow"}},
	{1, 2, {"pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid",
		"sdbg", "fma", "cx16", "xtpr", "pdcm", 0, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe",
		"popcnt", "tsc_deadline_timer", "aes", "xsave", 0, "avx", "f16c", "rdrand", "hypervisor"}},
	{0x80000001, 2, {"lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse",
			 "3dnowprefetch", "osvw", "ibs", "xop", "skinit", "wdt", 0, "lwp", "fma4", "tce", 0,
			 "nodeid_msr", 0, "tbm", "topoext", "perfctr_core", "perfctr_nb", 0, "bpext", "ptsc",
			 "perfctr_llc", "mwaitx"}},
	{7, 1, {"fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", 0, "smep", "bmi2", "erms", "invpcid",
		"rtm", "cqm", 0, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", 0,
		"clflushopt", "clwb", "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw",
		"avx512vl"}},
	{7, 2, {[1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [5] = "waitpkg",
		[6] = "avx512_vbmi2", [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq", [11] = "avx512_vnni",
		[12] = "avx512_bitalg", [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid",
		[25] = "cldemote", [27] = "movdiri", [28] = "movdir64b"}},
};

static void cpuinfo_text(struct kbuf *b)
{
	uint32_t r[4], max_leaf, max_ext;
	cpuid(0, 0, r);
	max_leaf = r[0];
	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	cpuid(1, 0, r);
	uint32_t fam = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf, step = r[0] & 0xf;
	if (fam == 0xf)
		fam += (r[0] >> 20) & 0xff;
	if (fam >= 6)
		model |= ((r[0] >> 16) & 0xf) << 4;
	uint64_t hz = time_tsc_hz();
	kbuf_printf(b, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\nmodel name\t: %s\n",
		    cpu.vendor, fam, model, cpu.brand[0] ? cpu.brand : "unknown");
	kbuf_printf(b, "stepping\t: %u\ncpu MHz\t\t: %lu.%03lu\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\n", step,
		    (unsigned long)(hz / 1000000), (unsigned long)(hz / 1000 % 1000));
	kbuf_printf(b, "cpu cores\t: 1\napicid\t\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: %u\nwp\t\t: yes\nflags\t\t:",
		    max_leaf);
	for (size_t w = 0; w < sizeof(flag_words) / sizeof(flag_words[0]); w++) {
		const struct flag_word *fw = &flag_words[w];
		if (fw->leaf > (fw->leaf >= 0x80000000 ? max_ext : max_leaf))
			continue;
		cpuid(fw->leaf, 0, r);
		for (int i = 0; i < 32; i++)
			if (fw->names[i] && (r[fw->reg] >> i & 1))
				kbuf_printf(b, " %s", fw->names[i]);
	}
	uint32_t phys = 36, virt = 48;
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		phys = r[0] & 0xff, virt = (r[0] >> 8) & 0xff;
	}
	kbuf_printf(b, "\nbogomips\t: %lu.%02lu\nclflush size\t: 64\ncache_alignment\t: 64\n",
		    (unsigned long)(hz / 500000), (unsigned long)(hz / 5000 % 100));
	kbuf_printf(b, "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n", phys, virt);
}

static void sysstat_text(struct kbuf *b)
{
	unsigned long u = cpu_ticks_user / TICKS_PER_USER_HZ, s = cpu_ticks_system / TICKS_PER_USER_HZ,
		      i = cpu_ticks_idle / TICKS_PER_USER_HZ;
	int running = 0;
	for (struct task *t = all_tasks; t; t = t->next_all)
		running += t->state == T_RUNNABLE;
	kbuf_printf(b, "cpu  %lu 0 %lu %lu 0 0 0 0 0 0\ncpu0 %lu 0 %lu %lu 0 0 0 0 0 0\n", u, s, i, u, s, i);
	kbuf_printf(b, "intr 0\nctxt %lu\nbtime %lu\nprocesses %d\nprocs_running %d\nprocs_blocked 0\n",
		    (unsigned long)nr_switches, (unsigned long)(time_boot_real_ns() / 1000000000), task_last_pid(),
		    running);
}

static void loadavg_text(struct kbuf *b)
{
	int running = 0;
	for (struct task *t = all_tasks; t; t = t->next_all)
		running += t->state == T_RUNNABLE;
	for (int i = 0; i < 3; i++) {
		uint64_t v = load_avg[i] + 2048 / 200; /* rounded to two decimals, as Linux */
		kbuf_printf(b, "%lu.%02lu ", (unsigned long)(v >> 11), (unsigned long)(((v & 2047) * 100) >> 11));
	}
	kbuf_printf(b, "%d/%d %d\n", running, task_count(), task_last_pid());
}

static void uptime_text(struct kbuf *b)
{
	uint64_t cs = clock_mono_ns() / 10000000, idle = cpu_ticks_idle / 10;
	kbuf_printf(b, "%lu.%02lu %lu.%02lu\n", (unsigned long)(cs / 100), (unsigned long)(cs % 100),
		    (unsigned long)(idle / 100), (unsigned long)(idle % 100));
}

long proc_sys_text(enum proc_sys_file which, struct kbuf *b)
{
	switch (which) {
	case PROC_MEMINFO: meminfo_text(b); break;
	case PROC_CPUINFO: cpuinfo_text(b); break;
	case PROC_SYSSTAT: sysstat_text(b); break;
	case PROC_LOADAVG: loadavg_text(b); break;
	case PROC_UPTIME: uptime_text(b); break;
	default: return -EIO;
	}
	return 0;
}
