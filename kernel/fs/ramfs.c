/* ramfs.c: the in-memory file tree. Owns rnodes (name, mode, size, data pointer, parent,
 * sorted children), path lookup ("/a/b", with "." and "..", repeated slashes ignored) and
 * creation of nodes with missing parent directories. Does not own file contents (they
 * point into the initrd) or archive parsing (initramfs.c). Later this becomes the
 * writable root file system under the VFS. */
#include "fs.h"
#include "lib.h"
#include "mm.h"

static struct rnode root = {.name = "", .mode = S_IFDIR | 0755, .parent = &root};

struct rnode *ramfs_root(void) { return &root; }

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

static struct rnode *child(struct rnode *dir, const char *name)
{
	for (struct rnode *c = dir->children; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

struct rnode *ramfs_lookup(const char *path)
{
	struct rnode *n = &root;
	char comp[256];
	while (next_component(&path, comp, sizeof(comp))) {
		if ((n->mode & S_IFMT) != S_IFDIR)
			return NULL;
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			n = n->parent;
			continue;
		}
		if (!(n = child(n, comp)))
			return NULL;
	}
	return n;
}

static struct rnode *add_child(struct rnode *dir, const char *name, uint32_t mode)
{
	struct rnode *c = kzalloc(sizeof(*c));
	size_t len = strlen(name);
	if (!c || !(c->name = kmalloc(len + 1)))
		panic("ramfs: out of memory");
	memcpy(c->name, name, len + 1);
	c->mode = mode;
	c->parent = dir;
	struct rnode **pp = &dir->children; /* keep siblings sorted for ls */
	while (*pp && strcmp((*pp)->name, name) < 0)
		pp = &(*pp)->next;
	c->next = *pp;
	*pp = c;
	return c;
}

struct rnode *ramfs_create(const char *path, uint32_t mode)
{
	struct rnode *n = &root;
	char comp[256];
	while (next_component(&path, comp, sizeof(comp))) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			n = n->parent;
			continue;
		}
		if ((n->mode & S_IFMT) != S_IFDIR)
			return NULL;
		struct rnode *c = child(n, comp);
		bool last = true;
		for (const char *p = path; *p; p++)
			if (*p != '/') {
				last = false;
				break;
			}
		if (!c)
			c = add_child(n, comp, last ? mode : (S_IFDIR | 0755));
		else if (last)
			c->mode = mode; /* a later archive entry replaces an implied directory's mode */
		n = c;
	}
	return n;
}
