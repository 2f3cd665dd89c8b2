/* sys_names.c: the system calls about names in the tree. Owns open, openat, creat
 * (a name to a new descriptor, O_CREAT/O_EXCL/O_NOFOLLOW/O_DIRECTORY), mkdir(at),
 * mknod(at), symlink(at), readlink(at), unlink, rmdir, unlinkat, rename(at/at2), link(at)
 * (a second name: an entry that names the file), Linux's errno order for each, and the helpers that read a
 * path from user memory: lookup_user (shared through sys_common.h) and the parent
 * directory plus last name of a path (struct parent) for the calls that create or remove.
 * Does not own path resolution (namei.c), the tree (ramfs.c), open file descriptions
 * (file.c), the working directory (sys_dir.c), or what a name's inode holds (sys_stat.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include "sys_common.h"
#include "procfs.h"

/* --- paths from user memory ------------------------------------------------------------- */

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
long lookup_user(int dirfd, uint64_t upath, int flags, bool empty_ok, struct inode **out)
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
	if (pp->dir->sops && pp->dir->sops->refresh) /* /proc: its entries as they are now */
		pp->dir->sops->refresh(pp->dir, pp->name, pp->len);
	return dir_find(pp->dir, pp->name, pp->len);
}

/* --- open ------------------------------------------------------------------------------ */

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
		if (c && c->alias)
			c = c->alias;
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
		} else if (pp.dir->sops) { /* /proc: no new names (a name it does not have: ENOENT) */
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

SYSCALL_DEFINE3(open, upath_t, filename, flags_t, flags, mode_t, mode)
{
	return do_openat(AT_FDCWD, filename, flags, mode);
}

SYSCALL_DEFINE4(openat, fd_t, dfd, upath_t, filename, flags_t, flags, mode_t, mode)
{
	return do_openat(dfd, filename, flags, mode);
}

SYSCALL_DEFINE2(creat, upath_t, pathname, mode_t, mode)
{
	return do_openat(AT_FDCWD, pathname, O_CREAT | O_WRONLY | O_TRUNC, mode);
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
	else if (c->sops) /* /proc's names are its own */
		err = -EPERM;
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
	else if (c->sops)
		err = -EPERM;
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

SYSCALL_DEFINE1(unlink, upath_t, pathname)
{
	return do_unlink(AT_FDCWD, pathname);
}

SYSCALL_DEFINE1(rmdir, upath_t, pathname)
{
	return do_rmdir(AT_FDCWD, pathname);
}

/* flag is flags64_t (Linux: int): the check has always seen the whole register. */
SYSCALL_DEFINE3(unlinkat, fd_t, dfd, upath_t, pathname, flags64_t, flag)
{
	if (flag & ~(uint64_t)AT_REMOVEDIR)
		return -EINVAL;
	return (flag & AT_REMOVEDIR) ? do_rmdir(dfd, pathname) : do_unlink(dfd, pathname);
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
	else if (pp.dir->sops)
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

SYSCALL_DEFINE3(mkdirat, fd_t, dfd, upath_t, pathname, mode_t, mode)
{
	return do_create(dfd, pathname, S_IFDIR | (mode & 07777 & ~cur_umask()), NULL);
}

SYSCALL_DEFINE2(mkdir, upath_t, pathname, mode_t, mode)
{
	return do_create(AT_FDCWD, pathname, S_IFDIR | (mode & 07777 & ~cur_umask()), NULL);
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

SYSCALL_DEFINE3(mknod, upath_t, filename, mode_t, mode, unsigned, dev)
{
	return do_mknod(AT_FDCWD, filename, mode, dev);
}

SYSCALL_DEFINE4(mknodat, fd_t, dfd, upath_t, filename, mode_t, mode, unsigned, dev)
{
	return do_mknod(dfd, filename, mode, dev);
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

SYSCALL_DEFINE2(symlink, upath_t, oldname, upath_t, newname)
{
	return do_symlink(oldname, AT_FDCWD, newname);
}

SYSCALL_DEFINE3(symlinkat, upath_t, oldname, fd_t, newdfd, upath_t, newname)
{
	return do_symlink(oldname, newdfd, newname);
}

/* size is an int, as Linux's bufsiz: the calls pass their size_t bufsiz, whose low 32 bits
 * are what has always been checked (a "negative" size is EINVAL). */
static long do_readlink(int dirfd, uint64_t upath, uint64_t ubuf, int size)
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
	if (ip->sops) { /* a /proc link: its target made now */
		struct kbuf b = {0};
		err = ip->sops->target ? ip->sops->target(ip, &b) : -EINVAL;
		if (!err && b.oom)
			err = -ENOMEM;
		if (!err) {
			size_t n = MIN((uint64_t)size, b.len);
			err = copy_to_user(ubuf, b.p, n) ? -EFAULT : (long)n;
		}
		kbuf_free(&b);
		inode_put(ip);
		return err;
	}
	size_t n = MIN((uint64_t)size, ip->size);
	err = copy_to_user(ubuf, ip->data, n) ? -EFAULT : (long)n;
	inode_put(ip);
	return err;
}

SYSCALL_DEFINE3(readlink, upath_t, path, uptr_t, buf, size_t, bufsiz)
{
	return do_readlink(AT_FDCWD, path, buf, bufsiz);
}

SYSCALL_DEFINE4(readlinkat, fd_t, dfd, upath_t, pathname, uptr_t, buf, size_t, bufsiz)
{
	return do_readlink(dfd, pathname, buf, bufsiz);
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
	else if (!src->sops != !np.dir->sops) /* into or out of /proc: another file system */
		err = -EXDEV;
	else if (src->sops || (dst && dst->sops))
		err = -EPERM;
	if (!err && S_ISDIR(src->mode)) /* not into itself or a descendant */
		for (struct inode *d = np.dir;; d = d->parent) {
			if (d == src) {
				err = -EINVAL;
				break;
			}
			if (d == d->parent)
				break;
		}
	if (!err && dst && (dst->alias ? dst->alias : dst) == (src->alias ? src->alias : src))
		goto done; /* names of the same file: nothing to do */
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

SYSCALL_DEFINE2(rename, upath_t, oldname, upath_t, newname)
{
	return do_rename(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

SYSCALL_DEFINE4(renameat, fd_t, olddfd, upath_t, oldname, fd_t, newdfd, upath_t, newname)
{
	return do_rename(olddfd, oldname, newdfd, newname, 0);
}

/* flags is flags64_t (Linux: unsigned int): do_rename's check has always seen the whole
 * register. */
SYSCALL_DEFINE5(renameat2, fd_t, olddfd, upath_t, oldname, fd_t, newdfd, upath_t, newname,
		flags64_t, flags)
{
	return do_rename(olddfd, oldname, newdfd, newname, flags);
}

/* Hard links: the tree has one name per inode, so a second name is an entry of its own
 * whose `alias` is the file (namei goes through it; unlink and rename move the entry). Not
 * for directories (EPERM, as Linux) or /proc's nodes (EXDEV, another file system); a file
 * with no name left is ENOENT. Linux's order: the source must exist, the target not. */
static long add_alias(struct inode *dir, struct inode *ip, const char *name, size_t len)
{
	struct inode *e = inode_new(ip->mode);
	if (!e)
		return -ENOMEM;
	e->ino = ip->ino;
	long err = dir_link(dir, e, name, len);
	if (!err) {
		e->alias = inode_get(ip);
		ip->nlink++;
		inode_touch(ip, false);
	}
	inode_put(e); /* the directory holds it now (or it goes) */
	return err;
}

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
		if (parent_child(&np))
			err = -EEXIST;
		else if (np.slash)
			err = -ENOENT;
		else if (S_ISDIR(ip->mode))
			err = -EPERM;
		else if (ip->sops || np.dir->sops)
			err = -EXDEV;
		else if (ip->nlink == 0 || np.dir->nlink == 0)
			err = -ENOENT;
		else
			err = add_alias(np.dir, ip, np.name, np.len);
		parent_done(&np);
	}
	inode_put(ip);
	return err;
}

SYSCALL_DEFINE2(link, upath_t, oldname, upath_t, newname)
{
	return do_link(AT_FDCWD, oldname, AT_FDCWD, newname, 0);
}

/* flags is flags64_t (Linux: int): do_link's check has always seen the whole register. */
SYSCALL_DEFINE5(linkat, fd_t, olddfd, upath_t, oldname, fd_t, newdfd, upath_t, newname,
		flags64_t, flags)
{
	return do_link(olddfd, oldname, newdfd, newname, flags);
}
