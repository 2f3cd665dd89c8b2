/* frame.c: the physical frame allocator. Owns one bit per 4 KiB frame from 0 up to the
 * end of the highest RAM region in the boot memory map (1 = in use or not RAM), the
 * free-frame count, and allocation (first fit from a rotating hint; contiguous runs for
 * the heap's large blocks, next fit). Frames are handed out zeroed. Does not own page tables.
 *
 * Reserved at init: everything below 1 MiB (firmware, start_info), the kernel image, the
 * initrd (the initramfs tree points into it), and the bitmap itself, which is placed in
 * the first RAM gap above the kernel below 1 GiB (the boot page tables' direct map). */
#include "mm.h"
#include "bootinfo.h"
#include "lib.h"
#include "memlayout.h"

static uint64_t *bitmap;
static uint64_t nframes;   /* frames covered by the bitmap */
static uint64_t nfree;
static uint64_t ntotal;    /* usable RAM frames at boot, after reservations */
static uint64_t ram_bytes; /* sum of RAM regions */
static uint64_t hint;      /* word index where the next search starts */

static inline bool test(uint64_t f) { return bitmap[f / 64] & (1ULL << (f % 64)); }
static inline void set(uint64_t f) { bitmap[f / 64] |= 1ULL << (f % 64); }
static inline void clear(uint64_t f) { bitmap[f / 64] &= ~(1ULL << (f % 64)); }

static void reserve(uint64_t start, uint64_t end)
{
	for (uint64_t f = start / PAGE_SIZE; f < ALIGN_UP(end, PAGE_SIZE) / PAGE_SIZE && f < nframes; f++)
		if (!test(f)) {
			set(f);
			nfree--;
		}
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

void frame_init(uint64_t kernel_phys_end)
{
	uint64_t top = 0;
	for (int i = 0; i < bootinfo.nmem; i++)
		if (bootinfo.mem[i].type == MEM_RAM) {
			top = MAX(top, bootinfo.mem[i].addr + bootinfo.mem[i].size);
			ram_bytes += bootinfo.mem[i].size;
		}
	nframes = top / PAGE_SIZE;
	uint64_t bytes = ALIGN_UP(ALIGN_UP(nframes, 64) / 8, PAGE_SIZE);
	uint64_t rd0 = ALIGN_DOWN(bootinfo.initrd_phys, PAGE_SIZE);
	uint64_t rd1 = ALIGN_UP(bootinfo.initrd_phys + bootinfo.initrd_size, PAGE_SIZE);

	/* Place the bitmap: first page-aligned spot in RAM above the kernel, below 1 GiB,
	 * clear of the initrd. */
	uint64_t where = 0;
	for (int i = 0; i < bootinfo.nmem && !where; i++) {
		struct mem_region *m = &bootinfo.mem[i];
		if (m->type != MEM_RAM)
			continue;
		uint64_t s = ALIGN_UP(MAX(m->addr, kernel_phys_end), PAGE_SIZE), e = m->addr + m->size;
		if (bootinfo.initrd_size && overlaps(s, s + bytes, rd0, rd1))
			s = MAX(s, rd1);
		if (s + bytes <= e && s + bytes <= (1ULL << 30))
			where = s;
	}
	if (!where)
		panic("frame: no room for a %lu-byte frame bitmap", bytes);
	bitmap = P2V(where);
	memset(bitmap, 0xff, bytes);

	for (int i = 0; i < bootinfo.nmem; i++) {
		struct mem_region *m = &bootinfo.mem[i];
		if (m->type != MEM_RAM)
			continue;
		for (uint64_t f = ALIGN_UP(m->addr, PAGE_SIZE) / PAGE_SIZE; f < (m->addr + m->size) / PAGE_SIZE; f++)
			if (test(f)) {
				clear(f);
				nfree++;
			}
	}
	reserve(0, 0x100000);
	reserve(KERNEL_PHYS, kernel_phys_end);
	reserve(where, where + bytes);
	if (bootinfo.initrd_size)
		reserve(rd0, rd1);
	ntotal = nfree;
}

uint64_t frame_alloc(void)
{
	uint64_t words = ALIGN_UP(nframes, 64) / 64;
	for (uint64_t k = 0; k < words; k++) {
		uint64_t w = (hint + k) % words;
		if (bitmap[w] == ~0ULL)
			continue;
		uint64_t f = w * 64 + __builtin_ctzll(~bitmap[w]);
		if (f >= nframes)
			continue;
		set(f);
		nfree--;
		hint = w;
		memset(P2V(f * PAGE_SIZE), 0, PAGE_SIZE);
		return f * PAGE_SIZE;
	}
	return 0;
}

/* The first run of n free frames in [from, to), or 0 (frame 0 is never free). A run cannot
 * start in a full bitmap word, so those are skipped 64 frames at a time. */
static uint64_t find_run(uint64_t from, uint64_t to, size_t n)
{
	for (uint64_t f = from, run = 0; f < to; f++) {
		while (run == 0 && !(f & 63) && f + 64 <= to && bitmap[f / 64] == ~0ULL)
			f += 64;
		if (f >= to)
			break;
		run = test(f) ? 0 : run + 1;
		if (run == n)
			return f + 1 - n;
	}
	return 0;
}

/* Next fit: the search starts where the last run was found and wraps once. It used to scan
 * frame by frame from frame 0, which made every large kmalloc on a busy system cost ~90 000
 * instructions (an epoll_wait's buffers: 77 % of a redis GET, bench/where-time-goes.md). */
static uint64_t contig_hint;

uint64_t frame_alloc_contig(size_t n)
{
	if (n == 1)
		return frame_alloc();
	uint64_t first = find_run(contig_hint, nframes, n);
	if (!first)
		first = find_run(0, contig_hint + n - 1 < nframes ? contig_hint + n - 1 : nframes, n);
	if (!first)
		return 0;
	for (uint64_t g = first; g < first + n; g++)
		set(g);
	nfree -= n;
	contig_hint = first & ~63ULL;
	memset(P2V(first * PAGE_SIZE), 0, n * PAGE_SIZE);
	return first * PAGE_SIZE;
}

void frame_free(uint64_t pa)
{
	uint64_t f = pa / PAGE_SIZE;
	if ((pa & (PAGE_SIZE - 1)) || f >= nframes || !test(f))
		panic("frame_free: bad frame %#lx", pa);
	clear(f);
	nfree++;
}

void frame_free_contig(uint64_t pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		frame_free(pa + i * PAGE_SIZE);
}

uint64_t frames_free(void) { return nfree; }
uint64_t frames_total(void) { return ntotal; }
uint64_t frames_span(void) { return nframes; }
uint64_t mem_ram_bytes(void) { return ram_bytes; }
