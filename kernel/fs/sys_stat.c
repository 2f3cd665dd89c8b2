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

/* Every member assigned once, padding members included (x86_64's struct stat has no
 * unnamed padding), so no memset and no zero-fill before the fields. */
static inline __attribute__((always_inline)) void fill_stat(const struct inode *ip, struct stat *st)
{
	bool anon_pipe = S_ISFIFO(ip->mode) && ip->nlink == 0;
	st->st_dev = anon_pipe ? PIPEFS_DEV : RAMFS_DEV;
	st->st_ino = ip->ino;
	if (anon_pipe)
		st->st_nlink = 1; /* anonymous pipes say 1, as on Linux */
	else
		st->st_nlink = S_ISDIR(ip->mode) ? (ip->nlink ? dir_nlink((struct inode *)ip) : 0) : ip->nlink;
	st->st_mode = ip->mode;
	st->st_uid = 0;
	st->st_gid = 0;
	st->__pad0 = 0;
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
	st->__unused[0] = st->__unused[1] = st->__unused[2] = 0;
}
_Static_assert(sizeof(struct stat) == 18 * 8, "struct stat: every member is assigned by fill_stat");

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

SYSCALL_DEFINE2(stat, upath_t, filename, uptr_t, statbuf)
{
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, filename, LOOKUP_FOLLOW, false, &ip);
	return err ? err : stat_out(ip, statbuf);
}

SYSCALL_DEFINE2(lstat, upath_t, filename, uptr_t, statbuf)
{
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, filename, 0, false, &ip);
	return err ? err : stat_out(ip, statbuf);
}

/* The file (through fdget) keeps its inode for the whole call: no inode reference. */
SYSCALL_DEFINE2(fstat, fd_t, fd, uptr_t, statbuf)
{
	struct fd d = fdget(fd);
	if (!d.file)
		return -EBADF;
	struct stat st;
	fill_stat(d.file->ip, &st);
	fdput(d);
	return copy_to_user(statbuf, &st, sizeof(st)) ? -EFAULT : 0;
}

/* flag (and statx's flags) is flags64_t (Linux: int, unsigned): fstatat_inode's check has
 * always seen the whole register. */
SYSCALL_DEFINE4(newfstatat, fd_t, dfd, upath_t, filename, uptr_t, statbuf, flags64_t, flag)
{
	struct inode *ip;
	long err = fstatat_inode(dfd, filename, flag, &ip);
	return err ? err : stat_out(ip, statbuf);
}

/* mask is not looked at: the answer is always STATX_BASIC_STATS. */
SYSCALL_DEFINE5(statx, fd_t, dfd, upath_t, filename, flags64_t, flags, flags_t, mask, uptr_t, buffer)
{
	(void)mask;
	struct inode *ip;
	long err = fstatat_inode(dfd, filename, flags, &ip);
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
	return copy_to_user(buffer, &sx, sizeof(sx)) ? -EFAULT : 0;
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

SYSCALL_DEFINE2(statfs, upath_t, pathname, uptr_t, buf)
{
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, pathname, LOOKUP_FOLLOW, false, &ip);
	if (err)
		return err;
	inode_put(ip);
	return statfs_out(buf);
}

SYSCALL_DEFINE2(fstatfs, fd_t, fd, uptr_t, buf)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return statfs_out(buf);
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

/* mode and flags are flags64_t (Linux: int): do_access's checks have always seen the whole
 * register. */
SYSCALL_DEFINE2(access, upath_t, filename, flags64_t, mode)
{
	return do_access(AT_FDCWD, filename, mode, 0);
}

SYSCALL_DEFINE3(faccessat, fd_t, dfd, upath_t, filename, flags64_t, mode)
{
	return do_access(dfd, filename, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, fd_t, dfd, upath_t, filename, flags64_t, mode, flags64_t, flags)
{
	return do_access(dfd, filename, mode, flags);
}

SYSCALL_DEFINE2(ftruncate, fd_t, fd, off_t, length)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long err;
	if (length < 0 || !S_ISREG(f->ip->mode) || !file_writable(f) || (f->flags & O_PATH))
		err = (f->flags & O_PATH) ? -EBADF : -EINVAL;
	else
		err = inode_truncate(f->ip, length);
	file_put(f);
	return err;
}

SYSCALL_DEFINE2(truncate, upath_t, path, off_t, length)
{
	if (length < 0)
		return -EINVAL;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, path, LOOKUP_FOLLOW, false, &ip);
	if (err)
		return err;
	if (S_ISDIR(ip->mode))
		err = -EISDIR;
	else if (!S_ISREG(ip->mode))
		err = -EINVAL;
	else if (ip->deny_write)
		err = -ETXTBSY; /* a running program's image */
	else
		err = inode_truncate(ip, length);
	inode_put(ip);
	return err;
}

/* flags is flags64_t (Linux: int): the check has always seen the whole register. */
SYSCALL_DEFINE4(utimensat, fd_t, dfd, upath_t, filename, uptr_t, utimes, flags64_t, flags)
{
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
	if (!filename) { /* futimens: the file dfd refers to */
		struct file *f = fget(dfd);
		if (!f)
			return -EBADF;
		ip = inode_get(f->ip);
		file_put(f);
	} else if ((err = lookup_user(dfd, filename, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW,
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

SYSCALL_DEFINE2(chmod, upath_t, filename, mode_t, mode)
{
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, filename, LOOKUP_FOLLOW, false, &ip);
	return err ? err : chmod_inode(ip, mode);
}

SYSCALL_DEFINE3(fchmodat, fd_t, dfd, upath_t, filename, mode_t, mode)
{
	struct inode *ip;
	long err = lookup_user(dfd, filename, LOOKUP_FOLLOW, false, &ip);
	return err ? err : chmod_inode(ip, mode);
}

SYSCALL_DEFINE2(fchmod, fd_t, fd, mode_t, mode)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	struct inode *ip = inode_get(f->ip);
	file_put(f);
	return chmod_inode(ip, mode);
}

/* Owners: everything belongs to root and stays so; the calls check their arguments only. */
SYSCALL_DEFINE3(chown, upath_t, filename, unsigned, user, unsigned, group)
{
	(void)user, (void)group;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, filename, LOOKUP_FOLLOW, false, &ip);
	inode_put(err ? NULL : ip);
	return err;
}

SYSCALL_DEFINE3(lchown, upath_t, filename, unsigned, user, unsigned, group)
{
	(void)user, (void)group;
	struct inode *ip;
	long err = lookup_user(AT_FDCWD, filename, 0, false, &ip);
	inode_put(err ? NULL : ip);
	return err;
}

SYSCALL_DEFINE5(fchownat, fd_t, dfd, upath_t, filename, unsigned, user, unsigned, group, flags_t, flag)
{
	(void)user, (void)group;
	struct inode *ip;
	long err = lookup_user(dfd, filename, (flag & AT_SYMLINK_NOFOLLOW) ? 0 : LOOKUP_FOLLOW, flag & AT_EMPTY_PATH, &ip);
	inode_put(err ? NULL : ip);
	return err;
}

SYSCALL_DEFINE3(fchown, fd_t, fd, unsigned, user, unsigned, group)
{
	(void)user, (void)group;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

/* fallocate: mode 0 (grow to offset+len) and FALLOC_FL_KEEP_SIZE (nothing to reserve). */
SYSCALL_DEFINE4(fallocate, fd_t, fd, flags_t, mode, off_t, offset, off_t, len)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (offset < 0 || len <= 0)
		r = -EINVAL;
	else if (!file_writable(f))
		r = -EBADF;
	else if (S_ISFIFO(f->ip->mode))
		r = -ESPIPE;
	else if (!S_ISREG(f->ip->mode))
		r = S_ISDIR(f->ip->mode) ? -EISDIR : -ENODEV;
	else if (mode & ~1) /* only FALLOC_FL_KEEP_SIZE */
		r = -EOPNOTSUPP;
	else if (offset > INT64_MAX - len)
		r = -EFBIG;
	else if (!(mode & 1) && (uint64_t)(offset + len) > f->ip->size)
		r = inode_truncate(f->ip, (uint64_t)(offset + len));
	file_put(f);
	return r;
}
