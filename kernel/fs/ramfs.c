/* ramfs.c: the in-memory file system. Owns inodes (allocation, reference counts, freeing),
 * the tree (one name per inode, children sorted by name, directory positions for
 * getdents64), file contents (copy on first write of initrd-backed files, growth with
 * zero-filled holes, truncation), timestamps, the /dev nodes, /dev/shm and /tmp (mode 1777), and the old absolute-path
 * API (ramfs_lookup/ramfs_create) used by the shell and the initramfs loader. Does not own
 * path resolution for system calls (namei.c) or open files (file.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "pagecache.h"
#include "memlayout.h"
#include <asm/resource.h>
#ifndef SIGXFSZ
#define SIGXFSZ 25 /* <asm/signal.h>, which the host tests' libc headers clash with */
#endif

static struct inode root = {
	.name = "", .mode = S_IFDIR | 0755, .parent = &root, .nlink = 1, .refs = 1, .ino = 1, .next_dseq = 2,
};
static uint64_t next_ino = 2;
static bool initialised;

struct kts vfs_now(void)
{
	uint64_t ns = time_realtime_ns();
	return (struct kts){.sec = (int64_t)(ns / 1000000000ULL), .nsec = (int64_t)(ns % 1000000000ULL)};
}

void inode_touch(struct inode *ip, bool mtime)
{
	struct kts now = vfs_now();
	ip->ctime = now;
	if (mtime)
		ip->mtime = now;
}

struct inode *inode_new(uint32_t mode)
{
	struct inode *ip = kzalloc(sizeof(*ip));
	if (!ip)
		return NULL;
	ip->mode = mode;
	ip->refs = 1;
	ip->ino = next_ino++;
	ip->next_dseq = 2;
	ip->atime = ip->mtime = ip->ctime = vfs_now();
	return ip;
}

struct inode *inode_get(struct inode *ip)
{
	if (ip)
		ip->refs++;
	return ip;
}

void pipe_free_inode(struct inode *ip); /* pipe.c */

void inode_put(struct inode *ip)
{
	while (ip && ip != &root) {
		assert(ip->refs > 0);
		if (--ip->refs > 0 || ip->nlink > 0)
			return;
		struct inode *parent = ip->parent;
		if (ip->alias) { /* a hard link's entry: one name less for its file */
			ip->alias->nlink--;
			inode_put(ip->alias);
		}
		if (ip->pipe)
			pipe_free_inode(ip);
		filebuf_free(ip->buf, ip->cap);
		kfree(ip->name);
		kfree(ip);
		ip = parent; /* a child holds a reference on its parent */
	}
}

struct inode *dir_find(struct inode *dir, const char *name, size_t len)
{
	for (struct inode *c = dir->children; c; c = c->next)
		if (!strncmp(c->name, name, len) && c->name[len] == 0)
			return c;
	return NULL;
}

/* strcmp of a NUL-terminated name against (name, len) */
static int name_cmp(const char *a, const char *b, size_t len)
{
	int r = strncmp(a, b, len);
	if (r)
		return r;
	return a[len] ? 1 : 0;
}

long dir_link(struct inode *dir, struct inode *ip, const char *name, size_t len)
{
	char *copy = kmalloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = 0;
	kfree(ip->name);
	ip->name = copy;
	ip->parent = inode_get(dir);
	ip->nlink++; /* its names: this one and its hard links' entries */
	ip->dseq = dir->next_dseq++;
	struct inode **pp = &dir->children;
	while (*pp && name_cmp((*pp)->name, name, len) < 0)
		pp = &(*pp)->next;
	ip->next = *pp;
	*pp = ip;
	inode_touch(dir, true);
	return 0;
}

/* Removes ip from its parent's list; the inode keeps its parent pointer (and reference)
 * until it is freed. The caller's own reference keeps it alive meanwhile. */
void dir_unlink(struct inode *ip)
{
	struct inode *dir = ip->parent;
	for (struct inode **pp = &dir->children; *pp; pp = &(*pp)->next)
		if (*pp == ip) {
			*pp = ip->next;
			break;
		}
	ip->next = NULL;
	if (ip->nlink)
		ip->nlink--;
	inode_touch(dir, true);
	inode_touch(ip, false);
}

bool dir_empty(struct inode *dir) { return dir->children == NULL; }

uint32_t dir_nlink(struct inode *dir)
{
	uint32_t n = 2;
	for (struct inode *c = dir->children; c; c = c->next)
		if (S_ISDIR(c->mode))
			n++;
	return n;
}

/* The contents are about to change: own them, in page frames of capacity >= need. When the
 * frames move (growth), the mappings of the file drop the old ones (filemap_moved). */
long inode_reserve(struct inode *ip, uint64_t need)
{
	if (need > RZ_FILE_MAX_SIZE)
		return -EFBIG;
	ip->src = NULL; /* written from now on: no longer a clean copy of the initrd */
	if (ip->buf && ip->cap >= need)
		return 0;
	uint64_t cap = ip->buf ? ip->cap : 0;
	if (cap < need) {
		cap = cap ? cap * 2 : PAGE_SIZE;
		if (cap < need)
			cap = need;
		if (cap < ip->size)
			cap = ip->size;
	}
	cap = ALIGN_UP(cap, PAGE_SIZE);
	uint8_t *nb = filebuf_alloc(cap);
	if (!nb)
		return -ENOSPC;
	if (ip->size)
		memcpy(nb, ip->data, ip->size);
	uint8_t *old = ip->buf;
	uint64_t oldcap = ip->cap;
	ip->buf = nb;
	ip->cap = cap;
	ip->data = nb;
	if (old && ip->mmaps)
		filemap_moved(ip, old, oldcap);
	filebuf_free(old, oldcap);
	return 0;
}

long inode_truncate(struct inode *ip, uint64_t size)
{
	uint64_t lim = current_rlimit(RLIMIT_FSIZE);
	if (size > ip->size && lim != RLIM_INFINITY && size > lim) {
		signal_send(current_pid(), SIGXFSZ); /* as Linux's inode_newsize_ok */
		return -EFBIG;
	}
	if (size > RZ_FILE_MAX_SIZE)
		return -EFBIG;
	ip->src = NULL;
	if (size < ip->size) {
		if (ip->buf) /* the bytes past the end read as zeros in a mapping's last page */
			memset(ip->buf + size, 0, ip->size - size);
		if (ip->mmaps) /* pages past the new end leave every mapping (SIGBUS there) */
			filemap_truncated(ip, size);
	}
	if (size == 0) {
		filebuf_free(ip->buf, ip->cap);
		ip->buf = NULL;
		ip->data = NULL;
		ip->cap = 0;
	} else if (size > ip->size) {
		long err = inode_reserve(ip, size);
		if (err)
			return err;
		memset(ip->buf + ip->size, 0, size - ip->size);
	}
	ip->size = size;
	inode_touch(ip, true);
	return 0;
}

struct inode *ramfs_root(void)
{
	vfs_init();
	return &root;
}

struct inode *ramfs_lookup(const char *path)
{
	struct inode *ip;
	vfs_init();
	if (namei_at(&root, path, LOOKUP_FOLLOW, &ip))
		return NULL;
	inode_put(ip); /* the tree keeps it; see fs.h */
	return ip;
}

/* Copies the next path component of *path into comp (NUL-terminated); advances *path.
 * Returns false at the end of the path. */
static bool next_component(const char **path, char *comp, size_t size)
{
	const char *p = *path;
	while (*p == '/')
		p++;
	if (!*p)
		return false;
	size_t n = 0;
	while (*p && *p != '/') {
		if (n + 1 < size)
			comp[n++] = *p;
		p++;
	}
	comp[n] = 0;
	*path = p;
	return true;
}

static struct inode *create_in(struct inode *dir, const char *name, uint32_t mode)
{
	struct inode *c = inode_new(mode);
	if (!c || dir_link(dir, c, name, strlen(name)))
		panic("ramfs: out of memory");
	inode_put(c); /* the tree's reference (nlink) keeps it */
	return c;
}

/* The loader's creation: no symlinks followed, missing directories made. */
struct inode *ramfs_create(const char *path, uint32_t mode)
{
	struct inode *n = &root;
	char comp[RZ_NAME_MAX + 1];
	while (next_component(&path, comp, sizeof(comp))) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			n = n->parent;
			continue;
		}
		if (!S_ISDIR(n->mode))
			return NULL;
		struct inode *c = dir_find(n, comp, strlen(comp));
		bool last = true;
		for (const char *p = path; *p; p++)
			if (*p != '/') {
				last = false;
				break;
			}
		if (!c)
			c = create_in(n, comp, last ? mode : (S_IFDIR | 0755));
		else if (last)
			c->mode = mode; /* a later archive entry replaces an implied directory's mode */
		n = c;
	}
	return n;
}

static void mknode(const char *path, uint32_t mode, uint32_t rdev)
{
	struct inode *ip = ramfs_create(path, mode);
	if (ip)
		ip->rdev = rdev;
}

void vfs_init(void)
{
	if (initialised)
		return;
	initialised = true;
	root.atime = root.mtime = root.ctime = vfs_now();
	ramfs_create("/dev", S_IFDIR | 0755);
	mknode("/dev/null", S_IFCHR | 0666, RZ_MKDEV(1, 3));
	mknode("/dev/zero", S_IFCHR | 0666, RZ_MKDEV(1, 5));
	mknode("/dev/full", S_IFCHR | 0666, RZ_MKDEV(1, 7));
	mknode("/dev/tty", S_IFCHR | 0666, RZ_MKDEV(5, 0));
	mknode("/dev/console", S_IFCHR | 0620, RZ_MKDEV(5, 1));
	struct inode *shm = ramfs_create("/dev/shm", S_IFDIR | 01777);
	if (shm)
		shm->mode = S_IFDIR | 01777;
	struct inode *tmp = ramfs_create("/tmp", S_IFDIR | 01777);
	if (tmp)
		tmp->mode = S_IFDIR | 01777;
	procfs_init();
	tty_init();
}
