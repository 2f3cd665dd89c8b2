/* cpu.c: CPU feature detection and the control-register bits that follow from it. Owns
 * the cpu_features record, turning on SMEP, SMAP and UMIP in CR4 when present, and the
 * accelerator guess: "kvm" when CPUID leaf 0x40000000 carries KVM's signature, "tcg"
 * otherwise (QEMU's TCG sets no hypervisor leaf of its own with -cpu max). Does not own
 * EFER.NXE (set in boot.S, checked by paging.c) or per-CPU data. FSGSBASE and PCID are
 * detected and reported but left off until the context switch uses them. */
#include "cpu.h"
#include "lib.h"
#include "x86.h"

struct cpu_features cpu;

void cpu_init(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max_leaf = r[0];
	memcpy(cpu.vendor, &r[1], 4);
	memcpy(cpu.vendor + 4, &r[3], 4);
	memcpy(cpu.vendor + 8, &r[2], 4);
	cpuid(1, 0, r);
	cpu.pcid = r[2] & (1u << 17);
	cpu.x2apic = r[2] & (1u << 21);
	cpu.hypervisor_bit = r[2] & (1u << 31);
	if (max_leaf >= 7) {
		cpuid(7, 0, r);
		cpu.fsgsbase = r[1] & (1u << 0);
		cpu.smep = r[1] & (1u << 7);
		cpu.smap = r[1] & (1u << 20);
		cpu.umip = r[2] & (1u << 2);
	}
	cpuid(0x80000000, 0, r);
	uint32_t max_ext = r[0];
	if (max_ext >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		cpu.nx = r[3] & (1u << 20);
		cpu.pdpe1gb = r[3] & (1u << 26);
	}
	if (max_ext >= 0x80000004) {
		for (uint32_t i = 0; i < 3; i++) {
			cpuid(0x80000002 + i, 0, r);
			memcpy(cpu.brand + 16 * i, r, 16);
		}
	}
	if (max_ext >= 0x80000007) {
		cpuid(0x80000007, 0, r);
		cpu.invariant_tsc = r[3] & (1u << 8);
	}
	cpuid(0x40000000, 0, r);
	if (r[0] >= 0x40000000 && r[0] < 0x40010000) {
		memcpy(cpu.hypervisor, &r[1], 4);
		memcpy(cpu.hypervisor + 4, &r[2], 4);
		memcpy(cpu.hypervisor + 8, &r[3], 4);
		for (int i = 0; i < 12; i++) /* keep it printable */
			if (cpu.hypervisor[i] && (cpu.hypervisor[i] < 0x20 || cpu.hypervisor[i] > 0x7e))
				cpu.hypervisor[i] = '?';
		cpu.kvm = !memcmp(cpu.hypervisor, "KVMKVMKVM", 9);
	}

	uint64_t cr4 = read_cr4();
	if (cpu.smep)
		cr4 |= CR4_SMEP; /* ring 0 never executes user pages */
	if (cpu.smap)
		cr4 |= CR4_SMAP; /* ring 0 touches user pages only inside stac/clac */
	if (cpu.umip)
		cr4 |= CR4_UMIP; /* sgdt/sidt/sldt/smsw/str fault in ring 3 */
	write_cr4(cr4);
}

/* The syscall instruction: EFER.SCE; STAR: kernel CS 0x08 (SS 0x10) on entry, and the
 * SYSRET base 0x10 (user SS = 0x18|3, CS = 0x20|3); LSTAR = syscall_entry (syscall.S);
 * SFMASK clears IF, TF, DF, AC and NT on entry. */
void syscall_init(void)
{
	extern char syscall_entry[];
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(0xc0000081, ((uint64_t)0x10 << 48) | ((uint64_t)0x08 << 32)); /* STAR */
	wrmsr(0xc0000082, (uint64_t)syscall_entry);                         /* LSTAR */
	wrmsr(0xc0000084, (1u << 8) | (1u << 9) | (1u << 10) | (1u << 14) | (1u << 18)); /* SFMASK */
}

const char *cpu_accel(void) { return cpu.kvm ? "kvm" : "tcg"; }

void cpu_print_banner(void)
{
	const char *b = cpu.brand;
	while (*b == ' ')
		b++;
	printk("cpu: %s, %s\n", cpu.vendor, *b ? b : "(no brand string)");
	printk("cpu: features:%s%s%s%s%s%s%s%s\n", cpu.smep ? " smep" : " -smep", cpu.smap ? " smap" : " -smap",
	       cpu.umip ? " umip" : " -umip", cpu.fsgsbase ? " fsgsbase" : " -fsgsbase", cpu.pcid ? " pcid" : " -pcid",
	       cpu.x2apic ? " x2apic" : " -x2apic", cpu.invariant_tsc ? " invtsc" : " -invtsc", cpu.nx ? " nx" : " -nx");
	printk("cpu: enabled in CR4:%s%s%s\n", cpu.smep ? " SMEP" : "", cpu.smap ? " SMAP" : "", cpu.umip ? " UMIP" : "");
	printk("accel: %s (hypervisor leaf: %s)\n", cpu_accel(), cpu.hypervisor[0] ? cpu.hypervisor : "none");
}
