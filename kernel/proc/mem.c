/* mem.c: the memory system calls: brk, mmap (anonymous, /dev/zero and regular files;
 * MAP_FIXED, MAP_FIXED_NOREPLACE, PROT_NONE), munmap, mprotect, madvise (accepted, nothing to
 * do), mremap (not supported: ENOMEM makes musl's realloc fall back to copying). MAP_SHARED
 * memory stays shared across fork (VM_SHARED). What a file mapping is made of is
 * mm/filemap.c's and mm/pagecache.c's. */
#include "proc.h"
#include "lib.h"
#include "memlayout.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include "vfs.h"
#include "pagecache.h"
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

/* Places [addr, addr+len): 0 with *at, or an error (MAP_FIXED replaces what was there). */
static long mmap_place(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, uint64_t *at)
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
	long e = mmap_place(mm, addr, len, flags, &addr);
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
