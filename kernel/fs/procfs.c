/* procfs.c: the /proc file system. Owns the tree under /proc: its fixed entries (self,
 * meminfo, cpuinfo, stat, loadavg, uptime), one directory per process (stat, status,
 * cmdline, comm, maps, exe, fd/), brought up to date whenever a lookup or a listing
 * reaches a directory (synth_ops.refresh), links whose target is made when read (self, exe,
 * fd/N: "magic" links, which lead to the object itself, as on Linux), and files whose text
 * is generated on every read from offset 0. Does not own the text of the files (the process
 * core: proc/procinfo.c, proc/sysinfo.c) or the VFS paths that call the hooks (namei.c,
 * file.c, sys_dir.c, sys_names.c). The nodes are ordinary ramfs inodes with `sops` set;
 * a process's directory is removed from the tree once the process is gone (an open file
 * in it stays, and its reads give ESRCH). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "procfs.h"

/* --- nodes ---------------------------------------------------------------------------- */

static struct inode *mk(struct inode *dir, const char *name, uint32_t mode, const struct synth_ops *ops, int key)
{
	struct inode *ip = inode_new(mode);
	if (!ip)
		return NULL;
	if (dir_link(dir, ip, name, strlen(name))) {
		inode_put(ip);
		return NULL;
	}
	ip->sops = ops;
	ip->skey = key;
	inode_put(ip); /* the tree keeps it */
	return ip;
}

/* Takes ip and everything under it out of the tree; each is freed with its last reference. */
static void prune(struct inode *ip)
{
	for (struct inode *c = ip->children, *next; c; c = next) {
		next = c->next;
		prune(c);
	}
	inode_get(ip);
	dir_unlink(ip);
	inode_put(ip);
}

static bool parse_int(const char *s, int *out)
{
	long v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = (int)v;
	return true;
}

uint64_t procfs_inode_number(struct inode *ip) { return ip->ino; }

void procfs_inode_path(struct inode *ip, struct kbuf *b)
{
	struct inode *root = ramfs_root();
	bool deleted = false;
	size_t need = 0;
	for (struct inode *p = ip; p != root; p = p->parent) {
		need += 1 + strlen(p->name);
		deleted |= p->nlink == 0;
	}
	if (ip == root) {
		kbuf_put(b, "/", 1);
		return;
	}
	char *s = kmalloc(need + 1);
	if (!s) {
		b->oom = true;
		return;
	}
	size_t pos = need;
	for (struct inode *p = ip; p != root; p = p->parent) {
		size_t l = strlen(p->name);
		pos -= l;
		memcpy(s + pos, p->name, l);
		s[--pos] = '/';
	}
	kbuf_put(b, s, need);
	kfree(s);
	if (deleted)
		kbuf_printf(b, " (deleted)");
}

/* --- generated files ------------------------------------------------------------------ */

static const char *const pid_files[] = {
	[PROC_STAT] = "stat", [PROC_STATUS] = "status", [PROC_CMDLINE] = "cmdline",
	[PROC_COMM] = "comm", [PROC_MAPS] = "maps",
};
#define NPID_FILES (sizeof(pid_files) / sizeof(pid_files[0]))

static const char *const sys_files[] = {
	[PROC_MEMINFO] = "meminfo", [PROC_CPUINFO] = "cpuinfo", [PROC_SYSSTAT] = "stat",
	[PROC_LOADAVG] = "loadavg", [PROC_UPTIME] = "uptime",
};
#define NSYS_FILES (sizeof(sys_files) / sizeof(sys_files[0]))

static const struct synth_ops sysfile_ops, pidfile_ops;

static long generate(struct inode *ip, struct kbuf *b)
{
	if (ip->sops == &sysfile_ops)
		return proc_sys_text((enum proc_sys_file)ip->skey, b);
	for (size_t i = 0; i < NPID_FILES; i++)
		if (!strcmp(ip->name, pid_files[i]))
			return proc_pid_text(ip->skey, (enum proc_pid_file)i, b);
	return -EIO;
}

/* The text is made at a read from offset 0 (or the first read) and kept for the reads
 * that continue it, as Linux's seq_file does. */
static long gen_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	struct kbuf *b = f->priv;
	if (!b) {
		if (!(b = kzalloc(sizeof(*b))))
			return -ENOMEM;
		f->priv = b;
	} else if (*pos == 0) {
		kbuf_free(b);
	}
	if (*pos == 0 || !b->p) {
		b->len = 0;
		long err = generate(f->ip, b);
		if (!err && b->oom)
			err = -ENOMEM;
		if (err) {
			kbuf_free(b);
			return err;
		}
	}
	if (*pos >= b->len || n == 0)
		return 0;
	size_t k = MIN(n, b->len - *pos);
	if (copy_to_user(ubuf, b->p + *pos, k))
		return -EFAULT;
	*pos += k;
	return (long)k;
}

static long gen_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)f, (void)src, (void)n, (void)pos;
	return -EIO; /* Linux's answer for a /proc file without a write operation */
}

static unsigned int gen_poll(struct file *f)
{
	(void)f;
	return POLLIN | POLLRDNORM;
}

static void gen_release(struct file *f)
{
	struct kbuf *b = f->priv;
	if (b) {
		kbuf_free(b);
		kfree(b);
	}
}

static const struct file_ops gen_fops = {
	.read = gen_read, .write = gen_write, .poll = gen_poll, .release = gen_release, .seekable = true,
};

static const struct synth_ops sysfile_ops = {.fops = &gen_fops};
static const struct synth_ops pidfile_ops = {.fops = &gen_fops};

/* --- links ---------------------------------------------------------------------------- */

static long self_target(struct inode *ip, struct kbuf *b)
{
	(void)ip;
	kbuf_printf(b, "%d", proc_self_tgid());
	return 0;
}

static long exe_target(struct inode *ip, struct kbuf *b)
{
	struct inode *exe = proc_pid_exe(ip->skey);
	if (!exe)
		return -ENOENT;
	procfs_inode_path(exe, b);
	inode_put(exe);
	return 0;
}

/* The link's object is held by the process (or its open file) meanwhile: nothing sleeps
 * between this and the caller's use of it. */
static struct inode *exe_object(struct inode *ip)
{
	struct inode *exe = proc_pid_exe(ip->skey);
	inode_put(exe);
	return exe;
}

static struct file *fd_of(struct inode *link)
{
	int fd;
	struct fdtable *t = proc_pid_files(link->skey);
	if (!t || !parse_int(link->name, &fd) || fd >= t->size)
		return NULL;
	return t->fd[fd];
}

static long fd_target(struct inode *ip, struct kbuf *b)
{
	struct file *f = fd_of(ip);
	if (!f)
		return -ENOENT;
	struct inode *o = f->ip;
	if (S_ISFIFO(o->mode) && o->nlink == 0)
		kbuf_printf(b, "pipe:[%lu]", (unsigned long)o->ino);
	else if (S_ISSOCK(o->mode) && o->nlink == 0)
		kbuf_printf(b, "socket:[%lu]", (unsigned long)o->ino);
	else
		procfs_inode_path(o, b);
	return 0;
}

static struct inode *fd_object(struct inode *ip)
{
	struct file *f = fd_of(ip);
	return f ? f->ip : NULL;
}

static const struct synth_ops self_ops = {.target = self_target};
static const struct synth_ops exe_ops = {.target = exe_target, .object = exe_object};
static const struct synth_ops fdlink_ops = {.target = fd_target, .object = fd_object};

/* --- directories ---------------------------------------------------------------------- */

static void fddir_refresh(struct inode *dir, const char *name, size_t len)
{
	(void)name, (void)len;
	struct fdtable *t = proc_pid_files(dir->skey);
	for (struct inode *c = dir->children, *next; c; c = next) {
		next = c->next;
		int fd;
		if (!t || !parse_int(c->name, &fd) || fd >= t->size || !t->fd[fd])
			prune(c);
	}
	if (!t)
		return;
	for (int fd = 0; fd < t->size; fd++) {
		char name[12];
		snprintf(name, sizeof(name), "%d", fd);
		if (t->fd[fd] && !dir_find(dir, name, strlen(name)))
			mk(dir, name, S_IFLNK | 0700, &fdlink_ops, dir->skey);
	}
}

static const struct synth_ops fddir_ops = {.refresh = fddir_refresh};

static void piddir_refresh(struct inode *dir, const char *name, size_t len)
{
	(void)name, (void)len;
	if (dir->children)
		return; /* made once; what they show is made when read */
	for (size_t i = 0; i < NPID_FILES; i++)
		mk(dir, pid_files[i], S_IFREG | 0444, &pidfile_ops, dir->skey);
	mk(dir, "exe", S_IFLNK | 0777, &exe_ops, dir->skey);
	mk(dir, "fd", S_IFDIR | 0500, &fddir_ops, dir->skey);
}

static const struct synth_ops piddir_ops = {.refresh = piddir_refresh};

static void add_pid(struct inode *dir, int pid)
{
	char name[12];
	snprintf(name, sizeof(name), "%d", pid);
	if (!dir_find(dir, name, strlen(name)))
		mk(dir, name, S_IFDIR | 0555, &piddir_ops, pid);
}

/* A process's directory is made when it is looked up or /proc is listed, and removed when
 * the process is reaped (procfs_task_gone), so /proc keeps nothing for processes that are
 * gone. */
static void root_refresh(struct inode *dir, const char *name, size_t len)
{
	if (name) {
		char s[12];
		int pid;
		if (len >= sizeof(s))
			return;
		memcpy(s, name, len);
		s[len] = 0;
		if (parse_int(s, &pid) && proc_tgid_exists(pid))
			add_pid(dir, pid);
		return;
	}
	for (int pid = proc_next_tgid(0); pid; pid = proc_next_tgid(pid))
		add_pid(dir, pid);
}

static const struct synth_ops root_ops = {.refresh = root_refresh};

static struct inode *proc_root;

void procfs_task_gone(int pid)
{
	char name[12];
	snprintf(name, sizeof(name), "%d", pid);
	struct inode *d = proc_root ? dir_find(proc_root, name, strlen(name)) : NULL;
	if (d && d->sops == &piddir_ops)
		prune(d);
}

void procfs_init(void)
{
	struct inode *root = proc_root = ramfs_create("/proc", S_IFDIR | 0555);
	if (!root)
		return;
	root->sops = &root_ops;
	mk(root, "self", S_IFLNK | 0777, &self_ops, 0);
	for (size_t i = 0; i < NSYS_FILES; i++)
		mk(root, sys_files[i], S_IFREG | 0444, &sysfile_ops, (int)i);
}
