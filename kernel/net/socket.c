/* socket.c: the socket system calls and the file a socket is. Owns the table of address
 * families (net.h's struct net_family, by AF_*), creating a socket (its struct sock and its
 * open file on an anonymous S_IFSOCK inode), socket, socketpair, bind, listen, accept,
 * accept4, connect, shutdown, getsockname, getpeername, setsockopt/getsockopt at
 * SOL_SOCKET for the options every family shares (SO_TYPE, SO_DOMAIN, SO_PROTOCOL,
 * SO_ERROR, SO_ACCEPTCONN, SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_BROADCAST,
 * SO_OOBINLINE, SO_PASSCRED, SO_RCVLOWAT, SO_SNDBUF/SO_RCVBUF doubled as Linux does,
 * SO_RCVTIMEO/SO_SNDTIMEO, SO_LINGER; the rest goes to the family),
 * sendto, recvfrom, sendmsg, recvmsg, sendmmsg, recvmmsg: copying addresses, message
 * headers, iovecs and ancillary data between user memory and the kernel (EFAULT, EINVAL,
 * never a fault), MSG_DONTWAIT and O_NONBLOCK, SIGPIPE on EPIPE unless MSG_NOSIGNAL; the
 * message iterator (msg_iter_pull/push); read, write, poll, ioctl and close of a socket's
 * file (readv, writev and sendfile reach a socket through them). Does not own what a
 * family does with any of it (net/unix.c, net/inet.c). */
#include <stddef.h>
#include "net.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "syscall.h"

#ifndef SIGPIPE
#define SIGPIPE 13
#endif
#define MAX_RW 0x7ffff000UL     /* Linux's MAX_RW_COUNT */
#define UIO_MAXIOV 1024
#define UIO_FASTIOV 8
#define CONTROL_MAX 65536       /* the most ancillary data one call moves (Linux: optmem_max) */

/* --- families ------------------------------------------------------------------------- */

extern const struct net_family unix_family;
extern const struct net_family inet_family __attribute__((weak));
extern const struct net_family inet6_family __attribute__((weak));

static const struct net_family *families[AF_MAX];

long net_register_family(const struct net_family *f)
{
	if (!f || f->family <= 0 || f->family >= AF_MAX)
		return -EINVAL;
	families[f->family] = f;
	return 0;
}

static const struct net_family *family_of(int family)
{
	static bool ready;
	if (!ready) {
		ready = true;
		net_register_family(&unix_family);
		if (&inet_family && !families[AF_INET])
			net_register_family(&inet_family);
		if (&inet6_family && !families[AF_INET6])
			net_register_family(&inet6_family);
	}
	return family > 0 && family < AF_MAX ? families[family] : NULL;
}

/* --- the message iterator ------------------------------------------------------------- */

static long iter_copy(struct msg_iter *it, void *k, size_t n, bool out)
{
	char *p = k;
	if (n > it->left)
		return -EINVAL;
	while (n) {
		if (it->nseg <= 0)
			return -EINVAL;
		size_t avail = it->seg->len - it->off;
		if (avail == 0) {
			it->seg++;
			it->nseg--;
			it->off = 0;
			continue;
		}
		size_t c = MIN(avail, n);
		uint64_t a = it->seg->base + it->off;
		if (it->kernel) {
			if (out)
				memcpy((void *)(uintptr_t)a, p, c);
			else
				memcpy(p, (const void *)(uintptr_t)a, c);
		} else if (out ? copy_to_user(a, p, c) : copy_from_user(p, a, c)) {
			return -EFAULT;
		}
		it->off += c;
		it->left -= c;
		p += c;
		n -= c;
	}
	return 0;
}

long msg_iter_pull(struct msg_iter *it, void *dst, size_t n)
{
	return iter_copy(it, dst, n, false);
}

long msg_iter_push(struct msg_iter *it, const void *src, size_t n)
{
	return iter_copy(it, (void *)src, n, true);
}

/* --- sockets and their files ------------------------------------------------------------ */

void sock_wake_key(struct sock *s, unsigned int key)
{
	waitq_wake_all(&s->wait);
	pollhead_wake_key(&s->poll, key);
}

void sock_wake(struct sock *s)
{
	sock_wake_key(s, 0);
}

long sock_wait(struct sock *s, bool nonblock, bool send, uint64_t *deadline)
{
	if (nonblock)
		return -EAGAIN;
	uint64_t t = send ? s->sndtimeo_ns : s->rcvtimeo_ns;
	if (t && !*deadline)
		*deadline = time_monotonic_ns() + t;
	uint64_t irq = irq_save();
	long err = waitq_sleep_until(&s->wait, t ? *deadline : 0);
	irq_restore(irq);
	if (err == -ERESTARTSYS && t)
		return -EINTR; /* a call with a timeout is not restarted (Linux's sock_intr_errno) */
	return err == -ETIMEDOUT ? -EAGAIN : err;
}

void sock_cred_current(struct kucred *c)
{
	c->pid = current_tgid();
	c->uid = 0; /* ringzero runs everything as root (proc/misc.c) */
	c->gid = 0;
}

static struct sock *sock_new(int family, int type, int protocol)
{
	struct sock *s = kzalloc(sizeof(*s));
	if (!s)
		return NULL;
	s->family = family;
	s->type = type;
	s->protocol = protocol;
	waitq_init(&s->wait);
	s->rcvbuf = s->sndbuf = SOCK_BUF_DEFAULT;
	s->rcvlowat = 1;
	return s;
}

/* A socket that never got a file (or whose file is going): the family's state, then it. */
static void sock_destroy(struct sock *s)
{
	if (s->ops && s->ops->release)
		s->ops->release(s);
	pollhead_release(&s->poll);
	waitq_wake_all(&s->wait);
	kfree(s);
}

static struct sock *file_sock(struct file *f)
{
	return f->priv;
}

static bool file_nonblock(struct file *f, int flags)
{
	return (f->flags & O_NONBLOCK) || (flags & MSG_DONTWAIT);
}

static long sock_do_send(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	if (!s->ops || !s->ops->sendmsg)
		return -EOPNOTSUPP;
	long r = s->ops->sendmsg(s, m, flags, nonblock);
	if (r == -EPIPE && !(flags & MSG_NOSIGNAL))
		signal_send(current_pid(), SIGPIPE);
	return r;
}

static long sock_do_recv(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	if (!s->ops || !s->ops->recvmsg)
		return -EOPNOTSUPP;
	return s->ops->recvmsg(s, m, flags, nonblock);
}

static long sock_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	if (n == 0)
		return 0; /* read(2) of nothing reads nothing, not an empty datagram (Linux) */
	struct msg_seg seg = {ubuf, n};
	struct sock_msg m = {.data = {.seg = &seg, .nseg = 1, .left = n}};
	return sock_do_recv(file_sock(f), &m, 0, file_nonblock(f, 0));
}

static long sock_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)pos;
	struct msg_seg seg = {src.addr, n};
	struct sock_msg m = {.data = {.seg = &seg, .nseg = 1, .left = n, .kernel = src.kernel}};
	return sock_do_send(file_sock(f), &m, 0, file_nonblock(f, 0));
}

long sock_file_rwv(struct file *f, const void *iov, int cnt, size_t len, bool write)
{
	struct sock_msg m = {.data = {.seg = iov, .nseg = cnt, .left = len}};
	struct sock *s = file_sock(f);
	if (len == 0 && !write)
		return 0;
	return write ? sock_do_send(s, &m, 0, file_nonblock(f, 0)) : sock_do_recv(s, &m, 0, file_nonblock(f, 0));
}

static long sock_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct sock *s = file_sock(f);
	if (!s->ops || !s->ops->ioctl)
		return -ENOTTY;
	return s->ops->ioctl(s, cmd, arg);
}

static unsigned int sock_poll(struct file *f)
{
	struct sock *s = file_sock(f);
	poll_wait_on(&s->poll);
	return s->ops && s->ops->poll ? s->ops->poll(s) : 0;
}

static void sock_release(struct file *f)
{
	sock_destroy(file_sock(f));
}

static const struct file_ops socket_fops = {
	.read = sock_read, .write = sock_write, .ioctl = sock_ioctl, .poll = sock_poll,
	.release = sock_release,
};

bool file_is_socket(struct file *f)
{
	return f && f->ops == &socket_fops;
}

struct sock *sock_fget(int fd, long *err)
{
	struct file *f = fget(fd);
	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (!file_is_socket(f)) {
		file_put(f);
		*err = -ENOTSOCK;
		return NULL;
	}
	*err = 0;
	return file_sock(f);
}

static void sock_put(struct sock *s)
{
	file_put(s->file);
}

/* A file for s (flags: SOCK_NONBLOCK, SOCK_CLOEXEC) installed at the lowest free fd: the fd,
 * or -errno with s destroyed. */
static long sock_install(struct sock *s, int flags)
{
	struct inode *ip = inode_new(S_IFSOCK | 0777);
	struct file *f = ip ? file_alloc(ip, O_RDWR | (flags & O_NONBLOCK), &socket_fops) : NULL;
	inode_put(ip);
	if (!f) {
		sock_destroy(s);
		return -ENFILE;
	}
	f->priv = s;
	s->file = f;
	int fd = fd_install(current_fdtable(), f, 0, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f); /* destroys s */
	return fd;
}

/* A new socket of (family, type|flags, protocol) with its family's state, not yet a file. */
static long sock_create(int family, int type, int protocol, struct sock **out, int *flags)
{
	*flags = type & ~SOCK_TYPE_MASK;
	if (*flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	type &= SOCK_TYPE_MASK;
	if (type >= 11)                 /* SOCK_MAX */
		return -EINVAL;
	if (family < 0 || family >= AF_MAX)
		return -EAFNOSUPPORT;
	const struct net_family *fam = family_of(family);
	if (!fam)
		return -EAFNOSUPPORT;
	struct sock *s = sock_new(family, type, protocol);
	if (!s)
		return -ENOMEM;
	long err = fam->create(s, protocol);
	if (err) {
		s->ops = NULL;
		sock_destroy(s);
		return err;
	}
	*out = s;
	return 0;
}

SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)
{
	struct sock *s;
	int flags;
	long err = sock_create(family, type, protocol, &s, &flags);
	return err ? err : sock_install(s, flags);
}

SYSCALL_DEFINE4(socketpair, int, family, int, type, int, protocol, uptr_t, usv)
{
	struct sock *a, *b;
	int flags;
	long err = sock_create(family, type, protocol, &a, &flags);
	if (err)
		return err;
	if ((err = sock_create(family, type, protocol, &b, &flags))) {
		sock_destroy(a);
		return err;
	}
	const struct net_family *fam = family_of(family);
	err = fam->pair ? fam->pair(a, b) : -EOPNOTSUPP;
	if (err) {
		sock_destroy(a);
		sock_destroy(b);
		return err;
	}
	long fa = sock_install(a, flags);
	if (fa < 0) {
		sock_destroy(b);
		return fa;
	}
	long fb = sock_install(b, flags);
	if (fb < 0) {
		fd_close(current_fdtable(), (int)fa);
		return fb;
	}
	int fds[2] = {(int)fa, (int)fb};
	if (copy_to_user(usv, fds, sizeof(fds))) {
		fd_close(current_fdtable(), (int)fa);
		fd_close(current_fdtable(), (int)fb);
		return -EFAULT;
	}
	return 0;
}

/* --- addresses -------------------------------------------------------------------------- */

struct kaddr {
	uint8_t b[SOCK_ADDR_MAX];
};

/* A caller's address into kernel memory (move_addr_to_kernel): 0, -EINVAL, -EFAULT. */
static long addr_in(struct kaddr *k, uint64_t uaddr, int len)
{
	if (len < 0 || len > SOCK_ADDR_MAX)
		return -EINVAL;
	if (len && copy_from_user(k->b, uaddr, (size_t)len))
		return -EFAULT;
	return 0;
}

/* The size of the caller's buffer for an address (*ulen), read before the call: 0, -EFAULT
 * or -EINVAL (negative). */
static long addr_len_in(uint64_t ulen, int *len)
{
	if (copy_from_user(len, ulen, sizeof(*len)))
		return -EFAULT;
	return *len < 0 ? -EINVAL : 0;
}

/* An address out (move_addr_to_user): at most the caller's size, and its full length. */
static long addr_out(const struct kaddr *k, uint32_t klen, uint64_t uaddr, int size, uint64_t ulen)
{
	size_t n = MIN((size_t)size, (size_t)klen);
	if (n && copy_to_user(uaddr, k->b, n))
		return -EFAULT;
	int full = (int)klen;
	if (copy_to_user(ulen, &full, sizeof(full)))
		return -EFAULT;
	return 0;
}

/* --- bind, listen, accept, connect, shutdown, names -------------------------------------- */

#define WITH_SOCK(fd)                           \
	long err_;                              \
	struct sock *s = sock_fget(fd, &err_);  \
	if (!s)                                 \
		return err_

SYSCALL_DEFINE3(bind, fd_t, fd, uptr_t, umyaddr, int, addrlen)
{
	WITH_SOCK(fd);
	struct kaddr a;
	long r = addr_in(&a, umyaddr, addrlen);
	if (!r)
		r = s->ops->bind ? s->ops->bind(s, a.b, (uint32_t)addrlen) : -EOPNOTSUPP;
	sock_put(s);
	return r;
}

SYSCALL_DEFINE2(listen, fd_t, fd, int, backlog)
{
	WITH_SOCK(fd);
	if ((unsigned int)backlog > SOMAXCONN)
		backlog = SOMAXCONN;
	long r = s->ops->listen ? s->ops->listen(s, backlog) : -EOPNOTSUPP;
	if (!r)
		s->listening = true;
	sock_put(s);
	return r;
}

static long do_accept(int fd, uint64_t upeer, uint64_t upeerlen, int flags)
{
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	WITH_SOCK(fd);
	int size = 0;
	long r = upeer ? addr_len_in(upeerlen, &size) : 0;
	struct sock *c = NULL;
	if (!r && !s->ops->accept)
		r = -EOPNOTSUPP;
	if (!r && !(c = sock_new(s->family, s->type, s->protocol)))
		r = -ENOMEM;
	if (!r && (r = s->ops->accept(s, c, file_nonblock(s->file, 0)))) {
		c->ops = NULL;
		sock_destroy(c);
	}
	if (!r)
		r = sock_install(c, flags);
	if (r >= 0 && upeer) {
		struct kaddr a;
		uint32_t klen = sizeof(a.b);
		long e = c->ops->getname ? c->ops->getname(c, a.b, &klen, true) : -EOPNOTSUPP;
		if (!e)
			e = addr_out(&a, klen, upeer, size, upeerlen);
		if (e) {
			fd_close(current_fdtable(), (int)r);
			r = e;
		}
	}
	sock_put(s);
	return r;
}

SYSCALL_DEFINE3(accept, fd_t, fd, uptr_t, upeer_sockaddr, uptr_t, upeer_addrlen)
{
	return do_accept(fd, upeer_sockaddr, upeer_addrlen, 0);
}

SYSCALL_DEFINE4(accept4, fd_t, fd, uptr_t, upeer_sockaddr, uptr_t, upeer_addrlen, flags_t, flags)
{
	return do_accept(fd, upeer_sockaddr, upeer_addrlen, (int)flags);
}

SYSCALL_DEFINE3(connect, fd_t, fd, uptr_t, uservaddr, int, addrlen)
{
	WITH_SOCK(fd);
	struct kaddr a;
	long r = addr_in(&a, uservaddr, addrlen);
	if (!r)
		r = s->ops->connect ? s->ops->connect(s, a.b, (uint32_t)addrlen, file_nonblock(s->file, 0))
				    : -EOPNOTSUPP;
	sock_put(s);
	return r;
}

SYSCALL_DEFINE2(shutdown, fd_t, fd, int, how)
{
	WITH_SOCK(fd);
	long r = how < SHUT_RD || how > SHUT_RDWR ? -EINVAL
		 : s->ops->shutdown ? s->ops->shutdown(s, how) : -EOPNOTSUPP;
	sock_put(s);
	return r;
}

static long do_getname(int fd, uint64_t uaddr, uint64_t ulen, bool peer)
{
	WITH_SOCK(fd);
	int size;
	long r = addr_len_in(ulen, &size);
	struct kaddr a;
	uint32_t klen = sizeof(a.b);
	if (!r)
		r = s->ops->getname ? s->ops->getname(s, a.b, &klen, peer) : -EOPNOTSUPP;
	if (!r)
		r = addr_out(&a, klen, uaddr, size, ulen);
	sock_put(s);
	return r;
}

SYSCALL_DEFINE3(getsockname, fd_t, fd, uptr_t, usockaddr, uptr_t, usockaddr_len)
{
	return do_getname(fd, usockaddr, usockaddr_len, false);
}

SYSCALL_DEFINE3(getpeername, fd_t, fd, uptr_t, usockaddr, uptr_t, usockaddr_len)
{
	return do_getname(fd, usockaddr, usockaddr_len, true);
}

/* --- options ---------------------------------------------------------------------------- */

struct ktimeval {
	int64_t sec, usec;
};
struct klinger {
	int onoff, linger;
};

static uint32_t bool_flag(int name)
{
	switch (name) {
	case SO_REUSEADDR: return SOCKF_REUSEADDR;
	case SO_REUSEPORT: return SOCKF_REUSEPORT;
	case SO_KEEPALIVE: return SOCKF_KEEPALIVE;
	case SO_BROADCAST: return SOCKF_BROADCAST;
	case SO_OOBINLINE: return SOCKF_OOBINLINE;
	case SO_PASSCRED: return SOCKF_PASSCRED;
	}
	return 0;
}

/* A SOL_SOCKET option: -errno, 0 when set here, 1 when kept here and also told to the family
 * (which may not know it), 2 when it is the family's alone. */
static long sol_set(struct sock *s, int name, const void *val, uint32_t len)
{
	int v = len >= sizeof(int) ? *(const int *)val : 0;
	switch (name) {
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_OOBINLINE:
	case SO_PASSCRED:
		if (len < sizeof(int))
			return -EINVAL;
		if (v)
			s->so_flags |= bool_flag(name);
		else
			s->so_flags &= ~bool_flag(name);
		return 1;
	case SO_SNDBUF:
	case SO_RCVBUF: {
		if (len < sizeof(int))
			return -EINVAL;
		uint32_t u = (uint32_t)MIN((unsigned)v, (unsigned)SOCK_BUF_MAX) * 2;
		if (name == SO_SNDBUF)
			s->sndbuf = MAX(u, 4608u);      /* Linux's SOCK_MIN_SNDBUF */
		else
			s->rcvbuf = MAX(u, 2304u);      /* SOCK_MIN_RCVBUF */
		sock_wake(s);
		return 1;
	}
	case SO_RCVLOWAT:
		if (len < sizeof(int))
			return -EINVAL;
		s->rcvlowat = v < 0 ? 0x7fffffff : v ? v : 1;
		sock_wake(s);
		return 1;
	case SO_RCVTIMEO_OLD:
	case SO_SNDTIMEO_OLD: {
		struct ktimeval tv;
		if (len < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.usec < 0 || tv.usec >= 1000000)
			return -EDOM;
		uint64_t ns = tv.sec < 0 ? 1 : (uint64_t)tv.sec * 1000000000ULL + (uint64_t)tv.usec * 1000;
		if (tv.sec > 1000000000LL)
			ns = 0; /* longer than any wait: none (Linux: MAX_SCHEDULE_TIMEOUT) */
		if (name == SO_RCVTIMEO_OLD)
			s->rcvtimeo_ns = ns;
		else
			s->sndtimeo_ns = ns;
		return 0;
	}
	case SO_LINGER: {
		struct klinger l;
		if (len < sizeof(l))
			return -EINVAL;
		memcpy(&l, val, sizeof(l));
		s->linger_onoff = l.onoff ? 1 : 0;
		s->linger_sec = l.linger < 0 ? 0 : l.linger;
		return 1;
	}
	case SO_TYPE:
	case SO_DOMAIN:
	case SO_PROTOCOL:
	case SO_ERROR:
	case SO_ACCEPTCONN:
		return -ENOPROTOOPT;
	}
	return 2;
}

/* 0 with the value in *v (*vlen bytes), 1 when the option is the family's. */
static long sol_get(struct sock *s, int name, void *v, uint32_t *vlen)
{
	int *iv = v;
	*vlen = sizeof(int);
	switch (name) {
	case SO_TYPE: *iv = s->type; return 0;
	case SO_DOMAIN: *iv = s->family; return 0;
	case SO_PROTOCOL: *iv = s->protocol; return 0;
	case SO_ERROR: *iv = s->so_error; s->so_error = 0; return 0;
	case SO_ACCEPTCONN: *iv = s->listening; return 0;
	case SO_REUSEADDR:
	case SO_REUSEPORT:
	case SO_KEEPALIVE:
	case SO_BROADCAST:
	case SO_OOBINLINE:
	case SO_PASSCRED: *iv = (s->so_flags & bool_flag(name)) != 0; return 0;
	case SO_RCVLOWAT: *iv = s->rcvlowat; return 0;
	case SO_SNDBUF: *iv = (int)s->sndbuf; return 0;
	case SO_RCVBUF: *iv = (int)s->rcvbuf; return 0;
	case SO_RCVTIMEO_OLD:
	case SO_SNDTIMEO_OLD: {
		uint64_t ns = name == SO_RCVTIMEO_OLD ? s->rcvtimeo_ns : s->sndtimeo_ns;
		struct ktimeval tv = {(int64_t)(ns / 1000000000ULL), (int64_t)(ns % 1000000000ULL / 1000)};
		memcpy(v, &tv, sizeof(tv));
		*vlen = sizeof(tv);
		return 0;
	}
	case SO_LINGER: {
		struct klinger l = {s->linger_onoff, s->linger_sec};
		memcpy(v, &l, sizeof(l));
		*vlen = sizeof(l);
		return 0;
	}
	}
	return 1;
}

#define OPT_MAX 256     /* the largest option value copied in or out */

SYSCALL_DEFINE5(setsockopt, fd_t, fd, int, level, int, optname, uptr_t, optval, int, optlen)
{
	if (optlen < 0)
		return -EINVAL;
	WITH_SOCK(fd);
	uint8_t v[OPT_MAX];
	uint32_t len = (uint32_t)MIN(optlen, OPT_MAX);
	long r = len && copy_from_user(v, optval, len) ? -EFAULT : 1;
	if (r == 1 && level == SOL_SOCKET)
		r = sol_set(s, optname, v, len);
	else if (r == 1)
		r = 2;
	if (r == 1 || r == 2) {
		long f = s->ops->setsockopt ? s->ops->setsockopt(s, level, optname, v, len) : -ENOPROTOOPT;
		r = r == 1 && f == -ENOPROTOOPT ? 0 : f;
	}
	sock_put(s);
	return r;
}

SYSCALL_DEFINE5(getsockopt, fd_t, fd, int, level, int, optname, uptr_t, optval, uptr_t, optlen)
{
	WITH_SOCK(fd);
	int ulen;
	long r = copy_from_user(&ulen, optlen, sizeof(ulen)) ? -EFAULT : ulen < 0 ? -EINVAL : 1;
	uint8_t v[OPT_MAX];
	uint32_t vlen = 0;
	if (r == 1 && level == SOL_SOCKET)
		r = sol_get(s, optname, v, &vlen);
	if (r == 1) {
		vlen = MIN((uint32_t)ulen, (uint32_t)OPT_MAX);
		r = s->ops->getsockopt ? s->ops->getsockopt(s, level, optname, v, &vlen) : -ENOPROTOOPT;
	}
	if (r == 0) {
		uint32_t n = MIN(vlen, (uint32_t)ulen);
		int out = (int)n;
		if ((n && copy_to_user(optval, v, n)) || copy_to_user(optlen, &out, sizeof(out)))
			r = -EFAULT;
	}
	sock_put(s);
	return r;
}

/* --- sending and receiving ------------------------------------------------------------- */

/* struct msghdr and struct mmsghdr as a program lays them out. */
struct umsghdr {
	uint64_t name;
	int namelen;
	uint64_t iov;
	uint64_t iovlen;
	uint64_t control;
	uint64_t controllen;
	unsigned int flags;
};
struct ummsghdr {
	struct umsghdr hdr;
	unsigned int len;
};

/* One call's kernel copy of a message header: its segments, address and control buffer. */
struct kmsg {
	struct sock_msg m;
	struct msg_seg fast[UIO_FASTIOV];
	struct msg_seg *segs;
	struct kaddr addr;
	void *control;
};

static void kmsg_done(struct kmsg *k)
{
	if (k->segs != k->fast)
		kfree(k->segs);
	kfree(k->control);
}

/* The iovecs into k->m.data: 0, -EMSGSIZE (too many), -EINVAL (a negative length or a sum
 * past SSIZE_MAX), -EFAULT, -ENOMEM. */
static long kmsg_iov(struct kmsg *k, uint64_t uiov, uint64_t n)
{
	k->segs = k->fast;
	if (n > UIO_MAXIOV)
		return -EMSGSIZE;
	if (n > UIO_FASTIOV && !(k->segs = kmalloc(n * sizeof(struct msg_seg))))
		return -ENOMEM;
	if (n && copy_from_user(k->segs, uiov, n * sizeof(struct msg_seg)))
		return -EFAULT;
	uint64_t sum = 0;
	for (uint64_t i = 0; i < n; i++) {
		if ((int64_t)k->segs[i].len < 0 || (sum += k->segs[i].len) > (uint64_t)INT64_MAX)
			return -EINVAL;
	}
	k->m.data = (struct msg_iter){.seg = k->segs, .nseg = (int)n, .left = MIN(sum, MAX_RW)};
	return 0;
}

/* A user msghdr into k for sendmsg (send) or recvmsg: its header in *h. */
static long kmsg_in(struct kmsg *k, uint64_t umsg, struct umsghdr *h, bool send)
{
	memset(k, 0, sizeof(*k));
	k->segs = k->fast;
	if (copy_from_user(h, umsg, sizeof(*h)))
		return -EFAULT;
	if (!h->name)
		h->namelen = 0;
	if (h->namelen < 0)
		return -EINVAL;
	long err = kmsg_iov(k, h->iov, h->iovlen);
	if (err)
		return err;
	if (h->name) {
		if (send && (err = addr_in(&k->addr, h->name, h->namelen)))
			return err;
		k->m.addr = k->addr.b;
		k->m.addrlen = send ? (uint32_t)h->namelen : sizeof(k->addr.b);
	}
	if (h->controllen > INT32_MAX)
		return -ENOBUFS;
	size_t cl = (size_t)h->controllen;
	if (send && cl > CONTROL_MAX)
		return -ENOBUFS;
	cl = MIN(cl, (size_t)CONTROL_MAX);
	if (cl) {
		if (!(k->control = kzalloc(cl)))
			return -ENOMEM;
		if (send && copy_from_user(k->control, h->control, cl))
			return -EFAULT;
		k->m.control = k->control;
		k->m.controllen = cl;
	}
	return 0;
}

static long do_sendmsg(struct sock *s, uint64_t umsg, int flags)
{
	struct kmsg k;
	struct umsghdr h;
	long r = kmsg_in(&k, umsg, &h, true);
	if (!r)
		r = sock_do_send(s, &k.m, flags, file_nonblock(s->file, flags));
	kmsg_done(&k);
	return r;
}

/* After a receive: the source address, the ancillary data written, the flags. */
static long kmsg_out(struct kmsg *k, uint64_t umsg, const struct umsghdr *h)
{
	struct umsghdr o = *h;
	if (h->name) {
		uint32_t n = MIN((uint32_t)h->namelen, k->m.addrlen);
		if (n && copy_to_user(h->name, k->addr.b, n))
			return -EFAULT;
		o.namelen = (int)k->m.addrlen;
	} else {
		o.namelen = 0;
	}
	if (k->control && k->m.controllen && copy_to_user(h->control, k->control, k->m.controllen))
		return -EFAULT;
	o.controllen = k->control ? k->m.controllen : 0;
	o.flags = (unsigned int)k->m.out_flags;
	return copy_to_user(umsg, &o, sizeof(o)) ? -EFAULT : 0;
}

static long do_recvmsg(struct sock *s, uint64_t umsg, int flags)
{
	struct kmsg k;
	struct umsghdr h;
	long r = kmsg_in(&k, umsg, &h, false);
	if (!r)
		r = sock_do_recv(s, &k.m, flags, file_nonblock(s->file, flags));
	if (r >= 0) {
		long e = kmsg_out(&k, umsg, &h);
		if (e)
			r = e;
	}
	kmsg_done(&k);
	return r;
}

SYSCALL_DEFINE6(sendto, fd_t, fd, uptr_t, buff, size_t, len, flags_t, flags, uptr_t, addr, int, addr_len)
{
	WITH_SOCK(fd);
	struct msg_seg seg = {buff, MIN(len, (size_t)MAX_RW)};
	struct kaddr a;
	struct sock_msg m = {.data = {.seg = &seg, .nseg = 1, .left = seg.len}};
	long r = 0;
	if (addr) {
		r = addr_in(&a, addr, addr_len);
		m.addr = a.b;
		m.addrlen = (uint32_t)addr_len;
	}
	if (!r)
		r = sock_do_send(s, &m, (int)flags, file_nonblock(s->file, (int)flags));
	sock_put(s);
	return r;
}

SYSCALL_DEFINE6(recvfrom, fd_t, fd, uptr_t, ubuf, size_t, size, flags_t, flags, uptr_t, addr, uptr_t, addr_len)
{
	WITH_SOCK(fd);
	struct msg_seg seg = {ubuf, MIN(size, (size_t)MAX_RW)};
	struct kaddr a;
	struct sock_msg m = {.data = {.seg = &seg, .nseg = 1, .left = seg.len}};
	int alen = 0;
	long r = 0;
	if (addr) {
		r = addr_len_in(addr_len, &alen);
		m.addr = a.b;
		m.addrlen = sizeof(a.b);
	}
	if (!r)
		r = sock_do_recv(s, &m, (int)flags, file_nonblock(s->file, (int)flags));
	if (r >= 0 && addr) {
		long e = addr_out(&a, m.addrlen, addr, alen, addr_len);
		if (e)
			r = e;
	}
	sock_put(s);
	return r;
}

SYSCALL_DEFINE3(sendmsg, fd_t, fd, uptr_t, msg, flags_t, flags)
{
	WITH_SOCK(fd);
	long r = do_sendmsg(s, msg, (int)flags);
	sock_put(s);
	return r;
}

SYSCALL_DEFINE3(recvmsg, fd_t, fd, uptr_t, msg, flags_t, flags)
{
	WITH_SOCK(fd);
	long r = do_recvmsg(s, msg, (int)flags);
	sock_put(s);
	return r;
}

SYSCALL_DEFINE4(sendmmsg, fd_t, fd, uptr_t, mmsg, unsigned, vlen, flags_t, flags)
{
	WITH_SOCK(fd);
	long r = 0;
	unsigned int n = MIN(vlen, (unsigned)UIO_MAXIOV), i;
	for (i = 0; i < n; i++) {
		uint64_t um = mmsg + (uint64_t)i * sizeof(struct ummsghdr);
		r = do_sendmsg(s, um, (int)flags);
		if (r < 0)
			break;
		unsigned int sent = (unsigned int)r;
		if (copy_to_user(um + offsetof(struct ummsghdr, len), &sent, sizeof(sent))) {
			r = -EFAULT;
			break;
		}
		cond_resched();
	}
	sock_put(s);
	return i ? (long)i : r;
}

struct kts64 {
	int64_t sec, nsec;
};

SYSCALL_DEFINE5(recvmmsg, fd_t, fd, uptr_t, mmsg, unsigned, vlen, flags_t, flags, uptr_t, timeout)
{
	uint64_t deadline = 0;
	struct kts64 ts;
	if (timeout) {
		if (copy_from_user(&ts, timeout, sizeof(ts)))
			return -EFAULT;
		if (ts.sec < 0 || ts.nsec < 0 || ts.nsec >= 1000000000)
			return -EINVAL;
		deadline = time_monotonic_ns() + (uint64_t)ts.sec * 1000000000ULL + (uint64_t)ts.nsec;
	}
	WITH_SOCK(fd);
	long r = 0;
	unsigned int n = MIN(vlen, (unsigned)UIO_MAXIOV), i;
	int f = (int)flags & ~MSG_WAITFORONE;
	for (i = 0; i < n; i++) {
		uint64_t um = mmsg + (uint64_t)i * sizeof(struct ummsghdr);
		r = do_recvmsg(s, um, f);
		if (r < 0)
			break;
		unsigned int got = (unsigned int)r;
		if (copy_to_user(um + offsetof(struct ummsghdr, len), &got, sizeof(got))) {
			r = -EFAULT;
			break;
		}
		if (flags & MSG_WAITFORONE)
			f |= MSG_DONTWAIT;
		if (deadline && time_monotonic_ns() >= deadline) {
			i++;
			break;
		}
	}
	if (timeout && i) {
		uint64_t now = time_monotonic_ns(), left = deadline > now ? deadline - now : 0;
		ts.sec = (int64_t)(left / 1000000000ULL);
		ts.nsec = (int64_t)(left % 1000000000ULL);
		if (copy_to_user(timeout, &ts, sizeof(ts)))
			r = -EFAULT;
	}
	sock_put(s);
	return i ? (long)i : r;
}
