/* usertop: user space ends one page below 2^47, as on Linux (issue 10, item 15).
 *
 * A program that could map the last page (0x7ffffffff000) and execute `syscall` in its last
 * two bytes would make the kernel return to 2^47, a non-canonical address: `sysretq` to it
 * faults in ring 0 on Intel CPUs with the user's stack and GS (the SYSRET bug). So that page
 * is never mappable, by any call, and every call answers as Linux does (ENOMEM for mmap and
 * mprotect, EINVAL for munmap; a hint there is ignored). */
#include "../ring0/r0test.h"
#include <sys/mman.h>

#define LAST_PAGE ((void *)0x7ffffffff000UL)
#define PAGE 4096

int main(void)
{
	r0_start("usertop");
	int fl = MAP_PRIVATE | MAP_ANONYMOUS;
	errno = 0;
	CHECK(mmap(LAST_PAGE, PAGE, PROT_READ | PROT_EXEC, fl | MAP_FIXED, -1, 0) == MAP_FAILED &&
	      errno == ENOMEM, "MAP_FIXED at the last page");
	errno = 0;
	CHECK(mmap(LAST_PAGE, PAGE, PROT_READ, fl | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED &&
	      errno == ENOMEM, "MAP_FIXED_NOREPLACE at the last page");
	errno = 0;
	CHECK(mmap((char *)LAST_PAGE - PAGE, 2 * PAGE, PROT_READ, fl | MAP_FIXED, -1, 0) == MAP_FAILED &&
	      errno == ENOMEM, "MAP_FIXED across the last page");
	void *h = mmap(LAST_PAGE, PAGE, PROT_READ, fl, -1, 0);
	CHECK(h != MAP_FAILED && h != LAST_PAGE, "a hint at the last page is not granted");
	if (h != MAP_FAILED)
		munmap(h, PAGE);
	errno = 0;
	CHECK(munmap(LAST_PAGE, PAGE) == -1 && errno == EINVAL, "munmap of the last page");
	errno = 0;
	CHECK(mprotect(LAST_PAGE, PAGE, PROT_READ) == -1 && errno == ENOMEM, "mprotect of the last page");
	/* The kernel refuses it as a buffer too: nothing can be there. */
	errno = 0;
	CHECK(write(1, LAST_PAGE, 1) == -1 && errno == EFAULT, "write from the last page");
	R0_DONE();
}
