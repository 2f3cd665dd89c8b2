/* net.h: the socket layer's contract between the system calls (net/socket.c: descriptors,
 * copying addresses and messages in and out of user memory, SOL_SOCKET options both
 * families share) and each address family (net/unix.c for AF_UNIX, net/inet.c for AF_INET
 * and AF_INET6 over lwIP). A family sees kernel copies of addresses and options and a
 * message iterator over the caller's buffers; it never reads a user pointer itself.
 *
 * Blocking: a family's operation that must wait sleeps on sock->wait (wait.h) unless
 * `nonblock` (O_NONBLOCK on the file, or MSG_DONTWAIT), and returns -EAGAIN then. Whenever
 * a socket's readiness may have changed the family calls sock_wake(s), which wakes both
 * sleepers and pollers (poll, select, epoll). */
#ifndef RZ_NET_H
#define RZ_NET_H
#include "types.h"
#include "vfs.h"
#include "wait.h"

struct sock;

/* The caller's data for one send or receive: iovecs whose bases are user addresses (or
 * kernel addresses when `kernel`, as sendfile gives), consumed front to back. */
struct msg_iter {
	const struct msg_seg {
		uint64_t base;
		size_t len;
	} *seg;
	int nseg;
	size_t off;                     /* bytes consumed of seg[0] */
	size_t left;                    /* bytes left in all segments */
	bool kernel;
};
/* Copy the next n bytes out of the iterator into dst / from src into it, advancing it.
 * 0 or -EFAULT (a bad user buffer: the iterator is then left where the fault was). */
long msg_iter_pull(struct msg_iter *it, void *dst, size_t n);
long msg_iter_push(struct msg_iter *it, const void *src, size_t n);

/* One sendmsg or recvmsg, in kernel terms. */
struct sock_msg {
	struct msg_iter data;
	void *addr;                     /* kernel buffer: the destination (send), the source (recv) */
	uint32_t addrlen;               /* in: its length or size; out (recv): the source's length */
	void *control;                  /* kernel buffer for ancillary data (cmsghdr records) */
	size_t controllen;              /* in: its length or size; out (recv): bytes written */
	int out_flags;                  /* recv: MSG_TRUNC, MSG_CTRUNC, MSG_EOR */
};

struct sock_ops {
	long (*bind)(struct sock *s, const void *addr, uint32_t len);
	long (*listen)(struct sock *s, int backlog);
	/* a connected socket for the next pending connection, in *child (its ops and priv set) */
	long (*accept)(struct sock *s, struct sock *child, bool nonblock);
	long (*connect)(struct sock *s, const void *addr, uint32_t len, bool nonblock);
	/* bytes sent or received, or -errno; flags are MSG_* of the call */
	long (*sendmsg)(struct sock *s, struct sock_msg *m, int flags, bool nonblock);
	long (*recvmsg)(struct sock *s, struct sock_msg *m, int flags, bool nonblock);
	long (*shutdown)(struct sock *s, int how);       /* SHUT_RD, SHUT_WR, SHUT_RDWR */
	/* getsockname (peer false) / getpeername: the address into addr, *len in: size, out:
	 * the address's full length */
	long (*getname)(struct sock *s, void *addr, uint32_t *len, bool peer);
	/* options at levels other than SOL_SOCKET, and the SOL_SOCKET ones socket.c leaves to
	 * the family; -ENOPROTOOPT when unknown */
	long (*setsockopt)(struct sock *s, int level, int name, const void *val, uint32_t len);
	long (*getsockopt)(struct sock *s, int level, int name, void *val, uint32_t *len);
	long (*ioctl)(struct sock *s, unsigned int cmd, uint64_t arg);  /* FIONREAD...; may be NULL */
	unsigned int (*poll)(struct sock *s);            /* POLL* bits ready now */
	void (*release)(struct sock *s);                 /* the last descriptor closed */
};

struct sock {
	int family, type, protocol;     /* type without SOCK_NONBLOCK/SOCK_CLOEXEC */
	const struct sock_ops *ops;
	void *priv;                     /* the family's state */
	struct file *file;              /* the open file this socket is (not referenced) */
	struct waitq wait;              /* blocked callers of this socket */
	struct pollhead poll;           /* pollers and epoll instances watching it */
	int so_error;                   /* SO_ERROR: pending asynchronous error, 0 none */
	uint32_t rcvbuf, sndbuf;        /* SO_RCVBUF/SO_SNDBUF as getsockopt reports them */
	uint32_t so_flags;              /* SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE... (SOCKF_*) */
	uint64_t rcvtimeo_ns, sndtimeo_ns;  /* SO_RCVTIMEO/SO_SNDTIMEO, 0 none */
};

/* An address family: fills s->ops and s->priv for (type, protocol), or -EPROTONOSUPPORT,
 * -ESOCKTNOSUPPORT, -ENOMEM. */
struct net_family {
	int family;
	long (*create)(struct sock *s, int protocol);
	/* socketpair(2), for families that have it (AF_UNIX); NULL: -EOPNOTSUPP */
	long (*pair)(struct sock *a, struct sock *b);
};

void sock_wake(struct sock *s);         /* readiness may have changed: wake sleepers, pollers */
/* The socket open on fd (referenced through its file: file_put(s->file) when done), or
 * NULL with -EBADF or -ENOTSOCK in *err. */
struct sock *sock_fget(int fd, long *err);
bool file_is_socket(struct file *f);

#endif
