/* shm.c: System V shared memory: shmget (IPC_PRIVATE and keys), shmat (anywhere, at an
 * address, SHM_RND, SHM_RDONLY, SHM_REMAP, SHM_EXEC), shmdt, shmctl (IPC_STAT with
 * shm_nattch, IPC_SET, IPC_RMID: the segment goes after its last detach; SHM_LOCK and
 * SHM_UNLOCK accepted, nothing is ever swapped). A segment is an unnamed regular file of
 * the in-memory file system: its frames are the page cache's (mm/pagecache.c) and an attach
 * is a MAP_SHARED file mapping of it (mm/filemap.c), so fork shares it and munmap or exit
 * detach it; filemap tells shm_unmapped when an area of it goes. Identifiers and keys are
 * ipc.c's. Does not own the mappings (mm/vm.c) or the frames. */
#include "ipc.h"
#include "fs.h"
#include "files.h"
#include "vfs.h"
#include "vm.h"
#include "lib.h"
#include "mm.h"
#include "proc.h"
#include "uaccess.h"
#include "syscall.h"
#include "memlayout.h"
#include <asm-generic/errno.h>
#include <asm/shmbuf.h>
/* <linux/shm.h> includes the C library's <unistd.h>, which a freestanding kernel has not:
 * its flags, as that header has them. */
#define SHMMIN 1
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_LOCK 11
#define SHM_UNLOCK 12
#include <linux/stat.h>

#define SHM_DEST 01000  /* Linux's (ipc/shm.c): removed, gone at the last detach */
#define SHMLBA PAGE_SIZE

struct shm_seg {
	struct ipc_obj obj;             /* first: ipc.c's */
	uint64_t size;
	struct inode *ip;               /* its file (referenced) */
	int cpid, lpid;
	int64_t atime, dtime;
};

static struct ipc_ids shm_ids;

static struct ipc_obj *shm_create(long size, long *err)
{
	if (size < SHMMIN) {
		*err = -EINVAL;
		return NULL;
	}
	struct shm_seg *s = kzalloc(sizeof(*s));
	struct inode *ip = s ? inode_new(S_IFREG | 0600) : NULL;
	if (!ip) {
		kfree(s);
		return NULL;
	}
	long e = inode_truncate(ip, ALIGN_UP((uint64_t)size, PAGE_SIZE));
	if (e) {
		inode_put(ip);
		kfree(s);
		*err = e == -ENOSPC || e == -EFBIG ? -ENOMEM : e;
		return NULL;
	}
	ip->shm = s;
	s->ip = ip;
	s->size = (uint64_t)size;
	s->cpid = current_tgid();
	return &s->obj;
}

static long shm_fits(struct ipc_obj *o, long size)
{
	return (uint64_t)size > ((struct shm_seg *)o)->size ? -EINVAL : 0;
}

SYSCALL_DEFINE3(shmget, int, key, size_t, size, flags_t, shmflg)
{
	if ((long)size < 0 || size > RZ_FILE_MAX_SIZE)
		return -EINVAL;
	return ipc_get(&shm_ids, key, (int)shmflg, shm_create, shm_fits, (long)size);
}

static struct shm_seg *shm_find(int id) { return (struct shm_seg *)ipc_find(&shm_ids, id); }

static uint64_t shm_nattch(struct shm_seg *s)
{
	uint64_t n = 0;
	for (struct vma *v = s->ip->mmaps; v; v = v->fnext)
		n++;
	return n;
}

static void shm_free(struct shm_seg *s)
{
	s->ip->shm = NULL;
	inode_put(s->ip);
	kfree(s);
}

/* An area of ip went, out of its list already (munmap, shmdt, exit, execve): a removed segment goes with its last. */
void shm_unmapped(struct inode *ip)
{
	struct shm_seg *s = ip->shm;
	s->dtime = ipc_now();
	s->lpid = current_tgid();
	if ((s->obj.mode & SHM_DEST) && !ip->mmaps) {
		ipc_remove(&shm_ids, &s->obj);
		shm_free(s); /* the caller still holds the area's reference */
	}
}

SYSCALL_DEFINE3(shmat, int, shmid, uptr_t, shmaddr, flags_t, shmflg)
{
	struct shm_seg *s = shm_find(shmid);
	struct mm *mm = current->mm;
	if (!s)
		return -EINVAL;
	uint64_t len = ALIGN_UP(s->size, PAGE_SIZE), addr = shmaddr;
	if (addr & (SHMLBA - 1)) {
		if (!(shmflg & SHM_RND))
			return -EINVAL;
		addr &= ~(uint64_t)(SHMLBA - 1);
	}
	if (addr) {
		if (!user_range_ok(addr, len))
			return -EINVAL;
		for (struct vma *v = mm->vmas; v && !(shmflg & SHM_REMAP); v = v->next)
			if (v->start < addr + len && addr < v->end)
				return -EINVAL;
		vm_unmap(mm, addr, len);
	} else if (shmflg & SHM_REMAP) {
		return -EINVAL;
	} else if (!(addr = vm_find_free(mm, len))) {
		return -ENOMEM;
	}
	uint32_t prot = VM_READ | (shmflg & SHM_RDONLY ? 0 : VM_WRITE) | (shmflg & SHM_EXEC ? VM_EXEC : 0);
	/* SHM_RDONLY: mprotect may not make it writable later (no VM_MAYWRITE), as Linux */
	uint32_t vmf = VM_SHARED | (shmflg & SHM_RDONLY ? 0 : VM_MAYWRITE);
	long e = vm_map_file(mm, addr, len, prot, vmf, s->ip, 0);
	if (e)
		return e;
	s->atime = ipc_now();
	s->lpid = current_tgid();
	return (long)addr;
}

/* Detaches the segment attached at addr: every area of its file from addr to addr + its
 * size (as Linux, also pieces that mprotect split). */
SYSCALL_DEFINE1(shmdt, uptr_t, shmaddr)
{
	struct mm *mm = current->mm;
	if (shmaddr & (PAGE_SIZE - 1))
		return -EINVAL;
	struct vma *v = vm_find(mm, shmaddr);
	if (!v || v->start != shmaddr || !v->file || !v->file->shm || v->pgoff != 0)
		return -EINVAL;
	struct inode *ip = v->file;
	uint64_t end = shmaddr + ALIGN_UP(ip->shm->size, PAGE_SIZE);
	for (;;) {
		struct vma *w = mm->vmas;
		while (w && !(w->file == ip && w->start >= shmaddr && w->start < end))
			w = w->next;
		if (!w)
			return 0;
		vm_unmap(mm, w->start, w->end - w->start);
	}
}

static long shm_stat(struct shm_seg *s, uint64_t buf)
{
	struct shmid64_ds ds;
	memset(&ds, 0, sizeof(ds));
	ipc_perm_out(&s->obj, &ds.shm_perm);
	ds.shm_segsz = s->size;
	ds.shm_atime = s->atime;
	ds.shm_dtime = s->dtime;
	ds.shm_ctime = s->obj.ctime;
	ds.shm_cpid = s->cpid;
	ds.shm_lpid = s->lpid;
	ds.shm_nattch = shm_nattch(s);
	return copy_to_user(buf, &ds, sizeof(ds)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(shmctl, int, shmid, int, cmd, uptr_t, buf)
{
	struct shm_seg *s = shm_find(shmid);
	cmd = ipc_cmd(cmd);
	if (!s)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		return shm_stat(s, buf);
	case IPC_SET: {
		struct shmid64_ds ds;
		if (copy_from_user(&ds, buf, sizeof(ds)))
			return -EFAULT;
		ipc_perm_set(&s->obj, &ds.shm_perm);
		return 0;
	}
	case IPC_RMID:
		if (s->obj.mode & SHM_DEST)
			return 0;
		/* Linux keeps the identifier usable until the last detach; its key becomes private */
		s->obj.mode |= SHM_DEST;
		s->obj.key = IPC_PRIVATE;
		if (!s->ip->mmaps) {
			ipc_remove(&shm_ids, &s->obj);
			shm_free(s);
		}
		return 0;
	case SHM_LOCK:
	case SHM_UNLOCK:
		return 0; /* nothing is ever swapped out: every segment stays in memory */
	default:
		return -EINVAL; /* IPC_INFO, SHM_INFO, SHM_STAT...: not provided */
	}
}
