/* files_fallback.c: stand-ins for the file layer until it lands. Every function here is
 * weak: the file layer's strong definitions (fs/, dev/) replace them at link time. The
 * descriptor tables and fs contexts are a dummy object; vfs_file_contents reads the
 * initramfs tree (ramfs_lookup); and a few system calls (write/writev to fds 1 and 2 on
 * the serial console, read = EOF, ioctl = ENOTTY, close) are offered to the table
 * only for numbers the file layer's fs/syscalls.inc does not list. */
#include "console.h"
#include "files.h"
#include "fs.h"
#include "lib.h"
#include "proc.h"
#include "syscall.h"
#include "uaccess.h"
#include <asm-generic/errno.h>
#include <asm/unistd_64.h>

#define WEAK __attribute__((weak))

static long dummy_object;

WEAK struct fdtable *fdtable_new_console(void) { return (struct fdtable *)&dummy_object; }
WEAK struct fdtable *fdtable_clone(struct fdtable *t) { return t; }
WEAK struct fdtable *fdtable_get(struct fdtable *t) { return t; }
WEAK void fdtable_put(struct fdtable *t) { (void)t; }
WEAK void fdtable_close_on_exec(struct fdtable *t) { (void)t; }
WEAK struct fs_context *fs_context_new(void) { return (struct fs_context *)&dummy_object; }
WEAK struct fs_context *fs_context_clone(struct fs_context *f) { return f; }
WEAK struct fs_context *fs_context_get(struct fs_context *f) { return f; }
WEAK void fs_context_put(struct fs_context *f) { (void)f; }
WEAK void inode_put(struct inode *ip) { (void)ip; }

WEAK long vfs_file_contents(const char *kpath, struct inode **ip, const void **data, uint64_t *size)
{
	struct rnode *n = ramfs_lookup(kpath);
	if (!n)
		return -ENOENT;
	if ((n->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if ((n->mode & S_IFMT) != S_IFREG)
		return -EACCES;
	*ip = (struct inode *)n;
	*data = n->data;
	*size = n->size;
	return 0;
}

static long fb_write(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	int fd = (int)a0;
	if (fd != 1 && fd != 2)
		return -EBADF;
	char buf[256];
	size_t done = 0;
	while (done < a2) {
		size_t n = MIN(a2 - done, sizeof(buf));
		if (copy_from_user(buf, a1 + done, n))
			return done ? (long)done : -EFAULT;
		console_write(buf, n);
		done += n;
	}
	return (long)done;
}

static long fb_writev(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	long total = 0;
	if ((int)a2 < 0 || a2 > 1024)
		return -EINVAL;
	for (uint64_t i = 0; i < a2; i++) {
		uint64_t iov[2];
		if (copy_from_user(iov, a1 + i * 16, sizeof(iov)))
			return -EFAULT;
		long r = fb_write(a0, iov[0], iov[1], 0, 0, 0);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

static long fb_read(SYSCALL_ARGS)
{
	SYSCALL_UNUSED;
	if ((int)a0 != 0)
		return -EBADF;
	return user_range_ok(a1, a2) ? 0 : -EFAULT;
}

static long fb_ioctl(SYSCALL_ARGS) { SYSCALL_UNUSED; return -ENOTTY; }
static long fb_close(SYSCALL_ARGS) { SYSCALL_UNUSED; return 0; }

WEAK uint32_t fs_umask_swap(uint32_t mask)
{
	uint32_t old = current->umask;
	current->umask = mask & 0777;
	return old;
}

struct fallback_syscall {
	int nr;
	syscall_fn fn;
};
const struct fallback_syscall files_fallback_syscalls[] = {
	{__NR_write, fb_write}, {__NR_writev, fb_writev}, {__NR_read, fb_read},
	{__NR_ioctl, fb_ioctl}, {__NR_close, fb_close},
	{0, NULL},
};
