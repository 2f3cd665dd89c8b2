/* elfbuild.h: builds small ELF64 images in memory for the loader's tests.
 *
 * Owns: writing headers, program headers, notes and bytes at chosen offsets, and the
 * standard valid images the tests start from and then break. Does not own: any check. */
#ifndef LOADER_TEST_ELFBUILD_H
#define LOADER_TEST_ELFBUILD_H

#include <stdint.h>

#define EB_MAX    0x10000        /* largest image */
#define EB_MAXPH  16             /* program headers fit below offset 0x400 */

struct eb {
	uint8_t buf[EB_MAX];
	uint64_t size;               /* bytes used: the file's length */
	int nph;
};

void eb_init(struct eb *b, uint16_t type, uint64_t entry);
/* Append a program header; returns its index. */
int eb_phdr(struct eb *b, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
	    uint64_t filesz, uint64_t memsz, uint64_t align);
/* Byte offset of field `field_off` of program header i (for corrupting it). */
uint64_t eb_ph_off(int i, uint64_t field_off);
void eb_put(struct eb *b, uint64_t off, const void *src, uint64_t n);
void eb_fill(struct eb *b, uint64_t off, uint64_t n, uint8_t seed);   /* a byte pattern */
void eb_set8(struct eb *b, uint64_t off, uint8_t v);
void eb_set16(struct eb *b, uint64_t off, uint16_t v);
void eb_set32(struct eb *b, uint64_t off, uint32_t v);
void eb_set64(struct eb *b, uint64_t off, uint64_t v);
/* Write a note (header, name, desc, 4-byte padding) at off; returns its padded length. */
uint64_t eb_note(struct eb *b, uint64_t off, uint32_t namesz, const char *name,
		 uint32_t type, uint32_t descsz, const void *desc);
/* The ringzero trust note at off (returns its length, 28). */
uint64_t eb_trust_note(struct eb *b, uint64_t off);

/* Field offsets inside a program header. */
#define PH_TYPE   0
#define PH_FLAGS  4
#define PH_OFFSET 8
#define PH_VADDR  16
#define PH_FILESZ 32
#define PH_MEMSZ  40
#define PH_ALIGN  48

/* The standard valid image: base is 0x400000 (ET_EXEC) or 0 (ET_DYN).
 *   ph0 LOAD R    off 0       va base          filesz 0x400        headers + note
 *   ph1 LOAD R X  off 0x1000  va base+0x1000   filesz 0x1234       text (pattern 1)
 *   ph2 LOAD RW   off 0x2240  va base+0x2240   filesz 0x100, memsz 0x2000: shares the
 *                 page base+0x2000 with ph1; bss up to base+0x4240 (pattern 2)
 *   ph3 NOTE      off 0x300   the trust note
 *   ph4 GNU_STACK RW
 * entry base+0x1010; span [base, base+0x5000). */
#define STD_TEXT_OFF   0x1000
#define STD_TEXT_SIZE  0x1234
#define STD_DATA_OFF   0x2240
#define STD_DATA_SIZE  0x100
#define STD_DATA_MEM   0x2000
#define STD_NOTE_OFF   0x300
#define STD_FILE_SIZE  (STD_DATA_OFF + STD_DATA_SIZE)
void eb_standard(struct eb *b, uint16_t type);
uint64_t eb_base(uint16_t type);

#endif
