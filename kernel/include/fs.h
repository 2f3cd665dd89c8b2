/* fs.h: the in-memory file system's nodes (fs/ramfs.c) and the initramfs loader
 * (fs/initramfs.c).
 *
 * The root file system is one tree of inodes in memory. There are no hard links, so an
 * inode is also its one directory entry: it carries its name, its parent and (directories)
 * its children, sorted by name. Regular files and symlinks keep their contents in one
 * contiguous block: `data` points into the initrd for files that came from the cpio
 * archive until the first write copies them into `buf` (owned, capacity `cap`); after
 * that data == buf. `data` is always readable for `size` bytes. `buf` is made of whole
 * page frames that mappings point at (pagecache.h); its bytes past `size` are zero.
 *
 * Lifetime: `refs` counts holders (open files, cwds, children, lookups in progress);
 * `nlink` is 1 while the inode is in the tree. An inode is freed when both are 0.
 *
 * The old name `struct rnode` is kept for shell.c (ls/cat read name, mode, size, data,
 * children, next); new code uses the VFS (vfs.h). */
#ifndef RZ_FS_H
#define RZ_FS_H
#include "types.h"
#include "wait.h"
#include <linux/stat.h>         /* S_IF*, S_IS*() (hidden there when __GLIBC__ is defined) */

#ifndef S_IFMT                  /* the Linux values, inode(7) */
#define S_IFMT  00170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)	(((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m)	(((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m)	(((m) & S_IFMT) == S_IFSOCK)
#endif

struct pipe;
struct lock_ctx;
struct vma;
struct synth_ops;

struct kts {
	int64_t sec;
	int64_t nsec;
};

struct inode {
	char *name;             /* "" for the root */
	uint32_t mode;          /* S_IF* | permission bits */
	uint64_t size;
	const uint8_t *data;    /* regular files and symlinks: the contents (see above) */
	struct inode *parent;   /* the root is its own parent */
	struct inode *children; /* directories: first child, sorted by name */
	struct inode *next;     /* next sibling */

	uint8_t *buf;           /* owned contents once written; NULL while data is the initrd's */
	uint64_t cap;
	uint64_t ino;
	uint32_t nlink;         /* 1 while linked into the tree, 0 once removed */
	int refs;
	uint32_t rdev;          /* character devices: Linux's encoding (major << 8 | minor) */
	uint64_t dseq;          /* position of this entry in its directory (getdents64) */
	uint64_t next_dseq;     /* directories: the next position to hand out */
	struct kts atime, mtime, ctime;
	struct pipe *pipe;      /* FIFOs: the pipe, created on first open */
	struct lock_ctx *locks; /* advisory locks and their waiters (fs/lock.c); NULL: none */
	const uint8_t *src;     /* buf is a clean copy of these initrd bytes (NULL once written) */
	struct vma *mmaps;      /* areas mapping this file (mm/filemap.c), through vma->fnext */
	int deny_write;         /* areas of running programs' images: opening for writing is ETXTBSY */
	const struct synth_ops *sops;   /* a synthetic node (/proc): its hooks (vfs.h); else NULL */
	int skey;               /* synthetic nodes: what they describe (a process id...) */
	bool writing;           /* regular files: a write is in progress (file.c: one at a time,
				 * since a long one may give the CPU away between two chunks) */
	struct waitq write_wait;/* writers waiting for it */
	struct inode *alias;    /* a hard link's entry (sys_names.c link): only a name in its
				 * directory for this file (referenced, counted in its nlink) */
	struct shm_seg *shm;    /* a System V shared memory segment's file (ipc/shm.c); else NULL */
};
#define rnode inode             /* compatibility name for shell.c */

struct inode *ramfs_root(void);
/* Absolute path, symlinks followed; NULL if absent. No reference is taken (the tree only
 * changes in system calls, and the shell does not run concurrently with them on one CPU). */
struct inode *ramfs_lookup(const char *path);
/* Creates path (and missing parent directories) or returns the existing node. */
struct inode *ramfs_create(const char *path, uint32_t mode);

int initramfs_load(const void *archive, uint64_t size); /* number of entries, <0 on error */

#endif
