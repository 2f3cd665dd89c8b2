/* sys_file.c: the file system calls (listed in fs/syscalls.inc). Owns argument handling
 * (user strings and structures through uaccess.h, -EFAULT for bad pointers), Linux's errno
 * rules for each call, the stat/statx/statfs/getdents64 record layouts and the descriptor
 * calls (dup*, fcntl). Does not own the tree (ramfs.c), lookup (namei.c), open files
 * (file.c), pipes (pipe.c) or poll (poll.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/magic.h>
#include <linux/time_types.h>
#include <asm/ioctls.h>

#ifndef SEEK_SET                       /* lseek(2) */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif
#define MAX_RW 0x7ffff000UL     /* Linux's MAX_RW_COUNT */
#define UIO_MAXIOV 1024

/* --- helpers --------------------------------------------------------------------------- */

/* A path from user memory: short ones in the caller's small buffer (no allocation on the
 * common path), longer ones (up to RZ_PATH_MAX) in the heap. put_path frees. */
#define SMALL_PATH 160

static char *get_path_buf(uint64_t upath, long *err, char *small)
{
	long n = strncpy_from_user(small, upath, SMALL_PATH);
	if (n >= 0) {
		*err = 0;
		return small;
	}
	if (n != -ENAMETOOLONG) {
		*err = n;
		return NULL;
	}
	char *p = kmalloc(RZ_PATH_MAX);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}
	n = strncpy_from_user(p, upath, RZ_PATH_MAX);
	if (n < 0) {
		kfree(p);
		*err = n;
		return NULL;
	}
	*err = 0;
	return p;
}

static void put_path(char *p, char *small)
{
	if (p != small)
		kfree(p);
}

static uint32_t cur_umask(void)
{
	struct fs_context *fc = current_fs_context();
	return fc ? fc->umask : 022;
}

static bool is_dot(const char *name, size_t len) { return len == 1 && name[0] == '.'; }
static bool is_dotdot(const char *name, size_t len) { return len == 2 && name[0] == '.' && name[1] == '.'; }

/* Resolves (dirfd, upath) to a referenced inode. flags: LOOKUP_*; empty_ok: AT_EMPTY_PATH. */
static long lookup_user(int dirfd, uint64_t upath, int flags, bool empty_ok, struct inode **out)
{
	long err;
	char small[SMALL_PATH];
	char *path = get_path_buf(upath, &err, small);
	if (!path)
		return err;
	struct inode *start;
	if ((err = at_start(dirfd, path, &start)) == 0) {
		if (!path[0] && empty_ok)
			*out = inode_get(start);
		else
			err = namei_at(start, path, flags, out);
		inode_put(start);
	}
	put_path(path, small);
	return err;
}

/* The parent directory and last name of (dirfd, path) for the calls that create or remove. */
struct parent {
	char *path;
	char small[SMALL_PATH];
	struct inode *dir;
	const char *name;
	size_t len;
	bool slash;
};

static long parent_user(int dirfd, uint64_t upath, struct parent *pp)
{
	long err;
	pp->dir = NULL;
	if (!(pp->path = get_path_buf(upath, &err, pp->small)))
		return err;
	struct inode *start;
	if ((err = at_start(dirfd, pp->path, &start)) == 0) {
		err = namei_parent(start, pp->path, &pp->dir, &pp->name, &pp->len, &pp->slash);
		inode_put(start);
	}
	if (err) {
		put_path(pp->path, pp->small);
		pp->path = NULL;
	}
	return err;
}

static void parent_done(struct parent *pp)
{
	inode_put(pp->dir);
	put_path(pp->path, pp->small);
}

/* The existing entry (no reference) named by pp, "." and ".." included; NULL if absent. */
static struct inode *parent_child(struct parent *pp)
{
	if (pp->len == 0)
		return pp->dir; /* the root */
	if (is_dot(pp->name, pp->len))
		return pp->dir;
	if (is_dotdot(pp->name, pp->len))
		return pp->dir->parent;
	return dir_find(pp->dir, pp->name, pp->len);
}

/* --- open, close ---------------------------------------------------------------------- */

static long do_openat(int dirfd, uint64_t upath, uint32_t flags, uint32_t mode)
{
	if ((flags & __O_TMPFILE) == __O_TMPFILE)
		return -EOPNOTSUPP;
	struct fdtable *t = current_fdtable();
	if (!t)
		return -EMFILE;
	struct inode *ip = NULL;
	long err;
	if (flags & O_CREAT) {
		struct parent pp;
		if ((err = parent_user(dirfd, upath, &pp)))
			return err;
		struct inode *c = parent_child(&pp);
		if (c && (flags & O_EXCL)) {
			err = -EEXIST;
		} else if (c && S_ISLNK(c->mode)) {
			if (flags & O_NOFOLLOW)
				err = -ELOOP;
			else
				err = namei_at(pp.dir, pp.name, LOOKUP_FOLLOW, &ip);
		} else if (c) {
			ip = inode_get(c);
			if (pp.slash && !S_ISDIR(c->mode))
				err = -ENOTDIR;
		} else if (pp.slash) {
			err = -EISDIR;
		} else if (pp.dir->nlink == 0) {
			err = -ENOENT;
		} else if (!(ip = inode_new(S_IFREG | (mode & 07777 & ~cur_umask())))) {
			err = -ENOMEM;
		} else {
			err = dir_link(pp.dir, ip, pp.name, pp.len);
		}
		parent_done(&pp);
	} else {
		int lf = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
		if (flags & O_DIRECTORY)
			lf |= LOOKUP_DIRECTORY;
		err = lookup_user(dirfd, upath, lf, false, &ip);
	}
	if (err) {
		inode_put(ip);
		return err;
	}
	struct file *f = vfs_open_inode(ip, flags, &err);
	inode_put(ip);
	if (!f)
		return err;
	int fd = fd_install(t, f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

long sys_open(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_openat(AT_FDCWD, a0, (uint32_t)a1, (uint32_t)a2);
}

long sys_openat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_openat((int)a0, a1, (uint32_t)a2, (uint32_t)a3);
}

long sys_creat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_openat(AT_FDCWD, a0, O_CREAT | O_WRONLY | O_TRUNC, (uint32_t)a1);
}

long sys_close(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return fd_close(current_fdtable(), (int)a0);
}

/* --- read, write ---------------------------------------------------------------------- */

static long rw_check(struct file *f, bool write)
{
	if (!f)
		return -EBADF;
	if (f->flags & O_PATH)
		return -EBADF;
	if (write ? !file_writable(f) : !file_readable(f))
		return -EBADF;
	if (!f->ops || (write ? !f->ops->write : !f->ops->read))
		return -EINVAL;
	return 0;
}

static long do_rw(int fd, uint64_t ubuf, size_t n, bool write, int64_t off)
{
	struct file *f = fget(fd);
	long err = rw_check(f, write);
	if (err) {
		file_put(f);
		return err;
	}
	if (n > MAX_RW)
		n = MAX_RW;
	uint64_t pos = f->pos;
	uint64_t *pp = f->ops->seekable ? &f->pos : NULL;
	if (off >= 0) {
		if (!f->ops->seekable) {
			file_put(f);
			return -ESPIPE;
		}
		pos = (uint64_t)off;
		pp = &pos;
	}
	long r = write ? f->ops->write(f, WSRC_USER(ubuf), n, pp) : f->ops->read(f, ubuf, n, pp);
	file_put(f);
	return r;
}

long sys_read(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rw((int)a0, a1, a2, false, -1);
}

long sys_write(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rw((int)a0, a1, a2, true, -1);
}

long sys_pread64(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return do_rw((int)a0, a1, a2, false, (int64_t)a3);
}

long sys_pwrite64(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return do_rw((int)a0, a1, a2, true, (int64_t)a3);
}

struct kiovec {
	uint64_t base;
	uint64_t len;
};

static long do_rwv(int fd, uint64_t uiov, uint64_t cnt, bool write, int64_t off)
{
	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	struct file *f = fget(fd);
	long err = rw_check(f, write);
	if (err) {
		file_put(f);
		return err;
	}
	if (off >= 0 && !f->ops->seekable) {
		file_put(f);
		return -ESPIPE;
	}
	struct kiovec *iov = cnt ? kmalloc(cnt * sizeof(*iov)) : NULL;
	if (cnt && !iov) {
		file_put(f);
		return -ENOMEM;
	}
	long total = 0;
	if (cnt && copy_from_user(iov, uiov, cnt * sizeof(*iov)))
		total = -EFAULT;
	uint64_t sum = 0;
	for (uint64_t i = 0; total == 0 && i < cnt; i++) {
		if ((int64_t)iov[i].len < 0 || (sum += iov[i].len) > (uint64_t)INT64_MAX)
			total = -EINVAL;
	}
	/* A vector of at most PIPE_BUF bytes to a pipe or the tty is one write (atomic). */
	if (total == 0 && write && !f->ops->seekable && sum <= RZ_PIPE_BUF && cnt > 1) {
		char *k = sum ? kmalloc(sum) : NULL;
		size_t at = 0;
		if (sum && !k)
			total = -ENOMEM;
		for (uint64_t i = 0; total == 0 && i < cnt; i++) {
			if (iov[i].len && copy_from_user(k + at, iov[i].base, iov[i].len))
				total = -EFAULT;
			at += iov[i].len;
		}
		if (total == 0 && sum)
			total = f->ops->write(f, (struct wsrc){.addr = (uint64_t)(uintptr_t)k, .kernel = true}, sum, NULL);
		kfree(k);
		kfree(iov);
		file_put(f);
		return total;
	}
	if (total == 0) {
		uint64_t pos = off >= 0 ? (uint64_t)off : f->pos;
		uint64_t *pp = off >= 0 ? &pos : f->ops->seekable ? &f->pos : NULL;
		for (uint64_t i = 0; i < cnt; i++) {
			if (iov[i].len == 0)
				continue;
			size_t n = MIN(iov[i].len, MAX_RW - (uint64_t)total);
			long r = write ? f->ops->write(f, WSRC_USER(iov[i].base), n, pp)
				       : f->ops->read(f, iov[i].base, n, pp);
			if (r < 0) {
				if (total == 0)
					total = r;
				break;
			}
			total += r;
			if ((size_t)r < n || (uint64_t)total >= MAX_RW)
				break;
		}
	}
	kfree(iov);
	file_put(f);
	return total;
}

long sys_readv(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rwv((int)a0, a1, a2, false, -1);
}

long sys_writev(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rwv((int)a0, a1, a2, true, -1);
}

long sys_preadv(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return do_rwv((int)a0, a1, a2, false, (int64_t)a3);
}

long sys_pwritev(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int64_t)a3 < 0)
		return -EINVAL;
	return do_rwv((int)a0, a1, a2, true, (int64_t)a3);
}

long sys_lseek(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	int64_t off = (int64_t)a1, base;
	long r;
	if (!f->ops || !f->ops->seekable) {
		r = (f->flags & O_PATH) ? -EBADF : -ESPIPE;
		goto out;
	}
	switch ((int)a2) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = (int64_t)f->ip->size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (off < 0 || (uint64_t)off >= f->ip->size) {
			r = -ENXIO;
			goto out;
		}
		base = 0;
		if ((int)a2 == SEEK_HOLE)
			off = (int64_t)f->ip->size;
		break;
	default: r = -EINVAL; goto out;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0) {
		r = -EINVAL;
		goto out;
	}
	f->pos = (uint64_t)(base + off);
	r = (long)f->pos;
out:
	file_put(f);
	return r;
}

/* --- names: unlink, rmdir, mkdir, mknod, symlink, readlink, rename ---------------------- */

static long do_unlink(int dirfd, uint64_t upath)
{
	struct parent pp;
	long err = parent_user(dirfd, upath, &pp);
	if (err)
		return err;
	struct inode *c = parent_child(&pp);
	if (pp.len == 0 || is_dot(pp.name, pp.len) || is_dotdot(pp.name, pp.len))
		err = -EISDIR;
	else if (!c)
		err = -ENOENT;
	else if (S_ISDIR(c->mode))
		err = -EISDIR;
	else if (pp.slash)
		err = -ENOTDIR;
	else {
		inode_get(c);
		dir_unlink(c);
		inode_put(c);
	}
	parent_done(&pp);
	return err;
}

static long do_rmdir(int dirfd, uint64_t upath)
{
	struct parent pp;
	long err = parent_user(dirfd, upath, &pp);
	if (err)
		return err;
	struct inode *c = parent_child(&pp);
	if (pp.len == 0)
		err = -EBUSY;
	else if (is_dot(pp.name, pp.len))
		err = -EINVAL;
	else if (is_dotdot(pp.name, pp.len))
		err = -ENOTEMPTY;
	else if (!c)
		err = -ENOENT;
	else if (!S_ISDIR(c->mode))
		err = -ENOTDIR;
	else if (!dir_empty(c))
		err = -ENOTEMPTY;
	else {
		inode_get(c);
		dir_unlink(c);
		inode_put(c);
	}
	parent_done(&pp);
	return err;
}

long sys_unlink(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_unlink(AT_FDCWD, a0);
}

long sys_rmdir(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rmdir(AT_FDCWD, a0);
}

long sys_unlinkat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if (a2 & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return (a2 & AT_REMOVEDIR) ? do_rmdir((int)a0, a1) : do_unlink((int)a0, a1);
}

/* Creates a new name; *out gets the new inode (referenced) for the caller to fill in. */
static long do_create(int dirfd, uint64_t upath, uint32_t mode, struct inode **out)
{
	struct parent pp;
	long err = parent_user(dirfd, upath, &pp);
	if (err)
		return err;
	struct inode *ip = NULL;
	if (parent_child(&pp))
		err = -EEXIST;
	else if (pp.slash && !S_ISDIR(mode))
		err = -ENOENT;
	else if (pp.dir->nlink == 0)
		err = -ENOENT;
	else if (!(ip = inode_new(mode)))
		err = -ENOMEM;
	else if ((err = dir_link(pp.dir, ip, pp.name, pp.len))) {
		inode_put(ip);
		ip = NULL;
	}
	parent_done(&pp);
	if (out)
		*out = ip;
	else
		inode_put(ip);
	return err;
}

long sys_mkdirat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_create((int)a0, a1, S_IFDIR | ((uint32_t)a2 & 07777 & ~cur_umask()), NULL);
}

long sys_mkdir(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_create(AT_FDCWD, a0, S_IFDIR | ((uint32_t)a1 & 07777 & ~cur_umask()), NULL);
}

static long do_mknod(int dirfd, uint64_t upath, uint32_t mode, uint64_t dev)
{
	uint32_t type = mode & S_IFMT;
	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR)
		return type == S_IFDIR ? -EPERM : -EINVAL;
	struct inode *ip;
	long err = do_create(dirfd, upath, type | (mode & 07777 & ~cur_umask()), &ip);
	if (err)
		return err;
	if (type == S_IFCHR)
		ip->rdev = (uint32_t)dev;
	inode_put(ip);
	return 0;
}

long sys_mknod(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_mknod(AT_FDCWD, a0, (uint32_t)a1, a2);
}

long sys_mknodat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_mknod((int)a0, a1, (uint32_t)a2, a3);
}

static long do_symlink(uint64_t utarget, int dirfd, uint64_t upath)
{
	long err;
	char tsmall[SMALL_PATH];
	char *target = get_path_buf(utarget, &err, tsmall);
	if (!target)
		return err;
	size_t len = strlen(target);
	struct inode *ip;
	if (len == 0)
		err = -ENOENT;
	else if ((err = do_create(dirfd, upath, S_IFLNK | 0777, &ip)) == 0) {
		if ((err = inode_reserve(ip, len)) == 0) {
			memcpy(ip->buf, target, len);
			ip->size = len;
		} else {
			dir_unlink(ip);
		}
		inode_put(ip);
	}
	put_path(target, tsmall);
	return err;
}

long sys_symlink(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_symlink(a0, AT_FDCWD, a1);
}

long sys_symlinkat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_symlink(a0, (int)a1, a2);
}

static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int64_t size)
{
	if (size <= 0)
		return -EINVAL;
	struct inode *ip;
	long err = lookup_user(dirfd, upath, 0, dirfd != AT_FDCWD, &ip); /* "" names dirfd itself */
	if (err)
		return err;
	if (!S_ISLNK(ip->mode)) {
		inode_put(ip);
		return -EINVAL;
	}
	size_t n = MIN((uint64_t)size, ip->size);
	err = copy_to_user(ubuf, ip->data, n) ? -EFAULT : (long)n;
	inode_put(ip);
	return err;
}

long sys_readlink(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_readlink(AT_FDCWD, a0, a1, (int64_t)(int)a2);
}

long sys_readlinkat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_readlink((int)a0, a1, a2, (int64_t)(int)a3);
}

static long do_rename(int odfd, uint64_t uold, int ndfd, uint64_t unew, uint64_t flags)
{
	if (flags & ~(uint64_t)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_EXCHANGE)
		return -EINVAL; /* not supported */
	struct parent op, np;
	long err = parent_user(odfd, uold, &op);
	if (err)
		return err;
	if ((err = parent_user(ndfd, unew, &np))) {
		parent_done(&op);
		return err;
	}
	struct inode *src = parent_child(&op), *dst = parent_child(&np);
	if (op.len == 0 || np.len == 0)
		err = -EBUSY;
	else if (is_dot(op.name, op.len) || is_dotdot(op.name, op.len) || is_dot(np.name, np.len) ||
		 is_dotdot(np.name, np.len))
		err = -EINVAL;
	else if (!src)
		err = -ENOENT;
	else if (!S_ISDIR(src->mode) && (op.slash || np.slash))
		err = -ENOTDIR;
	else if (dst && (flags & RENAME_NOREPLACE))
		err = -EEXIST;
	else if (np.dir->nlink == 0)
		err = -ENOENT;
	if (!err && S_ISDIR(src->mode)) /* not into itself or a descendant */
		for (struct inode *d = np.dir;; d = d->parent) {
			if (d == src) {
				err = -EINVAL;
				break;
			}
			if (d == d->parent)
				break;
		}
	if (!err && dst == src)
		goto done; /* same file: nothing to do */
	if (!err && dst) {
		if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
			err = -ENOTDIR;
		else if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
			err = -EISDIR;
		else if (S_ISDIR(dst->mode) && !dir_empty(dst))
			err = -ENOTEMPTY;
	}
	if (!err) {
		if (dst) {
			inode_get(dst);
			dir_unlink(dst);
			inode_put(dst);
		}
		struct inode *oldparent = src->parent;
		inode_get(src);
		dir_unlink(src);
		err = dir_link(np.dir, src, np.name, np.len); /* takes a reference on the new parent */
		if (err) /* out of memory for the name: put it back */
			dir_link(oldparent, src, src->name, strlen(src->name));
		inode_put(oldparent); /* the reference the old link held */
		inode_touch(src, false);
		inode_put(src);
	}
done:
	parent_done(&np);
	parent_done(&op);
	return err;
}

long sys_rename(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rename(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

long sys_renameat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rename((int)a0, a1, (int)a2, a3, 0);
}

long sys_renameat2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_rename((int)a0, a1, (int)a2, a3, a4);
}

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

long sys_getdents64(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	uint64_t ubuf = a1;
	size_t count = a2;
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
	if (!user_range_ok(ubuf, count)) {
		r = -EFAULT;
		goto out;
	}
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
		if (copy_to_user(ubuf + used, &rec, reclen)) {
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

long sys_getcwd(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct fs_context *fc = current_fs_context();
	if (!fc)
		return -ENOENT;
	size_t size = MIN(a1, (uint64_t)RZ_PATH_MAX);
	char *buf = kmalloc(RZ_PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long r = vfs_getcwd(fc->cwd, buf, size);
	if (r > 0 && copy_to_user(a0, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
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

long sys_chdir(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, LOOKUP_FOLLOW, false, &ip);
	return err ? err : set_cwd(ip);
}

long sys_fchdir(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	struct inode *ip = inode_get(f->ip);
	file_put(f);
	return set_cwd(ip);
}

/* --- stat ------------------------------------------------------------------------------ */

#define RAMFS_DEV RZ_MKDEV(0, 1)
#define PIPEFS_DEV RZ_MKDEV(0, 12)

static void fill_stat(struct inode *ip, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (S_ISFIFO(ip->mode) && ip->nlink == 0) ? PIPEFS_DEV : RAMFS_DEV;
	st->st_ino = ip->ino;
	st->st_nlink = S_ISDIR(ip->mode) ? (ip->nlink ? dir_nlink(ip) : 0) : ip->nlink;
	if (S_ISFIFO(ip->mode) && ip->nlink == 0)
		st->st_nlink = 1; /* anonymous pipes say 1, as on Linux */
	st->st_mode = ip->mode;
	st->st_rdev = ip->rdev;
	st->st_size = (long)ip->size;
	st->st_blksize = 4096;
	st->st_blocks = (long)(ALIGN_UP(ip->size, 4096) / 512);
	st->st_atime = (unsigned long)ip->atime.sec;
	st->st_atime_nsec = (unsigned long)ip->atime.nsec;
	st->st_mtime = (unsigned long)ip->mtime.sec;
	st->st_mtime_nsec = (unsigned long)ip->mtime.nsec;
	st->st_ctime = (unsigned long)ip->ctime.sec;
	st->st_ctime_nsec = (unsigned long)ip->ctime.nsec;
}

static long stat_out(struct inode *ip, uint64_t ust)
{
	struct stat st;
	fill_stat(ip, &st);
	inode_put(ip);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

static long fstatat_inode(int dirfd, uint64_t upath, uint64_t flags, struct inode **ip)
{
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	int lf = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	return lookup_user(dirfd, upath, lf, flags & AT_EMPTY_PATH, ip);
}

long sys_stat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, LOOKUP_FOLLOW, false, &ip);
	return err ? err : stat_out(ip, a1);
}

long sys_lstat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, 0, false, &ip);
	return err ? err : stat_out(ip, a1);
}

long sys_fstat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	struct inode *ip = inode_get(f->ip);
	file_put(f);
	return stat_out(ip, a1);
}

long sys_newfstatat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = fstatat_inode((int)a0, a1, a3, &ip);
	return err ? err : stat_out(ip, a2);
}

long sys_statx(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = fstatat_inode((int)a0, a1, a2, &ip);
	if (err)
		return err;
	struct stat st;
	fill_stat(ip, &st);
	inode_put(ip);
	struct statx sx;
	memset(&sx, 0, sizeof(sx));
	sx.stx_mask = STATX_BASIC_STATS;
	sx.stx_blksize = (uint32_t)st.st_blksize;
	sx.stx_nlink = (uint32_t)st.st_nlink;
	sx.stx_mode = (uint16_t)st.st_mode;
	sx.stx_ino = st.st_ino;
	sx.stx_size = (uint64_t)st.st_size;
	sx.stx_blocks = (uint64_t)st.st_blocks;
	sx.stx_atime.tv_sec = (int64_t)st.st_atime;
	sx.stx_atime.tv_nsec = (uint32_t)st.st_atime_nsec;
	sx.stx_mtime.tv_sec = (int64_t)st.st_mtime;
	sx.stx_mtime.tv_nsec = (uint32_t)st.st_mtime_nsec;
	sx.stx_ctime.tv_sec = (int64_t)st.st_ctime;
	sx.stx_ctime.tv_nsec = (uint32_t)st.st_ctime_nsec;
	sx.stx_rdev_major = (uint32_t)(st.st_rdev >> 8) & 0xfff;
	sx.stx_rdev_minor = (uint32_t)(st.st_rdev & 0xff) | (uint32_t)((st.st_rdev >> 12) & ~0xffUL);
	sx.stx_dev_major = (uint32_t)(st.st_dev >> 8) & 0xfff;
	sx.stx_dev_minor = (uint32_t)(st.st_dev & 0xff);
	return copy_to_user(a4, &sx, sizeof(sx)) ? -EFAULT : 0;
}

static long statfs_out(uint64_t ubuf)
{
	struct statfs s;
	memset(&s, 0, sizeof(s));
	s.f_type = TMPFS_MAGIC;
	s.f_bsize = 4096;
	s.f_frsize = 4096;
	s.f_blocks = (long)frames_total();
	s.f_bfree = (long)frames_free();
	s.f_bavail = s.f_bfree;
	s.f_files = 1 << 20;
	s.f_ffree = 1 << 20;
	s.f_namelen = RZ_NAME_MAX;
	return copy_to_user(ubuf, &s, sizeof(s)) ? -EFAULT : 0;
}

long sys_statfs(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, LOOKUP_FOLLOW, false, &ip);
	if (err)
		return err;
	inode_put(ip);
	return statfs_out(a1);
}

long sys_fstatfs(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	file_put(f);
	return statfs_out(a1);
}

/* --- access, truncate, times, modes ---------------------------------------------------- */

static long do_access(int dirfd, uint64_t upath, uint64_t mode, uint64_t flags)
{
	if (mode & ~7ULL)
		return -EINVAL;
	if (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ip;
	long err = lookup_user(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
			       flags & AT_EMPTY_PATH, &ip);
	if (err)
		return err;
	/* Everything runs as root: read and write are allowed; execute needs an x bit. */
	if ((mode & 1) && !S_ISDIR(ip->mode) && !(ip->mode & 0111))
		err = -EACCES;
	inode_put(ip);
	return err;
}

long sys_access(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_access(AT_FDCWD, a0, a1, 0);
}

long sys_faccessat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_access((int)a0, a1, a2, 0);
}

long sys_faccessat2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_access((int)a0, a1, a2, a3);
}

long sys_ftruncate(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	long err;
	if ((int64_t)a1 < 0 || !S_ISREG(f->ip->mode) || !file_writable(f) || (f->flags & O_PATH))
		err = (f->flags & O_PATH) ? -EBADF : -EINVAL;
	else
		err = inode_truncate(f->ip, a1);
	file_put(f);
	return err;
}

long sys_truncate(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int64_t)a1 < 0)
		return -EINVAL;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, LOOKUP_FOLLOW, false, &ip);
	if (err)
		return err;
	if (S_ISDIR(ip->mode))
		err = -EISDIR;
	else if (!S_ISREG(ip->mode))
		err = -EINVAL;
	else
		err = inode_truncate(ip, a1);
	inode_put(ip);
	return err;
}

long sys_utimensat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int dirfd = (int)a0;
	uint64_t upath = a1, utimes = a2, flags = a3;
	if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct __kernel_timespec ts[2];
	if (utimes) {
		if (copy_from_user(ts, utimes, sizeof(ts)))
			return -EFAULT;
		for (int i = 0; i < 2; i++)
			if (ts[i].tv_nsec != UTIME_NOW && ts[i].tv_nsec != UTIME_OMIT &&
			    (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000))
				return -EINVAL;
	} else {
		ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	}
	struct inode *ip;
	long err;
	if (!upath) { /* futimens: the file dirfd refers to */
		struct file *f = fget(dirfd);
		if (!f)
			return -EBADF;
		ip = inode_get(f->ip);
		file_put(f);
	} else if ((err = lookup_user(dirfd, upath, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
				      flags & AT_EMPTY_PATH, &ip))) {
		return err;
	}
	struct kts now = vfs_now();
	struct kts *dst[2] = {&ip->atime, &ip->mtime};
	for (int i = 0; i < 2; i++) {
		if (ts[i].tv_nsec == UTIME_OMIT)
			continue;
		*dst[i] = ts[i].tv_nsec == UTIME_NOW ? now : (struct kts){ts[i].tv_sec, ts[i].tv_nsec};
	}
	ip->ctime = now;
	inode_put(ip);
	return 0;
}

static long chmod_inode(struct inode *ip, uint64_t mode)
{
	ip->mode = (ip->mode & S_IFMT) | ((uint32_t)mode & 07777);
	inode_touch(ip, false);
	inode_put(ip);
	return 0;
}

long sys_chmod(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, LOOKUP_FOLLOW, false, &ip);
	return err ? err : chmod_inode(ip, a1);
}

long sys_fchmodat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user((int)a0, a1, LOOKUP_FOLLOW, false, &ip);
	return err ? err : chmod_inode(ip, a2);
}

long sys_fchmod(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	struct inode *ip = inode_get(f->ip);
	file_put(f);
	return chmod_inode(ip, a1);
}

/* Owners: everything belongs to root and stays so; the calls check their arguments only. */
long sys_chown(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, LOOKUP_FOLLOW, false, &ip);
	inode_put(err ? NULL : ip);
	return err;
}

long sys_lchown(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, a0, 0, false, &ip);
	inode_put(err ? NULL : ip);
	return err;
}

long sys_fchownat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct inode *ip;
	long err = lookup_user((int)a0, a1, (a4 & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, a4 & AT_EMPTY_PATH, &ip);
	inode_put(err ? NULL : ip);
	return err;
}

long sys_fchown(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_fsync(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_fdatasync(SYSCALL_ARGS) { return sys_fsync(a0, a1, a2, a3, a4, a5); }

long sys_sync(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return 0;
}

/* --- descriptors: dup, fcntl, ioctl, pipe ------------------------------------------------ */

long sys_dup(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	int fd = fd_install(current_fdtable(), f, 0, false);
	if (fd < 0)
		file_put(f);
	return fd;
}

static long do_dup3(int oldfd, int newfd, uint64_t flags)
{
	struct fdtable *t = current_fdtable();
	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	if (newfd < 0 || newfd >= RZ_FD_MAX)
		return -EBADF;
	struct file *f = fget(oldfd);
	if (!f)
		return -EBADF;
	if (t->fd[newfd])
		fd_close(t, newfd);
	int fd = fd_install(t, f, newfd, flags & O_CLOEXEC);
	assert(fd == newfd);
	return fd;
}

long sys_dup2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int)a0 == (int)a1) {
		struct file *f = fget((int)a0);
		if (!f)
			return -EBADF;
		file_put(f);
		return (int)a1;
	}
	return do_dup3((int)a0, (int)a1, 0);
}

long sys_dup3(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int)a0 == (int)a1)
		return -EINVAL;
	return do_dup3((int)a0, (int)a1, a2);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME)

long sys_fcntl(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int fd = (int)a0;
	unsigned int cmd = (unsigned int)a1;
	struct fdtable *t = current_fdtable();
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int64_t)(int)a2 < 0 || (int)a2 >= RZ_FD_MAX) {
			r = -EINVAL;
			break;
		}
		r = fd_install(t, file_get(f), (int)a2, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		break;
	case F_GETFD:
		r = (t->cloexec[fd / 64] >> (fd % 64)) & 1 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		if (a2 & FD_CLOEXEC)
			t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		else
			t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
		r = 0;
		break;
	case F_GETFL:
		r = (long)(f->flags | O_LARGEFILE);
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(uint32_t)SETFL_MASK) | ((uint32_t)a2 & SETFL_MASK);
		r = 0;
		break;
	case F_GETLK: {
		struct flock fl;
		if (copy_from_user(&fl, a2, sizeof(fl))) {
			r = -EFAULT;
			break;
		}
		fl.l_type = F_UNLCK; /* no other process holds locks here */
		r = copy_to_user(a2, &fl, sizeof(fl)) ? -EFAULT : 0;
		break;
	}
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = 0;
		break;
	case F_GETPIPE_SZ:
		r = S_ISFIFO(f->ip->mode) ? RZ_PIPE_SIZE : -EBADF;
		break;
	case F_SETPIPE_SZ:
		r = S_ISFIFO(f->ip->mode) ? RZ_PIPE_SIZE : -EBADF;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_ioctl(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int fd = (int)a0;
	unsigned int cmd = (unsigned int)a1;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r;
	struct fdtable *t = current_fdtable();
	switch (cmd) {
	case FIOCLEX:
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		r = 0;
		break;
	case FIONCLEX:
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
		r = 0;
		break;
	case FIONBIO: {
		int on;
		if (copy_from_user(&on, a2, sizeof(on))) {
			r = -EFAULT;
			break;
		}
		if (on)
			f->flags |= O_NONBLOCK;
		else
			f->flags &= ~(uint32_t)O_NONBLOCK;
		r = 0;
		break;
	}
	default:
		r = (f->ops && f->ops->ioctl) ? f->ops->ioctl(f, cmd, a2) : -ENOTTY;
	}
	file_put(f);
	return r;
}

static long do_pipe2(uint64_t ufds, uint64_t flags)
{
	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	struct file *rd, *wr;
	long err = pipe_create(&rd, &wr);
	if (err)
		return err;
	rd->flags |= (uint32_t)(flags & O_NONBLOCK);
	wr->flags |= (uint32_t)(flags & O_NONBLOCK);
	int fds[2];
	fds[0] = fd_install(t, rd, 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		file_put(rd);
		file_put(wr);
		return fds[0];
	}
	fds[1] = fd_install(t, wr, 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		file_put(wr);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_pipe2(a0, 0);
}

long sys_pipe2(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_pipe2(a0, a1);
}

/* sendfile: from a regular file (as Linux required before 5.12) to anything writable,
 * through a kernel bounce buffer (the source may change while a pipe writer sleeps). */
#define SENDFILE_CHUNK (16384 - 16)

long sys_sendfile(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int out_fd = (int)a0, in_fd = (int)a1;
	uint64_t uoff = a2;
	size_t count = MIN(a3, (uint64_t)MAX_RW);
	struct file *in = fget(in_fd), *out = fget(out_fd);
	long r = 0;
	char *bounce = NULL;
	if (rw_check(in, false) || rw_check(out, true)) {
		r = -EBADF;
		goto done;
	}
	if (!S_ISREG(in->ip->mode) || (out->flags & O_APPEND)) {
		r = -EINVAL;
		goto done;
	}
	int64_t off;
	if (uoff) {
		if (copy_from_user(&off, uoff, sizeof(off))) {
			r = -EFAULT;
			goto done;
		}
		if (off < 0) {
			r = -EINVAL;
			goto done;
		}
	} else {
		off = (int64_t)in->pos;
	}
	if (!(bounce = kmalloc(SENDFILE_CHUNK))) {
		r = -ENOMEM;
		goto done;
	}
	size_t total = 0;
	while (total < count && (uint64_t)off < in->ip->size) {
		size_t k = MIN(MIN(count - total, (size_t)(in->ip->size - (uint64_t)off)), (size_t)SENDFILE_CHUNK);
		memcpy(bounce, in->ip->data + off, k);
		long w = out->ops->write(out, (struct wsrc){.addr = (uint64_t)(uintptr_t)bounce, .kernel = true}, k,
					 out->ops->seekable ? &out->pos : NULL);
		if (w < 0) {
			if (total == 0)
				r = w;
			break;
		}
		total += (size_t)w;
		off += w;
		if ((size_t)w < k)
			break;
	}
	if (r == 0) {
		r = (long)total;
		if (uoff) {
			if (copy_to_user(uoff, &off, sizeof(off)))
				r = -EFAULT;
		} else {
			in->pos = (uint64_t)off;
		}
	}
done:
	kfree(bounce);
	file_put(in);
	file_put(out);
	return r;
}

/* --- small calls programs make in passing ------------------------------------------------ */

static long fd_check(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_syncfs(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return fd_check((int)a0);
}

/* flock: one process holds everything here; the call only checks its arguments. */
long sys_flock(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	uint64_t op = a1 & ~(uint64_t)LOCK_NB;
	if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN)
		return -EINVAL;
	return fd_check((int)a0);
}

long sys_fadvise64(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	long r = S_ISFIFO(f->ip->mode) ? -ESPIPE : ((int64_t)a2 < 0 || a3 > 5) ? -EINVAL : 0;
	file_put(f);
	return r;
}

/* fallocate: mode 0 (grow to offset+len) and FALLOC_FL_KEEP_SIZE (nothing to reserve). */
long sys_fallocate(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int mode = (int)a1;
	int64_t off = (int64_t)a2, len = (int64_t)a3;
	struct file *f = fget((int)a0);
	if (!f)
		return -EBADF;
	long r = 0;
	if (off < 0 || len <= 0)
		r = -EINVAL;
	else if (!file_writable(f))
		r = -EBADF;
	else if (S_ISFIFO(f->ip->mode))
		r = -ESPIPE;
	else if (!S_ISREG(f->ip->mode))
		r = S_ISDIR(f->ip->mode) ? -EISDIR : -ENODEV;
	else if (mode & ~1) /* only FALLOC_FL_KEEP_SIZE */
		r = -EOPNOTSUPP;
	else if (off > INT64_MAX - len)
		r = -EFBIG;
	else if (!(mode & 1) && (uint64_t)(off + len) > f->ip->size)
		r = inode_truncate(f->ip, (uint64_t)(off + len));
	file_put(f);
	return r;
}

#define CLOSE_RANGE_UNSHARE (1U << 1)
#define CLOSE_RANGE_CLOEXEC (1U << 2)

long sys_close_range(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	unsigned int first = (unsigned int)a0, last = (unsigned int)a1, flags = (unsigned int)a2;
	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	if (!t)
		return 0;
	for (unsigned int fd = first; fd <= last && fd < RZ_FD_MAX; fd++) {
		if (!t->fd[fd])
			continue;
		if (flags & CLOSE_RANGE_CLOEXEC)
			t->cloexec[fd / 64] |= 1ULL << (fd % 64);
		else
			fd_close(t, (int)fd);
	}
	return 0;
}

/* Hard links: the tree has one name per inode, so like a file system without them, EPERM
 * once the arguments check out (Linux's order: the source must exist, the target not). */
static long do_link(int odfd, uint64_t uold, int ndfd, uint64_t unew, uint64_t flags)
{
	if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct inode *ip;
	long err = lookup_user(odfd, uold, (flags & AT_SYMLINK_FOLLOW) ? LOOKUP_FOLLOW : 0, flags & AT_EMPTY_PATH, &ip);
	if (err)
		return err;
	struct parent np;
	if ((err = parent_user(ndfd, unew, &np)) == 0) {
		err = parent_child(&np) ? -EEXIST : -EPERM;
		parent_done(&np);
	}
	inode_put(ip);
	return err;
}

long sys_link(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_link(AT_FDCWD, a0, AT_FDCWD, a1, 0);
}

long sys_linkat(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	return do_link((int)a0, a1, (int)a2, a3, a4);
}
