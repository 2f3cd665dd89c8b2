/* gdt.c: the kernel's GDT and its one TSS. Owns the segment descriptors (kernel code/data,
 * user data/code in SYSRET order), the TSS with RSP0 and the IST stacks, and loading them
 * (lgdt, segment reloads, ltr). Does not own: which vector uses which IST slot (idt.c).
 *
 * IST1 is a 16 KiB stack for #DF, NMI and #MC, so those are handled on a known-good stack
 * even when the kernel stack is what failed. While a ring-0 program is the current task,
 * every other vector uses IST2 (Contract 4 in DESIGN.md): the CPU does not switch stacks
 * without a privilege change, so only an IST keeps the frame off the program's stack.
 * IST2's stack lives in entry_ring0.S, which moves each frame off it at once. */
#include "gdt.h"
#include "lib.h"

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} PACKED;

static struct tss tss;
static uint64_t gdt[7];
static uint8_t ist_critical_stack[16384] __attribute__((aligned(16)));

extern char boot_stack_top[];
extern char ist_r0_stack_top[];

static uint64_t seg(uint32_t access, uint32_t flags)
{
	/* base 0, limit 0xfffff (ignored in long mode for code/data except for data in compat) */
	return 0xffffULL | ((uint64_t)access << 40) | ((uint64_t)flags << 52) | (0xfULL << 48);
}

void gdt_init(void)
{
	gdt[0] = 0;
	gdt[1] = seg(0x9a, 0xa); /* 0x08 kernel code: P, DPL0, code, readable; L=1, G=1 */
	gdt[2] = seg(0x92, 0xc); /* 0x10 kernel data: P, DPL0, data, writable; D/B=1, G=1 */
	gdt[3] = seg(0xf2, 0xc); /* 0x18 user data: P, DPL3 */
	gdt[4] = seg(0xfa, 0xa); /* 0x20 user code 64-bit: P, DPL3, L=1 */

	uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
	gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) | (((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56); /* 0x28: available 64-bit TSS, P, DPL0 */
	gdt[6] = base >> 32;

	tss.iomap_base = sizeof(tss); /* no I/O permission bitmap: ring 3 gets no ports */
	tss.rsp[0] = (uint64_t)boot_stack_top;
	tss.ist[IST_CRITICAL - 1] = (uint64_t)(ist_critical_stack + sizeof(ist_critical_stack));
	tss.ist[IST_RING0 - 1] = (uint64_t)ist_r0_stack_top; /* entry_ring0.S; 16-aligned */

	struct {
		uint16_t limit;
		uint64_t base;
	} PACKED gdtr = {sizeof(gdt) - 1, (uint64_t)gdt};
	__asm__ volatile("lgdt %0\n\t"
			 "movl %1, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "pushq %2\n\t"          /* far return to reload CS */
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %3, %%ax\n\t"
			 "ltr %%ax"
			 :
			 : "m"(gdtr), "i"(SEL_KDATA), "i"((uint64_t)SEL_KCODE), "i"(SEL_TSS)
			 : "rax", "memory");
}

void tss_set_rsp0(uint64_t rsp0) { tss.rsp[0] = rsp0; }

bool on_ist_critical_stack(uint64_t addr)
{
	return addr >= (uint64_t)ist_critical_stack && addr < (uint64_t)(ist_critical_stack + sizeof(ist_critical_stack));
}
