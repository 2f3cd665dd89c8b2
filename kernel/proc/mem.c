/* mem.c: the memory system calls: brk, mmap (anonymous, /dev/zero and regular files;
 * MAP_FIXED, MAP_FIXED_NOREPLACE, PROT_NONE; within RLIMIT_AS and RLIMIT_DATA: ENOMEM, brk
 * stays), munmap, mprotect, madvise (accepted, nothing to
 * do), mremap (shrink, grow in place, move with MREMAP_MAYMOVE, MREMAP_FIXED,
 * MREMAP_DONTUNMAP: the pages move, they are not copied). MAP_SHARED memory stays shared
 * across fork (VM_SHARED). What a file mapping is made of is mm/filemap.c's and
 * mm/pagecache.c's. */
#include "proc.h"
#include "files.h"
#include "lib.h"
#include "memlayout.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "vfs.h"
#include "pagecache.h"
#include <asm-generic/errno.h>
#include <linux/mman.h>
#include <linux/resource.h>

#define BRK_MAX (1ULL << 30)

static bool within(uint64_t bytes, uint64_t limit)
{
	return limit == RLIM_INFINITY || bytes <= ALIGN_DOWN(limit, PAGE_SIZE);
}

/* Linux's may_expand_vm: may mm get an area of len bytes with prot/flags, while the areas
 * within [gone, gone_end) go away (MAP_FIXED over them)? RLIMIT_AS counts every area (the
 * main stack's whole area, whose size is RLIMIT_STACK), RLIMIT_DATA the data areas
 * (vm_is_data: private writable mappings, the heap, the program's data; a zero RLIMIT_DATA
 * allows up to the hard limit, as Linux). */
static bool may_expand(struct mm *mm, uint32_t prot, uint32_t flags, uint64_t len, uint64_t gone,
		       uint64_t gone_end)
{
	uint64_t as = current_rlimit(RLIMIT_AS), data = current_rlimit(RLIMIT_DATA);
	bool is_data = vm_is_data(prot, flags);
	if (as != RLIM_INFINITY &&
	    !within(vm_bytes(mm, 0, ~0ULL, false) - vm_bytes(mm, gone, gone_end, false) + len, as))
		return false;
	if (is_data && data != RLIM_INFINITY) {
		uint64_t d = vm_bytes(mm, 0, ~0ULL, true) - vm_bytes(mm, gone, gone_end, true) + len;
		if (!within(d, data) && !(data == 0 && within(d, current->rlim[RLIMIT_DATA].max)))
			return false;
	}
	return true;
}

/* mprotect making [start, end) writable: the private areas there that were not writable
 * become data, within RLIMIT_DATA (Linux checks this in mprotect_fixup). */
static bool data_may_grow(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t data = current_rlimit(RLIMIT_DATA), more = 0;
	if (data == RLIM_INFINITY)
		return true;
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->end > start && !vm_is_data(v->prot, v->flags) && vm_is_data(VM_WRITE, v->flags))
			more += MIN(v->end, end) - MAX(v->start, start);
	return !more || may_expand(mm, VM_WRITE, 0, more, 0, 0);
}

SYSCALL_DEFINE1(brk, uptr_t, brk)
{
	struct mm *mm = current->mm;
	uint64_t want = brk;
	if (want < mm->brk_start || want > mm->brk_start + BRK_MAX)
		return (long)mm->brk;
	uint64_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(want, PAGE_SIZE);
	if (new_end > old_end) {
		for (struct vma *v = mm->vmas; v; v = v->next)
			if (v->start < new_end && old_end < v->end && !(v->flags & VM_HEAP))
				return (long)mm->brk; /* would run into another mapping */
		/* grow the heap area (or create it) */
		struct vma *h = NULL;
		for (struct vma *v = mm->vmas; v; v = v->next)
			if (v->flags & VM_HEAP)
				h = v;
		if (!may_expand(mm, VM_READ | VM_WRITE, VM_HEAP, new_end - old_end, 0, 0))
			return (long)mm->brk;
		if (h && h->end == old_end)
			h->end = new_end;
		else if (vm_map(mm, old_end, new_end - old_end, VM_READ | VM_WRITE, VM_HEAP))
			return (long)mm->brk;
	} else if (new_end < old_end) {
		vm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	return (long)want;
}

/* Places [addr, addr+len) for an area of prot/vmf: 0 with *at, or an error (MAP_FIXED
 * replaces what was there; beyond the resource limits, ENOMEM and the old mappings stay). */
static long mmap_place(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, uint32_t prot, uint32_t vmf,
		       uint64_t *at)
{
	bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
	if (fixed) {
		if (addr < PAGE_SIZE)
			return -EINVAL;
		if (!user_range_ok(addr, len))
			return -ENOMEM; /* Linux: beyond the end of user space (USER_TOP) */
		if (flags & MAP_FIXED_NOREPLACE) {
			for (struct vma *v = mm->vmas; v; v = v->next)
				if (v->start < addr + len && addr < v->end)
					return -EEXIST;
		}
		if (!may_expand(mm, prot, vmf, len, addr, addr + len))
			return -ENOMEM;
		vm_unmap(mm, addr, len);
	} else {
		bool ok = addr && user_range_ok(addr, len) && addr >= 0x10000;
		for (struct vma *v = mm->vmas; ok && v; v = v->next)
			if (v->start < addr + len && addr < v->end)
				ok = false;
		if (!ok)
			addr = vm_find_free(mm, len);
		if (!addr || !may_expand(mm, prot, vmf, len, 0, 0))
			return -ENOMEM;
	}
	*at = addr;
	return 0;
}

static long do_mmap(uint64_t addr, uint64_t len, uint32_t prot, uint32_t flags, struct file *f, uint64_t off)
{
	struct mm *mm = current->mm;
	if (!len || (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	int type = flags & MAP_TYPE;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	struct inode *ip = NULL;
	if (f) {
		if (off + len < off)
			return -EOVERFLOW;
		long e = filemap_check(f, prot, type, &ip);
		if (e)
			return e;
	} else if (type != MAP_PRIVATE && type != MAP_SHARED) {
		return -EINVAL;
	}
	uint32_t vmf = type != MAP_PRIVATE ? VM_SHARED : 0;
	if (ip && vmf && file_writable(f))
		vmf |= VM_MAYWRITE;
	long e = mmap_place(mm, addr, len, flags, prot, vmf, &addr);
	if (!e)
		e = ip ? vm_map_file(mm, addr, len, prot, vmf, ip, off / PAGE_SIZE) : vm_map(mm, addr, len, prot, vmf);
	inode_put(ip); /* the area holds its own reference */
	return e ? e : (long)addr;
}

/* Anonymous memory, /dev/zero (the same), or a regular file (mm/filemap.c). */
SYSCALL_DEFINE6(mmap, uptr_t, addr, size_t, len, flags_t, prot, flags_t, flags, fd_t, fd,
		off_t, off)
{
	if (off & (PAGE_SIZE - 1))
		return -EINVAL;
	struct file *f = NULL;
	if (!(flags & MAP_ANONYMOUS)) {
		f = fget(fd);
		if (!f || (f->flags & O_PATH)) {
			file_put(f);
			return -EBADF;
		}
	}
	long r = do_mmap(addr, len, prot, flags, f, off);
	file_put(f);
	return r;
}

SYSCALL_DEFINE2(munmap, uptr_t, addr, size_t, len)
{
	if ((addr & (PAGE_SIZE - 1)) || !len || !user_range_ok(addr, len))
		return -EINVAL;
	vm_unmap(current->mm, addr, len);
	return 0;
}

SYSCALL_DEFINE3(mprotect, uptr_t, start, size_t, len, flags_t, prot)
{
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (!len)
		return 0;
	if (!user_range_ok(start, len))
		return -ENOMEM;
	if ((prot & PROT_WRITE) && !data_may_grow(current->mm, start, start + ALIGN_UP(len, PAGE_SIZE)))
		return -ENOMEM;
	return vm_protect(current->mm, start, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

SYSCALL_DEFINE3(madvise, uptr_t, start, size_t, len_in, int, behavior)
{
	(void)start, (void)len_in, (void)behavior;
	return 0;
}

/* The area holding [addr, addr+len) whole, or NULL (mremap: EFAULT). */
static struct vma *area_holding(struct mm *mm, uint64_t addr, uint64_t len)
{
	struct vma *v = vm_find(mm, addr);
	return v && len <= v->end - addr ? v : NULL;
}

static bool range_free(struct mm *mm, uint64_t start, uint64_t len)
{
	if (!user_range_ok(start, len))
		return false;
	for (struct vma *v = mm->vmas; v && v->start < start + len; v = v->next)
		if (start < v->end)
			return false;
	return true;
}

/* Moves [addr, addr+old_len) of area v to to (a free range of new_len >= old_len bytes):
 * a new area with v's protection, the pages, and (unless keep_old) the old range unmapped. */
static long move_range(struct mm *mm, struct vma *v, uint64_t addr, uint64_t old_len, uint64_t to,
		       uint64_t new_len, bool keep_old)
{
	uint32_t prot = v->prot, flags = v->flags & (VM_SHARED | VM_MAYWRITE);
	/* a file mapping stays one: the new area maps the same file from addr's page on */
	long e = v->file ? vm_map_file(mm, to, new_len, prot, flags, v->file, v->pgoff + (addr - v->start) / PAGE_SIZE)
			 : vm_map(mm, to, new_len, prot, flags);
	if (e)
		return -ENOMEM;
	if (vm_move_pages(mm, addr, to, old_len)) {
		vm_unmap(mm, to, new_len);
		return -ENOMEM;
	}
	if (!keep_old)
		vm_unmap(mm, addr, old_len);
	return (long)to;
}

/* MREMAP_FIXED / MREMAP_DONTUNMAP: to new_addr (FIXED, whatever was there is unmapped) or
 * to a free range (DONTUNMAP alone, which leaves the old range mapped and empty). */
static long mremap_to(struct mm *mm, uint64_t addr, uint64_t old_len, uint64_t new_len, unsigned flags,
		      uint64_t new_addr)
{
	if (flags & MREMAP_FIXED) {
		if (new_addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (!user_range_ok(new_addr, new_len))
			return -EINVAL;
		if (addr + old_len > new_addr && new_addr + new_len > addr)
			return -EINVAL; /* the ranges overlap */
		vm_unmap(mm, new_addr, new_len);
		if (old_len > new_len) {
			vm_unmap(mm, addr + new_len, old_len - new_len);
			old_len = new_len;
		}
	}
	struct vma *v = area_holding(mm, addr, old_len);
	if (!v)
		return -EFAULT;
	if ((flags & MREMAP_DONTUNMAP) && (v->flags & VM_SHARED))
		return -EINVAL; /* private anonymous memory only */
	if (!(flags & MREMAP_FIXED) && !(new_addr = vm_find_free(mm, new_len)))
		return -ENOMEM;
	return move_range(mm, v, addr, old_len, new_addr, new_len, flags & MREMAP_DONTUNMAP);
}

/* mremap (Linux's order of checks, as 6.18 has them): shrinking unmaps the tail (addr must
 * be mapped: EFAULT); growing extends the area in place when the range ends at the area's
 * end and the pages after it are free, else moves it (MREMAP_MAYMOVE) or fails with ENOMEM;
 * a range that grows or moves must lie in one area (EFAULT). */
SYSCALL_DEFINE5(mremap, uptr_t, addr, size_t, old_len, size_t, new_len, flags_t, flags,
		uptr_t, new_addr)
{
	struct mm *mm = current->mm;
	if (flags & ~(unsigned)(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if (old_len > USER_TOP || new_len > USER_TOP)
		return -EINVAL;
	old_len = ALIGN_UP(old_len, PAGE_SIZE);
	new_len = ALIGN_UP(new_len, PAGE_SIZE);
	if (!new_len)
		return -EINVAL;
	if (!old_len)
		return -EINVAL; /* Linux duplicates a shared mapping then; nothing here does */
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(mm, addr, old_len, new_len, flags, new_addr);
	if (old_len >= new_len) { /* addr must be mapped; the tail may cross areas (munmap) */
		if (!user_range_ok(addr, old_len))
			return -EINVAL;
		if (!vm_find(mm, addr))
			return -EFAULT;
		if (old_len > new_len)
			vm_unmap(mm, addr + new_len, old_len - new_len);
		return (long)addr;
	}
	struct vma *v = area_holding(mm, addr, old_len);
	if (!v)
		return -EFAULT;
	if (!may_expand(mm, v->prot, v->flags, new_len - old_len, 0, 0))
		return -ENOMEM;
	if (addr + old_len == v->end && range_free(mm, v->end, new_len - old_len)) {
		v->end = addr + new_len;
		return (long)addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t to = vm_find_free(mm, new_len);
	if (!to)
		return -ENOMEM;
	return move_range(mm, v, addr, old_len, to, new_len, false);
}
