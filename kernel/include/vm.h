/* vm.h: process address spaces (mm/vm.c) and the page-fault handler.
 *
 * An address space is a PML4 whose upper half (entries 256..511) is the kernel's, shared by
 * every process (paging.c pre-creates those 256 entries, so a kernel mapping added later
 * reaches every process), plus a sorted list of VM areas in the lower half. Every user
 * page is anonymous memory (program images are copied in by execve); a frame mapped by
 * several address spaces after fork is copy-on-write and carries a reference count. An area
 * may instead map a regular file (filemap.c): its pages are the file's page-cache frames
 * (MAP_SHARED), or those frames read-only until the first write makes a private copy
 * (MAP_PRIVATE, and execve's segments).
 * Pages appear on first touch (demand-zero). The area list, not the page tables, says what
 * is valid: an access outside every area, or against its protection, is SIGSEGV (or
 * -EFAULT through uaccess). */
#ifndef RZ_VM_H
#define RZ_VM_H
#include "types.h"

#define VM_READ  1   /* = PROT_READ */
#define VM_WRITE 2   /* = PROT_WRITE */
#define VM_EXEC  4   /* = PROT_EXEC */
#define VM_STACK 0x100  /* the main stack (for ps/debug) */
#define VM_HEAP  0x200  /* the brk area */
#define VM_SHARED 0x400 /* MAP_SHARED: fork shares the frames, stores reach the file */
#define VM_MAYWRITE 0x800 /* a MAP_SHARED file area whose descriptor was writable */
#define VM_DENYWRITE 0x1000 /* a segment of a program's image (execve): its file refuses writers */
#define VM_IMAGE 0x2000 /* the program's image, as execve loaded it (/proc/PID/maps names it) */
#define VM_VDSO 0x4000  /* the vDSO's image ([vdso]) */
#define VM_VVAR 0x8000  /* the vDSO's data page ([vvar]): never writable (mprotect: EACCES) */

struct vma {
	uint64_t start, end;    /* page-aligned, [start, end) */
	uint32_t prot;          /* VM_READ | VM_WRITE | VM_EXEC */
	uint32_t flags;         /* VM_STACK, VM_HEAP */
	struct vma *next;       /* sorted by start, non-overlapping */
	struct inode *file;     /* a file mapping (referenced), or NULL for anonymous memory */
	uint64_t pgoff;         /* the file's page at start */
	struct mm *mm;          /* the address space (file mappings: for the file's list) */
	struct vma *fnext;      /* the next area mapping the same file */
};

struct mm {
	uint64_t pml4;          /* physical address */
	struct vma *vmas;
	int users;              /* tasks sharing it (vfork, CLONE_VM) */
	uint64_t pte_user;      /* PTE_U for ring 3 processes; 0 for ring-0 processes (issue 4) */
	uint64_t brk_start, brk;
	uint64_t mmap_base;     /* mmap without a hint searches downward from here */
	uint64_t pages;         /* resident pages (for ps) */
};

#define USER_STACK_TOP   0x00007ffffffff000ULL
#define USER_STACK_SIZE  (8ULL << 20)        /* the main stack's area; a guard page below */
#define USER_MMAP_BASE   0x00007f0000000000ULL

void vm_init(void);
struct mm *mm_new(void);                 /* empty lower half; NULL when out of memory */
struct mm *mm_copy(struct mm *src);      /* fork: copy-on-write copy; NULL when out of memory */
void mm_put(struct mm *mm);              /* drops a user; the last one frees every frame */
void mm_activate(struct mm *mm);         /* load CR3 (NULL: the kernel's own tables) */

/* Adds an area (the range must be free); 0 or -ENOMEM. */
long vm_map(struct mm *mm, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags);
/* Adds an area mapping file ip from page pgoff (MAP_PRIVATE, or MAP_SHARED with VM_SHARED). */
long vm_map_file(struct mm *mm, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags,
		 struct inode *ip, uint64_t pgoff);
/* Drops the pages of [start, end) from mm's page tables, only those whose frame lies in
 * [lo, hi) when hi != 0; the areas stay (the next access faults them in again). */
void vm_zap(struct mm *mm, uint64_t start, uint64_t end, uint64_t lo, uint64_t hi);
/* Adds an area of n pages at start mapping the given frames (each gains a reference), present
 * at once; a write to one (after mprotect) makes a private copy. 0 or -ENOMEM. */
long vm_map_frames(struct mm *mm, uint64_t start, const uint64_t *frames, int n, uint32_t prot,
		   uint32_t flags);
/* Removes [start, start+len) from every area it touches, freeing its pages. */
void vm_unmap(struct mm *mm, uint64_t start, uint64_t len);
long vm_protect(struct mm *mm, uint64_t start, uint64_t len, uint32_t prot);
/* Moves the pages of [from, from+len) to [to, to+len) (mremap); the areas are the caller's.
 * 0 or -ENOMEM (then nothing moved). */
long vm_move_pages(struct mm *mm, uint64_t from, uint64_t to, uint64_t len);
struct vma *vm_find(struct mm *mm, uint64_t addr);
uint64_t vm_phys(struct mm *mm, uint64_t va);   /* the frame's address + offset, or 0 */
/* A free range of len bytes (page-aligned) below mm->mmap_base, or 0. */
uint64_t vm_find_free(struct mm *mm, uint64_t len);
/* Resource accounting (RLIMIT_AS, RLIMIT_DATA): the bytes of mm's areas within
 * [start, end); data_only: only the data areas (vm_is_data: private, writable, not the
 * stack; Linux's data_vm, which RLIMIT_DATA counts, the brk area included). */
uint64_t vm_bytes(struct mm *mm, uint64_t start, uint64_t end, bool data_only);
bool vm_is_data(uint32_t prot, uint32_t flags);
/* Copy bytes into an address space that need not be the current one (execve, the loader);
 * ignores the area's protection. 0 or -ENOMEM. */
long vm_write(struct mm *mm, uint64_t va, const void *src, uint64_t len);

/* Resolve a fault at addr (write: the access was a write; exec: an instruction fetch).
 * 0 when the page is now mapped, -EFAULT when the access is invalid, -EIO when it is past
 * the end of a mapped file (SIGBUS), -ENOMEM when no frame was left. */
long vm_fault(struct mm *mm, uint64_t addr, bool write, bool exec);

/* Per-frame reference counts of user pages. */
void page_ref_inc(uint64_t pa);
int page_ref_dec(uint64_t pa);           /* returns the new count; frees the frame at 0 */

#endif
