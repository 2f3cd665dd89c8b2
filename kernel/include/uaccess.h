/* uaccess.h: every kernel access to a process's memory goes through these functions.
 *
 * A "user pointer" is any address a process passes to a system call: in ring 3 it points at
 * user pages, in ring 0 at the process's supervisor pages in the lower half. Both are
 * accepted only below USER_TOP, checked for wrap-around, and accessed with a fault fixup: a
 * bad pointer gives -EFAULT, never a kernel fault. Implemented in mm/uaccess.c (process
 * core; the range check and the copies' call are inline here); used by every system call. */
#ifndef RZ_UACCESS_H
#define RZ_UACCESS_H
#include "types.h"
#include <asm-generic/errno.h>

/* The end of user space: one page below the end of the lower half (2^47), as on Linux. No
 * mapping may reach the last page, so a `syscall` instruction can never sit in the last two
 * bytes below 2^47 and make sysretq return to a non-canonical rip, which faults in ring 0 on
 * Intel CPUs with the program's stack and GS (syscall.S's leaf path relies on this). */
#define USER_TOP 0x00007ffffffff000ULL

/* usercopy.S: n bytes with a fault fixup; returns the bytes not copied (0 when done). */
uint64_t uaccess_copy(void *dst, const void *src, uint64_t n);

/* below USER_TOP, no wrap */
static inline bool user_range_ok(uint64_t uaddr, size_t n)
{
	return uaddr < USER_TOP && n <= USER_TOP - uaddr;
}

/* 0 or -EFAULT. Inline: the range check and one call of the copy. */
static inline long copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return uaccess_copy(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

static inline long copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return uaccess_copy((void *)udst, src, n) ? -EFAULT : 0;
}
/* A NUL-terminated string of at most max-1 bytes into dst: its length, -EFAULT, or
 * -ENAMETOOLONG when no NUL comes within max bytes. */
long strncpy_from_user(char *dst, uint64_t usrc, size_t max);

#endif
