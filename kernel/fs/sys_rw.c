/* sys_rw.c: the system calls that move file contents through a descriptor. Owns read,
 * write, pread64, pwrite64, readv, writev, preadv, pwritev (MAX_RW clamping, UIO_MAXIOV,
 * atomic vectors of up to PIPE_BUF bytes to pipes and the tty), lseek (SEEK_DATA and
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

long sys_syncfs(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
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
