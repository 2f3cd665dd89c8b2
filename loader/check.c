/* check.c: loader_check(), the validation of a whole ELF64 file held in memory.
 *
 * Owns: every rule a file must pass before anything is mapped, and the description of the
 * image (struct loader_image). Does not own: note parsing (note.c), mapping (map.c).
 * Reads only inside [file, file+size); every sum of two file-controlled 64-bit values is
 * checked for overflow before it is used. */
#include "loader.h"
#include "elf64.h"
#include "note.h"

#define PAGE_MASK (LOADER_PAGE - 1)

struct walk {                    /* state carried across the program headers */
	uint64_t prev_vaddr, prev_end;
	int nload;
	bool have_phdr;
};

/* Does [off, off+len) lie inside a file of size bytes? Overflow-safe. */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

static int check_ehdr(const uint8_t *p, uint64_t size, struct elf64_ehdr *eh)
{
	if (size < ELF64_EHDR_SIZE)
		return LOADER_E_TRUNCATED;
	elf_read_ehdr(p, eh);
	if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
	    eh->e_ident[3] != 'F')
		return LOADER_E_MAGIC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return LOADER_E_CLASS;
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return LOADER_E_DATA;
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return LOADER_E_VERSION;
	if (eh->e_machine != EM_X86_64)
		return LOADER_E_MACHINE;
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return LOADER_E_TYPE;
	if (eh->e_phentsize != ELF64_PHDR_SIZE)
		return LOADER_E_PHENTSIZE;
	if (eh->e_phnum == 0)
		return LOADER_E_NO_LOAD;
	if (!in_file(eh->e_phoff, (uint64_t)eh->e_phnum * ELF64_PHDR_SIZE, size))
		return LOADER_E_PHDRS_OUTSIDE;
	return LOADER_OK;
}

/* One PT_LOAD: its own rules, then its place after the previous one. */
static int check_load(const struct elf64_phdr *ph, uint64_t size, uint64_t user_limit,
		      bool exec, struct walk *w, struct loader_image *img)
{
	if (ph->p_filesz > ph->p_memsz)
		return LOADER_E_FILESZ_GT_MEMSZ;
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return LOADER_E_SEG_OUTSIDE_FILE;
	if (ph->p_memsz > LOADER_MAX_SPAN)
		return LOADER_E_TOO_BIG;
	/* end, rounded up to a page, must not wrap: vaddr + memsz + PAGE_MASK <= 2^64 - 1 */
	if (ph->p_vaddr > UINT64_MAX - PAGE_MASK - ph->p_memsz)
		return LOADER_E_WRAP;
	if ((ph->p_offset & PAGE_MASK) != (ph->p_vaddr & PAGE_MASK))
		return LOADER_E_ALIGN;
	if (ph->p_memsz == 0)
		return LOADER_OK;        /* maps nothing: ignored, like Linux */

	uint64_t end = ph->p_vaddr + ph->p_memsz;
	uint64_t lo = ph->p_vaddr & ~PAGE_MASK, hi = (end + PAGE_MASK) & ~PAGE_MASK;
	if (w->nload > 0 && ph->p_vaddr < w->prev_vaddr)
		return LOADER_E_ORDER;
	if (w->nload > 0 && ph->p_vaddr < w->prev_end)
		return LOADER_E_OVERLAP;
	if (exec && (lo < LOADER_PAGE || hi > user_limit))
		return LOADER_E_ADDR;
	if (w->nload == 0)
		img->lo = lo;
	img->hi = hi;
	if (img->hi - img->lo > LOADER_MAX_SPAN)
		return LOADER_E_TOO_BIG;
	if (ph->p_align > img->align && (ph->p_align & (ph->p_align - 1)) == 0)
		img->align = ph->p_align;
	w->prev_vaddr = ph->p_vaddr;
	w->prev_end = end;
	w->nload++;
	return LOADER_OK;
}

static int check_note(const uint8_t *p, const struct elf64_phdr *ph, uint64_t size,
		      struct loader_image *img)
{
	if (!in_file(ph->p_offset, ph->p_filesz, size))
		return LOADER_E_SEG_OUTSIDE_FILE;
	return note_scan(p + ph->p_offset, ph->p_filesz, ph->p_align, &img->trusted);
}

static int check_phdr(const uint8_t *p, const struct elf64_phdr *ph, uint64_t size,
		      uint64_t user_limit, bool exec, struct walk *w, struct loader_image *img)
{
	switch (ph->p_type) {
	case PT_INTERP:
		return LOADER_E_INTERP;
	case PT_LOAD:
		return check_load(ph, size, user_limit, exec, w, img);
	case PT_NOTE:
		return check_note(p, ph, size, img);
	case PT_GNU_STACK:
		img->exec_stack = (ph->p_flags & PF_X) != 0;
		return LOADER_OK;
	case PT_PHDR:
		img->phdr_vaddr = ph->p_vaddr;
		w->have_phdr = true;
		return LOADER_OK;
	default:
		return LOADER_OK;
	}
}

/* Without PT_PHDR: the vaddr of the PT_LOAD file bytes that hold the whole table, or 0. */
static uint64_t phdrs_in_memory(const uint8_t *p, const struct elf64_ehdr *eh)
{
	uint64_t len = (uint64_t)eh->e_phnum * ELF64_PHDR_SIZE;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		elf_read_phdr(p + eh->e_phoff + (uint64_t)i * ELF64_PHDR_SIZE, &ph);
		if (ph.p_type == PT_LOAD && eh->e_phoff >= ph.p_offset &&
		    eh->e_phoff - ph.p_offset <= ph.p_filesz &&
		    len <= ph.p_filesz - (eh->e_phoff - ph.p_offset))
			return ph.p_vaddr + (eh->e_phoff - ph.p_offset);
	}
	return 0;
}

/* Is the entry point inside the file bytes of an executable PT_LOAD? */
static bool entry_ok(const uint8_t *p, const struct elf64_ehdr *eh)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		struct elf64_phdr ph;
		elf_read_phdr(p + eh->e_phoff + (uint64_t)i * ELF64_PHDR_SIZE, &ph);
		if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && eh->e_entry >= ph.p_vaddr &&
		    eh->e_entry - ph.p_vaddr < ph.p_filesz)
			return true;
	}
	return false;
}

static void clear_image(struct loader_image *img)
{
	img->entry = img->lo = img->hi = img->phdr_vaddr = 0;
	img->phnum = img->phentsize = 0;
	img->pie = img->trusted = img->exec_stack = false;
	img->align = LOADER_PAGE;
	img->user_limit = img->phoff = 0;
}

int loader_check(const void *file, uint64_t size, uint64_t user_limit, struct loader_image *img)
{
	const uint8_t *p = file;
	struct elf64_ehdr eh;
	struct walk w = { 0, 0, 0, false };
	if (!img || (!file && size))
		return LOADER_E_INVAL;
	clear_image(img);
	int err = check_ehdr(p, size, &eh);
	if (err)
		return err;
	bool exec = eh.e_type == ET_EXEC;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		elf_read_phdr(p + eh.e_phoff + (uint64_t)i * ELF64_PHDR_SIZE, &ph);
		err = check_phdr(p, &ph, size, user_limit, exec, &w, img);
		if (err)
			return err;
	}
	if (w.nload == 0)
		return LOADER_E_NO_LOAD;
	if (!exec && img->hi - img->lo > user_limit)
		return LOADER_E_ADDR;
	if (!entry_ok(p, &eh))
		return LOADER_E_ENTRY;
	if (!w.have_phdr)
		img->phdr_vaddr = phdrs_in_memory(p, &eh);
	img->entry = eh.e_entry;
	img->phnum = eh.e_phnum;
	img->phentsize = eh.e_phentsize;
	img->pie = !exec;
	img->user_limit = user_limit;
	img->phoff = eh.e_phoff;
	return LOADER_OK;
}
