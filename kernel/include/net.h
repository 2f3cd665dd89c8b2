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
#include <asm/socket.h>         /* SOL_SOCKET, SO_* */

/* The values of Linux's socket(7), socket(2), send(2) and cmsg(3) that the UAPI headers do
 * not carry (they live in glibc's and musl's <sys/socket.h>). */
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_NETLINK 16
#define AF_MAX 46
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_SEQPACKET 5
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC O_CLOEXEC
#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_CTRUNC 0x8
#define MSG_TRUNC 0x20
#define MSG_DONTWAIT 0x40
#define MSG_EOR 0x80
#define MSG_WAITALL 0x100
#define MSG_NOSIGNAL 0x4000
#define MSG_MORE 0x8000
#define MSG_WAITFORONE 0x10000
#define MSG_CMSG_CLOEXEC 0x40000000
#define SHUT_RD 0
#define SHUT_WR 1
#define SHUT_RDWR 2
#define SCM_RIGHTS 1
#define SCM_CREDENTIALS 2
#define SOMAXCONN 4096                  /* net.core.somaxconn: listen's backlog is cut to it */
#define SOCK_BUF_DEFAULT 212992         /* net.core.[rw]mem_default: SO_SNDBUF/SO_RCVBUF at start */
#define SOCK_BUF_MAX 212992             /* net.core.[rw]mem_max: the most a program may set */
#define SOCK_ADDR_MAX 128               /* sizeof(struct sockaddr_storage) */

/* Ancillary data records (cmsg(3)), as the caller lays them out in msg_control. */
struct kcmsghdr {
	uint64_t cmsg_len;              /* header and data, without the trailing padding */
	int cmsg_level, cmsg_type;
};
#define KCMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define KCMSG_HDR KCMSG_ALIGN(sizeof(struct kcmsghdr))
#define KCMSG_LEN(n) (KCMSG_HDR + (n))
#define KCMSG_SPACE(n) (KCMSG_HDR + KCMSG_ALIGN(n))

/* SO_PEERCRED's value, SCM_CREDENTIALS's data. */
struct kucred {
	int32_t pid;
	uint32_t uid, gid;
};
void sock_cred_current(struct kucred *c);   /* the calling process's */

/* struct sock's so_flags: the boolean SOL_SOCKET options socket.c keeps for every family. */
#define SOCKF_REUSEADDR 0x1
#define SOCKF_REUSEPORT 0x2
#define SOCKF_KEEPALIVE 0x4
#define SOCKF_BROADCAST 0x8
#define SOCKF_OOBINLINE 0x10
#define SOCKF_PASSCRED 0x20             /* AF_UNIX: SCM_CREDENTIALS with every message */

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
	bool listening;                 /* SO_ACCEPTCONN: listen() succeeded (socket.c sets it) */
	int linger_onoff, linger_sec;   /* SO_LINGER as set (kept and reported) */
	int rcvlowat;                   /* SO_RCVLOWAT: a stream read waits for this many bytes (>= 1) */
};

/* An address family: fills s->ops and s->priv for (type, protocol), or -EPROTONOSUPPORT,
 * -ESOCKTNOSUPPORT, -ENOMEM. */
struct net_family {
	int family;
	long (*create)(struct sock *s, int protocol);
	/* socketpair(2), for families that have it (AF_UNIX); NULL: -EOPNOTSUPP */
	long (*pair)(struct sock *a, struct sock *b);
};

/* Families register themselves here (AF_UNIX is registered by socket.c itself; inet.c may
 * call this from its init, or define the weak symbols `inet_family` / `inet6_family` that
 * socket.c registers at its first use). 0 or -EINVAL. */
long net_register_family(const struct net_family *f);

/* One sleep of a family's blocking operation: the caller tested its condition (with
 * interrupts disabled if an interrupt handler can change it) and found it false. Sleeps on
 * s->wait until sock_wake, a signal or the socket's timeout (SO_SNDTIMEO when send, else
 * SO_RCVTIMEO, counted from the first sleep of the call: *deadline starts at 0). 0 when
 * woken (test again), -EAGAIN when nonblock or timed out, -ERESTARTSYS for a signal. */
long sock_wait(struct sock *s, bool nonblock, bool send, uint64_t *deadline);

void sock_wake(struct sock *s);         /* readiness may have changed: wake sleepers, pollers */
/* The same, saying which POLL* bits may have become ready (the poll head's key, vfs.h): an
 * edge-triggered epoll item is not woken by a change that is not its (the peer consuming
 * what this socket sent is POLLOUT, not new input). sock_wake is key 0, "anything". */
void sock_wake_key(struct sock *s, unsigned int key);
/* The socket open on fd (referenced through its file: file_put(s->file) when done), or
 * NULL with -EBADF or -ENOTSOCK in *err. */
struct sock *sock_fget(int fd, long *err);
bool file_is_socket(struct file *f);

#endif
