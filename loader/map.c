/* map.c: loader_map(), placing the PT_LOAD segments of a checked image into an address space.
 *
 * Owns: turning segments into page ranges (each page mapped exactly once, with the union of
 * the protections of every segment that touches it) and copying the file bytes. Does not
 * own: validation (check.c has accepted the file already and must have seen these same
 * bytes) or how pages are made present (the loader_as callbacks). Pages come zero-filled
 * from map(), so bss and the rest of a partial page need no explicit clearing. */
#include "loader.h"
#include "elf64.h"

#define PAGE_MASK (LOADER_PAGE - 1)

struct seg {                     /* one non-empty PT_LOAD, biased */
	uint64_t lo, hi;             /* its pages: [lo, hi) */
	uint64_t vaddr, offset, filesz, memsz;
	int prot;
};

static int prot_of(uint32_t flags)
{
	return (flags & PF_R ? LOADER_PROT_R : 0) | (flags & PF_W ? LOADER_PROT_W : 0) |
	       (flags & PF_X ? LOADER_PROT_X : 0);
}

/* The next non-empty PT_LOAD at or after program header *i; false when there is none. */
static bool next_seg(const uint8_t *p, const struct loader_image *img, uint64_t bias,
		     unsigned *i, struct seg *s)
{
	for (; *i < img->phnum; (*i)++) {
		struct elf64_phdr ph;
		elf_read_phdr(p + img->phoff + (uint64_t)*i * ELF64_PHDR_SIZE, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		s->vaddr = ph.p_vaddr + bias;
		s->lo = s->vaddr & ~PAGE_MASK;
		s->hi = (s->vaddr + ph.p_memsz + PAGE_MASK) & ~PAGE_MASK;
		s->offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->prot = prot_of(ph.p_flags);
		(*i)++;
		return true;
	}
	return false;
}

/* The protections of the later segments that start in page `page` (they share it). */
static int shared_prot(const uint8_t *p, const struct loader_image *img, uint64_t bias,
		       unsigned i, uint64_t page)
{
	struct seg s;
	int prot = 0;
	while (next_seg(p, img, bias, &i, &s) && s.lo == page)
		prot |= s.prot;
	return prot;
}

static bool bias_ok(const struct loader_image *img, uint64_t bias)
{
	if ((bias & PAGE_MASK) || (!img->pie && bias != 0))
		return false;
	if (img->hi > UINT64_MAX - bias)
		return false;
	return img->lo + bias >= LOADER_PAGE && img->hi + bias <= img->user_limit;
}

/* A segment alone on its pages, whose file bytes sit at the same offsets within a page as
 * its addresses, comes straight from the file (as->map_file): a read-only one whole (the rest
 * of its last page shows the file's next bytes, as on Linux), a writable one as private
 * copy-on-write pages up to its last file byte, the rest of that page cleared and the pages
 * after it zero-filled (its bss). Returns LOADER_OK, an error, or 1: copy it instead. */
static int map_seg_file(const struct seg *s, uint64_t start, int tail, const struct loader_as *as)
{
	if (!as->map_file || start != s->lo || tail || ((s->vaddr - s->offset) & PAGE_MASK) || !s->filesz)
		return 1;
	uint64_t off = s->offset - (s->vaddr - s->lo);
	if (!(s->prot & LOADER_PROT_W)) {
		if (s->memsz != s->filesz)
			return 1;
		return as->map_file(as->ctx, s->lo, s->hi - s->lo, s->prot, off) < 0 ? LOADER_E_MAP : LOADER_OK;
	}
	static const uint8_t zeros[LOADER_PAGE];
	uint64_t fend = s->vaddr + s->filesz, fpages = (fend + PAGE_MASK) & ~PAGE_MASK;
	if (as->map_file(as->ctx, s->lo, fpages - s->lo, s->prot, off) < 0)
		return LOADER_E_MAP;
	if (fpages > fend && as->write(as->ctx, fend, zeros, fpages - fend) < 0)
		return LOADER_E_MAP;
	if (s->hi > fpages && as->map(as->ctx, fpages, s->hi - fpages, s->prot) < 0)
		return LOADER_E_MAP;
	return LOADER_OK;
}

/* Map the pages of s not mapped yet (from *mapped_to on) and copy its file bytes. */
static int map_seg(const uint8_t *p, const struct loader_image *img, uint64_t bias,
		   unsigned next, const struct seg *s, uint64_t *mapped_to,
		   const struct loader_as *as)
{
	uint64_t start = s->lo > *mapped_to ? s->lo : *mapped_to;
	if (start < s->hi) {
		uint64_t last = s->hi - LOADER_PAGE;
		int tail = shared_prot(p, img, bias, next, last);
		int r = map_seg_file(s, start, tail, as);
		if (r <= 0) {
			*mapped_to = s->hi;
			return r;
		}
		if (tail && start < last) {
			if (as->map(as->ctx, start, last - start, s->prot) < 0)
				return LOADER_E_MAP;
			start = last;
		}
		if (as->map(as->ctx, start, s->hi - start, s->prot | tail) < 0)
			return LOADER_E_MAP;
		*mapped_to = s->hi;
	}
	if (s->filesz && as->write(as->ctx, s->vaddr, p + s->offset, s->filesz) < 0)
		return LOADER_E_MAP;
	return LOADER_OK;
}

int loader_map(const void *file, const struct loader_image *img, uint64_t bias,
	       const struct loader_as *as)
{
	const uint8_t *p = file;
	if (!file || !img || !as || !as->map || !as->write)
		return LOADER_E_INVAL;
	if (!bias_ok(img, bias))
		return LOADER_E_BIAS;
	uint64_t mapped_to = 0;
	unsigned i = 0;
	struct seg s;
	while (next_seg(p, img, bias, &i, &s)) {
		int err = map_seg(p, img, bias, i, &s, &mapped_to, as);
		if (err)
			return err;
	}
	return LOADER_OK;
}
