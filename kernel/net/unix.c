/* unix.c: the AF_UNIX family (unix(7)): SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET sockets
 * between processes of this machine. Owns their names (a path, which bind creates as an
 * S_IFSOCK node in the tree, EADDRINUSE when the name exists; an abstract name, sun_path[0]
 * == 0; autobind to an abstract "\0xxxxx" on an empty bind), listen and its backlog
 * (connect waits, or EAGAIN, while more than `backlog` connections wait for accept, as
 * Linux), connect (a connection exists as soon as connect returns: the server's end is an
 * embryo in the listener's queue that accept hands out), the receive queues of messages
 * (each charged to its sender's SO_SNDBUF: a full buffer blocks the writer or gives
 * EAGAIN; a datagram socket takes at most 11 from senders it is not connected to),
 * shutdown and close (EOF, EPIPE, ECONNRESET when unread data is lost, as Linux),
 * SCM_RIGHTS (open files travel in the message and are installed in the receiver, with
 * MSG_CTRUNC when its control buffer is short; a peek installs copies), SCM_CREDENTIALS,
 * SO_PEERCRED, MSG_PEEK, MSG_WAITALL, MSG_TRUNC, FIONREAD/SIOCOUTQ, poll readiness, and
 * the collection of sockets that only messages in flight keep open (cycles of
 * SCM_RIGHTS). Does not own descriptors, user memory or the SOL_SOCKET options every
 * family shares (net/socket.c).
 *
 * Lifetime: a struct unix_sock is counted (refs): its struct sock (or, for an embryo not yet
 * accepted, the listener's queue) holds one, a peer holds one, each message holds one on its
 * sender. Closing releases at once what a closed socket must not keep (its name, its
 * queue, its embryos, its peer); the structure goes with the last reference. Open files
 * passed in a message that is never received are closed with the message; sockets that
 * only such messages hold, in a cycle, are closed by the collector (below), as on Linux. */
#include "net.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include <asm/ioctls.h>

#define UNIX_PATH_MAX 108
#define UNIX_ADDR_MAX (2 + UNIX_PATH_MAX + 1)   /* family, path, the NUL Linux adds */
#define SKB_CHUNK (65536 - 256)                 /* the most data one stream message holds */
#define SCM_MAX_FD 253
#define DGRAM_QLEN 10   /* net.unix.max_dgram_qlen: datagrams queued from senders it is not connected to */

enum { US_UNCONN, US_LISTEN, US_CONNECTED };
#define RCV_SHUT 1
#define SEND_SHUT 2

struct unix_fds {
	int n;
	struct file *f[];
};

struct unix_sock;
struct skb {
	struct skb *next;
	struct unix_sock *owner;        /* the sender, charged for len (referenced) */
	size_t len, off;                /* data bytes; bytes already read (stream) */
	struct unix_fds *fds;           /* SCM_RIGHTS files (referenced), or NULL */
	struct kucred cred;             /* the sender's (SCM_CREDENTIALS) */
	uint32_t from_len;              /* the sender's address (datagrams), 0: unbound */
	uint8_t from[UNIX_ADDR_MAX];
	uint8_t data[];
};

struct unix_sock {
	int refs;
	struct sock *s;                 /* NULL for an embryo and once closed */
	int type, state;
	bool dead;                      /* closed: nothing more is queued to it */
	int shut;                       /* RCV_SHUT, SEND_SHUT */
	int err;                        /* pending error while there is no struct sock */
	struct unix_sock *peer;         /* referenced */
	struct skb *rq, *rq_tail;       /* received messages */
	size_t rq_bytes;
	int rq_count;
	size_t wmem;                    /* bytes of its messages still queued somewhere */
	struct unix_sock *acc, *acc_tail, *acc_next;   /* listener: embryos to accept */
	int nacc, backlog;
	struct waitq connq;             /* listener: connectors waiting for room */
	uint8_t addr[UNIX_ADDR_MAX];    /* its name (an embryo: its listener's), addrlen 0: none */
	uint32_t addrlen;
	struct inode *ip;               /* a path's node (referenced) */
	bool listed;                    /* in the list of bound sockets */
	struct unix_sock *bnext;
	struct kucred peercred;
	bool has_peercred;
	struct unix_sock *anext;        /* the list of sockets with a file (the collector's) */
	bool in_all;
	int inflight;                   /* messages holding its file (SCM_RIGHTS in a queue) */
	int gc_count;                   /* the collector's: in-flight references from outside */
	bool gc_cand, gc_live;
	struct unix_sock *gc_next;
};

static const struct sock_ops unix_ops;
static struct unix_sock *bound;         /* every bound socket (path and abstract names) */
static int total_inflight;              /* socket files inside messages, all queues */

/* --- lifetime ---------------------------------------------------------------------------- */

static struct unix_sock *us_new(int type)
{
	struct unix_sock *u = kzalloc(sizeof(*u));
	if (!u)
		return NULL;
	u->refs = 1;
	u->type = type;
	waitq_init(&u->connq);
	return u;
}

static struct unix_sock *us_get(struct unix_sock *u)
{
	u->refs++;
	return u;
}

static void us_put(struct unix_sock *u)
{
	if (u && --u->refs == 0)
		kfree(u);
}

/* key: the POLL* bits that may have become ready, 0 anything (sock_wake_key) */
static void us_wake_key(struct unix_sock *u, unsigned int key)
{
	if (u->s)
		sock_wake_key(u->s, key);
	waitq_wake_all(&u->connq);
}

static void us_wake(struct unix_sock *u)
{
	us_wake_key(u, 0);
}

static void us_set_err(struct unix_sock *u, int e)
{
	if (u->s)
		u->s->so_error = e;
	else
		u->err = e;
}

/* The AF_UNIX socket a file is, or NULL. */
static struct unix_sock *file_unix(struct file *f)
{
	if (!file_is_socket(f))
		return NULL;
	struct sock *s = f->priv;
	return s->ops == &unix_ops ? s->priv : NULL;
}

/* A file goes into a message (in) or out of one (installed or dropped). */
static void inflight_count(struct file *f, int d)
{
	struct unix_sock *x = file_unix(f);
	if (x) {
		x->inflight += d;
		total_inflight += d;
	}
}

static void fds_free(struct unix_fds *fds)
{
	if (!fds)
		return;
	for (int i = 0; i < fds->n; i++) {
		inflight_count(fds->f[i], -1);
		file_put(fds->f[i]);
	}
	kfree(fds);
}

static void skb_free(struct skb *b)
{
	struct unix_sock *o = b->owner;
	fds_free(b->fds);
	o->wmem -= b->len;
	kfree(b);
	us_wake_key(o, POLLOUT | POLLWRNORM | POLLWRBAND);     /* room to send */
	us_put(o);
}

static struct unix_sock *all_socks;     /* every socket with a file */

/* A datagram socket's full queue has room again: its senders may be asleep or polling on
 * their own sockets, and it does not know them, so every datagram socket is woken. */
static void room_wake(void)
{
	for (struct unix_sock *x = all_socks; x; x = x->anext)
		if (x->type == SOCK_DGRAM)
			us_wake(x);
}

static void skb_queue(struct unix_sock *u, struct skb *b)
{
	b->next = NULL;
	if (u->rq_tail)
		u->rq_tail->next = b;
	else
		u->rq = b;
	u->rq_tail = b;
	u->rq_bytes += b->len - b->off;
	u->rq_count++;
	us_wake_key(u, POLLIN | POLLRDNORM);                    /* input */
}

static void skb_unqueue_head(struct unix_sock *u)
{
	struct skb *b = u->rq;
	u->rq = b->next;
	if (!u->rq)
		u->rq_tail = NULL;
	u->rq_bytes -= b->len - b->off;
	skb_free(b);
	if (u->rq_count-- == DGRAM_QLEN + 1 && u->type == SOCK_DGRAM)
		room_wake();
}

/* A message of len bytes from u, charged to it. */
static struct skb *skb_new(struct unix_sock *u, size_t len)
{
	struct skb *b = kmalloc(sizeof(*b) + len);
	if (!b)
		return NULL;
	memset(b, 0, sizeof(*b));
	b->len = len;
	b->owner = us_get(u);
	u->wmem += len;
	memcpy(b->from, u->addr, u->addrlen);
	b->from_len = u->addrlen;
	sock_cred_current(&b->cred);
	return b;
}

static void unbind(struct unix_sock *u)
{
	if (!u->listed)
		return;
	for (struct unix_sock **p = &bound; *p; p = &(*p)->bnext)
		if (*p == u) {
			*p = u->bnext;
			break;
		}
	u->listed = false;
	inode_put(u->ip);
	u->ip = NULL;
}

/* Closing (a socket's last descriptor, or an embryo nobody will accept). */
static void us_release(struct unix_sock *u)
{
	u->dead = true;
	u->shut = RCV_SHUT | SEND_SHUT;
	unbind(u);
	while (u->acc) {
		struct unix_sock *e = u->acc;
		u->acc = e->acc_next;
		us_release(e);
		us_put(e);
	}
	u->acc_tail = NULL;
	u->nacc = 0;
	struct unix_sock *peer = u->peer;
	u->peer = NULL;
	if (peer && u->type != SOCK_DGRAM) {
		peer->shut = RCV_SHUT | SEND_SHUT;
		if (u->rq || !u->s)
			us_set_err(peer, ECONNRESET);
		us_wake(peer);
	}
	struct skb *q = u->rq;
	u->rq = u->rq_tail = NULL;
	u->rq_bytes = 0;
	u->rq_count = 0;
	while (q) {
		struct skb *n = q->next;
		skb_free(q);
		q = n;
	}
	us_wake(u);
	us_put(peer);
}

/* --- names ------------------------------------------------------------------------------- */

/* A sockaddr_un into its canonical form (a path: NUL-terminated, its length as Linux
 * reports it; abstract: every byte counts). */
static long addr_parse(const void *a, uint32_t len, uint8_t *out, uint32_t *outlen)
{
	const uint8_t *b = a;
	if (len <= 2 || len > 2 + UNIX_PATH_MAX || *(const uint16_t *)b != AF_UNIX)
		return -EINVAL;
	memset(out, 0, UNIX_ADDR_MAX);
	memcpy(out, b, len);
	if (b[2] == 0) {
		*outlen = len;
	} else {
		size_t n = 0;
		while (2 + n < len && b[2 + n])
			n++;
		*outlen = (uint32_t)(2 + n + 1);
	}
	return 0;
}

static bool is_abstract(const uint8_t *addr)
{
	return addr[2] == 0;
}

static struct unix_sock *find_abstract(const uint8_t *addr, uint32_t len)
{
	for (struct unix_sock *u = bound; u; u = u->bnext)
		if (!u->ip && u->addrlen == len && !memcmp(u->addr, addr, len))
			return u;
	return NULL;
}

static struct unix_sock *find_inode(struct inode *ip)
{
	for (struct unix_sock *u = bound; u; u = u->bnext)
		if (u->ip == ip)
			return u;
	return NULL;
}

static void bind_list(struct unix_sock *u, const uint8_t *addr, uint32_t len, struct inode *ip)
{
	memcpy(u->addr, addr, len);
	u->addrlen = len;
	u->ip = ip;
	u->listed = true;
	u->bnext = bound;
	bound = u;
}

/* A new S_IFSOCK node at path (a kernel string): referenced, or -errno; -EINVAL when the
 * socket has a name already (after the name's own errors, as Linux). */
static long make_node(const char *path, struct inode **out, bool bound_already)
{
	struct inode *start, *dir, *ip = NULL;
	const char *name;
	size_t nlen;
	bool slash;
	long err = at_start(AT_FDCWD, path, &start);
	if (err)
		return err;
	err = namei_parent(start, path, &dir, &name, &nlen, &slash);
	inode_put(start);
	if (err)
		return err;
	uint32_t mask = fs_umask_swap(0);
	fs_umask_swap(mask);
	if (nlen == 0 || (nlen == 1 && name[0] == '.') || (nlen == 2 && name[0] == '.' && name[1] == '.') ||
	    dir_find(dir, name, nlen))
		err = -EADDRINUSE;
	else if (slash || dir->nlink == 0 || dir->sops)
		err = -ENOENT;
	else if (bound_already) /* Linux looks at the name first */
		err = -EINVAL;
	else if (!(ip = inode_new(S_IFSOCK | (0777 & ~mask))))
		err = -ENOMEM;
	else if ((err = dir_link(dir, ip, name, nlen))) {
		inode_put(ip);
		ip = NULL;
	}
	inode_put(dir);
	*out = ip;
	return err;
}

static long autobind(struct unix_sock *u)
{
	static unsigned int next;
	uint8_t a[UNIX_ADDR_MAX] = {AF_UNIX, 0, 0};
	for (unsigned int tries = 0; tries < 0x100000; tries++) {
		unsigned int v = next++ & 0xfffff;
		for (int i = 0; i < 5; i++)
			a[3 + i] = "0123456789abcdef"[(v >> (4 * (4 - i))) & 0xf];
		if (!find_abstract(a, 8)) {
			bind_list(u, a, 8, NULL);
			return 0;
		}
	}
	return -ENOSPC;
}

static long unix_bind(struct sock *s, const void *addr, uint32_t len)
{
	struct unix_sock *u = s->priv;
	if (len == 2 && *(const uint16_t *)addr == AF_UNIX)
		return u->addrlen ? -EINVAL : autobind(u);
	uint8_t a[UNIX_ADDR_MAX];
	uint32_t alen;
	long err = addr_parse(addr, len, a, &alen);
	if (err)
		return err;
	if (is_abstract(a)) {
		if (u->addrlen)
			return -EINVAL;
		if (find_abstract(a, alen))
			return -EADDRINUSE;
		bind_list(u, a, alen, NULL);
		return 0;
	}
	struct inode *ip;
	if ((err = make_node((const char *)a + 2, &ip, u->addrlen != 0)))
		return err;
	bind_list(u, a, alen, ip);
	return 0;
}

/* The socket an address names (referenced), of type `type`: -EINVAL, -ENOENT (and the path
 * lookup's errors), -ECONNREFUSED (no socket there), -EPROTOTYPE. */
static long find_target(const void *addr, uint32_t len, int type, struct unix_sock **out)
{
	uint8_t a[UNIX_ADDR_MAX];
	uint32_t alen;
	long err = addr_parse(addr, len, a, &alen);
	if (err)
		return err;
	struct unix_sock *t;
	if (is_abstract(a)) {
		if (!(t = find_abstract(a, alen)))
			return -ECONNREFUSED;
	} else {
		struct inode *start, *ip;
		if ((err = at_start(AT_FDCWD, (const char *)a + 2, &start)))
			return err;
		err = namei_at(start, (const char *)a + 2, LOOKUP_FOLLOW, &ip);
		inode_put(start);
		if (err)
			return err;
		t = S_ISSOCK(ip->mode) ? find_inode(ip) : NULL;
		inode_put(ip);
		if (!t)
			return -ECONNREFUSED;
	}
	if (t->type != type)
		return -EPROTOTYPE;
	*out = us_get(t);
	return 0;
}

static long unix_getname(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct unix_sock *u = s->priv, *x = peer ? u->peer : u;
	if (peer && (!x || (u->type != SOCK_DGRAM && u->state != US_CONNECTED)))
		return -ENOTCONN;
	static const uint8_t unnamed[2] = {AF_UNIX, 0};
	const uint8_t *a = x->addrlen ? x->addr : unnamed;
	uint32_t n = x->addrlen ? x->addrlen : 2;
	memcpy(addr, a, MIN(n, *len));
	*len = n;
	return 0;
}

/* --- collecting cycles of sockets in flight ------------------------------------------------ */

/* A socket whose file is inside a message queued on a socket whose file is inside a message
 * queued on the first (the simplest: each of a pair sent over itself) is never closed by
 * its holders: nobody can receive the messages any more. As Linux does, the collector looks
 * at the sockets whose every reference is a message in flight (candidates), takes away the
 * references candidates' queues hold on each other, and keeps every candidate still
 * referenced from elsewhere, and what it reaches; the queues of the rest are purged, which
 * closes them. It runs when a socket is made or closed and when files are sent, while
 * files are in flight; nothing sleeps meanwhile (one CPU, no preemption in the kernel). */

static void all_add(struct unix_sock *u)
{
	u->anext = all_socks;
	all_socks = u;
	u->in_all = true;
}

static void all_remove(struct unix_sock *u)
{
	if (!u->in_all)
		return;
	for (struct unix_sock **p = &all_socks; *p; p = &(*p)->anext)
		if (*p == u) {
			*p = u->anext;
			break;
		}
	u->in_all = false;
}

/* Calls fn(x) for each candidate x whose file is in a message of u's queue. */
static void gc_refs(struct unix_sock *u, bool (*fn)(struct unix_sock *))
{
	for (struct skb *b = u->rq; b; b = b->next)
		for (int i = 0; b->fds && i < b->fds->n; i++) {
			struct unix_sock *x = file_unix(b->fds->f[i]);
			if (x && x->gc_cand)
				fn(x);
		}
}

static bool gc_dec(struct unix_sock *x)
{
	x->gc_count--;
	return true;
}

static bool gc_changed;
static bool gc_reach(struct unix_sock *x)
{
	if (!x->gc_live)
		x->gc_live = gc_changed = true;
	return true;
}

static void unix_gc(void)
{
	static bool running;
	if (running || total_inflight <= 0)
		return;
	running = true;
	int n = 0;
	for (struct unix_sock *u = all_socks; u; u = u->anext) {
		u->gc_cand = u->s && u->inflight > 0 && u->s->file && u->s->file->refs == u->inflight;
		u->gc_count = u->inflight;
		u->gc_live = false;
		n += u->gc_cand;
	}
	struct unix_sock *garbage = NULL;
	struct skb *dead = NULL;
	if (n) {
		for (struct unix_sock *u = all_socks; u; u = u->anext)
			if (u->gc_cand)
				gc_refs(u, gc_dec);
		for (struct unix_sock *u = all_socks; u; u = u->anext)
			if (u->gc_cand && u->gc_count > 0)
				u->gc_live = true;
		do {
			gc_changed = false;
			for (struct unix_sock *u = all_socks; u; u = u->anext)
				if (u->gc_cand && u->gc_live)
					gc_refs(u, gc_reach);
		} while (gc_changed);
		for (struct unix_sock *u = all_socks; u; u = u->anext) {
			if (!u->gc_cand || u->gc_live || !u->rq)
				continue;
			u->rq_tail->next = dead;
			dead = u->rq;
			u->rq = u->rq_tail = NULL;
			u->rq_bytes = 0;
			u->rq_count = 0;
			u->gc_next = garbage;
			garbage = us_get(u);
		}
	}
	for (struct unix_sock *u = all_socks; u; u = u->anext)
		u->gc_cand = false;
	while (dead) { /* closes the garbage: their files' last references are in here */
		struct skb *next = dead->next;
		skb_free(dead);
		dead = next;
	}
	while (garbage) {
		struct unix_sock *next = garbage->gc_next;
		us_put(garbage);
		garbage = next;
	}
	running = false;
}

/* --- connections -------------------------------------------------------------------------- */

static void connect_pair(struct unix_sock *a, struct unix_sock *b)
{
	a->peer = us_get(b);
	b->peer = us_get(a);
	a->state = b->state = US_CONNECTED;
}

static long unix_listen(struct sock *s, int backlog)
{
	struct unix_sock *u = s->priv;
	if (u->type == SOCK_DGRAM)
		return -EOPNOTSUPP;
	if (u->state == US_CONNECTED || !u->addrlen)
		return -EINVAL;
	u->state = US_LISTEN;
	u->backlog = backlog;
	sock_cred_current(&u->peercred);
	u->has_peercred = true;
	waitq_wake_all(&u->connq);
	return 0;
}

/* Waits for room in listener t's queue: 0, -EAGAIN, -ECONNREFUSED, -ERESTARTSYS. */
static long wait_backlog(struct sock *s, struct unix_sock *t, bool nonblock)
{
	uint64_t deadline = s->sndtimeo_ns ? time_monotonic_ns() + s->sndtimeo_ns : 0;
	for (;;) {
		if (t->dead || t->state != US_LISTEN)
			return -ECONNREFUSED;
		if (t->nacc <= t->backlog)
			return 0;
		if (nonblock)
			return -EAGAIN;
		uint64_t irq = irq_save();
		long err = waitq_sleep_until(&t->connq, deadline);
		irq_restore(irq);
		if (err)
			return err == -ETIMEDOUT ? -EAGAIN : err;
	}
}

static long stream_connect(struct sock *s, struct unix_sock *u, const void *addr, uint32_t len, bool nonblock)
{
	if (u->state == US_CONNECTED)
		return -EISCONN;
	if (u->state == US_LISTEN)
		return -EINVAL;
	struct unix_sock *t;
	long err = find_target(addr, len, u->type, &t);
	if (err)
		return err;
	if (!(err = wait_backlog(s, t, nonblock)) && u->state != US_UNCONN)
		err = -EISCONN;
	struct unix_sock *e = err ? NULL : us_new(u->type);
	if (!err && !e)
		err = -ENOMEM;
	if (err) {
		us_put(t);
		return err;
	}
	connect_pair(u, e);
	memcpy(e->addr, t->addr, t->addrlen);
	e->addrlen = t->addrlen;
	sock_cred_current(&e->peercred);
	e->has_peercred = true;
	u->peercred = t->peercred;
	u->has_peercred = true;
	if (t->acc_tail)
		t->acc_tail->acc_next = e;
	else
		t->acc = e;
	t->acc_tail = e;
	t->nacc++;
	us_wake(t);
	us_put(t);
	return 0;
}

static long dgram_connect(struct unix_sock *u, const void *addr, uint32_t len)
{
	struct unix_sock *t = NULL;
	if (len >= 2 && *(const uint16_t *)addr == AF_UNSPEC) {
		us_put(u->peer);
		u->peer = NULL;
		return 0;
	}
	long err = find_target(addr, len, u->type, &t);
	if (err)
		return err;
	us_put(u->peer);
	u->peer = t;
	return 0;
}

static long unix_connect(struct sock *s, const void *addr, uint32_t len, bool nonblock)
{
	struct unix_sock *u = s->priv;
	if (u->type == SOCK_DGRAM)
		return dgram_connect(u, addr, len);
	return stream_connect(s, u, addr, len, nonblock);
}

static long unix_accept(struct sock *s, struct sock *child, bool nonblock)
{
	struct unix_sock *u = s->priv;
	uint64_t deadline = 0;
	if (u->state != US_LISTEN)
		return -EINVAL;
	while (!u->acc) {
		long err = sock_wait(s, nonblock, false, &deadline);
		if (err)
			return err;
		if (u->state != US_LISTEN)
			return -EINVAL;
	}
	struct unix_sock *e = u->acc;
	u->acc = e->acc_next;
	if (!u->acc)
		u->acc_tail = NULL;
	u->nacc--;
	e->acc_next = NULL;
	waitq_wake_all(&u->connq);
	child->ops = &unix_ops;
	child->priv = e;
	child->so_error = e->err;
	e->err = 0;
	e->s = child;
	all_add(e);
	return 0;
}

static long unix_shutdown(struct sock *s, int how)
{
	struct unix_sock *u = s->priv;
	int mode = (how + 1) & (RCV_SHUT | SEND_SHUT);
	u->shut |= mode;
	us_wake(u);
	struct unix_sock *p = u->peer;
	if (p && u->type != SOCK_DGRAM) {
		int pm = ((mode & RCV_SHUT) ? SEND_SHUT : 0) | ((mode & SEND_SHUT) ? RCV_SHUT : 0);
		p->shut |= pm;
		us_wake(p);
	}
	return 0;
}

static void unix_release(struct sock *s)
{
	struct unix_sock *u = s->priv;
	if (!u)
		return;
	all_remove(u);
	us_release(u);
	u->s = NULL;
	s->priv = NULL;
	us_put(u);
	unix_gc();
}

/* --- ancillary data ----------------------------------------------------------------------- */

/* What a send's control data carries: its SCM_RIGHTS files (*out, NULL when none) and
 * SCM_CREDENTIALS (*cred, when *has_cred). 0, -EINVAL, -EBADF, -ENOMEM. Everything runs as
 * root here, so any credentials may be sent, as root may on Linux. */
static long scm_in(const struct sock_msg *m, struct unix_fds **out, struct kucred *cred, bool *has_cred)
{
	const uint8_t *c = m->control;
	size_t off = 0;
	*out = NULL;
	*has_cred = false;
	while (c && off + sizeof(struct kcmsghdr) <= m->controllen) {
		struct kcmsghdr h;
		memcpy(&h, c + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || h.cmsg_len > m->controllen - off || h.cmsg_level != SOL_SOCKET)
			goto inval;
		if (h.cmsg_type == SCM_CREDENTIALS) {
			if (h.cmsg_len != KCMSG_LEN(sizeof(*cred)))
				goto inval;
			memcpy(cred, c + off + KCMSG_HDR, sizeof(*cred));
			*has_cred = true;
			off += KCMSG_ALIGN(h.cmsg_len);
			continue;
		}
		if (h.cmsg_type != SCM_RIGHTS || *out)
			goto inval;
		size_t n = (h.cmsg_len - KCMSG_HDR) / sizeof(int);
		if (h.cmsg_len < KCMSG_HDR || n == 0 || n > SCM_MAX_FD)
			goto inval;
		struct unix_fds *fds = kzalloc(sizeof(*fds) + n * sizeof(struct file *));
		if (!fds)
			return -ENOMEM;
		*out = fds;
		for (size_t i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, c + off + KCMSG_HDR + i * sizeof(int), sizeof(fd));
			if (!(fds->f[i] = fget(fd))) {
				fds_free(*out);
				*out = NULL;
				return -EBADF;
			}
			inflight_count(fds->f[i], 1);
			fds->n++;
		}
		off += KCMSG_ALIGN(h.cmsg_len);
	}
	return 0;
inval:
	fds_free(*out);
	*out = NULL;
	return -EINVAL;
}

/* SCM_CREDENTIALS for a receiver with SO_PASSCRED (MSG_CTRUNC when there is no room). */
static void scm_creds_out(struct sock_msg *m, size_t csize, const struct kucred *cred)
{
	size_t room = csize - m->controllen;
	if (room < KCMSG_LEN(sizeof(*cred))) {
		m->out_flags |= MSG_CTRUNC;
		return;
	}
	struct kcmsghdr h = {KCMSG_LEN(sizeof(*cred)), SOL_SOCKET, SCM_CREDENTIALS};
	memcpy((uint8_t *)m->control + m->controllen, &h, sizeof(h));
	memcpy((uint8_t *)m->control + m->controllen + KCMSG_HDR, cred, sizeof(*cred));
	m->controllen += MIN(KCMSG_SPACE(sizeof(*cred)), room);
}

static bool passcred(struct sock *s)
{
	return s->so_flags & SOCKF_PASSCRED;
}

/* Installs the files of a received message in the caller's table and records them in m's
 * control buffer (csize bytes; m->controllen: bytes used so far). */
static void scm_out(struct sock_msg *m, size_t csize, struct unix_fds *fds, int flags)
{
	size_t room = csize - m->controllen;
	size_t fit = room >= KCMSG_LEN(sizeof(int)) ? (room - KCMSG_HDR) / sizeof(int) : 0;
	int n = 0;
	int *data = (int *)((uint8_t *)m->control + m->controllen + KCMSG_HDR);
	for (int i = 0; i < fds->n; i++) {
		int fd = -1;
		inflight_count(fds->f[i], -1);
		if ((size_t)n < fit)
			fd = fd_install(current_fdtable(), fds->f[i], 0, flags & MSG_CMSG_CLOEXEC);
		if (fd < 0) {
			file_put(fds->f[i]);
			continue;
		}
		memcpy(&data[n++], &fd, sizeof(fd));
	}
	if (n < fds->n)
		m->out_flags |= MSG_CTRUNC;
	if (n) {
		struct kcmsghdr h = {KCMSG_LEN((size_t)n * sizeof(int)), SOL_SOCKET, SCM_RIGHTS};
		memcpy((uint8_t *)m->control + m->controllen, &h, sizeof(h));
		m->controllen += MIN(KCMSG_SPACE((size_t)n * sizeof(int)), room);
	}
	kfree(fds);
}

/* MSG_PEEK of a message with files: new descriptors for the same files, as Linux. */
static void scm_peek(struct sock_msg *m, size_t csize, struct skb *b, int flags)
{
	if (!b->fds)
		return;
	struct unix_fds *d = kmalloc(sizeof(*d) + (size_t)b->fds->n * sizeof(struct file *));
	if (!d) {
		m->out_flags |= MSG_CTRUNC;
		return;
	}
	d->n = b->fds->n;
	for (int i = 0; i < d->n; i++) {
		d->f[i] = file_get(b->fds->f[i]);
		inflight_count(d->f[i], 1);
	}
	scm_out(m, csize, d, flags);
}

/* --- sending ------------------------------------------------------------------------------ */

static long stream_send(struct sock *s, struct unix_sock *u, struct sock_msg *m, bool nonblock,
			struct unix_fds *fds, const struct kucred *cred)
{
	size_t total = m->data.left, sent = 0;
	uint64_t deadline = 0;
	long err = 0;
	if (u->state != US_CONNECTED)
		err = -ENOTCONN;
	else if (u->shut & SEND_SHUT)
		err = -EPIPE;
	while (!err && sent < total) {
		struct unix_sock *p = u->peer;
		if (!p || p->dead || (p->shut & RCV_SHUT) || (u->shut & SEND_SHUT)) {
			err = -EPIPE;
			break;
		}
		if (u->wmem >= s->sndbuf) {
			if ((err = sock_wait(s, nonblock, true, &deadline)))
				break;
			continue;
		}
		size_t k = MIN(MIN(total - sent, (size_t)SKB_CHUNK), s->sndbuf - u->wmem);
		struct skb *b = skb_new(u, k);
		if (!b) {
			err = -ENOMEM;
			break;
		}
		if ((err = msg_iter_pull(&m->data, b->data, k))) {
			skb_free(b);
			break;
		}
		b->fds = fds;
		fds = NULL;
		if (cred)
			b->cred = *cred;
		skb_queue(p, b);
		sent += k;
	}
	fds_free(fds);
	return sent ? (long)sent : err;
}

/* One message (datagram or seqpacket record) to t, or to the peer when t is NULL. */
static long msg_send(struct sock *s, struct unix_sock *u, struct unix_sock *t, struct sock_msg *m,
		     bool nonblock, struct unix_fds **fds, const struct kucred *cred)
{
	size_t len = m->data.left;
	uint64_t deadline = 0;
	if (len > s->sndbuf - 32)
		return -EMSGSIZE;
	for (;;) {
		struct unix_sock *to = t ? t : u->peer;
		if (u->type == SOCK_SEQPACKET) {
			if (u->state != US_CONNECTED)
				return -ENOTCONN;
			if ((u->shut & SEND_SHUT) || !to || to->dead || (to->shut & RCV_SHUT))
				return -EPIPE;
		} else {
			if (!to)
				return -ENOTCONN;
			if (to->dead) {
				if (!t) {
					u->peer = NULL;
					us_put(to);
				}
				return -ECONNREFUSED;
			}
			if (u->shut & SEND_SHUT)
				return -EPIPE;
			if (to->peer && to->peer != u)
				return -EPERM;
			if (to->shut & RCV_SHUT)
				return -EPIPE;
			if (to->peer != u && to->rq_count > DGRAM_QLEN) { /* its queue is full */
				long err = sock_wait(s, nonblock, true, &deadline);
				if (err)
					return err;
				continue;
			}
		}
		if (u->wmem + len > s->sndbuf && u->wmem) {
			long err = sock_wait(s, nonblock, true, &deadline);
			if (err)
				return err;
			continue;
		}
		struct skb *b = skb_new(u, len);
		if (!b)
			return -ENOMEM;
		long err = msg_iter_pull(&m->data, b->data, len);
		if (err) {
			skb_free(b);
			return err;
		}
		b->fds = *fds;
		*fds = NULL;
		if (cred)
			b->cred = *cred;
		skb_queue(to, b);
		return (long)len;
	}
}

static long unix_sendmsg(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	struct unix_sock *u = s->priv;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	struct unix_fds *fds;
	struct kucred cred;
	bool has_cred;
	long err = scm_in(m, &fds, &cred, &has_cred);
	if (err)
		return err;
	if (fds)
		unix_gc();
	if (u->type == SOCK_STREAM) {
		if (m->addr)
			err = u->state == US_CONNECTED ? -EISCONN : -EOPNOTSUPP;
		if (err) {
			fds_free(fds);
			return err;
		}
		return stream_send(s, u, m, nonblock, fds, has_cred ? &cred : NULL);
	}
	struct unix_sock *t = NULL;
	if (m->addr && u->type == SOCK_DGRAM)
		err = find_target(m->addr, m->addrlen, u->type, &t);
	if (!err)
		err = msg_send(s, u, t, m, nonblock, &fds, has_cred ? &cred : NULL);
	us_put(t);
	fds_free(fds);
	return err;
}

/* --- receiving ---------------------------------------------------------------------------- */

/* 0 when a wait may go on, else the call's result: an error to report or 0 for end of file. */
static long recv_wait(struct sock *s, struct unix_sock *u, bool nonblock, uint64_t *deadline, bool *eof)
{
	*eof = false;
	if (s->so_error) {
		long e = -s->so_error;
		s->so_error = 0;
		return e;
	}
	if (u->shut & RCV_SHUT) {
		*eof = true;
		return 0;
	}
	return sock_wait(s, nonblock, false, deadline);
}

static long msg_recv(struct sock *s, struct unix_sock *u, struct sock_msg *m, int flags, bool nonblock,
		     size_t csize)
{
	uint64_t deadline = 0;
	bool eof;
	while (!u->rq) {
		long err = recv_wait(s, u, nonblock, &deadline, &eof);
		if (err || eof)
			return err;
	}
	struct skb *b = u->rq;
	size_t n = MIN(m->data.left, b->len);
	if (msg_iter_push(&m->data, b->data, n))
		return -EFAULT;
	if (b->len > n)
		m->out_flags |= MSG_TRUNC;
	if (m->addr) {
		memcpy(m->addr, b->from, MIN(m->addrlen, b->from_len));
		m->addrlen = b->from_len;
	}
	long r = (flags & MSG_TRUNC) ? (long)b->len : (long)n;
	if (passcred(s))
		scm_creds_out(m, csize, &b->cred);
	if (flags & MSG_PEEK) {
		scm_peek(m, csize, b, flags);
	} else {
		if (b->fds) {
			scm_out(m, csize, b->fds, flags);
			b->fds = NULL;
		}
		skb_unqueue_head(u);
	}
	return r;
}

/* The message and offset where byte `skip` of the queue (past what was read) lies. */
static struct skb *stream_at(struct unix_sock *u, size_t skip, size_t *off)
{
	struct skb *b = u->rq;
	while (b && skip >= b->len - b->off) {
		skip -= b->len - b->off;
		b = b->next;
	}
	if (b)
		*off = b->off + skip;
	return b;
}

static long stream_recv(struct sock *s, struct unix_sock *u, struct sock_msg *m, int flags, bool nonblock,
			size_t csize)
{
	if (u->state != US_CONNECTED)
		return -EINVAL;
	size_t want = m->data.left, copied = 0;
	size_t target = (flags & MSG_WAITALL) ? want : MIN((size_t)MAX(s->rcvlowat, 1), want);
	bool peek = flags & MSG_PEEK;
	uint64_t deadline = 0;
	struct kucred first;
	uint32_t asize = m->addr ? m->addrlen : 0;
	if (m->addr)
		m->addrlen = 0;
	while (copied < want) {
		size_t off = 0;
		struct skb *b = stream_at(u, peek ? copied : 0, &off);
		if (!b) {
			if (copied >= target)
				break;
			bool eof;
			long err = recv_wait(s, u, nonblock, &deadline, &eof);
			if (err)
				return copied ? (long)copied : err;
			if (eof)
				break;
			continue;
		}
		if (b->fds && copied && !peek)
			break; /* a message with files starts a new read */
		if (passcred(s) && copied && memcmp(&first, &b->cred, sizeof(first)))
			break; /* so does one from another sender */
		size_t n = MIN(want - copied, b->len - off);
		if (msg_iter_push(&m->data, b->data + off, n))
			return copied ? (long)copied : -EFAULT;
		if (!copied) {
			first = b->cred;
			if (m->addr) { /* the sender's name, as Linux */
				memcpy(m->addr, b->from, MIN(asize, b->from_len));
				m->addrlen = b->from_len;
			}
			if (passcred(s))
				scm_creds_out(m, csize, &b->cred);
		}
		copied += n;
		if (peek && b->fds) {
			scm_peek(m, csize, b, flags);
			break; /* a peek stops after a message with files, as a read does */
		}
		if (peek)
			continue;
		bool had_fds = b->fds != NULL;
		if (had_fds) {
			scm_out(m, csize, b->fds, flags);
			b->fds = NULL;
		}
		b->off += n;
		u->rq_bytes -= n;
		if (b->off == b->len)
			skb_unqueue_head(u);
		if (had_fds)
			break;
	}
	return (long)copied;
}

static long unix_recvmsg(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	struct unix_sock *u = s->priv;
	size_t csize = m->control ? m->controllen : 0;
	m->controllen = 0;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (u->state == US_LISTEN)
		return -EINVAL;
	if (u->type == SOCK_STREAM)
		return stream_recv(s, u, m, flags, nonblock, csize);
	if (u->type == SOCK_SEQPACKET && u->state != US_CONNECTED)
		return -ENOTCONN;
	return msg_recv(s, u, m, flags, nonblock, csize);
}

/* --- options, ioctl, poll ----------------------------------------------------------------- */

static long unix_setsockopt(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	(void)s, (void)name, (void)val, (void)len;
	return level == SOL_SOCKET ? -ENOPROTOOPT : -EOPNOTSUPP;
}

static long unix_getsockopt(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	struct unix_sock *u = s->priv;
	if (level == SOL_SOCKET && name == SO_PEERCRED) {
		struct kucred c = {0, (uint32_t)-1, (uint32_t)-1};
		if (u->has_peercred)
			c = u->peercred;
		memcpy(val, &c, MIN((uint32_t)sizeof(c), *len));
		*len = MIN((uint32_t)sizeof(c), *len);
		return 0;
	}
	return level == SOL_SOCKET ? -ENOPROTOOPT : -EOPNOTSUPP;
}

static long unix_ioctl(struct sock *s, unsigned int cmd, uint64_t arg)
{
	struct unix_sock *u = s->priv;
	int v;
	if (cmd == FIONREAD) {
		if (u->state == US_LISTEN)
			return -EINVAL;
		v = u->type == SOCK_DGRAM ? (u->rq ? (int)u->rq->len : 0) : (int)u->rq_bytes;
	} else if (cmd == TIOCOUTQ) {
		v = (int)u->wmem;
	} else {
		return -ENOTTY;
	}
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static unsigned int unix_poll(struct sock *s)
{
	struct unix_sock *u = s->priv;
	unsigned int m = 0;
	if (s->so_error)
		m |= POLLERR;
	if (u->shut == (RCV_SHUT | SEND_SHUT))
		m |= POLLHUP;
	if (u->shut & RCV_SHUT)
		m |= POLLRDHUP | POLLIN | POLLRDNORM;
	if (u->rq || u->acc)
		m |= POLLIN | POLLRDNORM;
	if (u->type != SOCK_DGRAM && u->state == US_UNCONN)
		m |= POLLHUP;
	bool full = u->type == SOCK_DGRAM && u->peer && u->peer->peer != u && u->peer->rq_count > DGRAM_QLEN;
	if (u->state != US_LISTEN && u->wmem * 4 <= s->sndbuf && !full)
		m |= POLLOUT | POLLWRNORM | POLLWRBAND;
	return m;
}

static const struct sock_ops unix_ops = {
	.bind = unix_bind, .listen = unix_listen, .accept = unix_accept, .connect = unix_connect,
	.sendmsg = unix_sendmsg, .recvmsg = unix_recvmsg, .shutdown = unix_shutdown,
	.getname = unix_getname, .setsockopt = unix_setsockopt, .getsockopt = unix_getsockopt,
	.ioctl = unix_ioctl, .poll = unix_poll, .release = unix_release,
};

/* --- the family --------------------------------------------------------------------------- */

static long unix_create(struct sock *s, int protocol)
{
	if (protocol != 0 && protocol != AF_UNIX)
		return -EPROTONOSUPPORT;
	if (s->type == SOCK_RAW)
		s->type = SOCK_DGRAM;
	if (s->type != SOCK_STREAM && s->type != SOCK_DGRAM && s->type != SOCK_SEQPACKET)
		return -ESOCKTNOSUPPORT;
	struct unix_sock *u = us_new(s->type);
	if (!u)
		return -ENOMEM;
	u->s = s;
	s->ops = &unix_ops;
	s->priv = u;
	all_add(u);
	unix_gc();
	return 0;
}

static long unix_pair(struct sock *a, struct sock *b)
{
	struct unix_sock *ua = a->priv, *ub = b->priv;
	connect_pair(ua, ub);
	sock_cred_current(&ua->peercred);
	ub->peercred = ua->peercred;
	ua->has_peercred = ub->has_peercred = true;
	return 0;
}

const struct net_family unix_family = {
	.family = AF_UNIX, .create = unix_create, .pair = unix_pair,
};
