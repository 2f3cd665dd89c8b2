/* file.c: open file descriptions, descriptor tables and fs contexts. Owns struct file
 * (reference counted; offset and status flags shared by dup and fork), struct fdtable
 * (64 slots that double as descriptors need them, new descriptors below RLIMIT_NOFILE,
 * close-on-exec bits, shared by
 * CLONE_FILES, copied by fork), struct
 * fs_context (cwd and umask), opening an inode (type checks, O_TRUNC, picking the
 * operations) and the operations of regular files (within RLIMIT_FSIZE) and directories. Does not own path
 * lookup (namei.c), the system calls (sys_*.c) or devices and pipes. */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include <asm/resource.h>
#ifndef SIGXFSZ
#define SIGXFSZ 25 /* <asm/signal.h>, which the host tests' libc headers clash with */
#endif

struct file *file_alloc(struct inode *ip, uint32_t flags, const struct file_ops *ops)
{
	struct file *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->flags = flags;
	f->ip = inode_get(ip);
	f->ops = ops;
	return f;
}

void file_rw_prepare(struct file *f)
{
	const struct file_ops *o = f->ops;
	uint8_t rw = 0;
	if (o && !(f->flags & O_PATH)) {
		if (o->read && file_readable(f))
			rw |= FILE_RW_READ;
		if (o->write && file_writable(f))
			rw |= FILE_RW_WRITE;
	}
	f->rw = rw;
	f->rwpos = o && o->seekable ? &f->pos : NULL;
}

struct file *file_get(struct file *f)
{
	if (f)
		f->refs++;
	return f;
}

void file_put(struct file *f)
{
	if (!f)
		return;
	assert(f->refs > 0);
	if (--f->refs)
		return;
	if (f->epitems)
		epoll_file_gone(f);
	lock_release_file(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	inode_put(f->ip);
	kfree(f);
}

long wsrc_copy(void *dst, struct wsrc src, size_t off, size_t n)
{
	if (src.kernel) {
		memcpy(dst, (const char *)(uintptr_t)src.addr + off, n);
		return 0;
	}
	return copy_from_user(dst, src.addr + off, n);
}

/* --- regular files ----------------------------------------------------------------- */

/* A long copy goes in chunks with a preemption point between two (cond_resched): the
 * inode's buffer and size are looked at again after each, since another task may have
 * written or truncated the file meanwhile (as on Linux, a read concurrent with a write may
 * see part of it). */
#define RW_CHUNK (64 * 1024)

static long reg_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	struct inode *ip = f->ip;
	size_t done = 0;
	while (done < n && *pos < ip->size) {
		if (done)
			cond_resched();
		if (*pos >= ip->size)
			break;
		size_t k = MIN(MIN(n - done, ip->size - *pos), (size_t)RW_CHUNK);
		if (copy_to_user(ubuf + done, ip->data + *pos, k))
			return done ? (long)done : -EFAULT;
		*pos += k;
		done += k;
	}
	return (long)done;
}

/* RLIMIT_FSIZE, as Linux's write checks: a write that starts at or past the limit gets
 * SIGXFSZ and EFBIG (when the signal is ignored or handled); one that would cross it is cut
 * at the limit. */
static long fsize_check(uint64_t pos, size_t *n)
{
	uint64_t lim = current_rlimit(RLIMIT_FSIZE);
	if (lim == RLIM_INFINITY)
		return 0;
	if (pos >= lim) {
		signal_send(current_pid(), SIGXFSZ);
		return -EFBIG;
	}
	if (*n > lim - pos)
		*n = lim - pos;
	return 0;
}

/* One chunk of a write at *pos (room reserved again: a truncate may have run meanwhile). */
static long reg_write_chunk(struct inode *ip, struct wsrc src, size_t off, size_t k, uint64_t *pos)
{
	long err = inode_reserve(ip, *pos + k);
	if (err)
		return err;
	if (*pos > ip->size)
		memset(ip->buf + ip->size, 0, *pos - ip->size); /* a hole reads as zeros */
	if (wsrc_copy(ip->buf + *pos, src, off, k)) {
		if (*pos > ip->size)
			ip->size = *pos; /* keep the zero fill consistent */
		return -EFAULT;
	}
	*pos += k;
	if (*pos > ip->size)
		ip->size = *pos;
	return 0;
}

/* Writers of one file take turns (Linux holds the inode's lock for a write): a write that
 * gives the CPU away between chunks is not interleaved with another, and O_APPEND's end of
 * file is the one after every earlier write. 0, or -ERESTARTSYS for a signal while waiting. */
static long write_begin(struct inode *ip)
{
	uint64_t irq = irq_save();
	while (ip->writing) {
		long e = waitq_sleep(&ip->write_wait);
		if (e) {
			irq_restore(irq);
			return e;
		}
	}
	ip->writing = true;
	irq_restore(irq);
	return 0;
}

static void write_end(struct inode *ip)
{
	ip->writing = false;
	if (ip->write_wait.first)
		waitq_wake_all(&ip->write_wait);
}

static long reg_write_locked(struct file *f, struct wsrc src, size_t n, uint64_t *pos);

static long reg_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	if (n == 0)
		return 0;
	long r = write_begin(f->ip);
	if (r)
		return r;
	r = reg_write_locked(f, src, n, pos);
	write_end(f->ip);
	return r;
}

static long reg_write_locked(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	struct inode *ip = f->ip;
	if (f->flags & O_APPEND)
		*pos = ip->size;
	long err = fsize_check(*pos, &n);
	if (err)
		return err;
	if (*pos >= RZ_FILE_MAX_SIZE)
		return -EFBIG;
	if (n > RZ_FILE_MAX_SIZE - *pos)
		n = RZ_FILE_MAX_SIZE - *pos;
	if (!src.kernel && !user_range_ok(src.addr, n))
		return -EFAULT;
	err = inode_reserve(ip, *pos + n); /* all the room at once: ENOSPC before any byte */
	if (err)
		return err;
	size_t done = 0;
	while (done < n) {
		if (done)
			cond_resched();
		size_t k = MIN(n - done, (size_t)RW_CHUNK);
		err = reg_write_chunk(ip, src, done, k, pos);
		if (err)
			break;
		done += k;
	}
	if (done)
		inode_touch(ip, true);
	return done ? (long)done : err;
}

static unsigned int always_ready(struct file *f)
{
	(void)f;
	return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

const struct file_ops regular_fops = {
	.read = reg_read, .write = reg_write, .poll = always_ready, .seekable = true, .no_epoll = true,
};

static long dir_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)f, (void)ubuf, (void)n, (void)pos;
	return -EISDIR;
}

const struct file_ops dir_fops = {
	.read = dir_read, .poll = always_ready, .seekable = true, .no_epoll = true,
};

struct file *vfs_open_inode(struct inode *ip, uint32_t flags, long *err)
{
	const struct file_ops *ops = NULL;
	uint32_t acc = flags & O_ACCMODE;
	bool wr = acc == O_WRONLY || acc == O_RDWR;
	*err = 0;
	if ((flags & O_DIRECTORY) && !S_ISDIR(ip->mode)) {
		*err = -ENOTDIR;
		return NULL;
	}
	if (flags & O_PATH) {
		flags &= O_PATH | O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW;
	} else if (S_ISDIR(ip->mode)) {
		if (wr || (flags & O_TRUNC) || (flags & O_CREAT && !(flags & O_DIRECTORY))) {
			*err = -EISDIR;
			return NULL;
		}
		ops = &dir_fops;
	} else if (S_ISREG(ip->mode) && ip->sops) {
		ops = ip->sops->fops; /* /proc: opens for writing too (as root on Linux); writes fail */
	} else if (S_ISREG(ip->mode)) {
		if (wr && ip->deny_write) {
			*err = -ETXTBSY; /* a running program's image (Linux) */
			return NULL;
		}
		ops = &regular_fops;
	} else if (S_ISLNK(ip->mode)) {
		*err = -ELOOP; /* O_NOFOLLOW on a symlink */
		return NULL;
	} else if (!S_ISCHR(ip->mode) && !S_ISFIFO(ip->mode)) {
		*err = -ENXIO;
		return NULL;
	}
	struct file *f = file_alloc(ip, flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC), ops);
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	if (flags & O_PATH)
		return f;
	if (S_ISCHR(ip->mode))
		*err = chrdev_open(f);
	else if (S_ISFIFO(ip->mode))
		*err = fifo_open(f);
	if (*err) {
		f->ops = NULL; /* not opened: no release */
		file_put(f);
		return NULL;
	}
	if (S_ISREG(ip->mode) && (flags & O_TRUNC) && wr && !ip->sops) {
		*err = inode_truncate(ip, 0);
		if (*err) {
			file_put(f);
			return NULL;
		}
	}
	file_rw_prepare(f);
	return f;
}

/* --- descriptor tables -------------------------------------------------------------- */

static struct fdtable *fdtable_alloc(void)
{
	struct fdtable *t = kzalloc(sizeof(*t));
	if (t) {
		t->refs = 1;
		t->size = FDTABLE_FIRST;
		t->fd = t->fd_first;
		t->cloexec = t->cloexec_first;
	}
	return t;
}

/* Makes room for descriptor fd: the table doubles until it holds it. 0 or -ENOMEM. */
static long fd_grow(struct fdtable *t, int fd)
{
	int size = t->size;
	while (size <= fd)
		size *= 2;
	if (size == t->size)
		return 0;
	struct file **nfd = kzalloc(sizeof(*nfd) * (size_t)size);
	uint64_t *ncl = kzalloc(sizeof(*ncl) * (size_t)(size / 64));
	if (!nfd || !ncl) {
		kfree(nfd);
		kfree(ncl);
		return -ENOMEM;
	}
	memcpy(nfd, t->fd, sizeof(*nfd) * (size_t)t->size);
	memcpy(ncl, t->cloexec, sizeof(*ncl) * (size_t)(t->size / 64));
	if (t->fd != t->fd_first) {
		kfree(t->fd);
		kfree(t->cloexec);
	}
	t->fd = nfd;
	t->cloexec = ncl;
	t->size = size;
	return 0;
}

static void fdtable_free(struct fdtable *t)
{
	if (t->fd != t->fd_first) {
		kfree(t->fd);
		kfree(t->cloexec);
	}
	kfree(t);
}

static void set_cloexec(struct fdtable *t, int fd, bool on)
{
	if (on)
		t->cloexec[fd / 64] |= 1ULL << (fd % 64);
	else
		t->cloexec[fd / 64] &= ~(1ULL << (fd % 64));
}

/* The descriptors a new one may take: below RLIMIT_NOFILE (at most the table). */
int fd_limit(void)
{
	return (int)MIN(current_rlimit(RLIMIT_NOFILE), (uint64_t)RZ_NR_OPEN);
}

int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec)
{
	int limit = fd_limit();
	if (min < 0)
		return -EINVAL;
	for (int fd = min; fd < limit; fd++)
		if (fd >= t->size || !t->fd[fd]) {
			if (fd >= t->size && fd_grow(t, fd) < 0)
				return -ENOMEM;
			file_rw_prepare(f);
			t->fd[fd] = f;
			set_cloexec(t, fd, cloexec);
			return fd;
		}
	return -EMFILE;
}

long fd_close(struct fdtable *t, int fd)
{
	if (!t || fd < 0 || fd >= t->size || !t->fd[fd])
		return -EBADF;
	struct file *f = t->fd[fd];
	t->fd[fd] = NULL;
	set_cloexec(t, fd, false);
	lock_close_posix(t, f);
	file_put(f);
	return 0;
}

struct file *fget(int fd)
{
	struct fdtable *t = current_fdtable();
	if (!t || fd < 0 || fd >= t->size)
		return NULL;
	return file_get(t->fd[fd]);
}

struct fdtable *fdtable_new_console(void)
{
	struct fdtable *t = fdtable_alloc();
	if (!t)
		return NULL;
	struct inode *ip = ramfs_lookup("/dev/console");
	long err;
	struct file *f = ip ? vfs_open_inode(ip, O_RDWR, &err) : NULL;
	if (f) {
		t->fd[0] = f;
		t->fd[1] = file_get(f);
		t->fd[2] = file_get(f);
	}
	return t;
}

struct fdtable *fdtable_clone(struct fdtable *src)
{
	struct fdtable *t = fdtable_alloc();
	if (!t || !src)
		return t;
	if (fd_grow(t, src->size - 1) < 0) {
		fdtable_free(t);
		return NULL;
	}
	for (int fd = 0; fd < src->size; fd++)
		t->fd[fd] = file_get(src->fd[fd]);
	memcpy(t->cloexec, src->cloexec, sizeof(*t->cloexec) * (size_t)(src->size / 64));
	return t;
}

struct fdtable *fdtable_get(struct fdtable *t)
{
	if (t)
		t->refs++;
	return t;
}

void fdtable_put(struct fdtable *t)
{
	if (!t || --t->refs > 0)
		return;
	for (int fd = 0; fd < t->size; fd++)
		if (t->fd[fd])
			fd_close(t, fd);
	fdtable_free(t);
}

void fdtable_close_on_exec(struct fdtable *t)
{
	if (!t)
		return;
	for (int fd = 0; fd < t->size; fd++)
		if (t->fd[fd] && (t->cloexec[fd / 64] >> (fd % 64) & 1))
			fd_close(t, fd);
}

/* --- fs contexts -------------------------------------------------------------------- */

struct fs_context *fs_context_new(void)
{
	struct fs_context *f = kzalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->refs = 1;
	f->cwd = inode_get(ramfs_root());
	f->umask = 022;
	return f;
}

struct fs_context *fs_context_clone(struct fs_context *src)
{
	struct fs_context *f = fs_context_new();
	if (f && src) {
		inode_put(f->cwd);
		f->cwd = inode_get(src->cwd);
		f->umask = src->umask;
	}
	return f;
}

struct fs_context *fs_context_get(struct fs_context *f)
{
	if (f)
		f->refs++;
	return f;
}

void fs_context_put(struct fs_context *f)
{
	if (!f || --f->refs > 0)
		return;
	inode_put(f->cwd);
	kfree(f);
}

uint32_t fs_umask_swap(uint32_t mask)
{
	struct fs_context *f = current_fs_context();
	if (!f)
		return 022;
	uint32_t old = f->umask;
	f->umask = mask & 0777;
	return old;
}

/* --- execve, mmap and the shell ------------------------------------------------------ */

long fd_file_contents(int fd, struct inode **ipp, const void **data, uint64_t *size)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long err = 0;
	if (f->flags & O_PATH)
		err = -EBADF;
	else if (!S_ISREG(f->ip->mode))
		err = S_ISDIR(f->ip->mode) || S_ISLNK(f->ip->mode) ? -ENODEV : -EACCES;
	else if (!file_readable(f))
		err = -EACCES;
	if (!err) {
		*ipp = inode_get(f->ip);
		*data = f->ip->data;
		*size = f->ip->size;
	}
	file_put(f);
	return err;
}

long vfs_file_contents(const char *kpath, struct inode **ipp, const void **data, uint64_t *size)
{
	struct fs_context *fc = current_fs_context();
	struct inode *ip;
	long err = namei_at(kpath[0] == '/' || !fc ? ramfs_root() : fc->cwd, kpath, LOOKUP_FOLLOW, &ip);
	if (err)
		return err;
	if (!S_ISREG(ip->mode)) {
		err = S_ISDIR(ip->mode) ? -EISDIR : -EACCES;
		inode_put(ip);
		return err;
	}
	*ipp = ip;
	*data = ip->data;
	*size = ip->size;
	return 0;
}

/* --- anonymous descriptors ----------------------------------------------------------- */

/* A descriptor on an object with no name (eventfd, timerfd, signalfd, pidfd): a fresh
 * unlinked inode of mode 0600 with no file type, as Linux's anonymous inodes show in fstat.
 * flags: O_RDWR/O_RDONLY, O_NONBLOCK, O_CLOEXEC. On failure nothing is left behind (release
 * is not called: the caller still owns priv). */
long anon_fd_install(const struct file_ops *ops, void *priv, uint32_t flags)
{
	struct inode *ip = inode_new(0600);
	if (!ip)
		return -ENFILE;
	struct file *f = file_alloc(ip, flags & ~(uint32_t)O_CLOEXEC, ops);
	inode_put(ip);
	if (!f)
		return -ENFILE;
	f->priv = priv;
	int fd = fd_install(current_fdtable(), f, 0, flags & O_CLOEXEC);
	if (fd < 0) {
		f->ops = NULL;
		file_put(f);
	}
	return fd;
}

/* The file open on fd if its operations are ops (referenced): NULL with *err = -EBADF for
 * no such descriptor, -EINVAL for a descriptor of another kind. */
struct file *fget_kind(int fd, const struct file_ops *ops, long *err)
{
	struct file *f = fget(fd);
	*err = f ? (f->ops == ops ? 0 : -EINVAL) : -EBADF;
	if (*err) {
		file_put(f);
		return NULL;
	}
	return f;
}
