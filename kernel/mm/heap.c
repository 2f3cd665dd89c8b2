/* heap.c: kmalloc/kfree. Owns the kernel heap: power-of-two size classes from 32 to 2048
 * bytes carved out of single frames (reached through the direct map), and "large" blocks of
 * contiguous frames for anything bigger. Every block starts with a 16-byte header (magic,
 * class or frame count), so kfree needs no size and blocks stay 16-byte aligned.
 *
 * A frame of a small class keeps its own free list, and the class keeps a list of its frames
 * that have a free block (struct slab, one per frame number, outside the frames). A frame
 * whose blocks are all free again goes back to the frame allocator at once, so the heap
 * holds what is in use, not its high-water mark. Does not own frames (frame.c). */
#include "mm.h"
#include "lib.h"
#include "memlayout.h"

#define HDR 16
#define MAGIC_SMALL 0x6b6d616c6c6f6353ULL
#define MAGIC_LARGE 0x6b6d616c6c6f634cULL
#define MIN_SHIFT 5  /* 32-byte blocks */
#define MAX_SHIFT 11 /* 2048-byte blocks; larger requests take whole frames */
#define NONE 0xffffffffu
#define NO_BLOCK 0xffffu

struct hdr {
	uint64_t magic;
	uint64_t info; /* small: class shift; large: number of frames */
};

/* A frame carved into blocks of one class: free blocks hold the offset of the next free one
 * in their first two bytes. prev/next link the class's frames with a free block. */
struct slab {
	uint32_t prev, next;    /* frame numbers, NONE at the ends */
	uint16_t nfree;         /* free blocks in the frame */
	uint16_t free;          /* offset of the first free block, NO_BLOCK if none */
};

static struct slab *slabs;              /* indexed by frame number (heap_init) */
static uint32_t partial[MAX_SHIFT + 1]; /* per class: first frame with a free block */

void heap_init(void)
{
	uint64_t n = frames_span();
	uint64_t pages = ALIGN_UP(n * sizeof(struct slab), PAGE_SIZE) / PAGE_SIZE;
	uint64_t pa = frame_alloc_contig(pages);
	if (!pa)
		panic("heap: no memory for %lu frames' slab records", n);
	slabs = P2V(pa);
	for (int i = 0; i <= MAX_SHIFT; i++)
		partial[i] = NONE;
}

static uint32_t frame_of(const void *p) { return (uint32_t)(V2P(p) / PAGE_SIZE); }
static char *frame_va(uint32_t f) { return P2V((uint64_t)f * PAGE_SIZE); }

static void list_add(int shift, uint32_t f)
{
	slabs[f].prev = NONE;
	slabs[f].next = partial[shift];
	if (partial[shift] != NONE)
		slabs[partial[shift]].prev = f;
	partial[shift] = f;
}

static void list_del(int shift, uint32_t f)
{
	struct slab *s = &slabs[f];
	if (s->prev != NONE)
		slabs[s->prev].next = s->next;
	else
		partial[shift] = s->next;
	if (s->next != NONE)
		slabs[s->next].prev = s->prev;
}

/* A fresh frame for class shift, every block free and chained in address order. */
static bool slab_grow(int shift)
{
	uint64_t pa = frame_alloc();
	if (!pa)
		return false;
	uint32_t f = (uint32_t)(pa / PAGE_SIZE);
	char *page = frame_va(f);
	uint16_t size = (uint16_t)(1u << shift);
	for (uint32_t off = 0; off < PAGE_SIZE; off += size)
		*(uint16_t *)(page + off) = off + size < PAGE_SIZE ? (uint16_t)(off + size) : NO_BLOCK;
	slabs[f] = (struct slab){.nfree = (uint16_t)(PAGE_SIZE >> shift), .free = 0};
	list_add(shift, f);
	return true;
}

void *kmalloc(size_t n)
{
	size_t need = n + HDR;
	if (need > (1u << MAX_SHIFT)) {
		size_t frames = ALIGN_UP(need, PAGE_SIZE) / PAGE_SIZE;
		uint64_t pa = frame_alloc_contig(frames);
		if (!pa)
			return NULL;
		struct hdr *h = P2V(pa);
		h->magic = MAGIC_LARGE;
		h->info = frames;
		return (char *)h + HDR;
	}
	int shift = MIN_SHIFT;
	while ((1u << shift) < need)
		shift++;
	if (partial[shift] == NONE && !slab_grow(shift))
		return NULL;
	uint32_t f = partial[shift];
	struct slab *s = &slabs[f];
	struct hdr *h = (struct hdr *)(frame_va(f) + s->free);
	s->free = *(uint16_t *)h;
	if (--s->nfree == 0)
		list_del(shift, f);
	h->magic = MAGIC_SMALL;
	h->info = shift;
	return (char *)h + HDR;
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);
	if (p)
		memset(p, 0, n);
	return p;
}

void kfree(void *p)
{
	if (!p)
		return;
	struct hdr *h = (struct hdr *)((char *)p - HDR);
	if (h->magic == MAGIC_LARGE) {
		h->magic = 0;
		frame_free_contig(V2P(h), h->info);
	} else if (h->magic == MAGIC_SMALL && h->info >= MIN_SHIFT && h->info <= MAX_SHIFT) {
		int shift = (int)h->info;
		uint32_t f = frame_of(h);
		struct slab *s = &slabs[f];
		h->magic = 0;
		*(uint16_t *)h = s->free;
		s->free = (uint16_t)((uint64_t)h & (PAGE_SIZE - 1));
		if (s->nfree++ == 0)
			list_add(shift, f);
		if (s->nfree == PAGE_SIZE >> shift) { /* every block free: the frame goes back */
			list_del(shift, f);
			frame_free((uint64_t)f * PAGE_SIZE);
		}
	} else {
		panic("kfree: bad pointer %p", p);
	}
}

/* Boot-time check: blocks of every class and some large ones are distinct, hold their
 * contents, come back on free, and every frame is returned. */
bool heap_selftest(void)
{
	static const size_t sizes[] = {1, 15, 16, 17, 100, 1000, 2032, 2033, 4096, 10000, 70000};
	void *p[ARRAY_SIZE(sizes)];
	uint64_t before = frames_free();
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			if (!(p[i] = kmalloc(sizes[i])) || ((uint64_t)p[i] & 15))
				return false;
			memset(p[i], (int)i + 1, sizes[i]);
		}
		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
			const uint8_t *b = p[i];
			for (size_t k = 0; k < sizes[i]; k += 7)
				if (b[k] != i + 1)
					return false;
			kfree(p[i]);
		}
	}
	return frames_free() == before; /* every frame back, small classes' too */
}
