/* test_check.c: loader_check() on built images: the valid ones, then one test per rule,
 * each expecting its own error code. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "common.h"
#include "elf64.h"
#include "note.h"

int check_exact(const struct eb *b, uint64_t size, uint64_t limit, struct loader_image *img)
{
	uint8_t *copy = malloc(size ? size : 1);
	if (!copy)
		abort();
	memcpy(copy, b->buf, size);
	int err = loader_check(copy, size, limit, img);
	free(copy);
	return err;
}

int check_eb(const struct eb *b, struct loader_image *img)
{
	return check_exact(b, b->size, TEST_USER_LIMIT, img);
}

static struct eb b;              /* the image under test (64 KiB: not on the stack) */
static struct loader_image img;

/* The standard image with one field of program header ph changed. */
static int check_with(uint16_t type, int ph, uint64_t field, uint64_t value)
{
	eb_standard(&b, type);
	eb_set64(&b, eb_ph_off(ph, field), value);
	return check_eb(&b, &img);
}

static void valid_exec(void)
{
	eb_standard(&b, ET_EXEC);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.entry == 0x401010);
	CHECK(img.lo == 0x400000 && img.hi == 0x405000);
	CHECK(img.phdr_vaddr == 0x400040);
	CHECK(img.phnum == 5 && img.phentsize == 56);
	CHECK(!img.pie && img.trusted && !img.exec_stack);
	CHECK(img.align == 4096);
}

static void valid_dyn(void)
{
	eb_standard(&b, ET_DYN);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.entry == 0x1010 && img.lo == 0 && img.hi == 0x5000);
	CHECK(img.phdr_vaddr == 0x40 && img.pie && img.trusted);
}

static void truncated_header(void)
{
	eb_standard(&b, ET_EXEC);
	for (uint64_t n = 0; n < 64; n++)
		CHECK_ERR(check_exact(&b, n, TEST_USER_LIMIT, &img), LOADER_E_TRUNCATED);
	CHECK_ERR(loader_check(NULL, 0, TEST_USER_LIMIT, &img), LOADER_E_TRUNCATED);
}

static void truncated_anywhere(void)
{
	/* Every shorter prefix of a valid file fails cleanly (ASan watches the reads). */
	eb_standard(&b, ET_EXEC);
	for (uint64_t n = 0; n < b.size; n += (n < 0x400 ? 1 : 61))
		CHECK(check_exact(&b, n, TEST_USER_LIMIT, &img) != LOADER_OK);
}

static void ident_errors(void)
{
	static const struct { int off; uint8_t val; int err; } cases[] = {
		{ 0, 0x7e, LOADER_E_MAGIC }, { 1, 'e', LOADER_E_MAGIC }, { 3, 'G', LOADER_E_MAGIC },
		{ EI_CLASS, 1, LOADER_E_CLASS }, { EI_CLASS, 0, LOADER_E_CLASS },
		{ EI_DATA, 2, LOADER_E_DATA }, { EI_DATA, 0, LOADER_E_DATA },
		{ EI_VERSION, 0, LOADER_E_VERSION }, { EI_VERSION, 2, LOADER_E_VERSION },
	};
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set8(&b, cases[i].off, cases[i].val);
		CHECK_ERR(check_eb(&b, &img), cases[i].err);
	}
	eb_standard(&b, ET_EXEC);
	eb_set32(&b, 20, 2);                     /* e_version */
	CHECK_ERR(check_eb(&b, &img), LOADER_E_VERSION);
}

static void wrong_machine(void)
{
	static const uint16_t machines[] = { 0, 3 /* 386 */, 40 /* ARM */, 183 /* AArch64 */ };
	for (unsigned i = 0; i < 4; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set16(&b, 18, machines[i]);
		CHECK_ERR(check_eb(&b, &img), LOADER_E_MACHINE);
	}
}

static void wrong_type(void)
{
	static const uint16_t types[] = { 0, 1 /* REL */, 4 /* CORE */, 0xfe00, 0xffff };
	for (unsigned i = 0; i < 5; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set16(&b, 16, types[i]);
		CHECK_ERR(check_eb(&b, &img), LOADER_E_TYPE);
	}
}

static void bad_phentsize(void)
{
	static const uint16_t sizes[] = { 0, 32, 55, 57, 64, 0xffff };
	for (unsigned i = 0; i < 6; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set16(&b, 54, sizes[i]);
		CHECK_ERR(check_eb(&b, &img), LOADER_E_PHENTSIZE);
	}
}

static void phdrs_outside(void)
{
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, 32, b.size - 56 * 5 + 1);  /* the last header ends one byte past the file */
	CHECK_ERR(check_eb(&b, &img), LOADER_E_PHDRS_OUTSIDE);
	eb_set64(&b, 32, b.size + 4096);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_PHDRS_OUTSIDE);
	eb_standard(&b, ET_EXEC);
	eb_set16(&b, 56, 0xffff);               /* e_phnum far too large */
	CHECK_ERR(check_eb(&b, &img), LOADER_E_PHDRS_OUTSIDE);
}

static void phdrs_overflow(void)
{
	/* phoff + phnum * 56 wraps around 2^64 to a small number */
	static const uint64_t offs[] = { UINT64_MAX - 20, UINT64_MAX - 56 * 5 + 65, UINT64_MAX };
	for (unsigned i = 0; i < 3; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set64(&b, 32, offs[i]);
		CHECK_ERR(check_eb(&b, &img), LOADER_E_PHDRS_OUTSIDE);
	}
}

static void no_load(void)
{
	eb_standard(&b, ET_EXEC);
	eb_set16(&b, 56, 0);                     /* no program headers at all */
	CHECK_ERR(check_eb(&b, &img), LOADER_E_NO_LOAD);
	eb_init(&b, ET_EXEC, 0x401000);
	uint64_t n = eb_trust_note(&b, 0x300);
	eb_phdr(&b, PT_NOTE, PF_R, 0x300, 0x400300, n, n, 4);
	eb_phdr(&b, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_NO_LOAD);
	eb_init(&b, ET_EXEC, 0x401000);          /* only an empty PT_LOAD */
	eb_phdr(&b, PT_LOAD, PF_R | PF_X, 0, 0x400000, 0, 0, 4096);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_NO_LOAD);
}

static void interp(void)
{
	eb_standard(&b, ET_DYN);
	eb_put(&b, 0x380, "/lib/ld-musl-x86_64.so.1", 25);
	eb_phdr(&b, PT_INTERP, PF_R, 0x380, 0x380, 25, 25, 1);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_INTERP);
	CHECK(strstr(loader_strerror(LOADER_E_INTERP), "statically") != NULL);
}

static void filesz_gt_memsz(void)
{
	CHECK_ERR(check_with(ET_EXEC, 2, PH_MEMSZ, STD_DATA_SIZE - 1), LOADER_E_FILESZ_GT_MEMSZ);
	CHECK_ERR(check_with(ET_EXEC, 1, PH_MEMSZ, 0), LOADER_E_FILESZ_GT_MEMSZ);
}

static void seg_outside_file(void)
{
	CHECK_ERR(check_with(ET_EXEC, 2, PH_FILESZ, STD_DATA_SIZE + 1), LOADER_E_SEG_OUTSIDE_FILE);
	/* offset + filesz wraps: offset huge (and congruent with vaddr), filesz small */
	CHECK_ERR(check_with(ET_EXEC, 2, PH_OFFSET, UINT64_MAX - 0xfff + 0x240),
		  LOADER_E_SEG_OUTSIDE_FILE);
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(2, PH_FILESZ), UINT64_MAX - 0x100);
	eb_set64(&b, eb_ph_off(2, PH_MEMSZ), UINT64_MAX);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_SEG_OUTSIDE_FILE);
	/* a PT_NOTE outside the file */
	CHECK_ERR(check_with(ET_EXEC, 3, PH_OFFSET, 0x100000), LOADER_E_SEG_OUTSIDE_FILE);
}

static void wrapping_vaddr(void)
{
	CHECK_ERR(check_with(ET_DYN, 2, PH_VADDR, 0xfffffffffffff240ull), LOADER_E_WRAP);
	/* the end itself fits, but rounding it up to a page wraps */
	eb_standard(&b, ET_DYN);
	eb_set64(&b, eb_ph_off(2, PH_VADDR), 0xffffffffffffd240ull);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_WRAP);
}

static void overlapping(void)
{
	/* data starts inside text */
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(2, PH_VADDR), 0x402230);
	eb_set64(&b, eb_ph_off(2, PH_OFFSET), 0x2230);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_OVERLAP);
	/* the same segment twice */
	eb_standard(&b, ET_EXEC);
	eb_phdr(&b, PT_LOAD, PF_R | PF_W, STD_DATA_OFF, 0x400000 + STD_DATA_OFF, 1, 1, 4096);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_OVERLAP);
	/* touching exactly (end == start) is fine: the shared-page case */
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(2, PH_VADDR), 0x402234);
	eb_set64(&b, eb_ph_off(2, PH_OFFSET), 0x2234);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
}

static void unsorted(void)
{
	eb_init(&b, ET_EXEC, 0x401010);
	eb_phdr(&b, PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 4096);
	eb_phdr(&b, PT_LOAD, PF_R, 0, 0x400000, 0x400, 0x400, 4096);
	eb_fill(&b, 0x1000, 0x100, 3);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_ORDER);
}

static void misaligned(void)
{
	CHECK_ERR(check_with(ET_EXEC, 1, PH_OFFSET, STD_TEXT_OFF + 8), LOADER_E_ALIGN);
	CHECK_ERR(check_with(ET_EXEC, 2, PH_OFFSET, STD_DATA_OFF - 0x40), LOADER_E_ALIGN);
	/* same residue, different page: fine */
	CHECK_ERR(check_with(ET_EXEC, 2, PH_OFFSET, STD_DATA_OFF - 0x1000), LOADER_OK);
}

static void huge(void)
{
	CHECK_ERR(check_with(ET_EXEC, 2, PH_MEMSZ, 1ull << 40), LOADER_E_TOO_BIG);
	CHECK_ERR(check_with(ET_EXEC, 2, PH_MEMSZ, LOADER_MAX_SPAN + 1), LOADER_E_TOO_BIG);
	CHECK_ERR(check_with(ET_DYN, 2, PH_MEMSZ, UINT64_MAX), LOADER_E_TOO_BIG);
	/* each segment small, the span between them more than 1 GiB */
	CHECK_ERR(check_with(ET_EXEC, 2, PH_VADDR, 0x400000 + STD_DATA_OFF + (3ull << 30)),
		  LOADER_E_TOO_BIG);
}

static void addresses(void)
{
	/* ET_EXEC in page 0 */
	eb_init(&b, ET_EXEC, 0x10);
	eb_phdr(&b, PT_LOAD, PF_R | PF_X, 0, 0, 0x400, 0x400, 4096);
	eb_set8(&b, 0x3ff, 0);
	CHECK_ERR(check_eb(&b, &img), LOADER_E_ADDR);
	eb_set16(&b, 16, ET_DYN);                /* the same at address 0 is a fine PIE */
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	/* ET_EXEC reaching past user_limit */
	eb_standard(&b, ET_EXEC);
	CHECK_ERR(check_exact(&b, b.size, 0x404000, &img), LOADER_E_ADDR);
	CHECK_ERR(check_exact(&b, b.size, 0x405000, &img), LOADER_OK);
	/* ET_DYN: only the span counts against user_limit */
	eb_standard(&b, ET_DYN);
	CHECK_ERR(check_exact(&b, b.size, 0x4000, &img), LOADER_E_ADDR);
	CHECK_ERR(check_exact(&b, b.size, 0x5000, &img), LOADER_OK);
}

static void entry_outside_text(void)
{
	static const uint64_t bad[] = { 0, 0x400000, 0x400010, 0x400fff, 0x401000 + STD_TEXT_SIZE,
		0x402300 /* data */, 0x404000 /* bss */, UINT64_MAX };
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set64(&b, 24, bad[i]);
		CHECK_ERR(check_eb(&b, &img), LOADER_E_ENTRY);
	}
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, 24, 0x401000);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	eb_set64(&b, 24, 0x401000 + STD_TEXT_SIZE - 1);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
}

/* A note whose sizes run past the end of its segment. */
static void lying_note(void)
{
	static const uint32_t namesz[] = { 13, 17, 0x1000, 0x7fffffff, 0xfffffffd, 0xffffffff };
	for (unsigned i = 0; i < sizeof namesz / sizeof namesz[0]; i++) {
		eb_standard(&b, ET_EXEC);
		eb_set32(&b, STD_NOTE_OFF, namesz[i]);
		CHECK_ERR(check_eb(&b, &img), LOADER_E_NOTE);
	}
	eb_standard(&b, ET_EXEC);
	eb_set32(&b, STD_NOTE_OFF + 4, 0xfffffff0);     /* descsz */
	CHECK_ERR(check_eb(&b, &img), LOADER_E_NOTE);
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(3, PH_FILESZ), 27);      /* segment cuts the desc short */
	CHECK_ERR(check_eb(&b, &img), LOADER_E_NOTE);
}

static void note_variants(void)
{
	const uint8_t v2[4] = { 2, 0, 0, 0 }, v1[4] = { 1, 0, 0, 0 };
	const uint8_t build_id[20] = { 1, 2, 3 };
	/* not the mark: wrong version, wrong name, wrong type, truncated name */
	eb_standard(&b, ET_EXEC);
	eb_note(&b, STD_NOTE_OFF, 9, "ringzero", RINGZERO_NOTE_TRUSTED, 4, v2);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(!img.trusted);
	eb_note(&b, STD_NOTE_OFF, 9, "ringzerO", RINGZERO_NOTE_TRUSTED, 4, v1);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(!img.trusted);
	eb_note(&b, STD_NOTE_OFF, 9, "ringzero", 1, 4, v1);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(!img.trusted);
	eb_note(&b, STD_NOTE_OFF, 8, "ringzero", RINGZERO_NOTE_TRUSTED, 4, v1);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(!img.trusted);
	/* the mark after a GNU build-id note, in one PT_NOTE */
	eb_standard(&b, ET_EXEC);
	uint64_t n = eb_note(&b, STD_NOTE_OFF, 4, "GNU", 3, 20, build_id);
	n += eb_trust_note(&b, STD_NOTE_OFF + n);
	eb_set64(&b, eb_ph_off(3, PH_FILESZ), n);
	eb_set64(&b, eb_ph_off(3, PH_MEMSZ), n);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.trusted);
	/* no PT_NOTE: untrusted; a note-sized hole at the end is ignored */
	eb_standard(&b, ET_EXEC);
	eb_set32(&b, eb_ph_off(3, PH_TYPE), PT_NULL);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(!img.trusted);
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(3, PH_FILESZ), 28 + 11);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.trusted);
	/* 8-byte note alignment (as .note.gnu.property): desc at 24, fine for the mark too */
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(3, PH_ALIGN), 8);
	eb_set64(&b, eb_ph_off(3, PH_FILESZ), 28);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.trusted);
}

static void gnu_stack_and_phdr(void)
{
	eb_standard(&b, ET_EXEC);
	eb_set32(&b, eb_ph_off(4, PH_FLAGS), PF_R | PF_W | PF_X);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.exec_stack);
	eb_phdr(&b, PT_PHDR, PF_R, 64, 0x400040, 56 * 6, 56 * 6, 8);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.phdr_vaddr == 0x400040 && img.phnum == 6);
	/* headers not inside any PT_LOAD: phdr_vaddr 0 */
	eb_standard(&b, ET_EXEC);
	eb_set64(&b, eb_ph_off(0, PH_FILESZ), 0x100);
	eb_set64(&b, eb_ph_off(0, PH_MEMSZ), 0x100);
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.phdr_vaddr == 0);
}

static void empty_load_ignored(void)
{
	eb_standard(&b, ET_EXEC);
	eb_phdr(&b, PT_LOAD, PF_R, 0, 0x10000000, 0, 0, 4096);   /* would break order and span */
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.hi == 0x405000);
}

static void big_align(void)
{
	eb_standard(&b, ET_DYN);
	eb_set64(&b, eb_ph_off(1, PH_ALIGN), 0x200000);
	eb_set64(&b, eb_ph_off(2, PH_ALIGN), 3);          /* not a power of two: ignored */
	CHECK_ERR(check_eb(&b, &img), LOADER_OK);
	CHECK(img.align == 0x200000);
}

static void strerror_all(void)
{
	for (int i = 0; i < LOADER_NERR; i++) {
		const char *s = loader_strerror(i);
		CHECK(s && *s && strcmp(s, "unknown loader error") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(s, loader_strerror(j)) != 0);
	}
	CHECK(strcmp(loader_strerror(-1), "unknown loader error") == 0);
	CHECK(strcmp(loader_strerror(LOADER_NERR), "unknown loader error") == 0);
	CHECK(strcmp(loader_strerror(LOADER_E_PHDRS_OUTSIDE),
		     "program headers lie outside the file") == 0);
}

static void bad_arguments(void)
{
	eb_standard(&b, ET_EXEC);
	CHECK_ERR(loader_check(b.buf, b.size, TEST_USER_LIMIT, NULL), LOADER_E_INVAL);
	CHECK_ERR(loader_check(NULL, 100, TEST_USER_LIMIT, &img), LOADER_E_INVAL);
}

void tests_check(void)
{
	RUN(valid_exec);
	RUN(valid_dyn);
	RUN(truncated_header);
	RUN(truncated_anywhere);
	RUN(ident_errors);
	RUN(wrong_machine);
	RUN(wrong_type);
	RUN(bad_phentsize);
	RUN(phdrs_outside);
	RUN(phdrs_overflow);
	RUN(no_load);
	RUN(interp);
	RUN(filesz_gt_memsz);
	RUN(seg_outside_file);
	RUN(wrapping_vaddr);
	RUN(overlapping);
	RUN(unsorted);
	RUN(misaligned);
	RUN(huge);
	RUN(addresses);
	RUN(entry_outside_text);
	RUN(lying_note);
	RUN(note_variants);
	RUN(gnu_stack_and_phdr);
	RUN(empty_load_ignored);
	RUN(big_align);
	RUN(strerror_all);
	RUN(bad_arguments);
}
