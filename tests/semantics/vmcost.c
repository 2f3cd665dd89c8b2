/* vmcost: the address-space operations whose cost must not grow the wrong way (issue 10,
 * items 11 and 12), measured in guest instructions. The QEMU tests run under
 * -icount shift=0,sleep=off, where the TSC advances one tick per guest instruction, so
 * rdtsc differences are exact, repeatable instruction counts, never times. On another
 * machine (the host) the figures are cycles and the bounds are not checked.
 *
 *   find-free   N one-page mappings packed below each other, then the cost of mapping one
 *               more: it must be linear in the number of areas (one pass), not quadratic
 *               (the search used to rescan the whole list at every step: 2 500 threads took
 *               125 s of guest time).
 *   huge-unmap  munmap and mprotect of a 2^46-byte PROT_NONE mapping with three touched
 *               pages: absent page-table levels are skipped (munmap used to walk every
 *               2 MiB: 1.5e9 instructions in one call; mprotect every 4 KiB).
 *
 * Usage: vmcost [-c] [N]   -c: check the bounds (under icount); N: areas (default 2500). */
#include "../ring0/r0test.h"
#include <sys/mman.h>
#include <x86intrin.h>

static int check_bounds;

static void bound(const char *what, uint64_t got, uint64_t limit)
{
	printf("vmcost: %s: %s\n", what, got <= limit ? "within bound" : "over bound");
	if (check_bounds)
		CHECK(got <= limit, "%s took %llu instructions, bound %llu", what,
		      (unsigned long long)got, (unsigned long long)limit);
	fprintf(stderr, "vmcost: %s: %llu (bound %llu)\n", what, (unsigned long long)got,
		(unsigned long long)limit);
}

static void find_free(long n)
{
	void **maps = calloc(n, sizeof *maps);
	CHECK(maps != NULL, "calloc");
	if (!maps)
		return;
	for (long i = 0; i < n; i++) {
		maps[i] = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(maps[i] != MAP_FAILED, "mmap %ld", i);
		if (maps[i] == MAP_FAILED)
			return;
	}
	uint64_t t0 = __rdtsc();
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t t1 = __rdtsc();
	CHECK(p != MAP_FAILED, "the last mmap");
	/* One pass costs a few instructions per area; a rescan per step costs n per area. */
	bound("find-free: one more mmap beside the areas", t1 - t0, 100 * (uint64_t)n + 20000);
	munmap(p, 4096);
	for (long i = 0; i < n; i++)
		CHECK(munmap(maps[i], 4096) == 0, "munmap %ld", i);
	free(maps);
}

static void huge_unmap(void)
{
	const size_t len = 1ULL << 46;
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(p != MAP_FAILED, "mmap 2^46 PROT_NONE");
	if (p == MAP_FAILED)
		return;
	/* Three touched pages, far apart: page tables exist there and nowhere else. */
	size_t at[3] = {0, len / 2 + 4096 * 7, len - 4096};
	for (int i = 0; i < 3; i++)
		CHECK(mprotect(p + at[i], 4096, PROT_READ | PROT_WRITE) == 0, "mprotect page %d", i);
	for (int i = 0; i < 3; i++)
		p[at[i]] = (char)(i + 1);
	uint64_t t0 = __rdtsc();
	int r = mprotect(p, len, PROT_READ);
	uint64_t t1 = __rdtsc();
	CHECK(r == 0, "mprotect 2^46 PROT_READ");
	for (int i = 0; i < 3; i++)
		CHECK(p[at[i]] == i + 1, "page %d kept its byte", i);
	bound("huge-unmap: mprotect of 2^46 bytes", t1 - t0, 1000000);
	t0 = __rdtsc();
	r = munmap(p, len);
	t1 = __rdtsc();
	CHECK(r == 0, "munmap 2^46");
	bound("huge-unmap: munmap of 2^46 bytes", t1 - t0, 1000000);
	/* Gone: the same range can be mapped again, fixed. */
	void *q = mmap(p + at[1], 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(q == p + at[1], "the range is free again");
	if (q != MAP_FAILED)
		munmap(q, 4096);
}

int main(int argc, char **argv)
{
	r0_start("vmcost");
	int i = 1;
	if (i < argc && !strcmp(argv[i], "-c")) {
		check_bounds = 1;
		i++;
	}
	long n = i < argc ? atol(argv[i]) : 2500;
	R0_PART("find-free", find_free(n));
	R0_PART("huge-unmap", huge_unmap());
	R0_DONE();
}
