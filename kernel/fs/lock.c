/* lock.c: advisory file locks. Owns the lock lists of an inode (struct lock_ctx, hung on
 * inode->locks while it has a lock or a waiter), the three kinds of lock Linux has and how
 * they interact:
 *
 *   POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK): owned by a process's descriptor
 *     table (as Linux's files_struct), byte ranges that split and merge, l_pid = the
 *     locker's process id; all of an owner's locks on a file go when it closes any
 *     descriptor of that file (fd_close), so also at exit and at exec's close-on-exec.
 *   OFD locks (F_OFD_*): the same ranges in the same list, owned by the open file
 *     description; they go with its last reference (file_put). F_OFD_GETLK reports l_pid -1.
 *   flock locks: a separate list, one whole-file lock per open file description, shared or
 *     exclusive; conversion drops the old lock first (not atomic, as on Linux).
 *
 * A lock conflicts with another owner's overlapping lock when either is a write lock;
 * an owner's own locks never conflict and are replaced in place. F_SETLKW and flock
 * without LOCK_NB sleep on the inode's queue and try again whenever a lock of that inode
 * goes or shrinks; a signal ends the wait (-ERESTARTSYS: EINTR, or a restart with
 * SA_RESTART). F_SETLKW fails with EDEADLK when the owner of the conflicting lock is itself
 * waiting, through a chain of at most 10 waiting owners, for a lock of the caller (POSIX
 * locks only, as on Linux).
 *
 * Does not own the fcntl and flock system calls (sys_fcntl.c: they call lock_fcntl and
 * lock_flock), descriptors (file.c) or inodes (ramfs.c). Locks are advisory: read and
 * write never look at them. */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"

#ifndef SEEK_SET
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#endif
#define OFFSET_MAX INT64_MAX            /* the end of a lock "to the end of the file" */
#define DEADLOCK_DEPTH 10               /* links of a waits-for chain followed */

struct filelock {
	struct filelock *next;
	const void *owner;              /* POSIX: the fdtable; OFD and flock: the file */
	int64_t start, end;             /* bytes start..end, inclusive */
	short type;                     /* F_RDLCK or F_WRLCK (F_UNLCK in a request) */
	bool ofd;
	int pid;                        /* POSIX: the locker's process id */
};

struct lock_ctx {
	struct filelock *posix;         /* POSIX and OFD locks; one owner's never overlap */
	struct filelock *flocks;        /* at most one per open file description */
	struct waitq wq;                /* everyone waiting for a lock of this inode */
	int sleepers;                   /* keeps the context while someone waits */
};

/* A process asleep in F_SETLKW for a POSIX lock: what the deadlock check follows. */
struct lock_waiter {
	struct lock_waiter *next;
	const void *owner;
	const void *blocker;            /* owner of the lock it waits for; NULL once woken */
	struct lock_ctx *ctx;
};
static struct lock_waiter *posix_waiters;

/* --- the context of an inode --------------------------------------------------------- */

static struct lock_ctx *ctx_get(struct inode *ip)
{
	if (!ip->locks) {
		ip->locks = kzalloc(sizeof(*ip->locks));
		if (ip->locks)
			waitq_init(&ip->locks->wq);
	}
	return ip->locks;
}

static void ctx_put(struct inode *ip)
{
	struct lock_ctx *c = ip->locks;
	if (c && !c->posix && !c->flocks && !c->sleepers) {
		kfree(c);
		ip->locks = NULL;
	}
}

/* A lock of c went or shrank: every waiter tries again, and none counts as waiting for
 * anything until it has looked (so a chain through it is not followed meanwhile). */
static void ctx_wake(struct lock_ctx *c)
{
	for (struct lock_waiter *w = posix_waiters; w; w = w->next)
		if (w->ctx == c)
			w->blocker = NULL;
	waitq_wake_all(&c->wq);
}

/* Sleeps on c's queue (interrupts disabled around it): 0 when woken, -ERESTARTSYS. */
static long ctx_sleep(struct lock_ctx *c)
{
	c->sleepers++;
	uint64_t irq = irq_save();
	long r = waitq_sleep(&c->wq);
	irq_restore(irq);
	c->sleepers--;
	return r;
}

/* --- record locks (POSIX and OFD) ---------------------------------------------------- */

static bool conflicts(int a, int b)
{
	return a == F_WRLCK || b == F_WRLCK;
}

static bool overlaps(const struct filelock *l, int64_t start, int64_t end)
{
	return l->start <= end && start <= l->end;
}

/* Same range kind and touching (overlapping or adjacent): they merge. */
static bool touches(const struct filelock *l, const struct filelock *n)
{
	return overlaps(l, n->start, n->end) || (l->end != OFFSET_MAX && l->end + 1 == n->start) ||
	       (n->end != OFFSET_MAX && n->end + 1 == l->start);
}

/* The lock of another owner that a request of this type over start..end meets first
 * (the lowest start: what F_GETLK reports), or NULL. */
static struct filelock *posix_conflict(struct lock_ctx *c, const struct filelock *req)
{
	struct filelock *best = NULL;
	for (struct filelock *l = c ? c->posix : NULL; l; l = l->next)
		if (l->owner != req->owner && overlaps(l, req->start, req->end) && conflicts(l->type, req->type) &&
		    (!best || l->start < best->start))
			best = l;
	return best;
}

/* Cuts req's range out of the owner's lock *pp (it overlaps and differs in type, or req is
 * an unlock). split: a spare for the part beyond req when the lock covers both sides;
 * consumed (set NULL) if used. Returns where the walk goes on: past what remains. */
static struct filelock **posix_cut(struct filelock **pp, const struct filelock *req, struct filelock **split)
{
	struct filelock *l = *pp;
	bool left = l->start < req->start, right = l->end > req->end;
	if (!left && !right) {
		*pp = l->next;
		kfree(l);
		return pp;
	}
	if (left && right) {
		struct filelock *s = *split;
		*split = NULL;
		*s = *l;
		s->start = req->end + 1;
		l->end = req->start - 1;
		l->next = s;
		return &s->next;
	}
	if (left)
		l->end = req->start - 1;
	else
		l->start = req->end + 1;
	return &l->next;
}

/* Applies req (no conflict with other owners): the owner's locks of the same type that
 * touch it merge into it, those of another type lose the range, then it goes in (an unlock
 * only removes). 0 or -ENOLCK, with nothing changed. */
static long posix_apply(struct inode *ip, const struct filelock *req)
{
	struct lock_ctx *c = ip->locks;
	struct filelock *n = kzalloc(sizeof(*n)), *split = kzalloc(sizeof(*split));
	if (!n || !split) {
		kfree(n);
		kfree(split);
		return -ENOLCK;
	}
	*n = *req;
	bool freed = false;
	struct filelock **pp = &c->posix;
	while (*pp) {
		struct filelock *l = *pp;
		if (l->owner != n->owner || !touches(l, n)) {
			pp = &l->next;
		} else if (l->type == n->type) {
			n->start = MIN(n->start, l->start);
			n->end = MAX(n->end, l->end);
			*pp = l->next;
			kfree(l);
		} else if (overlaps(l, n->start, n->end)) {
			pp = posix_cut(pp, n, &split);
			freed = true;
		} else {
			pp = &l->next;
		}
	}
	if (n->type != F_UNLCK) {
		n->next = c->posix;
		c->posix = n;
	} else {
		kfree(n);
	}
	kfree(split);
	if (freed)
		ctx_wake(c);
	return 0;
}

/* The waiter of owner o that is waiting for someone now, or NULL. */
static struct lock_waiter *waiter_of(const void *o)
{
	for (struct lock_waiter *w = posix_waiters; w; w = w->next)
		if (w->owner == o && w->blocker)
			return w;
	return NULL;
}

/* Would me waiting for a lock of blocker close a cycle of waiting owners? */
static bool deadlock(const void *me, const void *blocker)
{
	for (int i = 0; i < DEADLOCK_DEPTH; i++) {
		struct lock_waiter *w = waiter_of(blocker);
		if (!w)
			return false;
		blocker = w->blocker;
		if (blocker == me)
			return true;
	}
	return false;
}

static void waiter_unlink(struct lock_waiter *me)
{
	for (struct lock_waiter **pp = &posix_waiters; *pp; pp = &(*pp)->next)
		if (*pp == me) {
			*pp = me->next;
			return;
		}
}

/* Sets (or removes) a record lock, sleeping for conflicts when wait. */
static long posix_lock(struct inode *ip, const struct filelock *req, bool wait)
{
	if (req->type == F_UNLCK && !ip->locks)
		return 0;
	struct lock_ctx *c = ctx_get(ip);
	if (!c)
		return -ENOLCK;
	struct lock_waiter me = {.owner = req->owner, .ctx = c};
	bool listed = false;
	long r;
	for (;;) {
		struct filelock *cf = req->type == F_UNLCK ? NULL : posix_conflict(c, req);
		if (!cf) {
			r = posix_apply(ip, req);
			break;
		}
		r = -EAGAIN;
		if (!wait)
			break;
		r = -EDEADLK;
		if (!req->ofd && deadlock(req->owner, cf->owner))
			break;
		if (!req->ofd && !listed) {
			me.next = posix_waiters;
			posix_waiters = &me;
			listed = true;
		}
		me.blocker = cf->owner;
		r = ctx_sleep(c);
		if (r)
			break;
	}
	if (listed)
		waiter_unlink(&me);
	ctx_put(ip);
	return r;
}

/* Removes the record locks of owner on ip (ofd: OFD locks, else POSIX ones). */
static void posix_remove_owner(struct inode *ip, const void *owner, bool ofd)
{
	struct lock_ctx *c = ip->locks;
	if (!c)
		return;
	bool freed = false;
	for (struct filelock **pp = &c->posix; *pp;) {
		struct filelock *l = *pp;
		if (l->owner == owner && l->ofd == ofd) {
			*pp = l->next;
			kfree(l);
			freed = true;
		} else {
			pp = &l->next;
		}
	}
	if (freed)
		ctx_wake(c);
}

/* --- fcntl ---------------------------------------------------------------------------- */

/* struct flock's range, relative to l_whence, as start..end (Linux's rules: a negative
 * l_len counts backwards, 0 means to the end of the file, and forever). */
static long flock_range(struct file *f, const struct flock *fl, int64_t *start, int64_t *end)
{
	int64_t base, s;
	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (int64_t)f->pos; break;
	case SEEK_END: base = (int64_t)f->ip->size; break;
	default: return -EINVAL;
	}
	if (fl->l_start > OFFSET_MAX - base)
		return -EOVERFLOW;
	s = base + fl->l_start;
	if (s < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - s)
			return -EOVERFLOW;
		*end = s + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		*end = s - 1;
		s += fl->l_len;
		if (s < 0)
			return -EINVAL;
	} else {
		*end = OFFSET_MAX;
	}
	*start = s;
	return 0;
}

/* F_GETLK, F_OFD_GETLK: the first lock that would stop fl, or l_type F_UNLCK. */
static long fcntl_getlk(struct file *f, bool ofd, struct flock *fl)
{
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	struct filelock req = {.type = fl->l_type, .ofd = ofd};
	long r = flock_range(f, fl, &req.start, &req.end);
	if (r)
		return r;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	req.owner = ofd ? (const void *)f : (const void *)current_fdtable();
	struct filelock *cf = posix_conflict(f->ip->locks, &req);
	if (!cf) {
		fl->l_type = F_UNLCK;
		return 0;
	}
	fl->l_type = cf->type;
	fl->l_whence = SEEK_SET;
	fl->l_start = cf->start;
	fl->l_len = cf->end == OFFSET_MAX ? 0 : cf->end - cf->start + 1;
	fl->l_pid = cf->ofd ? -1 : cf->pid;
	return 0;
}

/* F_SETLK(W), F_OFD_SETLK(W). */
static long fcntl_setlk(struct file *f, int fd, bool ofd, bool wait, const struct flock *fl)
{
	struct filelock req = {.type = fl->l_type, .ofd = ofd};
	if (req.type != F_RDLCK && req.type != F_WRLCK && req.type != F_UNLCK)
		return -EINVAL;
	long r = flock_range(f, fl, &req.start, &req.end);
	if (r)
		return r;
	if ((req.type == F_RDLCK && !file_readable(f)) || (req.type == F_WRLCK && !file_writable(f)))
		return -EBADF;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	struct fdtable *t = current_fdtable();
	req.owner = ofd ? (const void *)f : (const void *)t;
	req.pid = current_tgid();
	r = posix_lock(f->ip, &req, wait);
	/* The descriptor was closed while we slept: that close released the owner's locks,
	 * so this one must not stay either (Linux does the same). */
	if (!r && !ofd && req.type != F_UNLCK && (fd < 0 || fd >= t->size || t->fd[fd] != f)) {
		req.type = F_UNLCK;
		posix_lock(f->ip, &req, false);
		r = -EBADF;
	}
	return r;
}

long lock_fcntl(struct file *f, int fd, unsigned int cmd, uint64_t uarg)
{
	if (f->flags & O_PATH)
		return -EBADF;
	struct flock fl;
	if (copy_from_user(&fl, uarg, sizeof(fl)))
		return -EFAULT;
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		long r = fcntl_getlk(f, ofd, &fl);
		if (r)
			return r;
		return copy_to_user(uarg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	return fcntl_setlk(f, fd, ofd, cmd == F_SETLKW || cmd == F_OFD_SETLKW, &fl);
}

/* --- flock ---------------------------------------------------------------------------- */

static struct filelock *flock_conflict(struct lock_ctx *c, const struct file *f, int type)
{
	for (struct filelock *l = c->flocks; l; l = l->next)
		if (l->owner != f && conflicts(l->type, type))
			return l;
	return NULL;
}

/* Drops f's flock lock unless it already has this type: true if it has. */
static bool flock_drop_other(struct inode *ip, const struct file *f, int type)
{
	struct lock_ctx *c = ip->locks;
	for (struct filelock **pp = c ? &c->flocks : NULL; pp && *pp; pp = &(*pp)->next) {
		struct filelock *l = *pp;
		if (l->owner != f)
			continue;
		if (l->type == type)
			return true;
		*pp = l->next;
		kfree(l);
		ctx_wake(c);
		return false;
	}
	return false;
}

long lock_flock(struct file *f, unsigned int op, bool nonblock)
{
	int type = op == LOCK_SH ? F_RDLCK : op == LOCK_EX ? F_WRLCK : F_UNLCK;
	if (f->flags & O_PATH)
		return -EBADF;
	struct inode *ip = f->ip;
	if (flock_drop_other(ip, f, type))
		return 0;
	if (type == F_UNLCK) {
		ctx_put(ip);
		return 0;
	}
	struct lock_ctx *c = ctx_get(ip);
	struct filelock *n = kzalloc(sizeof(*n));
	if (!c || !n) {
		kfree(n);
		if (c)
			ctx_put(ip);
		return -ENOLCK;
	}
	*n = (struct filelock){.owner = f, .type = (short)type, .start = 0, .end = OFFSET_MAX, .pid = current_tgid()};
	long r = 0;
	while (flock_conflict(c, f, type)) {
		r = nonblock ? -EWOULDBLOCK : ctx_sleep(c);
		if (r)
			break;
	}
	if (r) {
		kfree(n);
	} else {
		n->next = c->flocks;
		c->flocks = n;
	}
	ctx_put(ip);
	return r;
}

/* --- release -------------------------------------------------------------------------- */

void lock_close_posix(struct fdtable *t, struct file *f)
{
	if (!f->ip || !f->ip->locks)
		return;
	posix_remove_owner(f->ip, t, false);
	ctx_put(f->ip);
}

void lock_release_file(struct file *f)
{
	struct inode *ip = f->ip;
	if (!ip || !ip->locks)
		return;
	posix_remove_owner(ip, f, true);
	flock_drop_other(ip, f, F_UNLCK);
	ctx_put(ip);
}
