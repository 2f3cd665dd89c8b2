/* note.h: the ringzero trust mark and the ELF note walker that finds it.
 *
 * The mark is an ELF note in a PT_NOTE segment: namesz 9, name "ringzero\0", type
 * RINGZERO_NOTE_TRUSTED, descsz 4, desc a little-endian uint32 version (1). r0cc links it
 * in (toolchain/r0note.S). Owns: note layout and the walk. Does not own: deciding what a
 * trusted image may do (the kernel's job). */
#ifndef LOADER_NOTE_H
#define LOADER_NOTE_H

#include <stdbool.h>
#include <stdint.h>

#define RINGZERO_NOTE_NAME     "ringzero"
#define RINGZERO_NOTE_NAMESZ   9
#define RINGZERO_NOTE_TRUSTED  0x525a0001u
#define RINGZERO_NOTE_DESCSZ   4
#define RINGZERO_NOTE_VERSION  1

/* Walk the notes in [p, p+len) (the file bytes of one PT_NOTE segment; align is its
 * p_align: 8 means 8-byte padding, anything else the usual 4). Sets *trusted when the
 * ringzero mark (version 1) is among them. Returns LOADER_OK or LOADER_E_NOTE when a
 * note's sizes run past the end of the segment. Trailing bytes shorter than a note
 * header are ignored. */
int note_scan(const uint8_t *p, uint64_t len, uint64_t align, bool *trusted);

#endif
