/* vfs.h: the file layer's internal interface (fs/, dev/). Inodes and the tree (fs/ramfs.c),
 * path lookup (fs/namei.c), open file descriptions and descriptor tables (fs/file.c),
 * pipes (fs/pipe.c), advisory locks (fs/lock.c), poll (fs/poll.c), character devices
 * (dev/devices.c, dev/tty.c).
 *
 * Concurrency: one CPU and no preemption in the kernel, so code that does not sleep runs
 * alone. Sleeping (pipes, the tty, poll) happens only with references held on what is
 * used afterwards. Interrupt handlers touch only the console's receive queue and the
 * tty's line discipline, and wake queues; the other side disables interrupts around them. */
#ifndef RZ_VFS_H
#define RZ_VFS_H
#include "types.h"
#include "fs.h"
#include "files.h"
#include "wait.h"
#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <asm/poll.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef UTIME_NOW
#define UTIME_NOW ((1L << 30) - 1L)
#define UTIME_OMIT ((1L << 30) - 2L)
#endif

#define RZ_PATH_MAX 4096
#define RZ_NAME_MAX 255
#define RZ_FILE_MAX_SIZE (1ULL << 30)   /* larger writes get -EFBIG */
#define RZ_MAXSYMLINKS 40

/* --- inodes (ramfs.c) ---------------------------------------------------------------- */
void vfs_init(void);                    /* root and /dev nodes; idempotent, called lazily */
struct inode *inode_get(struct inode *ip);
/* inode_put (files.h) */
struct inode *inode_new(uint32_t mode);              /* unlinked, refs 1 */
struct inode *dir_find(struct inode *dir, const char *name, size_t len);
long dir_link(struct inode *dir, struct inode *ip, const char *name, size_t len); /* takes a ref */
void dir_unlink(struct inode *ip);      /* out of its parent; drops the tree's reference */
bool dir_empty(struct inode *dir);
long inode_reserve(struct inode *ip, uint64_t need);   /* own the contents, capacity >= need */
long inode_truncate(struct inode *ip, uint64_t size);
void inode_touch(struct inode *ip, bool mtime);        /* mtime+ctime (or ctime only) = now */
struct kts vfs_now(void);
uint32_t dir_nlink(struct inode *dir);

/* --- path lookup (namei.c) ----------------------------------------------------------- */
#define LOOKUP_FOLLOW 1                 /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2              /* the result must be a directory */
/* start: the directory for relative paths. Returns 0 with *out referenced, or -errno. */
long namei_at(struct inode *start, const char *path, int flags, struct inode **out);
/* The parent directory of path's last component (referenced) and that component (a pointer
 * into path, its length; len 0 when the path names the root). *slash: the path ended in '/'. */
long namei_parent(struct inode *start, const char *path, struct inode **dir, const char **name,
		  size_t *len, bool *slash);
/* The starting directory for dirfd (AT_FDCWD: the cwd), referenced. */
long at_start(int dirfd, const char *path, struct inode **start);
long vfs_getcwd(struct inode *cwd, char *buf, size_t size);   /* length with NUL, -ERANGE */

/* --- open files (file.c) ------------------------------------------------------------- */
struct file;
/* Where the bytes of a write come from: a user address (system calls) or kernel memory
 * (sendfile's bounce buffer). */
struct wsrc {
	uint64_t addr;
	bool kernel;
};
#define WSRC_USER(a) ((struct wsrc){.addr = (a), .kernel = false})
long wsrc_copy(void *dst, struct wsrc src, size_t off, size_t n);     /* 0 or -EFAULT */
struct file_ops {
	/* ubuf: a user address; pos: the offset to use and advance (NULL for pipes/ttys) */
	long (*read)(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos);
	long (*write)(struct file *f, struct wsrc src, size_t n, uint64_t *pos);
	long (*ioctl)(struct file *f, unsigned int cmd, uint64_t arg);
	unsigned int (*poll)(struct file *f);   /* POLL* bits ready now; interrupts disabled */
	void (*release)(struct file *f);
	bool seekable;
	/* poll is "always ready" and nothing more (regular files, directories, /dev/null):
	 * epoll_ctl refuses the file with EPERM, as Linux, where these have no poll operation */
	bool no_epoll;
};
struct file {
	int refs;
	uint32_t flags;                 /* O_ACCMODE and status flags (O_APPEND, O_NONBLOCK...) */
	uint64_t pos;
	struct inode *ip;               /* referenced */
	const struct file_ops *ops;
	void *priv;
	struct epitem *epitems;         /* the epoll items watching this file (fs/epoll.c) */
	/* read(2)/write(2)'s checks, done once (file_rw_prepare, at open and at fd_install):
	 * FILE_RW_READ/WRITE: not O_PATH, the access mode allows it and ops has the operation;
	 * rwpos: &pos when ops->seekable, else NULL. They depend only on the access mode, O_PATH
	 * and ops, which never change once a file is open (F_SETFL keeps them). A clear bit
	 * only sends the call to the full checks (sys_rw.c), so it is never wrong to leave one
	 * clear. */
	uint8_t rw;
	uint64_t *rwpos;
};
#define FILE_RW_READ 1
#define FILE_RW_WRITE 2
/* A table starts with FDTABLE_FIRST slots of its own and grows (doubling, fs/file.c
 * fd_grow) when a descriptor above them is installed, so a process pays for the
 * descriptors it uses, not for RLIMIT_NOFILE. fd and cloexec move when it grows: nothing
 * keeps a pointer into them across a call that may install a descriptor. */
#define FDTABLE_FIRST 64
struct fdtable {
	int refs;
	int size;                       /* slots in fd[], bits in cloexec[]: a power of 2, >= 64 */
	struct file **fd;
	uint64_t *cloexec;
	struct file *fd_first[FDTABLE_FIRST];
	uint64_t cloexec_first[FDTABLE_FIRST / 64];
};
struct fs_context {
	int refs;
	struct inode *cwd;              /* referenced */
	uint32_t umask;
};

struct file *file_alloc(struct inode *ip, uint32_t flags, const struct file_ops *ops);
struct file *file_get(struct file *f);
void file_put(struct file *f);
struct file *fget(int fd);              /* referenced, or NULL for a bad fd */
void file_rw_prepare(struct file *f);   /* sets f->rw and f->rwpos (above) */
/* fdget/fdput: fd's file for the length of one system call, with a reference only when the
 * descriptor table is shared (CLONE_FILES: another thread could close fd meanwhile). An
 * unshared table changes only by its own task's calls, and a task runs one call at a time
 * (signal handlers and exit run after the call returns), so its file stays installed, and
 * referenced by the table, until fdput. Linux's fdget does the same. */
struct fd { struct file *file; bool put; };
static inline struct fd fdget(int fd)
{
	struct fdtable *t = current_fdtable();
	if (!t || (unsigned)fd >= (unsigned)t->size)
		return (struct fd){ NULL, false };
	struct file *f = t->fd[fd];
	if (__builtin_expect(t->refs > 1, 0))
		return (struct fd){ file_get(f), true };
	return (struct fd){ f, false };
}
static inline void fdput(struct fd f)
{
	if (f.put)
		file_put(f.file);
}
/* Installs f at the lowest free fd >= min and below fd_limit() (f's reference moves to the
 * table): fd or -EMFILE. */
int fd_install(struct fdtable *t, struct file *f, int min, bool cloexec);
int fd_limit(void);                     /* RLIMIT_NOFILE, at most RZ_NR_OPEN */
long fd_close(struct fdtable *t, int fd);
/* Opens ip (already looked up) with open(2)'s flags: the new file or NULL with *err. */
struct file *vfs_open_inode(struct inode *ip, uint32_t flags, long *err);
static inline bool file_readable(const struct file *f)
{
	uint32_t a = f->flags & O_ACCMODE;
	return a == O_RDONLY || a == O_RDWR;
}
/* A descriptor on an object with no name (anonymous inode, f->priv = priv): fd or -errno.
 * flags: the access mode, O_NONBLOCK, O_CLOEXEC. */
long anon_fd_install(const struct file_ops *ops, void *priv, uint32_t flags);
/* fd's file if its operations are ops (referenced), else NULL with -EBADF or -EINVAL. */
struct file *fget_kind(int fd, const struct file_ops *ops, long *err);
static inline bool file_writable(const struct file *f)
{
	uint32_t a = f->flags & O_ACCMODE;
	return a == O_WRONLY || a == O_RDWR;
}
extern const struct file_ops regular_fops, dir_fops;

/* --- synthetic nodes (/proc: fs/procfs.c) --------------------------------------------- */
/* A node with `sops` set is made by a synthetic file system; the VFS calls its hooks
 * instead of reading the node: */
struct kbuf;
struct synth_ops {
	/* a directory: make its children match the facts, before a lookup of (name, len) or,
	 * with name NULL, a listing */
	void (*refresh)(struct inode *dir, const char *name, size_t len);
	/* a symlink: its target, written when read; 0 or -errno */
	long (*target)(struct inode *ip, struct kbuf *b);
	/* a "magic" link: the node it stands for (no reference; valid until the caller
	 * sleeps), which a lookup goes to instead of following the text; NULL: the text */
	struct inode *(*object)(struct inode *ip);
	/* a regular file: its operations (no writes) */
	const struct file_ops *fops;
};
void procfs_init(void);

/* --- pipes (pipe.c) ------------------------------------------------------------------ */
#define RZ_PIPE_SIZE 65536
#define RZ_PIPE_BUF 4096
long pipe_create(struct file **rd, struct file **wr);
long fifo_open(struct file *f);         /* a named FIFO; may sleep for the other end */
extern const struct file_ops pipe_fops;

/* --- advisory locks (lock.c) ------------------------------------------------------- */
/* fcntl's F_GETLK, F_SETLK, F_SETLKW and F_OFD_* on f (open as fd), struct flock at uarg. */
long lock_fcntl(struct file *f, int fd, unsigned int cmd, uint64_t uarg);
/* flock: op LOCK_SH, LOCK_EX or LOCK_UN; nonblock: LOCK_NB (-EWOULDBLOCK, not a sleep). */
long lock_flock(struct file *f, unsigned int op, bool nonblock);
void lock_close_posix(struct fdtable *t, struct file *f);  /* fd_close: t's record locks go */
void lock_release_file(struct file *f);     /* last reference: its OFD and flock locks go */

/* --- devices (dev/) ------------------------------------------------------------------ */
#define RZ_MKDEV(ma, mi) ((uint32_t)(((ma) << 8) | ((mi) & 0xff) | (((mi) & ~0xffu) << 12)))
long chrdev_open(struct file *f);       /* picks f->ops from f->ip->rdev */
void tty_init(void);

/* --- poll (poll.c) ------------------------------------------------------------------- */
/* Every object a poller can wait for has a poll head. Its file's poll operation calls
 * poll_wait_on(&head) (a no-op outside a scan); whenever its readiness may have changed it
 * calls pollhead_wake(&head) or pollhead_wake_key(&head, key), which wakes the pollers of
 * this object and no others; before the object is freed, pollhead_release(&head) detaches
 * and wakes them. Any context.
 *
 * A registration (struct pollwait) is poll/select's for the length of one sleep, or an
 * epoll item's for as long as the item exists (fs/epoll.c): that one has `notify`, which
 * the wake calls instead of waking a queue, with the key. The key is the POLL* bits that
 * the change may have made ready (a pipe write: POLLIN; a read: POLLOUT), 0 when unknown;
 * edge-triggered epoll relies on it: a read that leaves data behind must not look like new
 * data (pollhead_wake is pollhead_wake_key(h, 0)). */
struct pollwait;
struct pollhead {
	struct pollwait *first;
};
struct pollwait {
	struct pollwait *next;          /* the head's next registration */
	struct pollhead *head;          /* NULL: not registered (or the object is gone) */
	struct waitq *wake;             /* poll/select: the poller's own queue */
	void (*notify)(struct pollwait *w, unsigned int key);  /* epoll: called instead */
};
void poll_wait_on(struct pollhead *h);
void pollhead_wake(struct pollhead *h);
void pollhead_wake_key(struct pollhead *h, unsigned int key);
void pollhead_release(struct pollhead *h);
/* Asks f's poll operation (interrupts disabled) with w as the registration it may make
 * (kept after the call: take it down with pollwait_detach); *wake_at: the time it asked to
 * be looked at again (poll_wake_at), 0 none. Files with no poll operation are ready for
 * reading and writing. Nests inside a scan (an epoll file polled by poll or another epoll). */
unsigned int poll_file(struct file *f, struct pollwait *w, uint64_t *wake_at);
void pollwait_detach(struct pollwait *w);
/* For objects whose readiness comes with time (timerfd): during a scan, asks the poller to
 * scan again at CLOCK_MONOTONIC ns (no-op outside a scan; the earliest request wins). */
void poll_wake_at(uint64_t mono_ns);

/* --- epoll (epoll.c) ---------------------------------------------------------------- */
/* The last reference to f is going (file_put): the epoll items watching it go with it. */
void epoll_file_gone(struct file *f);

/* --- sockets (net/socket.c) ----------------------------------------------------------- */
/* readv/writev on a socket: the whole vector is one message (a datagram keeps its
 * boundaries). iov: `cnt` {base, len} pairs of user addresses, len bytes in all. */
bool file_is_socket(struct file *f);
long sock_file_rwv(struct file *f, const void *iov, int cnt, size_t len, bool write);

/* --- expected from the process core ------------------------------------------------ */
uint64_t time_monotonic_ns(void);       /* CLOCK_MONOTONIC */
uint64_t time_realtime_ns(void);        /* CLOCK_REALTIME */
/* ppoll/pselect6's temporary signal mask: set it for the wait, then undo it; with
 * interrupted true (the call returns -ERESTARTNOHAND for a signal) the old mask is to be
 * restored after the handler runs, as rt_sigsuspend does. Weak no-ops until the core
 * provides them. */
void sigmask_set_temporary(uint64_t mask);
void sigmask_restore(bool interrupted);

/* mmap of a file (MAP_PRIVATE): the regular file open on fd, like vfs_file_contents. 0 or
 * -EBADF, -EACCES (not a regular file or not open for reading), -ENODEV. */
long fd_file_contents(int fd, struct inode **ip, const void **data, uint64_t *size);

/* The umask of the current process (umask(2) is the process core's call). */
uint32_t fs_umask_swap(uint32_t mask);  /* sets mask & 0777, returns the old one */

#endif
