/* elf64.h: the few ELF64 structures and constants the loader needs, from the ELF
 * specification (System V gABI and the x86_64 psABI), and decoders that read them out of a
 * byte buffer.
 *
 * Owns: the file-format layout. Does not own: any validation (check.c) or note parsing
 * (note.c). The kernel is freestanding, so this file replaces <elf.h>. Fields are decoded
 * byte by byte, little-endian, so a header at any alignment is read without undefined
 * behaviour and the same code runs on any host. */
#ifndef LOADER_ELF64_H
#define LOADER_ELF64_H

#include <stdint.h>

/* e_ident[] */
#define EI_MAG0        0
#define EI_CLASS       4
#define EI_DATA        5
#define EI_VERSION     6
#define EI_NIDENT      16
#define ELFCLASS64     2
#define ELFDATA2LSB    1
#define EV_CURRENT     1

/* e_type, e_machine */
#define ET_EXEC        2
#define ET_DYN         3
#define EM_X86_64      62

/* p_type */
#define PT_NULL        0
#define PT_LOAD        1
#define PT_DYNAMIC     2
#define PT_INTERP      3
#define PT_NOTE        4
#define PT_PHDR        6
#define PT_GNU_STACK   0x6474e551u

/* p_flags */
#define PF_X           1
#define PF_W           2
#define PF_R           4

#define ELF64_EHDR_SIZE 64
#define ELF64_PHDR_SIZE 56

/* The file header (64 bytes). */
struct elf64_ehdr {
	uint8_t  e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

/* A program header (56 bytes). */
struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

static inline uint16_t elf_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t elf_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t elf_rd64(const uint8_t *p)
{
	return (uint64_t)elf_rd32(p) | (uint64_t)elf_rd32(p + 4) << 32;
}

/* Decode ELF64_EHDR_SIZE bytes at p (the caller has checked they exist). */
static inline void elf_read_ehdr(const uint8_t *p, struct elf64_ehdr *h)
{
	for (int i = 0; i < EI_NIDENT; i++)
		h->e_ident[i] = p[i];
	h->e_type = elf_rd16(p + 16);
	h->e_machine = elf_rd16(p + 18);
	h->e_version = elf_rd32(p + 20);
	h->e_entry = elf_rd64(p + 24);
	h->e_phoff = elf_rd64(p + 32);
	h->e_shoff = elf_rd64(p + 40);
	h->e_flags = elf_rd32(p + 48);
	h->e_ehsize = elf_rd16(p + 52);
	h->e_phentsize = elf_rd16(p + 54);
	h->e_phnum = elf_rd16(p + 56);
	h->e_shentsize = elf_rd16(p + 58);
	h->e_shnum = elf_rd16(p + 60);
	h->e_shstrndx = elf_rd16(p + 62);
}

/* Decode ELF64_PHDR_SIZE bytes at p (the caller has checked they exist). */
static inline void elf_read_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->p_type = elf_rd32(p);
	ph->p_flags = elf_rd32(p + 4);
	ph->p_offset = elf_rd64(p + 8);
	ph->p_vaddr = elf_rd64(p + 16);
	ph->p_paddr = elf_rd64(p + 24);
	ph->p_filesz = elf_rd64(p + 32);
	ph->p_memsz = elf_rd64(p + 40);
	ph->p_align = elf_rd64(p + 48);
}

#endif
