/* t_malloc: malloc/realloc/free from 1 byte to 8 MiB, calloc, many small blocks, alignment. */
#define _GNU_SOURCE
#include "check.h"
#include <malloc.h>
#include <stdint.h>

static volatile size_t huge = SIZE_MAX - 4096, half = SIZE_MAX / 2;
static unsigned lcg_state = 12345;
static unsigned lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state >> 8;
}

/* The first 64 KiB of a block byte by byte, then every 61st byte: enough to see a bad copy,
 * and quick under emulation too. */
#define EACH(i, n) for (size_t i = 0; i < (n); i += i < 65536 ? 1 : 61)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	EACH(i, n)
		p[i] = (unsigned char)(i * 31 + seed);
}

static int same(const unsigned char *p, size_t n, unsigned seed)
{
	EACH(i, n)
		if (p[i] != (unsigned char)(i * 31 + seed))
			return 0;
	return 1;
}

static void sizes(void)
{
	int count = 0;
	for (size_t base = 1; base <= 8u << 20; base *= 2) {
		size_t variants[3] = {base, base + base / 3 + 1, base > 1 ? base - 1 : 1};
		for (int v = 0; v < 3; v++) {
			size_t n = variants[v];
			if (n > 8u << 20)
				continue;
			unsigned char *p = malloc(n);
			CHECK(p != NULL);
			CHECK_EQ((uintptr_t)p % 16, 0);
			fill(p, n, (unsigned)n);
			unsigned char *q = realloc(p, 2 * n + 3); /* grow: contents kept */
			CHECK(q != NULL);
			CHECK(same(q, n, (unsigned)n));
			fill(q, 2 * n + 3, 7);
			p = realloc(q, n / 2 + 1); /* shrink */
			CHECK(p != NULL);
			CHECK(same(p, n / 2 + 1, 7));
			free(p);
			count++;
		}
	}
	printf("malloc/realloc/free: %d sizes up to 8 MiB\n", count);
}

static void zeroed(void)
{
	size_t ns[] = {1, 24, 1000, 4096, 100000, 1 << 20, 5 << 20};
	for (unsigned i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		/* Dirty a block of the same size first so that calloc may get recycled memory. */
		unsigned char *d = malloc(ns[i]);
		CHECK(d != NULL);
		memset(d, 0xa5, ns[i]);
		free(d);
		unsigned char *p = calloc(ns[i], 1);
		CHECK(p != NULL);
		for (size_t j = 0; j < ns[i]; j++)
			if (p[j])
				CHECK(p[j] == 0);
		free(p);
	}
	int *a = calloc(1000, sizeof *a);
	CHECK(a != NULL);
	for (int i = 0; i < 1000; i++)
		CHECK_EQ(a[i], 0);
	free(a);
	errno = 0;
	CHECK(calloc(half, 4) == NULL); /* overflow of the product */
	CHECK_EQ(errno, ENOMEM);
	printf("calloc: zeroed\n");
}

enum { NSMALL = 20000 };
static unsigned char *small[NSMALL];
static unsigned short small_len[NSMALL];

static void many_small(void)
{
	for (int i = 0; i < NSMALL; i++) {
		small_len[i] = (unsigned short)(1 + lcg() % 200);
		small[i] = malloc(small_len[i]);
		CHECK(small[i] != NULL);
		fill(small[i], small_len[i], (unsigned)i);
	}
	/* Free every third, reallocate them with other sizes, then check everything. */
	for (int i = 0; i < NSMALL; i += 3) {
		free(small[i]);
		small_len[i] = (unsigned short)(1 + lcg() % 300);
		small[i] = malloc(small_len[i]);
		CHECK(small[i] != NULL);
		fill(small[i], small_len[i], (unsigned)i);
	}
	for (int i = 0; i < NSMALL; i++)
		CHECK(same(small[i], small_len[i], (unsigned)i));
	for (int i = 0; i < NSMALL; i++) { /* free in a scrambled order */
		int j = (int)(((unsigned)i * 7919u) % NSMALL);
		free(small[j]);
		small[j] = NULL;
	}
	for (int i = 0; i < NSMALL; i++)
		CHECK(small[i] == NULL);
	printf("small blocks: %d\n", NSMALL);
}

static void aligned(void)
{
	for (size_t al = sizeof(void *); al <= 65536; al *= 2) {
		void *p = NULL;
		CHECK_EQ(posix_memalign(&p, al, 100), 0);
		CHECK(p != NULL);
		CHECK_EQ((uintptr_t)p % al, 0);
		memset(p, 1, 100);
		void *q = memalign(al, 3 * al + 5);
		CHECK(q != NULL);
		CHECK_EQ((uintptr_t)q % al, 0);
		memset(q, 2, 3 * al + 5);
		void *r = aligned_alloc(al, al * 2);
		CHECK(r != NULL);
		CHECK_EQ((uintptr_t)r % al, 0);
		free(p);
		free(q);
		free(r);
	}
	void *p = NULL;
	CHECK_EQ(posix_memalign(&p, 3, 100), EINVAL);
	CHECK_EQ(posix_memalign(&p, sizeof(void *) / 2, 100), EINVAL);
	printf("aligned: 8 .. 65536\n");
}

int main(void)
{
	check_init();
	sizes();
	zeroed();
	many_small();
	aligned();
	errno = 0;
	CHECK(malloc(huge) == NULL);
	CHECK_EQ(errno, ENOMEM);
	free(NULL);
	char *p = realloc(NULL, 10);
	CHECK(p != NULL);
	strcpy(p, "ninechars");
	p = realloc(p, 100000);
	CHECK(p != NULL);
	CHECK_STR(p, "ninechars");
	free(p);
	CHECK_DONE("t_malloc");
}
