/* filemap.c: mappings of files. Owns which areas map a file (each inode's list of areas,
 * through vma->fnext, and the reference each area holds on its inode), what mmap accepts
 * for a descriptor (Linux's checks: EACCES, ENODEV; /dev/zero is anonymous memory), taking
 * ETXTBSY for a running program's image (areas with VM_DENYWRITE), taking
 * pages out of every mapping when the file shrinks (SIGBUS past the new end, as Linux) or
 * its frames move, and msync. Does not own: the file's frames (pagecache.c), the fault
 * that maps a file's page or the page tables (vm.c), the address choice of mmap
 * (proc/mem.c). */
#include "pagecache.h"
#include "ipc.h"
#include "vfs.h"
#include "vm.h"
#include "lib.h"
#include "memlayout.h"
#include "proc.h"
#include "syscall.h"
#include <linux/mman.h>

void filemap_link(struct vma *v)
{
	inode_get(v->file);
	if (v->flags & VM_DENYWRITE)
		v->file->deny_write++;
	v->fnext = v->file->mmaps;
	v->file->mmaps = v;
}

void filemap_unlink(struct vma *v)
{
	struct inode *ip = v->file;
	for (struct vma **pp = &ip->mmaps; *pp; pp = &(*pp)->fnext)
		if (*pp == v) {
			*pp = v->fnext;
			break;
		}
	if (v->flags & VM_DENYWRITE)
		ip->deny_write--;
	v->file = NULL;
	if (ip->shm)
		shm_unmapped(ip); /* a System V segment's attach (ipc/shm.c) */
	inode_put(ip);
}

void filemap_moved(struct inode *ip, const void *old, uint64_t oldcap)
{
	uint64_t lo = V2P(old);
	for (struct vma *v = ip->mmaps; v; v = v->fnext)
		vm_zap(v->mm, v->start, v->end, lo, lo + oldcap);
}

/* Linux unmaps every page past the new end, private copies included: an access there is
 * SIGBUS, and growing the file again shows zeros. */
void filemap_truncated(struct inode *ip, uint64_t size)
{
	uint64_t first = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE; /* the first page that goes */
	for (struct vma *v = ip->mmaps; v; v = v->fnext) {
		uint64_t pages = (v->end - v->start) / PAGE_SIZE;
		if (v->pgoff + pages <= first)
			continue;
		uint64_t s = first > v->pgoff ? v->start + (first - v->pgoff) * PAGE_SIZE : v->start;
		vm_zap(v->mm, s, v->end, 0, 0);
	}
}

/* What mmap may do with descriptor f (Linux's do_mmap order): 0 with *ip = the regular file
 * (referenced) or NULL for /dev/zero (anonymous memory); -EACCES, -ENODEV, -EINVAL. */
long filemap_check(struct file *f, uint32_t prot, int type, struct inode **ip)
{
	*ip = NULL;
	if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (type != MAP_PRIVATE) {
		if ((prot & PROT_WRITE) && !file_writable(f))
			return -EACCES;
	}
	if (!file_readable(f))
		return -EACCES;
	if (S_ISCHR(f->ip->mode) && f->ip->rdev == RZ_MKDEV(1, 5))
		return 0; /* /dev/zero */
	if (!S_ISREG(f->ip->mode))
		return -ENODEV;
	if (pagecache_own(f->ip))
		return -ENOMEM;
	*ip = inode_get(f->ip);
	if (type != MAP_PRIVATE)
		(*ip)->src = NULL; /* stores may change it: no longer a clean copy */
	return 0;
}

/* The pages are the file's own frames (an in-memory file system has nothing to write
 * back), so once the range is checked there is nothing left to do. */
SYSCALL_DEFINE3(msync, uptr_t, start, size_t, len, flags_t, flags)
{
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return -EINVAL;
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return -EINVAL;
	if (start & (PAGE_SIZE - 1))
		return -EINVAL;
	uint64_t end = start + ALIGN_UP(len, PAGE_SIZE);
	if (end < start)
		return -ENOMEM;
	for (uint64_t a = start; a < end;) {
		struct vma *v = vm_find(current->mm, a);
		if (!v)
			return -ENOMEM; /* Linux: part of the range is not mapped */
		a = v->end;
	}
	return 0;
}
