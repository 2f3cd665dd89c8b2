/* vm.c: process address spaces. Owns struct mm and its VM areas, the lower half of each
 * process's page tables, per-frame reference counts of user pages, the fault resolution
 * (demand-zero, copy-on-write, a file's page), the copy for fork and the teardown that returns
 * every frame.
 * Does not own: the kernel half (paging.c; shared by copying PML4 entries 256..511, which
 * paging_init pre-creates), deciding what a failed fault means (idt.c: SIGSEGV or the
 * uaccess fixup) or the system calls on top (proc/mem.c). */
#include "vm.h"
#include <asm-generic/errno.h>
#include "lib.h"
#include "memlayout.h"
#include "uaccess.h"
#include "mm.h"
#include "x86.h"
#include "pagecache.h"
#include "files.h"
#include <linux/resource.h>

#define PTE_KEPT (1ULL << 9) /* not present but holds a frame (PROT_NONE) */

static uint16_t *refs; /* one count per physical frame; only user pages use it */
static uint64_t nx;

void vm_init(void)
{
	uint64_t n = frames_span();
	uint64_t pages = ALIGN_UP(n * sizeof(uint16_t), PAGE_SIZE) / PAGE_SIZE;
	uint64_t pa = frame_alloc_contig(pages);
	if (!pa)
		panic("vm: no memory for %lu frame reference counts", n);
	refs = P2V(pa);
	uint32_t r[4];
	cpuid(0x80000001, 0, r);
	nx = (r[3] & (1u << 20)) ? PTE_NX : 0;
}

void page_ref_inc(uint64_t pa) { refs[pa / PAGE_SIZE]++; }

int page_ref_dec(uint64_t pa)
{
	uint16_t *r = &refs[pa / PAGE_SIZE];
	if (*r == 0)
		panic("vm: reference count of frame %#lx below zero", pa);
	if (--*r == 0)
		frame_free(pa);
	return *r;
}

static uint64_t page_alloc_user(void)
{
	uint64_t pa = frame_alloc();
	if (pa)
		refs[pa / PAGE_SIZE] = 1;
	return pa;
}

static bool is_current(struct mm *mm) { return (read_cr3() & PTE_ADDR) == mm->pml4; }

static void flush(struct mm *mm, uint64_t va)
{
	if (is_current(mm))
		invlpg(va);
}

/* The PTE for va in mm's lower half; creates the tables on the way when create is set. */
static uint64_t *walk(struct mm *mm, uint64_t va, bool create)
{
	uint64_t *t = P2V(mm->pml4);
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			if (!create)
				return NULL;
			uint64_t pa = frame_alloc();
			if (!pa)
				return NULL;
			/* intermediate levels allow everything; the leaf decides */
			*e = pa | PTE_P | PTE_W | PTE_U;
		}
		t = P2V(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

/* The first page at or after *va and below end whose page table exists: returns its PTE and
 * moves *va there, or NULL. An absent entry at any level skips the whole range it would map
 * (512 GiB, 1 GiB, 2 MiB), so a huge, mostly untouched range costs what its page tables
 * hold, not one step per 2 MiB (a 2^46-byte munmap used to take 1.5e9 instructions). */
static uint64_t *walk_next(struct mm *mm, uint64_t *va, uint64_t end)
{
	uint64_t a = *va;
restart:
	if (a >= end)
		return NULL;
	uint64_t *t = P2V(mm->pml4);
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t e = t[(a >> shift) & 511];
		if (!(e & PTE_P)) {
			uint64_t next = ALIGN_DOWN(a, 1ULL << shift) + (1ULL << shift);
			if (next <= a) /* past the top of the address space */
				return NULL;
			a = next;
			goto restart;
		}
		t = P2V(e & PTE_ADDR);
	}
	*va = a;
	return &t[(a >> 12) & 511];
}

static uint64_t leaf_flags(struct mm *mm, uint32_t prot)
{
	uint64_t f = PTE_P | mm->pte_user;
	if (prot & VM_WRITE)
		f |= PTE_W;
	if (!(prot & VM_EXEC))
		f |= nx;
	return f;
}

struct mm *mm_new(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	uint64_t pa = frame_alloc();
	if (!pa) {
		kfree(mm);
		return NULL;
	}
	uint64_t *pml4 = P2V(pa), *k = kernel_pml4_virt();
	for (int i = 256; i < 512; i++)
		pml4[i] = k[i];
	mm->pml4 = pa;
	mm->users = 1;
	mm->pte_user = PTE_U;
	mm->mmap_base = USER_MMAP_BASE;
	return mm;
}

void mm_activate(struct mm *mm)
{
	uint64_t want = mm ? mm->pml4 : kernel_pml4_phys();
	if ((read_cr3() & PTE_ADDR) != want)
		write_cr3(want);
}

struct vma *vm_find(struct mm *mm, uint64_t addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

/* The physical address behind va, or 0 when no frame is there (futex keys of shared pages). */
uint64_t vm_phys(struct mm *mm, uint64_t va)
{
	uint64_t *pte = walk(mm, va, false);
	if (!pte || !(*pte & (PTE_P | PTE_KEPT)))
		return 0;
	return (*pte & PTE_ADDR) + (va & (PAGE_SIZE - 1));
}

/* A copy of v for mm (a split, or fork): a file mapping joins its file's list. */
static struct vma *vma_clone(struct mm *mm, struct vma *v)
{
	struct vma *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	*t = *v; /* next too: a split puts t after v */
	t->mm = mm;
	if (t->file)
		filemap_link(t);
	return t;
}

static void vma_free(struct vma *v)
{
	if (v->file)
		filemap_unlink(v);
	kfree(v);
}

/* Moves v's start to s (inside it), keeping the file offset of every page. */
static void vma_set_start(struct vma *v, uint64_t s)
{
	v->pgoff += (s - v->start) / PAGE_SIZE;
	v->start = s;
}

static void insert_vma(struct mm *mm, struct vma *n)
{
	struct vma **pp = &mm->vmas;
	while (*pp && (*pp)->start < n->start)
		pp = &(*pp)->next;
	n->next = *pp;
	*pp = n;
}

long vm_map(struct mm *mm, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags)
{
	struct vma *n = kzalloc(sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->start = start;
	n->end = start + ALIGN_UP(len, PAGE_SIZE);
	n->prot = prot;
	n->flags = flags;
	n->mm = mm;
	insert_vma(mm, n);
	return 0;
}

long vm_map_file(struct mm *mm, uint64_t start, uint64_t len, uint32_t prot, uint32_t flags,
		 struct inode *ip, uint64_t pgoff)
{
	long e = vm_map(mm, start, len, prot, flags);
	if (e)
		return e;
	struct vma *v = vm_find(mm, start);
	v->file = ip;
	v->pgoff = pgoff;
	filemap_link(v);
	return 0;
}

long vm_map_frames(struct mm *mm, uint64_t start, const uint64_t *frames, int n, uint32_t prot,
		   uint32_t flags)
{
	long e = vm_map(mm, start, (uint64_t)n * PAGE_SIZE, prot, flags);
	for (int i = 0; !e && i < n; i++) {
		uint64_t *pte = walk(mm, start + (uint64_t)i * PAGE_SIZE, true);
		if (!pte)
			return -ENOMEM; /* the area stays; mm_put frees what is mapped */
		page_ref_inc(frames[i]);
		*pte = frames[i] | leaf_flags(mm, prot);
		mm->pages++;
		flush(mm, start + (uint64_t)i * PAGE_SIZE);
	}
	return e;
}

void vm_zap(struct mm *mm, uint64_t start, uint64_t end, uint64_t lo, uint64_t hi)
{
	uint64_t *pte;
	for (uint64_t va = start; (pte = walk_next(mm, &va, end)); va += PAGE_SIZE) {
		uint64_t pa = *pte & PTE_ADDR;
		if (!(*pte & (PTE_P | PTE_KEPT)) || (hi && (pa < lo || pa >= hi)))
			continue;
		page_ref_dec(pa);
		*pte = 0;
		mm->pages--;
		flush(mm, va);
	}
}

/* A preemption point inside a long walk over mm (files.h, cond_resched): taken only when no
 * other task uses mm (a thread could otherwise fault pages into, or map over, a range
 * being removed: there is no mmap lock); the areas are consistent between two pages. */
static void vm_resched(struct mm *mm)
{
	if (mm->users == 1)
		cond_resched();
}

/* Frees the pages of [start, end) (which lies within areas being removed). */
static void unmap_pages(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t *pte;
	for (uint64_t va = start; (pte = walk_next(mm, &va, end)); va += PAGE_SIZE) {
		vm_resched(mm); /* pte stays valid: only the teardown frees page tables */
		if (*pte & (PTE_P | PTE_KEPT)) {
			page_ref_dec(*pte & PTE_ADDR);
			*pte = 0;
			mm->pages--;
			flush(mm, va);
		}
	}
}

void vm_unmap(struct mm *mm, uint64_t start, uint64_t len)
{
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	struct vma **pp = &mm->vmas;
	while (*pp) {
		struct vma *v = *pp;
		if (v->end <= start || v->start >= end) {
			pp = &v->next;
			continue;
		}
		uint64_t s = MAX(v->start, start), e = MIN(v->end, end);
		unmap_pages(mm, s, e);
		if (s == v->start && e == v->end) {
			*pp = v->next;
			vma_free(v);
			continue;
		}
		if (s == v->start) {
			vma_set_start(v, e);
		} else if (e == v->end) {
			v->end = s;
		} else { /* a hole in the middle: split */
			struct vma *t = vma_clone(mm, v);
			if (!t) { /* keep the tail mapped rather than lose track of it */
				v->end = s;
				pp = &v->next;
				continue;
			}
			vma_set_start(t, e);
			v->end = s;
			v->next = t;
		}
		pp = &v->next;
	}
}

/* mremap: moves the pages of [from, from+len) to [to, to+len) (their frames, protection and
 * reference counts unchanged; the destination has no pages). The page tables the
 * destination needs are made first, so a shortage of frames leaves both ranges as they
 * were: 0 or -ENOMEM. */
long vm_move_pages(struct mm *mm, uint64_t from, uint64_t to, uint64_t len)
{
	uint64_t *src, end = from + len;
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t va = from; (src = walk_next(mm, &va, end)); va += PAGE_SIZE) {
			if (!(*src & (PTE_P | PTE_KEPT)))
				continue;
			uint64_t *dst = walk(mm, to + (va - from), true);
			if (!dst)
				return -ENOMEM;
			if (pass == 0)
				continue;
			*dst = *src;
			*src = 0;
			flush(mm, va);
			flush(mm, to + (va - from));
		}
	}
	return 0;
}

/* Splits so that an area boundary falls at addr (if addr is inside an area). */
static long split_at(struct mm *mm, uint64_t addr)
{
	struct vma *v = vm_find(mm, addr);
	if (!v || v->start == addr)
		return 0;
	struct vma *t = vma_clone(mm, v);
	if (!t)
		return -ENOMEM;
	vma_set_start(t, addr);
	v->end = addr;
	v->next = t;
	return 0;
}

long vm_protect(struct mm *mm, uint64_t start, uint64_t len, uint32_t prot)
{
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	/* Linux: ENOMEM when part of the range is not mapped */
	for (uint64_t a = start; a < end;) {
		struct vma *v = vm_find(mm, a);
		if (!v)
			return -ENOMEM;
		if ((prot & VM_WRITE) && (v->flags & VM_SHARED) && v->file && !(v->flags & VM_MAYWRITE))
			return -EACCES; /* Linux: a shared mapping of a file not open for writing */
		if ((prot & (VM_WRITE | VM_EXEC)) && (v->flags & VM_VVAR))
			return -EACCES; /* Linux: [vvar] has no VM_MAYWRITE/VM_MAYEXEC */
		a = v->end;
	}
	if (split_at(mm, start) || split_at(mm, end))
		return -ENOMEM;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->end <= start || v->start >= end)
			continue;
		v->prot = prot;
		uint64_t *pte;
		for (uint64_t va = v->start; (pte = walk_next(mm, &va, v->end)); va += PAGE_SIZE) {
			vm_resched(mm);
			if (!(*pte & (PTE_P | PTE_KEPT)))
				continue;
			uint64_t pa = *pte & PTE_ADDR, f = leaf_flags(mm, prot);
			if (!(prot & (VM_READ | VM_WRITE | VM_EXEC)))
				f &= ~(PTE_P | PTE_W); /* PROT_NONE: keep the frame, no access */
			if (refs[pa / PAGE_SIZE] > 1 && !(v->flags & VM_SHARED))
				f &= ~PTE_W; /* still shared copy-on-write */
			/* a PROT_NONE page keeps its frame: mark it with a software bit (9) */
			*pte = pa | f | ((f & PTE_P) ? 0 : PTE_KEPT);
			flush(mm, va);
		}
	}
	return 0;
}

static inline bool pte_has_frame(uint64_t e) { return e & (PTE_P | PTE_KEPT); }

bool vm_is_data(uint32_t prot, uint32_t flags)
{
	return (prot & VM_WRITE) && !(flags & (VM_SHARED | VM_STACK));
}

uint64_t vm_bytes(struct mm *mm, uint64_t start, uint64_t end, bool data_only)
{
	uint64_t n = 0;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->end > start && (!data_only || vm_is_data(v->prot, v->flags)))
			n += MIN(v->end, end) - MAX(v->start, start);
	return n;
}

/* The highest free range of len bytes below mm->mmap_base (and above the first 64 KiB), or 0.
 * One pass over the areas, which are sorted by address: the last gap that fits is the
 * highest. */
uint64_t vm_find_free(struct mm *mm, uint64_t len)
{
	len = ALIGN_UP(len, PAGE_SIZE);
	uint64_t top = mm->mmap_base, floor = 0x10000, best = 0;
	if (len > top - floor)
		return 0;
	for (struct vma *v = mm->vmas; v && floor < top; v = v->next) {
		uint64_t gap_end = MIN(v->start, top);
		if (gap_end >= floor && gap_end - floor >= len)
			best = gap_end - len;
		floor = MAX(floor, v->end);
	}
	if (floor < top && top - floor >= len)
		best = top - len;
	return best;
}

#define FAULT_AROUND 16 /* pages: Linux's fault_around_bytes, 64 KiB */

/* The file's other pages in the aligned 64 KiB around va (one page table) that are not
 * mapped yet are mapped at once with the same flags (read-only in a private area), so a
 * program's text costs one fault per 16 pages, not one per page. */
static void file_around(struct mm *mm, struct vma *v, uint64_t va, uint64_t f)
{
	uint64_t lo = MAX(v->start, ALIGN_DOWN(va, FAULT_AROUND * PAGE_SIZE));
	uint64_t hi = MIN(v->end, ALIGN_DOWN(va, FAULT_AROUND * PAGE_SIZE) + FAULT_AROUND * PAGE_SIZE);
	uint64_t *pt = walk(mm, va, false) - (va - lo) / PAGE_SIZE;
	for (uint64_t a = lo; a < hi; a += PAGE_SIZE, pt++) {
		if (*pt & (PTE_P | PTE_KEPT))
			continue;
		uint64_t pa = pagecache_frame(v->file, v->pgoff + (a - v->start) / PAGE_SIZE);
		if (!pa)
			break;
		page_ref_inc(pa);
		*pt = pa | f; /* was not present: nothing cached to flush */
		mm->pages++;
	}
}

/* A file area's page at va, not present yet: the file's frame itself (MAP_SHARED; MAP_PRIVATE
 * read-only, so that the first write copies it), or at once a private copy for a write to a
 * MAP_PRIVATE area. -EIO past the file's last page. */
static long file_page(struct mm *mm, struct vma *v, uint64_t va, bool write, uint64_t *pte, uint64_t f)
{
	uint64_t pa = pagecache_frame(v->file, v->pgoff + (va - v->start) / PAGE_SIZE);
	if (!pa)
		return -EIO;
	if (write && !(v->flags & VM_SHARED)) {
		uint64_t n = page_alloc_user();
		if (!n)
			return -ENOMEM;
		memcpy(P2V(n), P2V(pa), PAGE_SIZE);
		pa = n;
	} else {
		page_ref_inc(pa);
	}
	*pte = pa | (write || (v->flags & VM_SHARED) ? f : f & ~PTE_W);
	mm->pages++;
	flush(mm, va);
	file_around(mm, v, va, v->flags & VM_SHARED ? f : f & ~PTE_W);
	return 0;
}

/* Makes va present in mm with at least the access asked; prot is not checked (callers do). */
static long make_present(struct mm *mm, struct vma *v, uint64_t va, bool write)
{
	uint64_t *pte = walk(mm, va, true);
	if (!pte)
		return -ENOMEM;
	uint64_t f = leaf_flags(mm, v->prot);
	if (!pte_has_frame(*pte) && v->file)
		return file_page(mm, v, va, write, pte, f);
	if (!pte_has_frame(*pte)) {
		uint64_t pa = page_alloc_user();
		if (!pa)
			return -ENOMEM;
		*pte = pa | f;
		mm->pages++;
		flush(mm, va);
		return 0;
	}
	uint64_t pa = *pte & PTE_ADDR;
	if (write && !(*pte & PTE_W)) {
		if (refs[pa / PAGE_SIZE] > 1 && !(v->flags & VM_SHARED)) { /* copy-on-write: a private copy */
			uint64_t n = page_alloc_user();
			if (!n)
				return -ENOMEM;
			memcpy(P2V(n), P2V(pa), PAGE_SIZE);
			page_ref_dec(pa);
			pa = n;
		}
		*pte = pa | f | PTE_W;
	} else if (!(*pte & PTE_P)) {
		*pte = pa | f;
	}
	flush(mm, va); /* also covers a stale TLB entry (spurious fault) */
	return 0;
}

/* RLIMIT_STACK: the main stack grows (gets a new page) only within the limit from its top,
 * as on Linux, where growing the area past it fails; pages it already has stay usable
 * when the limit is lowered. */
static bool stack_beyond_limit(struct mm *mm, struct vma *v, uint64_t page)
{
	uint64_t *pte = walk(mm, page, false);
	if (pte && pte_has_frame(*pte))
		return false;
	return v->end - page > current_rlimit(RLIMIT_STACK);
}

long vm_fault(struct mm *mm, uint64_t addr, bool write, bool exec)
{
	if (!mm || addr >= USER_TOP)
		return -EFAULT;
	struct vma *v = vm_find(mm, addr);
	if (!v || !(v->prot & (VM_READ | VM_WRITE | VM_EXEC)))
		return -EFAULT;
	if ((write && !(v->prot & VM_WRITE)) || (exec && !(v->prot & VM_EXEC)))
		return -EFAULT;
	if ((v->flags & VM_STACK) && stack_beyond_limit(mm, v, ALIGN_DOWN(addr, PAGE_SIZE)))
		return -EFAULT;
	return make_present(mm, v, ALIGN_DOWN(addr, PAGE_SIZE), write);
}

long vm_write(struct mm *mm, uint64_t va, const void *src, uint64_t len)
{
	const uint8_t *s = src;
	while (len) {
		uint64_t page = ALIGN_DOWN(va, PAGE_SIZE), off = va - page, n = MIN(len, PAGE_SIZE - off);
		struct vma *v = vm_find(mm, va);
		if (!v)
			return -EFAULT;
		long e = make_present(mm, v, page, true);
		if (e)
			return e;
		uint64_t *pte = walk(mm, page, false);
		memcpy((uint8_t *)P2V(*pte & PTE_ADDR) + off, s, n);
		if (!(v->prot & VM_WRITE)) { /* written for the loader: back to the area's rights */
			*pte &= ~PTE_W;
			flush(mm, page);
		}
		s += n;
		va += n;
		len -= n;
	}
	return 0;
}

/* Frees a page-table subtree of the lower half (level 3 = PDPT ... 1 = PT). */
static void free_table(uint64_t pa, int level)
{
	uint64_t *t = P2V(pa);
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P) && !(level == 1 && (t[i] & PTE_KEPT)))
			continue;
		if (level == 1)
			page_ref_dec(t[i] & PTE_ADDR);
		else
			free_table(t[i] & PTE_ADDR, level - 1);
	}
	frame_free(pa);
	if (level == 1)
		cond_resched(); /* nobody else can reach an address space being freed */
}

/* Copies a subtree; leaves with a frame are shared read-only (copy-on-write) by both. */
static long copy_table(uint64_t *dst, uint64_t *src, int level, int count)
{
	for (int i = 0; i < count; i++) {
		uint64_t e = src[i];
		if (level == 1) {
			if (!pte_has_frame(e))
				continue;
			e &= ~PTE_W;
			src[i] = e;
			dst[i] = e;
			page_ref_inc(e & PTE_ADDR);
			continue;
		}
		if (!(e & PTE_P))
			continue;
		uint64_t pa = frame_alloc();
		if (!pa)
			return -ENOMEM;
		dst[i] = pa | (e & ~PTE_ADDR);
		long r = copy_table(P2V(pa), P2V(e & PTE_ADDR), level - 1, 512);
		if (r)
			return r;
	}
	return 0;
}

static void free_lower(struct mm *mm)
{
	uint64_t *pml4 = P2V(mm->pml4);
	for (int i = 0; i < 256; i++)
		if (pml4[i] & PTE_P) {
			free_table(pml4[i] & PTE_ADDR, 3);
			pml4[i] = 0;
		}
}

struct mm *mm_copy(struct mm *src)
{
	struct mm *mm = mm_new();
	if (!mm)
		return NULL;
	mm->pte_user = src->pte_user;
	mm->brk_start = src->brk_start;
	mm->brk = src->brk;
	mm->mmap_base = src->mmap_base;
	mm->pages = src->pages;
	struct vma **tail = &mm->vmas;
	for (struct vma *v = src->vmas; v; v = v->next) {
		struct vma *n = vma_clone(mm, v);
		if (!n)
			goto fail;
		n->next = NULL;
		*tail = n;
		tail = &n->next;
	}
	/* MAP_SHARED anonymous areas: every page present before the copy, so both sides share
	 * it (a file's pages are shared through the file) */
	for (struct vma *v = src->vmas; v; v = v->next)
		if ((v->flags & VM_SHARED) && !v->file)
			for (uint64_t va = v->start; va < v->end; va += PAGE_SIZE)
				if (make_present(src, v, va, false))
					goto fail;
	long r = copy_table(P2V(mm->pml4), P2V(src->pml4), 4, 256); /* lower half only */
	/* ... and writable again on both sides (copy_table made everything copy-on-write) */
	for (struct vma *v = src->vmas; !r && v; v = v->next)
		if ((v->flags & VM_SHARED) && (v->prot & VM_WRITE))
			for (uint64_t va = v->start; va < v->end; va += PAGE_SIZE) {
				uint64_t *a = walk(src, va, false), *b = walk(mm, va, false);
				if (a && (*a & PTE_P))
					*a |= PTE_W;
				if (b && (*b & PTE_P))
					*b |= PTE_W;
			}
	if (is_current(src))
		write_cr3(read_cr3()); /* the parent's pages just became read-only */
	if (r)
		goto fail;
	return mm;
fail:
	mm_put(mm);
	return NULL;
}

void mm_put(struct mm *mm)
{
	if (!mm || --mm->users > 0)
		return;
	if (is_current(mm))
		mm_activate(NULL);
	free_lower(mm);
	frame_free(mm->pml4);
	while (mm->vmas) {
		struct vma *v = mm->vmas;
		mm->vmas = v->next;
		vma_free(v);
	}
	kfree(mm);
}
