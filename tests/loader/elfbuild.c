/* elfbuild.c: the ELF image builder of the loader's tests (see elfbuild.h). */
#include <string.h>
#include <assert.h>
#include "elfbuild.h"
#include "elf64.h"
#include "note.h"

static void grow(struct eb *b, uint64_t end)
{
	assert(end <= EB_MAX);
	if (end > b->size)
		b->size = end;
}

void eb_set8(struct eb *b, uint64_t off, uint8_t v)
{
	grow(b, off + 1);
	b->buf[off] = v;
}

void eb_set16(struct eb *b, uint64_t off, uint16_t v)
{
	for (int i = 0; i < 2; i++)
		eb_set8(b, off + i, (uint8_t)(v >> (8 * i)));
}

void eb_set32(struct eb *b, uint64_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		eb_set8(b, off + i, (uint8_t)(v >> (8 * i)));
}

void eb_set64(struct eb *b, uint64_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		eb_set8(b, off + i, (uint8_t)(v >> (8 * i)));
}

void eb_put(struct eb *b, uint64_t off, const void *src, uint64_t n)
{
	grow(b, off + n);
	memcpy(b->buf + off, src, n);
}

void eb_fill(struct eb *b, uint64_t off, uint64_t n, uint8_t seed)
{
	grow(b, off + n);
	for (uint64_t i = 0; i < n; i++)
		b->buf[off + i] = (uint8_t)(seed * 31 + i * 7 + (i >> 8) + 1);
}

void eb_init(struct eb *b, uint16_t type, uint64_t entry)
{
	memset(b, 0, sizeof *b);
	const uint8_t ident[8] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT, 0 };
	eb_put(b, 0, ident, sizeof ident);
	eb_set16(b, 16, type);
	eb_set16(b, 18, EM_X86_64);
	eb_set32(b, 20, EV_CURRENT);
	eb_set64(b, 24, entry);
	eb_set64(b, 32, ELF64_EHDR_SIZE);        /* e_phoff */
	eb_set16(b, 52, ELF64_EHDR_SIZE);
	eb_set16(b, 54, ELF64_PHDR_SIZE);
	eb_set16(b, 56, 0);
	eb_set16(b, 58, 64);
}

uint64_t eb_ph_off(int i, uint64_t field_off)
{
	return ELF64_EHDR_SIZE + (uint64_t)i * ELF64_PHDR_SIZE + field_off;
}

int eb_phdr(struct eb *b, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
	    uint64_t filesz, uint64_t memsz, uint64_t align)
{
	int i = b->nph++;
	assert(i < EB_MAXPH);
	eb_set32(b, eb_ph_off(i, PH_TYPE), type);
	eb_set32(b, eb_ph_off(i, PH_FLAGS), flags);
	eb_set64(b, eb_ph_off(i, PH_OFFSET), off);
	eb_set64(b, eb_ph_off(i, PH_VADDR), vaddr);
	eb_set64(b, eb_ph_off(i, 24), vaddr);    /* p_paddr */
	eb_set64(b, eb_ph_off(i, PH_FILESZ), filesz);
	eb_set64(b, eb_ph_off(i, PH_MEMSZ), memsz);
	eb_set64(b, eb_ph_off(i, PH_ALIGN), align);
	eb_set16(b, 56, (uint16_t)b->nph);
	return i;
}

uint64_t eb_note(struct eb *b, uint64_t off, uint32_t namesz, const char *name,
		 uint32_t type, uint32_t descsz, const void *desc)
{
	uint64_t name_len = ((uint64_t)namesz + 3) & ~3ull, desc_len = ((uint64_t)descsz + 3) & ~3ull;
	eb_set32(b, off, namesz);
	eb_set32(b, off + 4, descsz);
	eb_set32(b, off + 8, type);
	grow(b, off + 12 + name_len + desc_len);
	memset(b->buf + off + 12, 0, name_len + desc_len);
	if (name)
		memcpy(b->buf + off + 12, name, strlen(name) + 1 < namesz ? strlen(name) + 1 : namesz);
	if (desc)
		memcpy(b->buf + off + 12 + name_len, desc, descsz);
	return 12 + name_len + desc_len;
}

uint64_t eb_trust_note(struct eb *b, uint64_t off)
{
	const uint8_t version[4] = { RINGZERO_NOTE_VERSION, 0, 0, 0 };
	return eb_note(b, off, RINGZERO_NOTE_NAMESZ, RINGZERO_NOTE_NAME, RINGZERO_NOTE_TRUSTED,
		       RINGZERO_NOTE_DESCSZ, version);
}

uint64_t eb_base(uint16_t type)
{
	return type == ET_EXEC ? 0x400000 : 0;
}

void eb_standard(struct eb *b, uint16_t type)
{
	uint64_t base = eb_base(type);
	eb_init(b, type, base + 0x1010);
	eb_phdr(b, PT_LOAD, PF_R, 0, base, 0x400, 0x400, 0x1000);
	eb_phdr(b, PT_LOAD, PF_R | PF_X, STD_TEXT_OFF, base + STD_TEXT_OFF, STD_TEXT_SIZE,
		STD_TEXT_SIZE, 0x1000);
	eb_phdr(b, PT_LOAD, PF_R | PF_W, STD_DATA_OFF, base + STD_DATA_OFF, STD_DATA_SIZE,
		STD_DATA_MEM, 0x1000);
	uint64_t n = eb_trust_note(b, STD_NOTE_OFF);
	eb_phdr(b, PT_NOTE, PF_R, STD_NOTE_OFF, base + STD_NOTE_OFF, n, n, 4);
	eb_phdr(b, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	eb_fill(b, STD_TEXT_OFF, STD_TEXT_SIZE, 1);
	eb_fill(b, STD_DATA_OFF, STD_DATA_SIZE, 2);
}
