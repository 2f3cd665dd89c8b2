/* note.c: walks the ELF notes of one PT_NOTE segment looking for the ringzero trust mark.
 *
 * Owns: note bounds checking and recognising the mark. Does not own: locating the PT_NOTE
 * segments or checking they lie in the file (check.c does both before calling here).
 * A note is a 12-byte header (namesz, descsz, type), then the name padded to the segment's
 * note alignment, then the descriptor padded likewise. All sizes are 32-bit values and
 * the sums are done in 64 bits, so nothing can overflow. */
#include "loader.h"
#include "note.h"
#include "elf64.h"

#define NOTE_HDR 12u

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Is the note at p, whose name and descriptor start at name and desc, the trust mark? */
static bool is_mark(uint32_t namesz, uint32_t descsz, uint32_t type,
		    const uint8_t *name, const uint8_t *desc)
{
	static const char want[RINGZERO_NOTE_NAMESZ] = RINGZERO_NOTE_NAME;
	if (namesz != RINGZERO_NOTE_NAMESZ || type != RINGZERO_NOTE_TRUSTED ||
	    descsz != RINGZERO_NOTE_DESCSZ)
		return false;
	for (unsigned i = 0; i < RINGZERO_NOTE_NAMESZ; i++)
		if (name[i] != (uint8_t)want[i])
			return false;
	return elf_rd32(desc) == RINGZERO_NOTE_VERSION;
}

int note_scan(const uint8_t *p, uint64_t len, uint64_t align, bool *trusted)
{
	uint64_t a = align == 8 ? 8 : 4;
	uint64_t off = 0;
	while (len - off >= NOTE_HDR) {
		uint32_t namesz = elf_rd32(p + off);
		uint32_t descsz = elf_rd32(p + off + 4);
		uint32_t type = elf_rd32(p + off + 8);
		uint64_t desc_off = align_up(NOTE_HDR + (uint64_t)namesz, a);
		uint64_t end = align_up(desc_off + (uint64_t)descsz, a);
		/* The last note may omit its final padding; its bytes must all be there. */
		if (desc_off + descsz > len - off)
			return LOADER_E_NOTE;
		if (is_mark(namesz, descsz, type, p + off + NOTE_HDR, p + off + desc_off))
			*trusted = true;
		if (end >= len - off)
			break;
		off += end;
	}
	return LOADER_OK;
}
