/* fakeas.h: a loader_as backed by a byte array, for the loader's tests.
 *
 * Owns: recording what the loader asks for (which pages, which prot, how often) and
 * flagging any request that is unaligned, outside the array, maps a page twice, writes to
 * an unmapped page or outside a chosen write window. Does not own: any expectation about
 * the image (the tests check that). */
#ifndef LOADER_TEST_FAKEAS_H
#define LOADER_TEST_FAKEAS_H

#include <stdint.h>
#include "loader.h"

struct fake_as {
	uint64_t base, npages;
	uint8_t *mem;                /* npages * 4096 bytes, 0xAA until mapped */
	int *prot;                   /* per page; -1 when unmapped */
	int maps, writes;            /* calls so far */
	int fail_map_at, fail_write_at;   /* fail the n-th call (1-based); 0: never */
	uint64_t wlo, whi;           /* writes must fall in [wlo, whi) (whi 0: anywhere mapped) */
	int bad;                     /* a request broke the rules */
};

void fake_init(struct fake_as *f, uint64_t base, uint64_t npages);
void fake_free(struct fake_as *f);
void fake_map_all(struct fake_as *f, int prot);   /* pre-map everything (for stacks) */
struct loader_as fake_as(struct fake_as *f);
uint8_t *fake_ptr(struct fake_as *f, uint64_t va);    /* NULL when outside */
int fake_prot(struct fake_as *f, uint64_t va);        /* -1 when unmapped or outside */

#endif
