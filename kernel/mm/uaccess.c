/* uaccess.c: checked access to process memory (uaccess.h). Owns the string copy's checks
 * and the fixup lookup (the range check and copy_{to,from}_user are inline in uaccess.h) the page-fault handler uses; the accesses
 * themselves are in usercopy.S. */
#include "uaccess.h"
#include "lib.h"
#include <asm-generic/errno.h>

int64_t uaccess_strncpy(char *dst, const char *usrc, uint64_t max);
extern const uint64_t uaccess_extable[], uaccess_extable_end[];

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
