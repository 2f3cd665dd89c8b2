/* pagecache.c: the page cache of the in-memory file system. Owns the frames that hold a
 * regular file's contents (`buf`: contiguous whole frames, one reference each for the file,
 * so a mapping can point at them and the frame outlives neither), the clean copy of an
 * initrd file made when it is first mapped or executed, the lookup of page i of a file, and
 * giving back clean copies that nothing maps. Does not own: how contents grow or shrink
 * (fs/ramfs.c), the areas that map files (filemap.c) or page tables (vm.c). */
#include "pagecache.h"
#include "vfs.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "vm.h"

void *filebuf_alloc(uint64_t bytes)
{
	uint64_t n = bytes / PAGE_SIZE;
	uint64_t pa = frame_alloc_contig(n);
	if (!pa)
		return NULL;
	for (uint64_t i = 0; i < n; i++)
		page_ref_inc(pa + i * PAGE_SIZE);
	return P2V(pa);
}

void filebuf_free(void *buf, uint64_t bytes)
{
	if (!buf)
		return;
	uint64_t pa = V2P(buf);
	for (uint64_t i = 0; i < bytes / PAGE_SIZE; i++)
		page_ref_dec(pa + i * PAGE_SIZE); /* a frame a mapping still holds stays */
}

long pagecache_own(struct inode *ip)
{
	if (ip->buf || !ip->size)
		return 0;
	uint64_t cap = ALIGN_UP(ip->size, PAGE_SIZE);
	uint8_t *nb = filebuf_alloc(cap);
	if (!nb)
		return -ENOSPC;
	memcpy(nb, ip->data, ip->size);
	ip->src = ip->data;
	ip->buf = nb;
	ip->cap = cap;
	ip->data = nb;
	return 0;
}

uint64_t pagecache_frame(struct inode *ip, uint64_t idx)
{
	if (idx >= ALIGN_UP(ip->size, PAGE_SIZE) / PAGE_SIZE || pagecache_own(ip))
		return 0;
	return V2P(ip->buf) + idx * PAGE_SIZE;
}

static uint64_t drop_tree(struct inode *dir)
{
	uint64_t n = 0;
	for (struct inode *c = dir->children; c; c = c->next) {
		if (S_ISDIR(c->mode)) {
			n += drop_tree(c);
		} else if (S_ISREG(c->mode) && c->buf && c->src && !c->mmaps) {
			n += c->cap / PAGE_SIZE;
			filebuf_free(c->buf, c->cap);
			c->data = c->src;
			c->buf = NULL;
			c->cap = 0;
			c->src = NULL;
		}
	}
	return n;
}

uint64_t pagecache_drop_clean(void)
{
	return drop_tree(ramfs_root());
}
