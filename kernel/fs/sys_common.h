/* sys_common.h: what the file layer's system-call files (fs/sys_*.c) share, and nothing
 * else includes. Owns the prototype of lookup_user (defined in sys_names.c with the other
 * helpers that read paths from user memory) and fd_check. Does not own lookup itself
 * (namei.c), descriptors (file.c) or the list of calls (fs/syscalls.inc). */
#ifndef RZ_SYS_COMMON_H
#define RZ_SYS_COMMON_H
#include "vfs.h"

/* Resolves (dirfd, upath) to a referenced inode. flags: LOOKUP_*; empty_ok: AT_EMPTY_PATH. */
long lookup_user(int dirfd, uint64_t upath, int flags, bool empty_ok, struct inode **out);

/* 0 if fd is an open descriptor, else -EBADF: the calls that only check their argument. */
static inline long fd_check(int fd)
{
	struct file *f = fget(fd);
	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

#endif
