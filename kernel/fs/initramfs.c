/* initramfs.c: loads a cpio "newc" archive (the PVH module given with -initrd) into the
 * ramfs tree. Owns the archive format only: 110-byte ASCII headers ("070701" and 13
 * eight-digit hex fields), the name padded to 4 bytes, the data padded to 4 bytes, and
 * the "TRAILER!!!" entry. Regular files keep pointing into the archive (the initrd frames
 * stay reserved); directories and symlinks become nodes; device nodes are skipped (the
 * kernel provides /dev itself). Files keep pointing into the archive until their first
 * write copies them (ramfs.c). Does not own the tree (ramfs.c). */
#include "vfs.h"
#include "lib.h"

static bool hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

int initramfs_load(const void *archive, uint64_t size)
{
	const char *base = archive;
	uint64_t off = 0;
	int count = 0;
	vfs_init(); /* the root and /dev first; archive entries add to them */
	for (;;) {
		if (off + 110 > size)
			return -1;
		const char *h = base + off;
		if (memcmp(h, "070701", 6) && memcmp(h, "070702", 6))
			return -1;
		uint32_t f[13];
		for (int i = 0; i < 13; i++)
			if (!hex8(h + 6 + 8 * i, &f[i]))
				return -1;
		/* fields: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor rdevminor namesize check */
		uint32_t mode = f[1], filesize = f[6], namesize = f[11];
		uint64_t name_off = off + 110;
		uint64_t data_off = ALIGN_UP(name_off + namesize, 4);
		if (namesize == 0 || data_off + filesize > size || base[name_off + namesize - 1] != 0)
			return -1;
		const char *name = base + name_off;
		if (!strcmp(name, "TRAILER!!!"))
			return count;
		if (strcmp(name, ".") && strcmp(name, "./")) {
			uint32_t type = mode & S_IFMT;
			if (type == S_IFDIR || type == S_IFREG || type == S_IFLNK) {
				struct inode *n = ramfs_create(name, mode);
				if (!n)
					return -1;
				n->atime = n->mtime = n->ctime = (struct kts){.sec = f[5], .nsec = 0};
				if (type != S_IFDIR) {
					n->data = (const uint8_t *)base + data_off;
					n->size = filesize;
				}
				count++;
			}
		}
		off = ALIGN_UP(data_off + filesize, 4);
	}
}
