/* sys_dir.c: the system calls about directories as such. Owns getdents64 (the record
 * layout, d_type, positions that survive removals between calls) and the working
 * directory (getcwd, chdir, fchdir). Does not own creating or removing directories
 * (mkdir, rmdir: sys_names.c), the tree and its dseq numbers (ramfs.c), or building the
 * cwd path (vfs_getcwd, namei.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include "sys_common.h"

/* --- directories ---------------------------------------------------------------------- */

struct kdirent64 {                      /* getdents64(2) */
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_REG 8
#define DT_LNK 10

static uint8_t dtype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFDIR: return DT_DIR;
	case S_IFREG: return DT_REG;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFIFO: return DT_FIFO;
	default: return 0;
	}
}

/* Positions: 0 ".", 1 "..", then each child's dseq (handed out in creation order and never
 * reused), so removing entries between calls does not make the walk skip any. */
static struct inode *child_at(struct inode *dir, uint64_t pos)
{
	struct inode *best = NULL;
	for (struct inode *c = dir->children; c; c = c->next)
		if (c->dseq >= pos && (!best || c->dseq < best->dseq))
			best = c;
	return best;
}

/* count is size_t (Linux: unsigned int): the checks have always seen the whole register. */
SYSCALL_DEFINE3(getdents64, fd_t, fd, uptr_t, dirent, size_t, count)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if ((f->flags & O_PATH) || !f->ops) {
		r = -EBADF;
		goto out;
	}
	struct inode *dir = f->ip;
	if (!S_ISDIR(dir->mode) || dir->nlink == 0) {
		r = S_ISDIR(dir->mode) ? 0 : -ENOTDIR;
		goto out;
	}
	if (!user_range_ok(dirent, count)) {
		r = -EFAULT;
		goto out;
	}
	if (dir->sops && dir->sops->refresh) /* /proc: its entries as they are now */
		dir->sops->refresh(dir, NULL, 0);
	union {
		struct kdirent64 d;
		char raw[sizeof(struct kdirent64) + RZ_NAME_MAX + 8];
	} rec;
	size_t used = 0;
	for (;;) {
		uint64_t pos = f->pos, next;
		const char *name;
		struct inode *ip;
		if (pos == 0) {
			name = ".", ip = dir, next = 1;
		} else if (pos == 1) {
			name = "..", ip = dir->parent, next = 2;
		} else {
			ip = child_at(dir, pos);
			if (!ip)
				break;
			name = ip->name, next = ip->dseq + 1;
		}
		size_t nl = strlen(name);
		size_t reclen = ALIGN_UP(offsetof(struct kdirent64, d_name) + nl + 1, 8);
		if (used + reclen > count) {
			if (used == 0)
				r = -EINVAL;
			break;
		}
		memset(&rec, 0, reclen);
		rec.d.d_ino = ip->ino;
		rec.d.d_off = (int64_t)next;
		rec.d.d_reclen = (uint16_t)reclen;
		rec.d.d_type = dtype(ip->mode);
		memcpy(rec.d.d_name, name, nl);
		if (copy_to_user(dirent + used, &rec, reclen)) {
			r = -EFAULT;
			break;
		}
		used += reclen;
		f->pos = next;
	}
	if (r == 0)
		r = (long)used;
	dir->atime = vfs_now();
out:
	file_put(f);
	return r;
}

/* --- the working directory ------------------------------------------------------------ */

SYSCALL_DEFINE2(getcwd, uptr_t, buf, size_t, size)
{
	struct fs_context *fc = current_fs_context();
	if (!fc)
		return -ENOENT;
	size = MIN(size, (size_t)RZ_PATH_MAX);
	char *kbuf = kmalloc(RZ_PATH_MAX);
	if (!kbuf)
		return -ENOMEM;
	long r = vfs_getcwd(fc->cwd, kbuf, size);
	if (r > 0 && copy_to_user(buf, kbuf, (size_t)r))
		r = -EFAULT;
	kfree(kbuf);
	return r;
}

static long set_cwd(struct inode *ip)
{
	if (!S_ISDIR(ip->mode)) {
		inode_put(ip);
		return -ENOTDIR;
	}
	struct fs_context *fc = current_fs_context();
	if (!fc) {
		inode_put(ip);
		return -ENOENT;
	}
	inode_put(fc->cwd);
	fc->cwd = ip;
	return 0;
}

SYSCALL_DEFINE1(chdir, upath_t, filename)
{
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, filename, LOOKUP_FOLLOW, false, &ip);
	return err ? err : set_cwd(ip);
}

SYSCALL_DEFINE1(fchdir, fd_t, fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	struct inode *ip = inode_get(f->ip);
	file_put(f);
	return set_cwd(ip);
}
