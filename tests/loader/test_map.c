/* test_map.c: loader_map() through the fake address space: bytes, bss, page protections
 * (the union on shared pages), each page mapped once, failures and bad biases. */
#include <string.h>
#include "harness.h"
#include "common.h"
#include "fakeas.h"
#include "elf64.h"

static struct eb b;
static struct loader_image img;

#define R LOADER_PROT_R
#define W LOADER_PROT_W
#define X LOADER_PROT_X

static int all_zero(struct fake_as *f, uint64_t va, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (*fake_ptr(f, va + i) != 0)
			return 0;
	return 1;
}

/* The standard image loaded at base (already biased): check every byte and page. */
static void check_standard(struct fake_as *f, uint64_t base)
{
	CHECK(!f->bad);
	CHECK(memcmp(fake_ptr(f, base), b.buf, 0x400) == 0);
	CHECK(all_zero(f, base + 0x400, 0xc00));
	CHECK(memcmp(fake_ptr(f, base + STD_TEXT_OFF), b.buf + STD_TEXT_OFF, STD_TEXT_SIZE) == 0);
	CHECK(all_zero(f, base + STD_TEXT_OFF + STD_TEXT_SIZE, STD_DATA_OFF - STD_TEXT_OFF - STD_TEXT_SIZE));
	CHECK(memcmp(fake_ptr(f, base + STD_DATA_OFF), b.buf + STD_DATA_OFF, STD_DATA_SIZE) == 0);
	CHECK(all_zero(f, base + STD_DATA_OFF + STD_DATA_SIZE, 0x5000 - STD_DATA_OFF - STD_DATA_SIZE));
	CHECK(fake_prot(f, base) == R);
	CHECK(fake_prot(f, base + 0x1000) == (R | X));
	CHECK(fake_prot(f, base + 0x2000) == (R | W | X));     /* text and data share it */
	CHECK(fake_prot(f, base + 0x3000) == (R | W));
	CHECK(fake_prot(f, base + 0x4000) == (R | W));
	CHECK(fake_prot(f, base + 0x5000) == -1);
}

static void map_exec(void)
{
	struct fake_as f;
	eb_standard(&b, ET_EXEC);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	fake_init(&f, 0x400000, 8);
	struct loader_as as = fake_as(&f);
	CHECK_ERR(loader_map(b.buf, &img, 0, &as), LOADER_OK);
	check_standard(&f, 0x400000);
	fake_free(&f);
}

static void map_dyn(void)
{
	static const uint64_t biases[] = { 0x1000, 0x10000000, 0x7fff00000000ull };
	eb_standard(&b, ET_DYN);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	for (unsigned i = 0; i < 3; i++) {
		struct fake_as f;
		fake_init(&f, biases[i], 8);
		struct loader_as as = fake_as(&f);
		CHECK_ERR(loader_map(b.buf, &img, biases[i], &as), LOADER_OK);
		check_standard(&f, biases[i]);
		fake_free(&f);
	}
}

/* Three segments in one page, a page with no segment, a zero-length segment. */
static void prot_union_multi(void)
{
	struct fake_as f;
	eb_init(&b, ET_EXEC, 0x401010);
	eb_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 4096);
	eb_phdr(&b, PT_LOAD, PF_R, 0x1200, 0x401200, 0x100, 0x100, 4096);
	eb_phdr(&b, PT_LOAD, PF_R, 0x1300, 0x401300, 0, 0, 4096);
	eb_phdr(&b, PT_LOAD, PF_R | PF_W, 0x1400, 0x401400, 0x10, 0x1c00, 4096);
	eb_phdr(&b, PT_LOAD, PF_R, 0x1800, 0x404800, 0x10, 0x10, 4096);
	eb_fill(&b, 0x1000, 0x900, 5);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.lo == 0x401000 && img.hi == 0x405000);
	fake_init(&f, 0x400000, 8);
	struct loader_as as = fake_as(&f);
	CHECK_ERR(loader_map(b.buf, &img, 0, &as), LOADER_OK);
	CHECK(!f.bad);
	CHECK(fake_prot(&f, 0x400000) == -1);
	CHECK(fake_prot(&f, 0x401000) == (R | W | X));
	CHECK(fake_prot(&f, 0x402000) == (R | W));
	CHECK(fake_prot(&f, 0x403000) == -1);
	CHECK(fake_prot(&f, 0x404000) == R);
	CHECK(memcmp(fake_ptr(&f, 0x401000), b.buf + 0x1000, 0x100) == 0);
	CHECK(all_zero(&f, 0x401100, 0x100));
	CHECK(memcmp(fake_ptr(&f, 0x401200), b.buf + 0x1200, 0x100) == 0);
	CHECK(all_zero(&f, 0x401300, 0x100));
	CHECK(memcmp(fake_ptr(&f, 0x401400), b.buf + 0x1400, 0x10) == 0);
	CHECK(all_zero(&f, 0x401410, 0x1bf0));
	CHECK(memcmp(fake_ptr(&f, 0x404800), b.buf + 0x1800, 0x10) == 0);
	CHECK(f.maps <= 4);
	fake_free(&f);
}

static void map_failures(void)
{
	eb_standard(&b, ET_EXEC);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	for (int n = 1; n <= 3; n++) {
		struct fake_as f;
		fake_init(&f, 0x400000, 8);
		f.fail_map_at = n;
		struct loader_as as = fake_as(&f);
		CHECK_ERR(loader_map(b.buf, &img, 0, &as), LOADER_E_MAP);
		fake_free(&f);
		fake_init(&f, 0x400000, 8);
		f.fail_write_at = n;
		as = fake_as(&f);
		CHECK_ERR(loader_map(b.buf, &img, 0, &as), LOADER_E_MAP);
		fake_free(&f);
	}
	struct fake_as f;
	fake_init(&f, 0x400000, 8);
	struct loader_as as = fake_as(&f);
	as.map = NULL;
	CHECK_ERR(loader_map(b.buf, &img, 0, &as), LOADER_E_INVAL);
	fake_free(&f);
}

static void bad_bias(void)
{
	struct fake_as f;
	fake_init(&f, 0x400000, 8);
	struct loader_as as = fake_as(&f);
	eb_standard(&b, ET_EXEC);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK_ERR(loader_map(b.buf, &img, 0x1000, &as), LOADER_E_BIAS);
	eb_standard(&b, ET_DYN);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	static const uint64_t bad[] = { 0, 0x10000100, TEST_USER_LIMIT - 0x4000,
		TEST_USER_LIMIT, UINT64_MAX & ~0xfffull, UINT64_MAX - 0x4fff };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_ERR(loader_map(b.buf, &img, bad[i], &as), LOADER_E_BIAS);
	CHECK(f.maps == 0 && f.writes == 0);
	fake_free(&f);
}

/* map_file: the fake maps the pages and copies the file's bytes there (zeros past its end),
 * as a file mapping would show them; calls are counted. */
static int file_maps;
static int fake_map_file(void *ctx, uint64_t va, uint64_t len, int prot, uint64_t off)
{
	struct loader_as as = fake_as(ctx);
	file_maps++;
	if ((off & 0xfff) || as.map(ctx, va, len, prot) < 0)
		return -1;
	uint8_t *p = fake_ptr(ctx, va);
	for (uint64_t i = 0; i < len; i++)
		p[i] = off + i < b.size ? b.buf[off + i] : 0;
	return 0;
}

/* Segments alone on their pages come from the file (text whole, data copy-on-write with its
 * bss cleared); a read-only one with bss is copied as before. */
static void map_from_file(void)
{
	struct fake_as f;
	eb_init(&b, ET_EXEC, 0x401010);
	eb_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x800, 0x800, 4096);
	eb_phdr(&b, PT_LOAD, PF_R | PF_W, 0x2100, 0x403100, 0x100, 0x2000, 4096);
	eb_phdr(&b, PT_LOAD, PF_R, 0x2400, 0x406400, 0x10, 0x20, 4096);   /* read-only with bss */
	eb_fill(&b, 0x1000, 0x1500, 7);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	fake_init(&f, 0x400000, 8);
	struct loader_as as = fake_as(&f);
	as.map_file = fake_map_file;
	file_maps = 0;
	CHECK_ERR(loader_map(b.buf, &img, 0, &as), LOADER_OK);
	CHECK(!f.bad);
	CHECK(file_maps == 2);
	CHECK(fake_prot(&f, 0x401000) == (R | X));
	CHECK(memcmp(fake_ptr(&f, 0x401000), b.buf + 0x1000, 0x1000) == 0); /* the whole page */
	CHECK(fake_prot(&f, 0x403000) == (R | W));
	CHECK(memcmp(fake_ptr(&f, 0x403000), b.buf + 0x2000, 0x200) == 0);
	CHECK(all_zero(&f, 0x403200, 0xe00));            /* the rest of the last file page */
	CHECK(fake_prot(&f, 0x404000) == (R | W) && all_zero(&f, 0x404000, 0x1000));
	CHECK(fake_prot(&f, 0x405000) == (R | W) && all_zero(&f, 0x405000, 0x1000));
	CHECK(fake_prot(&f, 0x406000) == R);             /* copied: zeros around its bytes */
	CHECK(all_zero(&f, 0x406000, 0x400) && all_zero(&f, 0x406410, 0xbf0));
	CHECK(memcmp(fake_ptr(&f, 0x406400), b.buf + 0x2400, 0x10) == 0);
	fake_free(&f);
}

void tests_map(void)
{
	RUN(map_from_file);
	RUN(map_exec);
	RUN(map_dyn);
	RUN(prot_union_multi);
	RUN(map_failures);
	RUN(bad_bias);
}
