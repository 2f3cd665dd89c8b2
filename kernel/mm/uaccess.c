/* uaccess.c: checked access to process memory (uaccess.h). Owns the range check (below
 * USER_TOP, no wrap) and the fixup lookup the page-fault handler uses; the accesses
 * themselves are in usercopy.S. */
#include "uaccess.h"
#include "lib.h"
#include <asm-generic/errno.h>

uint64_t uaccess_copy(void *dst, const void *src, uint64_t n);
int64_t uaccess_strncpy(char *dst, const char *usrc, uint64_t max);
extern const uint64_t uaccess_extable[], uaccess_extable_end[];

bool user_range_ok(uint64_t uaddr, size_t n)
{
	return uaddr < USER_TOP && n <= USER_TOP - uaddr;
}

long copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n))
		return -EFAULT;
	return uaccess_copy(dst, (const void *)usrc, n) ? -EFAULT : 0;
}

long copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n))
		return -EFAULT;
	return uaccess_copy((void *)udst, src, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, uint64_t usrc, size_t max)
{
	if (!max)
		return -ENAMETOOLONG;
	if (usrc >= USER_TOP)
		return -EFAULT;
	size_t lim = MIN(max, USER_TOP - usrc);
	int64_t r = uaccess_strncpy(dst, (const char *)usrc, lim);
	if (r < 0)
		return -EFAULT;
	if ((size_t)r == lim) {
		if (lim < max)
			return -EFAULT; /* ran into the end of the lower half */
		dst[max - 1] = 0;
		return -ENAMETOOLONG;
	}
	return r;
}

/* The fixup address for a fault at rip inside usercopy.S, or 0. */
uint64_t uaccess_fixup(uint64_t rip)
{
	for (const uint64_t *e = uaccess_extable; e < uaccess_extable_end; e += 2)
		if (e[0] == rip)
			return e[1];
	return 0;
}
