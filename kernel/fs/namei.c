/* namei.c: path resolution. Owns walking a path from a starting directory: "." and "..",
 * repeated slashes, symlinks (absolute or relative to the link's directory, at most
 * RZ_MAXSYMLINKS in one lookup and 8 nested), a trailing slash (the result must be a
 * directory), ENAMETOOLONG for a component over 255 bytes, ENOTDIR/ENOENT/ELOOP; finding
 * the parent of the last component for the calls that create or remove names; dirfd
 * starting points; getcwd; the hooks of synthetic directories and links (vfs.h). Does not own the tree (ramfs.c). Nothing here sleeps, so no
 * references are taken until the end. */
#include "vfs.h"
#include "lib.h"
#include "procfs.h"

#define MAX_NESTED 8

static long walk(struct inode *cur, const char *p, size_t len, int flags, struct inode **out, int *links,
		 int depth);

/* A synthetic link (/proc): its object itself, or its target made now. */
static long follow_synth(struct inode *dir, struct inode *link, struct inode **out, int *links, int depth)
{
	if (link->sops->object) {
		*out = link->sops->object(link);
		return *out ? 0 : -ENOENT;
	}
	struct kbuf b = {0};
	long err = link->sops->target ? link->sops->target(link, &b) : -ENOENT;
	if (!err && b.oom)
		err = -ENOMEM;
	if (!err && !b.len)
		err = -ENOENT;
	if (!err)
		err = walk(b.p[0] == '/' ? ramfs_root() : dir, b.p, b.len, LOOKUP_FOLLOW, out, links, depth + 1);
	kbuf_free(&b);
	return err;
}

/* Follows a symlink found in directory dir; result in *out (no reference). */
static long follow(struct inode *dir, struct inode *link, struct inode **out, int *links, int depth)
{
	if (++*links > RZ_MAXSYMLINKS || depth >= MAX_NESTED)
		return -ELOOP;
	if (link->sops)
		return follow_synth(dir, link, out, links, depth);
	const char *t = (const char *)link->data;
	size_t n = link->size;
	if (n == 0)
		return -ENOENT;
	return walk(t[0] == '/' ? ramfs_root() : dir, t, n, LOOKUP_FOLLOW, out, links, depth + 1);
}

static long walk(struct inode *cur, const char *p, size_t len, int flags, struct inode **out, int *links, int depth)
{
	size_t i = 0;
	if (len == 0)
		return -ENOENT;
	if (p[0] == '/')
		cur = ramfs_root();
	for (;;) {
		while (i < len && p[i] == '/')
			i++;
		if (i == len)
			break;
		size_t s = i;
		while (i < len && p[i] != '/')
			i++;
		size_t clen = i - s;
		const char *c = p + s;
		size_t j = i;
		while (j < len && p[j] == '/')
			j++;
		bool last = j == len, slash = i < len;
		if (clen > RZ_NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
		if (clen == 1 && c[0] == '.')
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			cur = cur->parent;
			continue;
		}
		if (cur->sops && cur->sops->refresh)
			cur->sops->refresh(cur, c, clen);
		struct inode *n = dir_find(cur, c, clen);
		if (!n)
			return -ENOENT;
		if (n->alias) /* a hard link's entry: the file it names */
			n = n->alias;
		if (S_ISLNK(n->mode) && (!last || slash || (flags & LOOKUP_FOLLOW))) {
			long err = follow(cur, n, &n, links, depth);
			if (err)
				return err;
		}
		cur = n;
	}
	/* a trailing slash (or a path of slashes) asks for a directory */
	if ((len && p[len - 1] == '/') || (flags & LOOKUP_DIRECTORY))
		if (!S_ISDIR(cur->mode))
			return -ENOTDIR;
	*out = cur;
	return 0;
}

long namei_at(struct inode *start, const char *path, int flags, struct inode **out)
{
	int links = 0;
	struct inode *ip;
	size_t len = strlen(path);
	if (len >= RZ_PATH_MAX)
		return -ENAMETOOLONG;
	long err = walk(start ? start : ramfs_root(), path, len, flags, &ip, &links, 0);
	if (err)
		return err;
	*out = inode_get(ip);
	return 0;
}

long namei_parent(struct inode *start, const char *path, struct inode **dir, const char **name, size_t *len,
		  bool *slash)
{
	size_t n = strlen(path);
	if (n == 0)
		return -ENOENT;
	if (n >= RZ_PATH_MAX)
		return -ENAMETOOLONG;
	size_t end = n;
	while (end > 0 && path[end - 1] == '/')
		end--;
	*slash = end < n;
	if (end == 0) { /* "/" or "///": the root itself */
		*dir = inode_get(ramfs_root());
		*name = path;
		*len = 0;
		return 0;
	}
	size_t s = end;
	while (s > 0 && path[s - 1] != '/')
		s--;
	if (end - s > RZ_NAME_MAX)
		return -ENAMETOOLONG;
	struct inode *d;
	int links = 0;
	long err;
	if (s == 0)
		d = start ? start : ramfs_root();
	else if ((err = walk(start ? start : ramfs_root(), path, s, LOOKUP_FOLLOW, &d, &links, 0)))
		return err;
	if (!S_ISDIR(d->mode))
		return -ENOTDIR;
	*dir = inode_get(d);
	*name = path + s;
	*len = end - s;
	return 0;
}

long at_start(int dirfd, const char *path, struct inode **start)
{
	if (path && path[0] == '/') {
		*start = inode_get(ramfs_root());
		return 0;
	}
	if (dirfd == AT_FDCWD) {
		struct fs_context *fc = current_fs_context();
		*start = inode_get(fc && fc->cwd ? fc->cwd : ramfs_root());
		return 0;
	}
	struct file *f = fget(dirfd);
	if (!f)
		return -EBADF;
	if (path && path[0] && !S_ISDIR(f->ip->mode)) {
		file_put(f);
		return -ENOTDIR;
	}
	*start = inode_get(f->ip);
	file_put(f);
	return 0;
}

long vfs_getcwd(struct inode *cwd, char *buf, size_t size)
{
	/* Unlinked directories (or any of their ancestors) have no path. */
	for (struct inode *ip = cwd; ip != ramfs_root(); ip = ip->parent)
		if (ip->nlink == 0)
			return -ENOENT;
	if (cwd == ramfs_root()) {
		if (size < 2)
			return -ERANGE;
		buf[0] = '/';
		buf[1] = 0;
		return 2;
	}
	size_t need = 1;
	for (struct inode *ip = cwd; ip != ramfs_root(); ip = ip->parent)
		need += 1 + strlen(ip->name);
	if (need > size)
		return -ERANGE;
	size_t pos = need - 1;
	buf[pos] = 0;
	for (struct inode *ip = cwd; ip != ramfs_root(); ip = ip->parent) {
		size_t l = strlen(ip->name);
		pos -= l;
		memcpy(buf + pos, ip->name, l);
		buf[--pos] = '/';
	}
	return (long)need;
}
