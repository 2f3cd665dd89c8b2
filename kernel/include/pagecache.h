/* pagecache.h: the frames that hold regular files' contents (mm/pagecache.c) and the
 * mappings of files (mm/filemap.c).
 *
 * A file that owns its contents keeps them in `buf`: whole, zero-filled page frames,
 * contiguous, each carrying one reference (vm.h's page_ref_*) for the file. So page i of the
 * file is the frame at V2P(buf) + i * PAGE_SIZE, and a mapping points at that very frame:
 * MAP_SHARED stores are the file's bytes, and write() is seen by every mapping. A file still
 * in the initrd gets such a copy when it is first mapped (or executed); that copy is clean
 * (`src` remembers the initrd bytes) and may be dropped again while nothing maps it. */
#ifndef RZ_PAGECACHE_H
#define RZ_PAGECACHE_H
#include "types.h"

struct inode;
struct vma;

/* bytes: a multiple of PAGE_SIZE. Zeroed frames, one reference each; NULL if none. */
void *filebuf_alloc(uint64_t bytes);
void filebuf_free(void *buf, uint64_t bytes);       /* drops the file's reference of each */

/* A regular file's contents in its own frames (a clean copy for a file of the initrd).
 * 0, or -ENOSPC when no frames are left. */
long pagecache_own(struct inode *ip);
/* The frame of page idx of the file (owning its contents first), or 0 when idx is past the
 * last page that holds a byte of the file (an access there is SIGBUS). */
uint64_t pagecache_frame(struct inode *ip, uint64_t idx);
/* Gives back the frames of clean copies of initrd files that nothing maps; how many. */
uint64_t pagecache_drop_clean(void);

/* File mappings (filemap.c), called by the file layer when pages move or go. */
void filemap_moved(struct inode *ip, const void *old, uint64_t oldcap);  /* frames replaced */
void filemap_truncated(struct inode *ip, uint64_t size);                 /* file shrank */
/* An area starts or stops mapping its file: the inode's list of areas and its reference. */
void filemap_link(struct vma *v);
/* What mmap may do with descriptor f: 0 with *ip = the regular file (referenced) or NULL for
 * /dev/zero (anonymous memory); -EACCES, -ENODEV, -EINVAL, -ENOMEM as Linux. */
struct file;
long filemap_check(struct file *f, uint32_t prot, int type, struct inode **ip);
void filemap_unlink(struct vma *v);

#endif
