/* fs.h: the in-memory file tree (fs/ramfs.c) and the initramfs loader (fs/initramfs.c). */
#ifndef RZ_FS_H
#define RZ_FS_H
#include "types.h"

#define S_IFMT   0170000
#define S_IFDIR  0040000
#define S_IFREG  0100000
#define S_IFLNK  0120000
#define S_IFCHR  0020000

struct rnode {
	char *name;
	uint32_t mode;          /* S_IF* | permission bits, as in cpio */
	uint64_t size;
	const uint8_t *data;    /* file contents (points into the initrd) */
	struct rnode *parent;
	struct rnode *children; /* directories: first child, sorted by name */
	struct rnode *next;     /* next sibling */
};

struct rnode *ramfs_root(void);
struct rnode *ramfs_lookup(const char *path); /* absolute path; NULL if absent */
/* Creates path (and missing parent directories) or returns the existing node. */
struct rnode *ramfs_create(const char *path, uint32_t mode);

int initramfs_load(const void *archive, uint64_t size); /* number of entries, <0 on error */

#endif
