/* heap.c: kmalloc/kfree. Owns the kernel heap: power-of-two size classes from 32 to 4096
 * bytes carved out of single frames (reached through the direct map), one free list per
 * class, and "large" blocks of contiguous frames for anything bigger. Every block starts
 * with a 16-byte header (magic, class or frame count), so kfree needs no size and blocks
 * stay 16-byte aligned. Freed small blocks go back to their class list; frames of small
 * classes are never returned (simple, and enough for a boot-time tree and a shell).
 * Does not own frames (frame.c). */
#include "mm.h"
#include "lib.h"
#include "memlayout.h"

#define HDR 16
#define MAGIC_SMALL 0x6b6d616c6c6f6353ULL
#define MAGIC_LARGE 0x6b6d616c6c6f634cULL
#define MIN_SHIFT 5  /* 32-byte blocks */
#define MAX_SHIFT 11 /* 2048-byte blocks; larger requests take whole frames */

struct hdr {
	uint64_t magic;
	uint64_t info; /* small: class shift; large: number of frames */
};
struct freeblk {
	struct freeblk *next;
};

static struct freeblk *freelist[MAX_SHIFT + 1];

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
	if (!freelist[shift]) {
		uint64_t pa = frame_alloc();
		if (!pa)
			return NULL;
		char *page = P2V(pa);
		for (size_t off = 0; off < PAGE_SIZE; off += 1u << shift) {
			struct freeblk *b = (struct freeblk *)(page + off);
			b->next = freelist[shift];
			freelist[shift] = b;
		}
	}
	struct freeblk *b = freelist[shift];
	freelist[shift] = b->next;
	struct hdr *h = (struct hdr *)b;
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
		h->magic = 0;
		struct freeblk *b = (struct freeblk *)h;
		b->next = freelist[shift];
		freelist[shift] = b;
	} else {
		panic("kfree: bad pointer %p", p);
	}
}

/* Boot-time check: blocks of every class and some large ones are distinct, hold their
 * contents, come back on free, and large blocks return their frames. */
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
	/* small classes keep their frames; everything large must be back */
	return before - frames_free() <= 8;
}
