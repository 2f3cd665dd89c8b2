/* mem.c: the memory system calls: brk, mmap (anonymous; MAP_FIXED, MAP_FIXED_NOREPLACE,
 * PROT_NONE), munmap, mprotect, madvise (accepted, nothing to do), mremap (not supported:
 * ENOMEM makes musl's realloc fall back to copying). MAP_SHARED anonymous memory stays shared
 * across fork (VM_SHARED). File mappings are refused with ENODEV
 * until the file layer offers page access. */
#include "proc.h"
#include "lib.h"
#include "memlayout.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include <asm-generic/errno.h>
#include <linux/mman.h>

#define BRK_MAX (1ULL << 30)

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

SYSCALL_DEFINE6(mmap, uptr_t, addr, size_t, len, flags_t, prot, flags_t, flags, fd_t, fd,
		off_t, off)
{
	(void)fd, (void)off; /* anonymous memory only */
	struct mm *mm = current->mm;
	if (!len || (addr & (PAGE_SIZE - 1)))
		return -EINVAL;
	if (len > USER_TOP)
		return -ENOMEM;
	len = ALIGN_UP(len, PAGE_SIZE);
	if (!(flags & MAP_ANONYMOUS))
		return -ENODEV;
	int type = flags & MAP_TYPE;
	if (type != MAP_PRIVATE && type != MAP_SHARED)
		return -EINVAL;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
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
		vm_unmap(mm, addr, len);
	} else {
		bool ok = addr && user_range_ok(addr, len) && addr >= 0x10000;
		for (struct vma *v = mm->vmas; ok && v; v = v->next)
			if (v->start < addr + len && addr < v->end)
				ok = false;
		if (!ok)
			addr = vm_find_free(mm, len);
		if (!addr)
			return -ENOMEM;
	}
	if (vm_map(mm, addr, len, prot, type == MAP_SHARED ? VM_SHARED : 0))
		return -ENOMEM;
	return (long)addr;
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
	return vm_protect(current->mm, start, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

SYSCALL_DEFINE3(madvise, uptr_t, start, size_t, len_in, int, behavior)
{
	(void)start, (void)len_in, (void)behavior;
	return 0;
}

SYSCALL_DEFINE5(mremap, uptr_t, addr, size_t, old_len, size_t, new_len, flags_t, flags,
		uptr_t, new_addr)
{
	(void)addr, (void)old_len, (void)new_len, (void)flags, (void)new_addr;
	return -ENOMEM;
}
