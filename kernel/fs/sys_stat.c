/* sys_stat.c: the system calls about what an inode says of itself. Owns stat, lstat,
 * fstat, newfstatat, statx and statfs/fstatfs (the struct stat, statx and statfs layouts,
 * st_dev and st_nlink rules), access/faccessat/faccessat2 (everything runs as root),
 * sizes (truncate, ftruncate, fallocate), times (utimensat, futimens), modes (chmod,
 * fchmod, fchmodat) and owners (chown and friends: checked, never changed). Does not own
 * names (sys_names.c), file contents (sys_rw.c) or the inode itself (ramfs.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include "sys_common.h"
#include <asm/stat.h>
#include <asm/statfs.h>
#include <linux/magic.h>
#include <linux/time_types.h>

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
