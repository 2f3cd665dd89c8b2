/* sys_rw.c: the system calls that move file contents through a descriptor. Owns read,
 * write, pread64, pwrite64, readv, writev, preadv, pwritev (MAX_RW clamping, UIO_MAXIOV,
 * atomic vectors of up to PIPE_BUF bytes to pipes and the tty, a vector to a socket as one
 * message), lseek (SEEK_DATA and
 * SEEK_HOLE included), sendfile, and the calls that would flush or advise on data (fsync,
 * fdatasync, sync, syncfs, fadvise64: checks only). Does not own what a read or write
 * does to a given kind of file (its file_ops: file.c, pipe.c, dev/), descriptors
 * (sys_fd.c) or sizes set by truncate and fallocate (sys_stat.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"
#include "sys_common.h"

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

/* --- read, write ---------------------------------------------------------------------- */

static inline __attribute__((always_inline)) long rw_check(struct file *f, bool write)
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

/* The read or write itself, on a file the caller holds for the call. Inlined into each
 * caller, so that `write` and `off` are constants there; when off < 0 (read, write) it ends
 * in a tail call of the file's operation, so the common path saves no register. */
static inline __attribute__((always_inline)) long rw_file(struct file *f, uint64_t ubuf, size_t n, bool write, int64_t off)
{
	long err = rw_check(f, write);
	if (err)
		return err;
	if (n > MAX_RW)
		n = MAX_RW;
	uint64_t pos;
	uint64_t *pp = f->ops->seekable ? &f->pos : NULL;
	if (off >= 0) {
		if (!f->ops->seekable)
			return -ESPIPE;
		pos = (uint64_t)off;
		pp = &pos;
		return write ? f->ops->write(f, WSRC_USER(ubuf), n, pp) : f->ops->read(f, ubuf, n, pp);
	}
	return write ? f->ops->write(f, WSRC_USER(ubuf), n, pp) : f->ops->read(f, ubuf, n, pp);
}

/* A shared descriptor table (CLONE_FILES): the file referenced for the call (another thread
 * may close fd meanwhile). */
static __attribute__((noinline)) long rw_shared(int fd, uint64_t ubuf, size_t n, bool write, int64_t off)
{
	struct file *f = fget(fd);
	long r = rw_file(f, ubuf, n, write, off);
	file_put(f);
	return r;
}

/* The descriptor as fdget takes it (vfs.h: no reference when the table is not shared),
 * written out here so that the unshared case can end in rw_file's tail call. */
static inline __attribute__((always_inline)) long do_rw(int fd, uint64_t ubuf, size_t n, bool write, int64_t off)
{
	struct fdtable *t = current_fdtable();
	if (__builtin_expect(!t || t->refs > 1, 0))
		return rw_shared(fd, ubuf, n, write, off);
	return rw_file((unsigned)fd < (unsigned)t->size ? t->fd[fd] : NULL, ubuf, n, write, off);
}

/* read and write when f's FILE_RW_* bit is clear or the count needs the MAX_RW clamp:
 * every check made again, the error as rw_check gives it. */
static __attribute__((noinline)) long rw_checked(struct file *f, uint64_t ubuf, size_t n, bool write)
{
	return rw_file(f, ubuf, n, write, -1);
}

/* read and write: do_rw with the checks that depend only on the file (O_PATH, the access
 * mode, the operation present, seekable) read from f->rw and f->rwpos, done once at open
 * (file_rw_prepare), and the clamp as a test that sends the rare long count to
 * rw_checked. The common case ends in a tail call of the operation. */
static inline __attribute__((always_inline)) long rw_quick(int fd, uint64_t ubuf, size_t n, bool write)
{
	struct fdtable *t = current_fdtable();
	if (__builtin_expect(!t || t->refs > 1, 0))
		return rw_shared(fd, ubuf, n, write, -1);
	unsigned int i = (unsigned int)fd;      /* zero-extended: the register keeps fd */
	struct file *f = i < (unsigned)t->size ? t->fd[i] : NULL;
	if (__builtin_expect(!f, 0))
		return -EBADF;
	if (__builtin_expect(!(f->rw & (write ? FILE_RW_WRITE : FILE_RW_READ)) || n > MAX_RW, 0))
		return rw_checked(f, ubuf, n, write);
	return write ? f->ops->write(f, WSRC_USER(ubuf), n, f->rwpos) : f->ops->read(f, ubuf, n, f->rwpos);
}

SYSCALL_DEFINE3(read, fd_t, fd, uptr_t, buf, size_t, count)
{
	return rw_quick(fd, buf, count, false);
}

SYSCALL_DEFINE3(write, fd_t, fd, uptr_t, buf, size_t, count)
{
	return rw_quick(fd, buf, count, true);
}

SYSCALL_DEFINE4(pread64, fd_t, fd, uptr_t, buf, size_t, count, off_t, pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rw(fd, buf, count, false, pos);
}

SYSCALL_DEFINE4(pwrite64, fd_t, fd, uptr_t, buf, size_t, count, off_t, pos)
{
	if (pos < 0)
		return -EINVAL;
	return do_rw(fd, buf, count, true, pos);
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
	/* A socket takes the vector as one message (net/socket.c). */
	if (total == 0 && file_is_socket(f)) {
		total = sock_file_rwv(f, iov, (int)cnt, MIN(sum, MAX_RW), write);
		kfree(iov);
		file_put(f);
		return total;
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

SYSCALL_DEFINE3(readv, fd_t, fd, uptr_t, vec, size_t, vlen)
{
	return do_rwv(fd, vec, vlen, false, -1);
}

SYSCALL_DEFINE3(writev, fd_t, fd, uptr_t, vec, size_t, vlen)
{
	return do_rwv(fd, vec, vlen, true, -1);
}

/* preadv, pwritev: the offset is pos_l alone (64 bits), pos_h (its high half on 32-bit
 * systems) is ignored, as Linux does on x86_64. pos_l is off_t (Linux: unsigned long): a
 * negative offset is -EINVAL. */
SYSCALL_DEFINE5(preadv, fd_t, fd, uptr_t, vec, size_t, vlen, off_t, pos_l, uint64_t, pos_h)
{
	(void)pos_h;
	if (pos_l < 0)
		return -EINVAL;
	return do_rwv(fd, vec, vlen, false, pos_l);
}

SYSCALL_DEFINE5(pwritev, fd_t, fd, uptr_t, vec, size_t, vlen, off_t, pos_l, uint64_t, pos_h)
{
	(void)pos_h;
	if (pos_l < 0)
		return -EINVAL;
	return do_rwv(fd, vec, vlen, true, pos_l);
}

SYSCALL_DEFINE3(lseek, fd_t, fd, off_t, offset, int, whence)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	int64_t off = offset, base;
	long r;
	if (!f->ops || !f->ops->seekable) {
		r = (f->flags & O_PATH) ? -EBADF : -ESPIPE;
		goto out;
	}
	switch (whence) {
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
		if (whence == SEEK_HOLE)
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

SYSCALL_DEFINE1(fsync, fd_t, fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

SYSCALL_DEFINE1(fdatasync, fd_t, fd) { return fd_check(fd); /* what fsync does */ }

SYSCALL_DEFINE0(sync)
{
	return 0;
}

/* sendfile: from a regular file (as Linux required before 5.12) to anything writable,
 * through a kernel bounce buffer (the source may change while a pipe writer sleeps). */
#define SENDFILE_CHUNK (16384 - 16)

SYSCALL_DEFINE4(sendfile, fd_t, out_fd, fd_t, in_fd, uptr_t, offset, size_t, count)
{
	count = MIN(count, MAX_RW);
	struct file *in = fget(in_fd), *out = fget(out_fd);
	long r = 0;
	char *bounce = NULL;
	if (rw_check(in, false) || rw_check(out, true)) {
		r = -EBADF;
		goto done;
	}
	/* a generated file (/proc) has no contents to copy from: EINVAL, as for a file that
	 * is not mmap-like (Linux splices seq_files; programs fall back to read/write) */
	if (!S_ISREG(in->ip->mode) || in->ip->sops || (out->flags & O_APPEND)) {
		r = -EINVAL;
		goto done;
	}
	int64_t off;
	if (offset) {
		if (copy_from_user(&off, offset, sizeof(off))) {
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
		cond_resched(); /* a preemption point between two chunks */
	}
	if (r == 0) {
		r = (long)total;
		if (offset) {
			if (copy_to_user(offset, &off, sizeof(off)))
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

SYSCALL_DEFINE1(syncfs, fd_t, fd)
{
	return fd_check(fd);
}

/* len is off_t (Linux: size_t here, loff_t in ksys_fadvise64_64) and advice uint64_t
 * (Linux: int): the checks have always seen the whole registers (a negative length, any
 * advice above 5, high bits included, is -EINVAL). */
SYSCALL_DEFINE4(fadvise64, fd_t, fd, off_t, offset, off_t, len, uint64_t, advice)
{
	(void)offset;
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	long r = S_ISFIFO(f->ip->mode) ? -ESPIPE : (len < 0 || advice > 5) ? -EINVAL : 0;
	file_put(f);
	return r;
}
