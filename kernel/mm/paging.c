/* paging.c: the kernel's page tables. Owns building the final kernel address space and
 * switching to it: a direct map of physical memory at DIRECT_MAP (2 MiB pages, RW, NX,
 * global; at least 0..4 GiB so the I/O APIC and LAPIC are reachable, ranges that are not
 * RAM uncached) and the kernel image at KERNEL_VMA + phys in 4 KiB pages with per-section
 * rights (text RX, rodata and .ksyms R+NX, data/bss RW+NX), with no identity map and the
 * page below the boot stack left unmapped as a guard. Also the W^X audit and a
 * "is this kernel address mapped" check for backtraces. Does not own user address spaces (later: they share the upper half by
 * copying PML4 entries 256..511 from kernel_pml4). */
#include "mm.h"
#include "bootinfo.h"
#include "cpu.h"
#include "lib.h"
#include "memlayout.h"
#include "x86.h"

extern char boot_stack_guard[];
static uint64_t *kernel_pml4;
static uint64_t nx; /* PTE_NX when the CPU has it (EFER.NXE set in boot.S), else 0 */

static uint64_t *table_next(uint64_t *table, int idx)
{
	if (!(table[idx] & PTE_P)) {
		uint64_t pa = frame_alloc();
		if (!pa)
			panic("paging: out of memory for page tables");
		table[idx] = pa | PTE_P | PTE_W;
	}
	return P2V(table[idx] & PTE_ADDR);
}

static void map_page(uint64_t va, uint64_t pa, uint64_t flags, bool large)
{
	uint64_t *pdpt = table_next(kernel_pml4, (va >> 39) & 511);
	uint64_t *pd = table_next(pdpt, (va >> 30) & 511);
	if (large) {
		pd[(va >> 21) & 511] = pa | flags | PTE_PS;
		return;
	}
	uint64_t *pt = table_next(pd, (va >> 21) & 511);
	pt[(va >> 12) & 511] = pa | flags;
}

static bool range_has_ram(uint64_t start, uint64_t end)
{
	for (int i = 0; i < bootinfo.nmem; i++) {
		struct mem_region *m = &bootinfo.mem[i];
		if (m->type == MEM_RAM && m->addr < end && start < m->addr + m->size)
			return true;
	}
	return false;
}

void paging_init(void)
{
	nx = cpu.nx ? PTE_NX : 0;
	kernel_pml4 = P2V(frame_alloc());

	uint64_t top = 4ULL << 30;
	for (int i = 0; i < bootinfo.nmem; i++)
		if (bootinfo.mem[i].type == MEM_RAM)
			top = MAX(top, bootinfo.mem[i].addr + bootinfo.mem[i].size);
	top = ALIGN_UP(top, 1ULL << 21);
	for (uint64_t pa = 0; pa < top; pa += 1ULL << 21) {
		uint64_t flags = PTE_P | PTE_W | PTE_G | nx;
		if (!range_has_ram(pa, pa + (1ULL << 21)))
			flags |= PTE_PCD | PTE_PWT; /* device memory: uncached */
		map_page(DIRECT_MAP + pa, pa, flags, true);
	}

	for (uint64_t va = (uint64_t)_kernel_start; va < (uint64_t)_kernel_end; va += PAGE_SIZE) {
		uint64_t flags = PTE_P | PTE_G;
		if (va == (uint64_t)boot_stack_guard)
			continue; /* guard page */
		if (va >= (uint64_t)_text_start && va < (uint64_t)_text_end)
			; /* text: read + execute */
		else if (va >= (uint64_t)_data_start && va < (uint64_t)_data_end)
			flags |= PTE_W | nx;
		else
			flags |= nx; /* rodata, note, ksyms */
		map_page(va, va - KERNEL_VMA, flags, false);
	}

	/* Pre-create every upper-half PML4 entry: process PML4s copy entries 256..511 once,
	 * so any kernel mapping added later (kernel stacks) is seen by every process. */
	for (int i = 256; i < 512; i++)
		table_next(kernel_pml4, i);

	write_cr4(read_cr4() | (1u << 7)); /* CR4.PGE: global pages survive CR3 reloads */
	write_cr3(V2P(kernel_pml4));
}

uint64_t kernel_pml4_phys(void) { return V2P(kernel_pml4); }
uint64_t *kernel_pml4_virt(void) { return kernel_pml4; }

static uint64_t *kpte(uint64_t va, bool create)
{
	uint64_t *t = kernel_pml4;
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = frame_alloc();
			if (!pa)
				return NULL;
			*e = pa | PTE_P | PTE_W;
		}
		if (*e & PTE_PS)
			return NULL;
		t = P2V(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

long kmap_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pte = kpte(va, true);
	if (!pte)
		return -12; /* ENOMEM */
	*pte = pa | flags | PTE_P | nx;
	invlpg(va);
	return 0;
}

uint64_t kunmap_page(uint64_t va)
{
	uint64_t *pte = kpte(va, false);
	if (!pte || !(*pte & PTE_P))
		return 0;
	uint64_t pa = *pte & PTE_ADDR;
	*pte = 0;
	invlpg(va);
	return pa;
}

bool kernel_addr_mapped(uint64_t va)
{
	if (!kernel_pml4)
		return false;
	uint64_t *t = kernel_pml4;
	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = t[(va >> shift) & 511];
		if (!(e & PTE_P))
			return false;
		if (shift == 12 || (e & PTE_PS))
			return true;
		t = P2V(e & PTE_ADDR);
	}
	return false;
}

/* Counts 4 KiB-equivalent pages in the upper half that are writable and executable. */
int paging_check_wx(void)
{
	int bad = 0;
	for (int i = 256; i < 512; i++) {
		if (!(kernel_pml4[i] & PTE_P))
			continue;
		uint64_t *pdpt = P2V(kernel_pml4[i] & PTE_ADDR);
		for (int j = 0; j < 512; j++) {
			if (!(pdpt[j] & PTE_P))
				continue;
			if (pdpt[j] & PTE_PS) {
				bad += ((pdpt[j] & PTE_W) && !(pdpt[j] & nx)) ? 512 * 512 : 0;
				continue;
			}
			uint64_t *pd = P2V(pdpt[j] & PTE_ADDR);
			for (int k = 0; k < 512; k++) {
				if (!(pd[k] & PTE_P))
					continue;
				if (pd[k] & PTE_PS) {
					bad += ((pd[k] & PTE_W) && !(pd[k] & nx)) ? 512 : 0;
					continue;
				}
				uint64_t *pt = P2V(pd[k] & PTE_ADDR);
				for (int l = 0; l < 512; l++)
					if ((pt[l] & PTE_P) && (pt[l] & PTE_W) && !(pt[l] & nx))
						bad++;
			}
		}
	}
	return bad;
}
