/* test_real.c: loader_check() and loader_map() on real static binaries named on the
 * command line: "trusted:PATH" must carry the ringzero note, "plain:PATH" must not. Each
 * file is checked, mapped into the fake address space, and compared with the file:
 * every PT_LOAD's bytes, zeroed bss, and the program headers at phdr_vaddr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "common.h"
#include "fakeas.h"
#include "elf64.h"

static const char *cur_path;
static int cur_trusted;

static uint8_t *slurp(const char *path, uint64_t *size)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
	if (p && fread(p, 1, (size_t)n, fp) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(fp);
	*size = (uint64_t)n;
	return p;
}

static void compare_segments(const uint8_t *file, const struct loader_image *img,
			     struct fake_as *f, uint64_t bias)
{
	for (unsigned i = 0; i < img->phnum; i++) {
		struct elf64_phdr ph;
		elf_read_phdr(file + img->phoff + i * 56ull, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		uint8_t *m = fake_ptr(f, ph.p_vaddr + bias);
		CHECK(m && memcmp(m, file + ph.p_offset, ph.p_filesz) == 0);
		for (uint64_t k = ph.p_filesz; m && k < ph.p_memsz; k++)
			if (m[k]) {
				CHECK(!"bss not zero");
				break;
			}
		int want = (ph.p_flags & PF_R ? LOADER_PROT_R : 0) |
			   (ph.p_flags & PF_W ? LOADER_PROT_W : 0) | (ph.p_flags & PF_X ? LOADER_PROT_X : 0);
		for (uint64_t va = (ph.p_vaddr + bias) & ~0xfffull; va < ph.p_vaddr + bias + ph.p_memsz;
		     va += 4096)
			CHECK(fake_prot(f, va) >= 0 && (fake_prot(f, va) & want) == want);
	}
}

static void real_file(void)
{
	uint64_t size;
	uint8_t *file = slurp(cur_path, &size);
	CHECK(file != NULL);
	if (!file)
		return;
	struct loader_image img;
	CHECK_ERR(loader_check(file, size, TEST_USER_LIMIT, &img), LOADER_OK);
	CHECK(img.trusted == cur_trusted);
	CHECK(img.hi > img.lo && img.hi - img.lo < (256u << 20));
	uint64_t bias = img.pie ? 0x7f0000000000ull : 0;
	struct fake_as f;
	fake_init(&f, img.lo + bias, (img.hi - img.lo) / 4096);
	struct loader_as as = fake_as(&f);
	CHECK_ERR(loader_map(file, &img, bias, &as), LOADER_OK);
	CHECK(!f.bad);
	compare_segments(file, &img, &f, bias);
	CHECK(img.phdr_vaddr != 0);
	uint8_t *ph = img.phdr_vaddr ? fake_ptr(&f, img.phdr_vaddr + bias) : NULL;
	CHECK(ph && memcmp(ph, file + img.phoff, img.phnum * 56ull) == 0);
	fake_free(&f);
	free(file);
}

void tests_real(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		char name[512];
		const char *arg = argv[i], *colon = strchr(arg, ':');
		cur_trusted = strncmp(arg, "trusted:", 8) == 0;
		cur_path = colon ? colon + 1 : arg;
		const char *base = strrchr(cur_path, '/');
		snprintf(name, sizeof name, "real_%s%s", cur_trusted ? "trusted_" : "",
			 base ? base + 1 : cur_path);
		for (char *c = name; *c; c++)
			if (*c == ' ')
				*c = '_';
		t_run(name, real_file);
	}
}
