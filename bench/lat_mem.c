/* lat_mem.c: address-space system calls.
 *
 *   lat_mem MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases: mmap (mmap of 4 KiB anonymous memory, a write to it, which takes the page fault,
 * and munmap), brk (the program break grown by 4 KiB, the new page touched, and shrunk
 * back; through syscall(SYS_brk), since musl's brk() refuses to move the break).
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include "bench.h"

static void loop_mmap(long n)
{
	for (long i = 0; i < n; i++) {
		volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			bench_die("mmap");
		p[0] = 1;
		munmap((void *)p, 4096);
	}
}

static char *brk0;

static void loop_brk(long n)
{
	for (long i = 0; i < n; i++) {
		char *want = brk0 + 4096;
		char *got = (char *)syscall(SYS_brk, want);
		if (got != want)
			bench_die("brk grow");
		((volatile char *)brk0)[0] = 1;
		syscall(SYS_brk, brk0);
	}
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "mmap brk");
	bench_case("mmap", loop_mmap, 1000);
	/* The break starts unaligned after the data segment; start at a page boundary so that
	 * each grow maps exactly one fresh page. */
	char *cur = (char *)syscall(SYS_brk, 0);
	brk0 = (char *)(((uintptr_t)cur + 4095) & ~(uintptr_t)4095);
	if ((char *)syscall(SYS_brk, brk0) != brk0) {
		fprintf(stderr, "lat_mem: brk not available, brk case skipped\n");
		return 0;
	}
	bench_case("brk", loop_brk, 1000);
	return 0;
}
