/* mm.h: physical frames (mm/frame.c), kernel page tables (mm/paging.c), heap (mm/heap.c). */
#ifndef RZ_MM_H
#define RZ_MM_H
#include "types.h"

void frame_init(uint64_t kernel_phys_end);
uint64_t frame_alloc(void);             /* physical address of a zeroed frame, 0 if none */
uint64_t frame_alloc_contig(size_t n);  /* n contiguous zeroed frames, 0 if none */
void frame_free(uint64_t pa);
void frame_free_contig(uint64_t pa, size_t n);
uint64_t frames_free(void);
uint64_t frames_total(void);
uint64_t frames_span(void);           /* frame numbers run from 0 to this - 1 */
uint64_t mem_ram_bytes(void);

#define PTE_P   (1ULL << 0)
#define PTE_W   (1ULL << 1)
#define PTE_U   (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS  (1ULL << 7)
#define PTE_G   (1ULL << 8)
#define PTE_NX  (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL

void paging_init(void);
uint64_t kernel_pml4_phys(void);
int paging_check_wx(void);
bool kernel_addr_mapped(uint64_t va);
uint64_t *kernel_pml4_virt(void);       /* entries 256..511 exist from paging_init on */
/* Kernel mappings in the shared upper half (kernel stacks): 0 or -ENOMEM; unmap returns
 * the physical address that was mapped (0 if none) and flushes the TLB entry. */
long kmap_page(uint64_t va, uint64_t pa, uint64_t flags);
uint64_t kunmap_page(uint64_t va);
#define KSTACK_AREA 0xffffc00000000000ULL      /* kernel stacks with guard pages */ /* in the kernel page tables? */ /* number of pages that are both writable and executable */

void heap_init(void);                   /* after frame_init, before the first kmalloc */
void *kmalloc(size_t n);
void *kzalloc(size_t n);
void kfree(void *p);
bool heap_selftest(void);

#endif
