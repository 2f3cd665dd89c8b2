/* fuzz_check.c: a deterministic mutation fuzzer for loader_check() and loader_map(), run
 * under ASan/UBSan by the test group (no libFuzzer needed).
 *
 * Seeds: the builder's standard images (ET_EXEC and ET_DYN, some variants) and any files
 * named on the command line. Each iteration copies a seed to an exact-size heap buffer,
 * mutates it (bytes, 16/32/64-bit fields in the headers set to boundary values, truncation)
 * and runs loader_check(); when it accepts, the image must satisfy the invariants below and
 * map cleanly into the fake address space (each page once, the file bytes in place).
 * Usage: fuzz_check ITERATIONS [FILE...]; prints one PASS/FAIL line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loader.h"
#include "elf64.h"
#include "elfbuild.h"
#include "fakeas.h"

#define MAX_SEEDS 16

struct seed { uint8_t *p; uint64_t size; };
static struct seed seeds[MAX_SEEDS];
static int nseeds, nbuilt;   /* seeds; the first nbuilt are the small built ones */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static int failures;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void add_seed(const uint8_t *p, uint64_t size)
{
	if (nseeds == MAX_SEEDS || size > (8u << 20))
		return;
	seeds[nseeds].p = malloc(size);
	memcpy(seeds[nseeds].p, p, size);
	seeds[nseeds++].size = size;
}

static void add_built_seeds(void)
{
	static struct eb b;
	eb_standard(&b, ET_EXEC);
	add_seed(b.buf, b.size);
	eb_standard(&b, ET_DYN);
	add_seed(b.buf, b.size);
	eb_standard(&b, ET_EXEC);                /* with PT_PHDR and 8-aligned notes */
	eb_phdr(&b, PT_PHDR, PF_R, 64, 0x400040, 56 * 6, 56 * 6, 8);
	eb_set64(&b, eb_ph_off(3, PH_ALIGN), 8);
	add_seed(b.buf, b.size);
	eb_standard(&b, ET_EXEC);                /* the note last in the file: overreads show */
	uint64_t end = b.size;
	eb_trust_note(&b, end);
	eb_set64(&b, eb_ph_off(3, PH_OFFSET), end);
	add_seed(b.buf, b.size);
}

static void add_file_seed(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return;
	static uint8_t buf[8u << 20];
	size_t n = fread(buf, 1, sizeof buf, fp);
	fclose(fp);
	add_seed(buf, n);
}

static const uint64_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 9, 12, 55, 56, 57, 63, 64, 0x3ff, 0x400, 0xfff, 0x1000, 0x1001,
	0x2000, 0x400000, 0x401000, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x40000000, 0x40000001, 0x7ffffffff000ull, 0x800000000000ull, 0x7fffffffffffffffull,
	0x8000000000000000ull, 0xfffffffffffff000ull, 0xffffffffffffffc0ull, UINT64_MAX,
};

/* Set a 1/2/4/8-byte little-endian field at off to v. */
static void poke(uint8_t *p, uint64_t size, uint64_t off, int width, uint64_t v)
{
	for (int i = 0; i < width && off + i < size; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void mutate(uint8_t *p, uint64_t *size)
{
	int n = 1 + (int)(next() % 4);
	for (int k = 0; k < n && *size; k++) {
		uint64_t r = next();
		/* mostly the headers (first 1 KiB), sometimes anywhere */
		uint64_t span = (r & 3) ? (*size < 1024 ? *size : 1024) : *size;
		uint64_t off = next() % span;
		switch ((r >> 2) % 5) {
		case 0:
			p[off] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1:
			p[off] = (uint8_t)next();
			break;
		case 2: {
			static const int widths[] = { 2, 4, 8 };
			uint64_t v = interesting[next() % (sizeof interesting / sizeof interesting[0])];
			if (next() & 1)
				v += next() % 5 - 2;
			poke(p, *size, off & ~(uint64_t)1, widths[next() % 3], v);
			break;
		}
		case 3:                                  /* a field of some program header */
			poke(p, *size, 64 + (next() % 8) * 56 + (next() % 7) * 8, 8,
			     interesting[next() % (sizeof interesting / sizeof interesting[0])]);
			break;
		default:
			*size = next() % (*size + 1);
			break;
		}
	}
}

static void fail(uint64_t iter, const char *why)
{
	if (failures++ < 10)
		fprintf(stderr, "  fuzz_check: iteration %llu: %s\n", (unsigned long long)iter, why);
}

/* An accepted image: its description must hold together and it must map cleanly. */
static void check_accepted(uint64_t iter, const uint8_t *p, const struct loader_image *img)
{
	if (img->lo % 4096 || img->hi % 4096 || img->lo >= img->hi ||
	    img->hi - img->lo > LOADER_MAX_SPAN || img->entry < img->lo || img->entry >= img->hi)
		fail(iter, "accepted image with an inconsistent description");
	if (img->hi - img->lo > (16u << 20))
		return;                          /* valid but too big to map in a test */
	uint64_t bias = img->pie ? 0x10000000 : 0;
	struct fake_as f;
	fake_init(&f, img->lo + bias, (img->hi - img->lo) / 4096);
	struct loader_as as = fake_as(&f);
	if (loader_map(p, img, bias, &as) != LOADER_OK || f.bad)
		fail(iter, "accepted image does not map cleanly");
	for (unsigned i = 0; i < img->phnum; i++) {
		struct elf64_phdr ph;
		elf_read_phdr(p + img->phoff + i * 56ull, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		if (ph.p_filesz &&
		    memcmp(fake_ptr(&f, ph.p_vaddr + bias), p + ph.p_offset, ph.p_filesz) != 0)
			fail(iter, "segment bytes not in place");
		int want = (ph.p_flags & PF_R ? LOADER_PROT_R : 0) |
			   (ph.p_flags & PF_W ? LOADER_PROT_W : 0) | (ph.p_flags & PF_X ? LOADER_PROT_X : 0);
		for (uint64_t va = (ph.p_vaddr + bias) & ~0xfffull; va < ph.p_vaddr + bias + ph.p_memsz;
		     va += 4096)
			if (fake_prot(&f, va) < 0 || (fake_prot(&f, va) & want) != want)
				fail(iter, "a page lacks the protection of a segment in it");
	}
	fake_free(&f);
}

int main(int argc, char **argv)
{
	uint64_t iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 5000, accepted = 0;
	add_built_seeds();
	nbuilt = nseeds;
	for (int i = 2; i < argc; i++)
		add_file_seed(argv[i]);
	for (uint64_t it = 0; it < iters; it++) {
		/* file seeds are large (slow under ASan): one iteration in 16 */
		const struct seed *s = nseeds > nbuilt && it % 16 == 0 ?
			&seeds[nbuilt + (it / 16) % (nseeds - nbuilt)] : &seeds[it % nbuilt];
		uint64_t size = s->size;
		uint8_t *p = malloc(size ? size : 1);
		memcpy(p, s->p, size);
		mutate(p, &size);
		uint8_t *exact = malloc(size ? size : 1);     /* exact size: ASan sees overreads */
		memcpy(exact, p, size);
		free(p);
		struct loader_image img;
		int err = loader_check(exact, size, 0x800000000000ull, &img);
		if (err == LOADER_OK) {
			accepted++;
			check_accepted(it, exact, &img);
		} else if (err < 0 || err >= LOADER_NERR) {
			fail(it, "error code out of range");
		}
		free(exact);
	}
	printf("%s fuzz_check (%llu mutants, %llu accepted)\n", failures ? "FAIL" : "PASS",
	       (unsigned long long)iters, (unsigned long long)accepted);
	for (int i = 0; i < nseeds; i++)
		free(seeds[i].p);
	return failures ? 1 : 0;
}
