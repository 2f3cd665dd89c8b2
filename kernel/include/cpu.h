/* cpu.h: what the CPU offers (arch/x86_64/cpu.c). */
#ifndef RZ_CPU_H
#define RZ_CPU_H
#include "types.h"

struct cpu_features {
	char vendor[13];
	char brand[49];
	char hypervisor[13]; /* CPUID 0x40000000 signature, "" if none */
	bool smep, smap, umip, fsgsbase, pcid, x2apic, invariant_tsc, nx, pdpe1gb, hypervisor_bit;
	bool kvm;            /* hypervisor signature "KVMKVMKVM" */
};
extern struct cpu_features cpu;

void cpu_init(void);        /* detects features, turns on SMEP, SMAP, UMIP where present */
void cpu_print_banner(void);
const char *cpu_accel(void); /* "kvm" or "tcg" */

#endif
