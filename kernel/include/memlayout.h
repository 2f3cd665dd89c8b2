/* memlayout.h: the kernel's virtual address layout, shared by C and assembly.
 *
 *   0xffff800000000000  direct map: physical address P is at DIRECT_MAP + P (RW, NX)
 *   0xffffffff80000000  kernel image: linked at KERNEL_VMA + KERNEL_PHYS (-mcmodel=kernel)
 *
 * The lower half (below 0x0000800000000000) is left for user address spaces. */
#ifndef RZ_MEMLAYOUT_H
#define RZ_MEMLAYOUT_H

#define KERNEL_VMA   0xffffffff80000000
#define KERNEL_PHYS  0x200000
#define DIRECT_MAP   0xffff800000000000
#define PAGE_SIZE    4096
#define PAGE_SHIFT   12

#ifndef __ASSEMBLER__
#include "types.h"
static inline void *P2V(uint64_t pa) { return (void *)(pa + DIRECT_MAP); }
static inline uint64_t V2P(const void *va)
{
	uint64_t v = (uint64_t)va;
	return v >= KERNEL_VMA ? v - KERNEL_VMA : v - DIRECT_MAP;
}
/* Symbols from kernel.ld (virtual addresses in the kernel image). */
extern char _kernel_start[], _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _data_end[], _ksyms_start[], _ksyms_end[], _kernel_end[];
#endif
#endif
