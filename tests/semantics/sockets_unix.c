/* sockets_unix: AF_UNIX sockets and the socket system calls (issue 11), each against
 * Linux's behaviour (the host run of this program is the reference):
 *
 *   pair       socketpair echo through a forked child (read/write, readv/writev, send/recv,
 *              sendmsg/recvmsg), S_IFSOCK in fstat, SOCK_CLOEXEC/SOCK_NONBLOCK, O_NONBLOCK by
 *              fcntl, SOL_SOCKET options (SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ERROR,
 *              SO_SNDBUF/SO_RCVBUF doubled, SO_REUSEADDR, SO_KEEPALIVE, SO_RCVTIMEO, SO_LINGER,
 *              SO_ACCEPTCONN), ENOPROTOOPT, sendmmsg/recvmmsg, sendfile to a socket
 *   path       bind to a path (an S_IFSOCK node), listen, connect, accept/accept4 (flags, the
 *              peer's address), getsockname/getpeername, EADDRINUSE for a name that exists,
 *              ECONNREFUSED for a socket nobody listens on and for a regular file, ENOENT,
 *              EPROTOTYPE, EISCONN, EINVAL for listen on an unbound socket
 *   abstract   abstract names (sun_path[0] == 0), EADDRINUSE, reuse after close, autobind
 *   shutdown   half-close in each direction: EOF after the data, the other way still open
 *   peer-close EOF, EPIPE with SIGPIPE, EPIPE without it (MSG_NOSIGNAL), ECONNRESET when the
 *              peer closed with data unread
 *   sndbuf     a full send buffer: EAGAIN for a non-blocking writer (no POLLOUT), a blocked
 *              writer (a child) that finishes once the reader drains
 *   nonblock   accept on a non-blocking listener (EAGAIN), MSG_DONTWAIT, SO_RCVTIMEO
 *   rights     SCM_RIGHTS: a pipe's end and a file travel (the received fds read the same),
 *              MSG_CTRUNC with a short control buffer, MSG_CMSG_CLOEXEC, files in a message
 *              never read are closed with the socket (the pipe sees EOF)
 *   peercred   SO_PEERCRED of a socketpair and of both ends of a connection to a child,
 *              SO_PASSCRED's SCM_CREDENTIALS
 *   peek       MSG_PEEK, FIONREAD, MSG_WAITALL across a child's separate writes, SO_RCVLOWAT
 *   dgram      datagram boundaries, MSG_TRUNC (the flag and the full length), the sender's
 *              address, FIONREAD of the next datagram, connected datagram sockets, EPERM,
 *              ECONNREFUSED once the peer is gone, EMSGSIZE, writev/readv as one datagram, the
 *              receive queue limit for senders it is not connected to (EAGAIN, a blocked
 *              sender, no POLLOUT);
 *              SOCK_SEQPACKET records
 *   poll       poll and select: readable, writable, a listener with a connection waiting,
 *              POLLHUP/POLLRDHUP after the peer closes, a sleeper woken by another process
 *   churn      1 000 connect/accept/close cycles; on ringzero /proc/meminfo's MemFree (exact
 *              there) is back at its baseline afterwards
 *   gc         a socket sent over itself and still reachable keeps working; 500 pairs each
 *              sent over itself and closed (cycles only messages hold) are collected: on
 *              ringzero MemFree is back at its baseline
 *   badargs    bad pointers and lengths to every call: EFAULT, EINVAL, EBADF, ENOTSOCK...
 *   backlog    listen(2): the backlog+1 connections Linux queues, then EAGAIN; a flood of
 *              non-blocking connects; accept makes room again
 *   vanish     a peer killed mid-transfer, also while it is blocked in a full write
 *
 * Output is deterministic (no pids, addresses or times). Usage: sockets_unix [PART...] */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

static char dir[64];
static volatile int sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void msleep(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0)
		;
}

static socklen_t path_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path, sizeof(a->sun_path), "%s/%s", dir, name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1);
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, "rz-su-%d-%s", (int)getpid(), name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(a->sun_path + 1));
}

/* A listening stream socket on path `name` (unlinked first). */
static int listener(const char *name, int backlog, int type)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, name);
	unlink(a.sun_path);
	int fd = socket(AF_UNIX, type, 0);
	CHECK(fd >= 0, "socket");
	CHECK_EQ(bind(fd, (struct sockaddr *)&a, len), 0);
	CHECK_EQ(listen(fd, backlog), 0);
	return fd;
}

static int connect_to(const char *name, int type)
{
	struct sockaddr_un a;
	socklen_t len = path_addr(&a, name);
	int fd = socket(AF_UNIX, type, 0);
	CHECK(fd >= 0, "socket");
	CHECK_EQ(connect(fd, (struct sockaddr *)&a, len), 0);
	return fd;
}

static int getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t l = sizeof(v);
	CHECK_EQ(getsockopt(fd, level, name, &v, &l), 0);
	CHECK_EQ(l, sizeof(int));
	return v;
}

static int wait_child(pid_t pid)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* A bad user address: a page that was mapped and is no longer. */
static void *bad_ptr(void)
{
	static void *p;
	if (!p) {
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		munmap(p, 4096);
	}
	return p;
}

/* --- pair ----------------------------------------------------------------------------- */

static void check_pair(void)
{
	int sv[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct stat st;
	CHECK(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode), "fstat S_IFSOCK: %o", st.st_mode);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		char buf[256];
		ssize_t n;
		while ((n = read(sv[1], buf, sizeof(buf))) > 0)
			if (write(sv[1], buf, (size_t)n) != n)
				_exit(2);
		_exit(n == 0 ? 0 : 3);
	}
	close(sv[1]);
	char buf[64] = "";
	CHECK_EQ(write(sv[0], "hello", 5), 5);
	CHECK(read(sv[0], buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5), "echo read: %s", buf);
	CHECK_EQ(send(sv[0], "abc", 3, 0), 3);
	memset(buf, 0, sizeof(buf));
	CHECK(recv(sv[0], buf, sizeof(buf), 0) == 3 && !strcmp(buf, "abc"), "echo recv: %s", buf);
	struct iovec iov[3] = {{"ab", 2}, {"", 0}, {"cdef", 4}};
	CHECK_EQ(writev(sv[0], iov, 3), 6);
	char x[2], y[10] = "";
	struct iovec riov[2] = {{x, 2}, {y, 4}};
	ssize_t got = 0;
	while (got < 6) { /* the echo may come back in two pieces */
		ssize_t n = readv(sv[0], riov, 2);
		CHECK(n > 0, "readv %zd", n);
		if (n <= 0)
			break;
		got += n;
		if (got < 6) {
			size_t done = (size_t)got;
			riov[0].iov_base = done < 2 ? x + done : y + done - 2;
			riov[0].iov_len = done < 2 ? 2 - done : 6 - done;
			riov[1].iov_len = done < 2 ? 4 : 0;
		}
	}
	CHECK(!memcmp(x, "ab", 2) && !memcmp(y, "cdef", 4), "readv: %.2s %.4s", x, y);
	/* sendmsg / recvmsg */
	struct iovec siov[2] = {{"12", 2}, {"345", 3}};
	struct msghdr m = {.msg_iov = siov, .msg_iovlen = 2};
	CHECK_EQ(sendmsg(sv[0], &m, 0), 5);
	char r1[5] = "";
	struct iovec rv = {r1, 5};
	struct msghdr rm = {.msg_iov = &rv, .msg_iovlen = 1};
	CHECK_EQ(recvmsg(sv[0], &rm, MSG_WAITALL), 5);
	CHECK(!memcmp(r1, "12345", 5), "recvmsg %.5s", r1);
	CHECK_EQ(rm.msg_flags, 0);
	/* sendmmsg: two messages, each msg_len set */
	struct iovec i1 = {"one", 3}, i2 = {"two!", 4};
	struct mmsghdr mm[2] = {{.msg_hdr = {.msg_iov = &i1, .msg_iovlen = 1}}, {.msg_hdr = {.msg_iov = &i2, .msg_iovlen = 1}}};
	CHECK_EQ(sendmmsg(sv[0], mm, 2, 0), 2);
	CHECK(mm[0].msg_len == 3 && mm[1].msg_len == 4, "sendmmsg lens %u %u", mm[0].msg_len, mm[1].msg_len);
	char r2[7] = "";
	CHECK_EQ(recv(sv[0], r2, 7, MSG_WAITALL), 7);
	CHECK(!memcmp(r2, "onetwo!", 7), "sendmmsg echo %.7s", r2);
	/* sendfile from a file to the socket */
	char fpath[96];
	snprintf(fpath, sizeof(fpath), "%s/sendfile", dir);
	int ff = open(fpath, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(ff >= 0 && write(ff, "sendfile-data", 13) == 13, "file");
	off_t off = 0;
	CHECK_EQ(sendfile(sv[0], ff, &off, 13), 13);
	char r3[13] = "";
	CHECK_EQ(recv(sv[0], r3, 13, MSG_WAITALL), 13);
	CHECK(!memcmp(r3, "sendfile-data", 13), "sendfile echo %.13s", r3);
	close(ff);
	unlink(fpath);
	shutdown(sv[0], SHUT_WR);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	CHECK_EQ(wait_child(pid), 0);
	close(sv[0]);

	/* options */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
	CHECK_EQ(fcntl(sv[0], F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(sv[1], F_GETFL) & O_NONBLOCK, "SOCK_NONBLOCK");
	CHECK_EQ(read(sv[1], buf, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_TYPE), SOCK_STREAM);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_DOMAIN), AF_UNIX);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_PROTOCOL), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_ERROR), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_ACCEPTCONN), 0);
	int v = 4096;
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof(v)), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_SNDBUF), 8192);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_RCVBUF), 8192);
	v = 1;
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_REUSEADDR), 1);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_KEEPALIVE), 1);
	v = 0;
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)), 0);
	CHECK_EQ(getint(sv[0], SOL_SOCKET, SO_KEEPALIVE), 0);
	struct timeval tv = {2, 500000}, tv2 = {0, 0};
	socklen_t tl = sizeof(tv2);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv2, &tl), 0);
	CHECK(tl == sizeof(tv2) && tv2.tv_sec == 2 && tv2.tv_usec == 500000, "SO_RCVTIMEO %ld.%06ld",
	      (long)tv2.tv_sec, (long)tv2.tv_usec);
	tv.tv_usec = 1000000;
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), -1);
	CHECK_EQ(errno, EDOM);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, 4), -1);
	CHECK_EQ(errno, EINVAL);
	struct linger lg = {1, 7}, lg2 = {0, 0};
	socklen_t ll = sizeof(lg2);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &lg2, &ll), 0);
	CHECK(ll == sizeof(lg2) && lg2.l_onoff == 1 && lg2.l_linger == 7, "SO_LINGER %d %d", lg2.l_onoff, lg2.l_linger);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, sizeof(v)), -1);
	CHECK_EQ(errno, ENOPROTOOPT);
	CHECK_EQ(setsockopt(sv[0], SOL_SOCKET, 9999, &v, sizeof(v)), -1);
	CHECK_EQ(errno, ENOPROTOOPT);
	socklen_t ol = sizeof(v);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, 9999, &v, &ol), -1);
	CHECK_EQ(errno, ENOPROTOOPT);
	CHECK_EQ(getsockopt(sv[0], 6 /* IPPROTO_TCP */, 1 /* TCP_NODELAY */, &v, &ol), -1);
	CHECK_EQ(errno, EOPNOTSUPP);
	/* a short int option buffer gets the first bytes */
	char c1 = 0x55;
	ol = 1;
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &c1, &ol), 0);
	CHECK(ol == 1 && c1 == SOCK_STREAM, "short SO_TYPE: %u %d", ol, c1);
	/* O_NONBLOCK by fcntl */
	int fl = fcntl(sv[0], F_GETFL);
	CHECK_EQ(fcntl(sv[0], F_SETFL, fl | O_NONBLOCK), 0);
	CHECK_EQ(recv(sv[0], buf, 1, 0), -1);
	CHECK_EQ(errno, EAGAIN);
	close(sv[0]);
	close(sv[1]);
	/* families and types nobody has */
	CHECK_EQ(socket(AF_UNIX, 4 /* SOCK_RDM */, 0), -1);
	CHECK_EQ(errno, ESOCKTNOSUPPORT);
	CHECK_EQ(socket(AF_UNIX, 77, 0), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(socket(AF_UNIX, SOCK_STREAM, 99), -1);
	CHECK_EQ(errno, EPROTONOSUPPORT);
	CHECK_EQ(socket(9999, SOCK_STREAM, 0), -1);
	CHECK_EQ(errno, EAFNOSUPPORT);
	CHECK_EQ(socket(AF_UNIX, SOCK_STREAM | 0x100000, 0), -1);
	CHECK_EQ(errno, EINVAL);
}

/* --- path -------------------------------------------------------------------------------- */

static void check_path(void)
{
	struct sockaddr_un a, b;
	socklen_t alen = path_addr(&a, "srv");
	unlink(a.sun_path);
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(listen(l, 5), -1); /* not bound */
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(bind(l, (struct sockaddr *)&a, alen), 0);
	struct stat st;
	CHECK(stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode), "bound path is a socket: %o", st.st_mode);
	CHECK_EQ(open(a.sun_path, O_RDONLY), -1);
	CHECK_EQ(errno, ENXIO);
	CHECK_EQ(bind(l, (struct sockaddr *)&a, alen), -1); /* the name exists */
	CHECK_EQ(errno, EADDRINUSE);
	socklen_t olen = path_addr(&b, "other");
	CHECK_EQ(bind(l, (struct sockaddr *)&b, olen), -1); /* bound already */
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(access(b.sun_path, F_OK), -1);
	/* connect before listen: refused */
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, ECONNREFUSED);
	CHECK_EQ(listen(l, 5), 0);
	CHECK_EQ(getint(l, SOL_SOCKET, SO_ACCEPTCONN), 1);
	/* the name exists: EADDRINUSE, for the socket's node and for a regular file */
	int d = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(bind(d, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, EADDRINUSE);
	socklen_t flen = path_addr(&b, "file");
	close(open(b.sun_path, O_CREAT | O_WRONLY, 0600));
	CHECK_EQ(bind(d, (struct sockaddr *)&b, flen), -1);
	CHECK_EQ(errno, EADDRINUSE);
	/* connect to a regular file, a missing name, a socket of another type */
	CHECK_EQ(connect(d, (struct sockaddr *)&b, flen), -1);
	CHECK_EQ(errno, ECONNREFUSED);
	unlink(b.sun_path);
	socklen_t mlen = path_addr(&b, "missing");
	CHECK_EQ(connect(d, (struct sockaddr *)&b, mlen), -1);
	CHECK_EQ(errno, ENOENT);
	socklen_t nlen = path_addr(&b, "nodir/x");
	CHECK_EQ(bind(d, (struct sockaddr *)&b, nlen), -1);
	CHECK_EQ(errno, ENOENT);
	int g = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(connect(g, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, EPROTOTYPE);
	close(g);
	close(d);
	/* connect, accept */
	CHECK_EQ(connect(c, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, EISCONN);
	CHECK_EQ(write(c, "before-accept", 13), 13);
	struct sockaddr_un peer;
	socklen_t plen = sizeof(peer);
	memset(&peer, 0x5a, sizeof(peer));
	int s = accept4(l, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC | SOCK_NONBLOCK);
	CHECK(s >= 0, "accept4");
	CHECK_EQ(plen, offsetof(struct sockaddr_un, sun_path)); /* the client has no name */
	CHECK_EQ(peer.sun_family, AF_UNIX);
	CHECK_EQ(fcntl(s, F_GETFD), FD_CLOEXEC);
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK, "accept4 SOCK_NONBLOCK");
	CHECK_EQ(syscall(SYS_accept4, l, NULL, NULL, 0x8000000), -1); /* musl's accept4 retries accept */
	CHECK_EQ(errno, EINVAL);
	char buf[32] = "";
	CHECK_EQ(read(s, buf, sizeof(buf)), 13);
	CHECK(!memcmp(buf, "before-accept", 13), "data sent before accept: %s", buf);
	/* names: the server end has the listener's, the client end none */
	struct sockaddr_un n1;
	socklen_t n1l = sizeof(n1);
	CHECK_EQ(getsockname(s, (struct sockaddr *)&n1, &n1l), 0);
	CHECK(n1l == alen && !strcmp(n1.sun_path, a.sun_path), "accepted getsockname %u %s", n1l, n1.sun_path);
	n1l = sizeof(n1);
	CHECK_EQ(getpeername(c, (struct sockaddr *)&n1, &n1l), 0);
	CHECK(n1l == alen && !strcmp(n1.sun_path, a.sun_path), "client getpeername %u %s", n1l, n1.sun_path);
	n1l = sizeof(n1);
	CHECK_EQ(getsockname(c, (struct sockaddr *)&n1, &n1l), 0);
	CHECK_EQ(n1l, offsetof(struct sockaddr_un, sun_path));
	n1l = sizeof(n1);
	CHECK_EQ(getpeername(l, (struct sockaddr *)&n1, &n1l), -1);
	CHECK_EQ(errno, ENOTCONN);
	/* a short buffer: truncated, the full length reported */
	n1l = 4;
	memset(&n1, 0, sizeof(n1));
	CHECK_EQ(getsockname(l, (struct sockaddr *)&n1, &n1l), 0);
	CHECK(n1l == alen && n1.sun_path[0] == dir[0] && n1.sun_path[2] == 0, "short getsockname %u", n1l);
	/* a bound client: recvfrom on the server's end names it */
	struct sockaddr_un cn, got;
	socklen_t cnl = path_addr(&cn, "client"), gotl = sizeof(got);
	unlink(cn.sun_path);
	int bc = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(bind(bc, (struct sockaddr *)&cn, cnl), 0);
	CHECK_EQ(connect(bc, (struct sockaddr *)&a, alen), 0);
	int bs = accept(l, NULL, NULL);
	CHECK_EQ(write(bc, "named", 5), 5);
	memset(&got, 0, sizeof(got));
	CHECK_EQ(recvfrom(bs, buf, sizeof(buf), 0, (struct sockaddr *)&got, &gotl), 5);
	CHECK(gotl == cnl && !strcmp(got.sun_path, cn.sun_path), "stream recvfrom source %u %s", gotl, got.sun_path);
	close(bs);
	close(bc);
	unlink(cn.sun_path);
	/* accept from a child process */
	pid_t pid = fork();
	if (pid == 0) {
		int k = connect_to("srv", SOCK_STREAM);
		_exit(write(k, "child", 5) == 5 ? 0 : 1);
	}
	int s2 = accept(l, NULL, NULL);
	CHECK(s2 >= 0, "accept of the child");
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(recv(s2, buf, sizeof(buf), MSG_WAITALL), 5);
	CHECK(!strcmp(buf, "child"), "child's data %s", buf);
	CHECK_EQ(wait_child(pid), 0);
	close(s2);
	close(s);
	close(c);
	/* closed: the node stays, nobody listens there */
	close(l);
	CHECK(stat(a.sun_path, &st) == 0 && S_ISSOCK(st.st_mode), "the node outlives the socket");
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, ECONNREFUSED);
	close(c);
	CHECK_EQ(unlink(a.sun_path), 0);
}

/* --- abstract ------------------------------------------------------------------------------ */

static void check_abstract(void)
{
	struct sockaddr_un a;
	socklen_t alen = abstract_addr(&a, "abs");
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(bind(l, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(listen(l, 4), 0);
	int d = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(bind(d, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, EADDRINUSE);
	/* one byte more or less is another name */
	CHECK_EQ(connect(d, (struct sockaddr *)&a, alen - 1), -1);
	CHECK_EQ(errno, ECONNREFUSED);
	CHECK_EQ(connect(d, (struct sockaddr *)&a, alen), 0);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0, "accept");
	struct sockaddr_un n;
	socklen_t nl = sizeof(n);
	CHECK_EQ(getpeername(d, (struct sockaddr *)&n, &nl), 0);
	CHECK(nl == alen && !memcmp(&n, &a, alen), "abstract peer name %u", nl);
	CHECK_EQ(write(s, "xy", 2), 2);
	char buf[4];
	CHECK_EQ(read(d, buf, 4), 2);
	close(s);
	close(d);
	close(l);
	/* the name is free again once its socket is closed */
	l = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(bind(l, (struct sockaddr *)&a, alen), 0);
	close(l);
	/* autobind: an empty name gets an abstract one */
	int x = socket(AF_UNIX, SOCK_DGRAM, 0);
	struct sockaddr_un e = {.sun_family = AF_UNIX};
	CHECK_EQ(bind(x, (struct sockaddr *)&e, sizeof(sa_family_t)), 0);
	nl = sizeof(n);
	CHECK_EQ(getsockname(x, (struct sockaddr *)&n, &nl), 0);
	CHECK(nl == offsetof(struct sockaddr_un, sun_path) + 6 && n.sun_path[0] == 0, "autobind name %u", nl);
	/* and is reachable */
	int y = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(sendto(y, "auto", 4, 0, (struct sockaddr *)&n, nl), 4);
	char r[8];
	CHECK_EQ(recv(x, r, sizeof(r), 0), 4);
	close(x);
	close(y);
}

/* --- shutdown, peer close -------------------------------------------------------------------- */

static void check_shutdown(void)
{
	int sv[2];
	char buf[16];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "last", 4), 4);
	CHECK_EQ(shutdown(sv[0], SHUT_WR), 0);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 4);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 0);
	/* the other direction still works */
	CHECK_EQ(write(sv[1], "back", 4), 4);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 4);
	CHECK_EQ(send(sv[0], "x", 1, MSG_NOSIGNAL), -1);
	CHECK_EQ(errno, EPIPE);
	CHECK_EQ(shutdown(sv[0], 3), -1);
	CHECK_EQ(errno, EINVAL);
	close(sv[0]);
	close(sv[1]);
	/* SHUT_RD: the peer's writes fail, our reads see EOF */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(shutdown(sv[0], SHUT_RD), 0);
	CHECK_EQ(send(sv[1], "x", 1, MSG_NOSIGNAL), -1);
	CHECK_EQ(errno, EPIPE);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	CHECK_EQ(write(sv[0], "ok", 2), 2);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 2);
	close(sv[0]);
	close(sv[1]);
	/* shutdown of an unconnected stream socket: accepted (Linux) */
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK_EQ(shutdown(u, SHUT_RDWR), 0);
	close(u);
}

static void check_peer_close(void)
{
	int sv[2];
	char buf[16];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[1], "bye", 3), 3);
	close(sv[1]);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 3);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	sigpipes = 0;
	CHECK_EQ(write(sv[0], "x", 1), -1);
	CHECK_EQ(errno, EPIPE);
	CHECK_EQ(sigpipes, 1);
	CHECK_EQ(send(sv[0], "x", 1, MSG_NOSIGNAL), -1);
	CHECK_EQ(errno, EPIPE);
	CHECK_EQ(sigpipes, 1);
	close(sv[0]);
	/* the peer closes with our data unread: ECONNRESET once, then EOF */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "unread", 6), 6);
	CHECK_EQ(write(sv[1], "for-0", 5), 5);
	close(sv[1]);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 5); /* what was sent before goes first */
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), -1);
	CHECK_EQ(errno, ECONNRESET);
	CHECK_EQ(read(sv[0], buf, sizeof(buf)), 0);
	close(sv[0]);
	/* a default SIGPIPE ends the writer */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(sv[0]);
		char c;
		if (read(sv[1], &c, 1) != 0) /* until the parent has closed its end */
			_exit(2);
		ssize_t r = write(sv[1], "x", 1);
		_exit(r < 0 ? 3 : 4);
	}
	close(sv[0]);
	close(sv[1]);
	int st = wait_child(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "child status %#x", st);
}

/* --- send buffer -------------------------------------------------------------------------- */

static void check_sndbuf(void)
{
	int sv[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	int fl = fcntl(sv[0], F_GETFL);
	fcntl(sv[0], F_SETFL, fl | O_NONBLOCK);
	static char chunk[4096];
	memset(chunk, 'z', sizeof(chunk));
	long total = 0;
	for (int i = 0; i < 10000; i++) {
		ssize_t n = write(sv[0], chunk, sizeof(chunk));
		if (n < 0) {
			CHECK_EQ(errno, EAGAIN);
			break;
		}
		total += n;
	}
	CHECK(total > 0 && total < 10000L * 4096, "filled after %ld bytes", total);
	struct pollfd p = {sv[0], POLLOUT, 0};
	CHECK_EQ(poll(&p, 1, 0), 0);
	int q = -1;
	CHECK_EQ(ioctl(sv[1], FIONREAD, &q), 0);
	CHECK_EQ(q, total);
	/* drain: writable again */
	long got = 0;
	char big[8192];
	while (got < total) {
		ssize_t n = read(sv[1], big, sizeof(big));
		CHECK(n > 0, "drain");
		if (n <= 0)
			break;
		got += n;
	}
	CHECK_EQ(poll(&p, 1, 0), 1);
	CHECK(p.revents & POLLOUT, "POLLOUT after draining %#x", p.revents);
	/* a blocked writer: a child writes 1 MiB in one call, which returns once it is read */
	fcntl(sv[0], F_SETFL, fl);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[1]);
		size_t len = 1 << 20;
		char *m = malloc(len);
		memset(m, 'w', len);
		ssize_t n = write(sv[0], m, len);
		_exit(n == (ssize_t)len ? 0 : 1);
	}
	msleep(20);
	got = 0;
	int bad = 0;
	while (got < (1 << 20)) {
		ssize_t n = read(sv[1], big, sizeof(big));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			bad += big[i] != 'w';
		got += n;
	}
	CHECK_EQ(got, 1 << 20);
	CHECK_EQ(bad, 0);
	CHECK_EQ(wait_child(pid), 0);
	close(sv[0]);
	close(sv[1]);
}

/* --- nonblock ------------------------------------------------------------------------------ */

static void check_nonblock(void)
{
	int l = listener("nb", 5, SOCK_STREAM | SOCK_NONBLOCK);
	CHECK_EQ(accept(l, NULL, NULL), -1);
	CHECK_EQ(errno, EAGAIN);
	int c = connect_to("nb", SOCK_STREAM);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0, "accept after connect");
	CHECK(!(fcntl(s, F_GETFL) & O_NONBLOCK), "accept does not inherit O_NONBLOCK");
	char b[4];
	CHECK_EQ(recv(s, b, 4, MSG_DONTWAIT), -1);
	CHECK_EQ(errno, EAGAIN);
	struct timeval tv = {0, 20000};
	CHECK_EQ(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	CHECK_EQ(recv(s, b, 4, 0), -1);
	CHECK_EQ(errno, EAGAIN);
	close(s);
	close(c);
	close(l);
	struct sockaddr_un a;
	path_addr(&a, "nb");
	unlink(a.sun_path);
}

/* --- SCM_RIGHTS --------------------------------------------------------------------------- */

static ssize_t send_fds(int sock, const int *fds, int n, const char *data)
{
	char ctl[CMSG_SPACE(sizeof(int) * 8)];
	memset(ctl, 0, sizeof(ctl));
	struct iovec iov = {(void *)data, strlen(data)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			   .msg_controllen = CMSG_SPACE(sizeof(int) * n)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	return sendmsg(sock, &m, 0);
}

/* Receives into data; the fds found (up to max) into fds; returns the count of fds or -1. */
static int recv_fds(int sock, int *fds, int max, char *data, size_t dlen, size_t ctlsize, int flags, int *mflags)
{
	char ctl[256];
	struct iovec iov = {data, dlen};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = ctlsize};
	ssize_t r = recvmsg(sock, &m, flags);
	if (r < 0)
		return -1;
	*mflags = m.msg_flags;
	int n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int) && n < max; i++)
				memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	return n;
}

static void check_rights(void)
{
	int sv[2], p[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(pipe(p), 0);
	char fpath[96];
	snprintf(fpath, sizeof(fpath), "%s/rights", dir);
	int f = open(fpath, O_CREAT | O_RDWR | O_TRUNC, 0600);
	CHECK(f >= 0 && write(f, "file-contents", 13) == 13, "file");
	lseek(f, 5, SEEK_SET);
	int two[2] = {p[0], f};
	CHECK_EQ(send_fds(sv[0], two, 2, "fds"), 3);
	close(p[0]);
	close(f);
	int got[4] = {-1, -1, -1, -1}, fl = 0;
	char data[8] = "";
	CHECK_EQ(recv_fds(sv[1], got, 4, data, sizeof(data), 256, 0, &fl), 2);
	CHECK(!memcmp(data, "fds", 3), "data with the fds: %s", data);
	CHECK_EQ(fl & MSG_CTRUNC, 0);
	CHECK_EQ(fcntl(got[0], F_GETFD), 0);
	CHECK_EQ(write(p[1], "through", 7), 7);
	char b[16] = "";
	CHECK_EQ(read(got[0], b, sizeof(b)), 7);
	CHECK(!memcmp(b, "through", 7), "passed pipe reads %s", b);
	memset(b, 0, sizeof(b));
	CHECK_EQ(read(got[1], b, sizeof(b)), 8); /* the offset is shared: 5 */
	CHECK(!memcmp(b, "contents", 8), "passed file reads %s", b);
	close(got[0]);
	close(got[1]);
	/* MSG_CMSG_CLOEXEC */
	CHECK_EQ(send_fds(sv[0], &p[1], 1, "c"), 1);
	CHECK_EQ(recv_fds(sv[1], got, 4, data, sizeof(data), 256, MSG_CMSG_CLOEXEC, &fl), 1);
	CHECK_EQ(fcntl(got[0], F_GETFD), FD_CLOEXEC);
	close(got[0]);
	/* a control buffer with room for one of two: MSG_CTRUNC, one installed */
	int pp[2];
	CHECK_EQ(pipe(pp), 0);
	CHECK_EQ(send_fds(sv[0], pp, 2, "t"), 1);
	CHECK_EQ(recv_fds(sv[1], got, 4, data, sizeof(data), CMSG_LEN(sizeof(int)), 0, &fl), 1);
	CHECK(fl & MSG_CTRUNC, "MSG_CTRUNC %#x", fl);
	CHECK(fcntl(got[0], F_GETFD) >= 0, "the one installed is open");
	close(got[0]);
	/* no control buffer at all */
	CHECK_EQ(send_fds(sv[0], pp, 1, "n"), 1);
	CHECK_EQ(recv_fds(sv[1], got, 4, data, sizeof(data), 0, 0, &fl), 0);
	CHECK(fl & MSG_CTRUNC, "MSG_CTRUNC without a buffer %#x", fl);
	/* MSG_PEEK of a message with a file: a descriptor for it, and another when read */
	CHECK_EQ(send_fds(sv[0], &pp[0], 1, "pk"), 2);
	int pk[2] = {-1, -1};
	CHECK_EQ(recv_fds(sv[1], &pk[0], 1, data, sizeof(data), 256, MSG_PEEK, &fl), 1);
	CHECK_EQ(recv_fds(sv[1], &pk[1], 1, data, sizeof(data), 256, 0, &fl), 1);
	CHECK(pk[0] >= 0 && pk[1] >= 0 && pk[0] != pk[1], "peeked %d, read %d", pk[0], pk[1]);
	struct stat s1, s2;
	CHECK(fstat(pk[0], &s1) == 0 && fstat(pk[1], &s2) == 0 && s1.st_ino == s2.st_ino, "the same pipe");
	close(pk[0]);
	close(pk[1]);
	/* a bad descriptor, a bad cmsg */
	int badfd = 1000;
	CHECK_EQ(send_fds(sv[0], &badfd, 1, "b"), -1);
	CHECK_EQ(errno, EBADF);
	/* files in a message nobody reads are closed with the socket: the pipe sees EOF */
	CHECK_EQ(send_fds(sv[0], &pp[1], 1, "lost"), 4);
	close(pp[1]);
	close(sv[0]);
	close(sv[1]);
	fcntl(pp[0], F_SETFL, O_NONBLOCK);
	CHECK_EQ(read(pp[0], b, 1), 0);
	close(pp[0]);
	close(p[1]);
	unlink(fpath);
	/* between processes: the child receives a pipe end and writes to it */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(p[0]);
		close(p[1]);
		int fd = -1, mf;
		char d[4];
		if (recv_fds(sv[1], &fd, 1, d, sizeof(d), 256, 0, &mf) != 1)
			_exit(1);
		_exit(write(fd, "kid", 3) == 3 ? 0 : 2);
	}
	close(sv[1]);
	CHECK_EQ(send_fds(sv[0], &p[1], 1, "w"), 1);
	close(p[1]);
	memset(b, 0, sizeof(b));
	CHECK_EQ(read(p[0], b, sizeof(b)), 3);
	CHECK(!strcmp(b, "kid"), "child wrote through the passed fd: %s", b);
	CHECK_EQ(wait_child(pid), 0);
	close(p[0]);
	close(sv[0]);
}

/* --- SO_PEERCRED --------------------------------------------------------------------------- */

static void check_peercred(void)
{
	int sv[2];
	struct ucred c;
	socklen_t cl = sizeof(c);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &c, &cl), 0);
	CHECK(cl == sizeof(c) && c.pid == getpid() && c.uid == getuid() && c.gid == getgid(), "pair cred %d", (int)c.pid);
	/* SO_PASSCRED: SCM_CREDENTIALS with each message */
	int on = 1;
	CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)), 0);
	CHECK_EQ(getint(sv[1], SOL_SOCKET, SO_PASSCRED), 1);
	CHECK_EQ(write(sv[0], "cr", 2), 2);
	char d[4], ctl[64];
	struct iovec iov = {d, sizeof(d)};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl)};
	CHECK_EQ(recvmsg(sv[1], &m, 0), 2);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	CHECK(cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS && cm->cmsg_len == CMSG_LEN(sizeof(c)),
	      "SCM_CREDENTIALS record");
	if (cm) {
		memcpy(&c, CMSG_DATA(cm), sizeof(c));
		CHECK(c.pid == getpid() && c.uid == getuid() && c.gid == getgid(), "passed cred pid %d", (int)c.pid);
	}
	CHECK_EQ(m.msg_controllen, CMSG_SPACE(sizeof(c)));
	close(sv[0]);
	close(sv[1]);
	int l = listener("cred", 5, SOCK_STREAM);
	int res[2];
	CHECK_EQ(pipe(res), 0);
	pid_t pid = fork();
	if (pid == 0) {
		int k = connect_to("cred", SOCK_STREAM);
		struct ucred pc;
		socklen_t pl = sizeof(pc);
		int ok = getsockopt(k, SOL_SOCKET, SO_PEERCRED, &pc, &pl) == 0 && pc.pid == getppid();
		char r = ok ? 'y' : 'n';
		if (write(res[1], &r, 1) != 1)
			_exit(2);
		char b;
		ssize_t n = read(k, &b, 1); /* until the parent has looked */
		_exit(n == 0 ? 0 : 3);
	}
	int s = accept(l, NULL, NULL);
	cl = sizeof(c);
	CHECK_EQ(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &cl), 0);
	CHECK(c.pid == pid, "accepted peer pid %d, child %d", (int)c.pid, (int)pid);
	char r = 0;
	CHECK_EQ(read(res[0], &r, 1), 1);
	CHECK_EQ(r, 'y');
	close(s);
	CHECK_EQ(wait_child(pid), 0);
	close(res[0]);
	close(res[1]);
	close(l);
	struct sockaddr_un a;
	path_addr(&a, "cred");
	CHECK_EQ(unlink(a.sun_path), 0);        /* else the directory stays (heap-frames-back) */
}

/* --- peek ---------------------------------------------------------------------------------- */

static void check_peek(void)
{
	int sv[2];
	char b[16] = "";
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "abc", 3), 3);
	CHECK_EQ(write(sv[0], "def", 3), 3);
	int n = -1;
	CHECK_EQ(ioctl(sv[1], FIONREAD, &n), 0);
	CHECK_EQ(n, 6);
	CHECK_EQ(recv(sv[1], b, 4, MSG_PEEK), 4);
	CHECK(!memcmp(b, "abcd", 4), "peek %s", b);
	CHECK_EQ(recv(sv[1], b, 2, 0), 2);
	CHECK_EQ(recv(sv[1], b, sizeof(b), MSG_PEEK), 4);
	CHECK(!memcmp(b, "cdef", 4), "peek after read %.4s", b);
	CHECK_EQ(ioctl(sv[1], FIONREAD, &n), 0);
	CHECK_EQ(n, 4);
	CHECK_EQ(recv(sv[1], b, sizeof(b), 0), 4);
	/* MSG_WAITALL gathers a child's separate writes */
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 4; i++) {
			msleep(2);
			if (write(sv[0], "wait", 4) != 4)
				_exit(1);
		}
		_exit(0);
	}
	memset(b, 0, sizeof(b));
	CHECK_EQ(recv(sv[1], b, 16, MSG_WAITALL), 16);
	CHECK(!memcmp(b, "waitwaitwaitwait", 16), "waitall %.16s", b);
	CHECK_EQ(wait_child(pid), 0);
	/* SO_RCVLOWAT: a read waits for that many bytes */
	int lw = 6;
	CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVLOWAT, &lw, sizeof(lw)), 0);
	CHECK_EQ(getint(sv[1], SOL_SOCKET, SO_RCVLOWAT), 6);
	pid = fork();
	if (pid == 0) {
		if (write(sv[0], "low", 3) != 3)
			_exit(1);
		msleep(5);
		_exit(write(sv[0], "water", 5) == 5 ? 0 : 1);
	}
	memset(b, 0, sizeof(b));
	CHECK_EQ(recv(sv[1], b, 16, 0), 8);
	CHECK(!memcmp(b, "lowwater", 8), "rcvlowat %.8s", b);
	CHECK_EQ(wait_child(pid), 0);
	lw = 1;
	CHECK_EQ(setsockopt(sv[1], SOL_SOCKET, SO_RCVLOWAT, &lw, sizeof(lw)), 0);
	/* MSG_WAITALL ends at EOF with what came */
	CHECK_EQ(write(sv[0], "ab", 2), 2);
	shutdown(sv[0], SHUT_WR);
	CHECK_EQ(recv(sv[1], b, 16, MSG_WAITALL), 2);
	close(sv[0]);
	close(sv[1]);
}

/* --- datagrams ----------------------------------------------------------------------------- */

static void check_dgram(void)
{
	struct sockaddr_un a, b, from;
	socklen_t alen = path_addr(&a, "dg-a"), blen = path_addr(&b, "dg-b");
	unlink(a.sun_path);
	unlink(b.sun_path);
	int x = socket(AF_UNIX, SOCK_DGRAM, 0), y = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(bind(x, (struct sockaddr *)&a, alen), 0);
	CHECK_EQ(bind(y, (struct sockaddr *)&b, blen), 0);
	CHECK_EQ(sendto(y, "first", 5, 0, (struct sockaddr *)&a, alen), 5);
	CHECK_EQ(sendto(y, "second!", 7, 0, (struct sockaddr *)&a, alen), 7);
	CHECK_EQ(sendto(y, "", 0, 0, (struct sockaddr *)&a, alen), 0);
	int n = -1;
	CHECK_EQ(ioctl(x, FIONREAD, &n), 0);
	CHECK_EQ(n, 5);
	char buf[16] = "";
	socklen_t fl = sizeof(from);
	CHECK_EQ(recvfrom(x, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl), 5);
	CHECK(fl == blen && !strcmp(from.sun_path, b.sun_path), "source %u %s", fl, from.sun_path);
	/* a short buffer: the rest of the datagram is lost; MSG_TRUNC returns the full length */
	struct iovec iov = {buf, 3};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK_EQ(recvmsg(x, &m, MSG_PEEK), 3);
	CHECK(m.msg_flags & MSG_TRUNC, "MSG_TRUNC flag %#x", m.msg_flags);
	CHECK_EQ(recv(x, buf, 3, MSG_TRUNC), 7);
	CHECK_EQ(recv(x, buf, sizeof(buf), MSG_DONTWAIT), 0); /* the empty datagram */
	CHECK_EQ(recv(x, buf, sizeof(buf), MSG_DONTWAIT), -1);
	CHECK_EQ(errno, EAGAIN);
	/* a socket not connected back to the sender takes 11 datagrams from it (full past
	 * net.unix.max_dgram_qlen, 10), then EAGAIN, no POLLOUT; a read makes room */
	int q = socket(AF_UNIX, SOCK_DGRAM, 0), sent = 0;
	while (sent < 100 && sendto(q, "q", 1, MSG_DONTWAIT, (struct sockaddr *)&a, alen) == 1)
		sent++;
	CHECK_EQ(sent, 11);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(connect(q, (struct sockaddr *)&a, alen), 0);
	struct pollfd qp = {q, POLLOUT, 0};
	CHECK_EQ(poll(&qp, 1, 0), 0);
	pid_t pid = fork();
	if (pid == 0) /* blocks until the parent reads */
		_exit(send(q, "r", 1, 0) == 1 ? 0 : 1);
	msleep(10);
	CHECK_EQ(recv(x, buf, sizeof(buf), 0), 1);
	CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(poll(&qp, 1, 0), 0); /* full again: the child's took the room */
	CHECK_EQ(recv(x, buf, sizeof(buf), 0), 1);
	CHECK_EQ(poll(&qp, 1, 0), 1);
	CHECK_EQ(qp.revents, POLLOUT);
	while (recv(x, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
	close(q);
	/* unconnected, no address */
	CHECK_EQ(send(x, "q", 1, 0), -1);
	CHECK_EQ(errno, ENOTCONN);
	/* connected: x only takes datagrams from y */
	CHECK_EQ(connect(x, (struct sockaddr *)&b, blen), 0);
	int z = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_EQ(sendto(z, "intruder", 8, 0, (struct sockaddr *)&a, alen), -1);
	CHECK_EQ(errno, EPERM);
	CHECK_EQ(send(x, "to-b", 4, 0), 4);
	CHECK_EQ(recv(y, buf, sizeof(buf), 0), 4);
	/* too large */
	size_t huge = 300000;
	char *h = calloc(1, huge);
	CHECK_EQ(send(x, h, huge, 0), -1);
	CHECK_EQ(errno, EMSGSIZE);
	free(h);
	/* the peer is gone */
	close(y);
	CHECK_EQ(send(x, "gone", 4, 0), -1);
	CHECK_EQ(errno, ECONNREFUSED);
	close(x);
	close(z);
	unlink(a.sun_path);
	unlink(b.sun_path);
	/* a datagram socketpair keeps boundaries both ways */
	int sv[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	CHECK_EQ(write(sv[0], "aa", 2), 2);
	CHECK_EQ(write(sv[0], "bbb", 3), 3);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 2);
	CHECK_EQ(read(sv[1], buf, sizeof(buf)), 3);
	/* write(2) of nothing sends an empty datagram; read(2) of nothing takes none */
	CHECK_EQ(write(sv[0], "", 0), 0);
	CHECK_EQ(write(sv[0], "z", 1), 1);
	CHECK_EQ(read(sv[1], buf, 0), 0);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 0);
	CHECK_EQ(recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT), 1);
	/* writev and readv: the whole vector is one datagram */
	static char big1[3000], big2[3000], in1[2000], in2[5000];
	memset(big1, '1', sizeof(big1));
	memset(big2, '2', sizeof(big2));
	struct iovec wv[2] = {{big1, sizeof(big1)}, {big2, sizeof(big2)}};
	CHECK_EQ(writev(sv[0], wv, 2), 6000);
	CHECK_EQ(write(sv[0], "next", 4), 4);
	struct iovec rv2[2] = {{in1, sizeof(in1)}, {in2, sizeof(in2)}};
	CHECK_EQ(readv(sv[1], rv2, 2), 6000);
	CHECK(in1[1999] == '1' && in2[999] == '1' && in2[1000] == '2' && in2[3999] == '2', "readv spread");
	CHECK_EQ(readv(sv[1], rv2, 2), 4);
	close(sv[0]);
	close(sv[1]);
	/* SOCK_SEQPACKET: records over a connection, EOF at the end */
	int l = listener("seq", 3, SOCK_SEQPACKET);
	int c = connect_to("seq", SOCK_SEQPACKET);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0, "seqpacket accept");
	CHECK_EQ(send(c, "rec1", 4, 0), 4);
	CHECK_EQ(send(c, "record2", 7, 0), 7);
	CHECK_EQ(recv(s, buf, 2, 0), 2);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 7);
	close(c);
	CHECK_EQ(recv(s, buf, sizeof(buf), 0), 0);
	close(s);
	close(l);
	path_addr(&a, "seq");
	unlink(a.sun_path);
}

/* --- poll, select ---------------------------------------------------------------------------- */

static void check_poll(void)
{
	int sv[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct pollfd p[2] = {{sv[0], POLLIN | POLLOUT, 0}, {sv[1], POLLIN, 0}};
	CHECK_EQ(poll(p, 2, 0), 1);
	CHECK_EQ(p[0].revents, POLLOUT);
	CHECK_EQ(write(sv[0], "x", 1), 1);
	CHECK_EQ(poll(p, 2, 0), 2);
	CHECK_EQ(p[1].revents, POLLIN);
	fd_set rd, wr;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sv[1], &rd);
	FD_SET(sv[0], &wr);
	struct timeval tv = {0, 0};
	CHECK_EQ(select(sv[1] + 1, &rd, &wr, NULL, &tv), 2);
	char c;
	CHECK_EQ(read(sv[1], &c, 1), 1);
	/* a sleeper woken by another process's write */
	pid_t pid = fork();
	if (pid == 0) {
		msleep(10);
		_exit(write(sv[0], "y", 1) == 1 ? 0 : 1);
	}
	struct pollfd w = {sv[1], POLLIN, 0};
	CHECK_EQ(poll(&w, 1, 5000), 1);
	CHECK_EQ(w.revents, POLLIN);
	CHECK_EQ(wait_child(pid), 0);
	CHECK_EQ(read(sv[1], &c, 1), 1);
	/* select sleeping until the peer closes */
	pid = fork();
	if (pid == 0) {
		msleep(10);
		close(sv[0]);
		_exit(0);
	}
	close(sv[0]);
	FD_ZERO(&rd);
	FD_SET(sv[1], &rd);
	CHECK_EQ(select(sv[1] + 1, &rd, NULL, NULL, NULL), 1);
	CHECK_EQ(wait_child(pid), 0);
	struct pollfd h = {sv[1], POLLIN | POLLRDHUP, 0};
	CHECK_EQ(poll(&h, 1, 0), 1);
	CHECK_EQ(h.revents, POLLIN | POLLRDHUP | POLLHUP);
	close(sv[1]);
	/* a listener is readable while a connection waits */
	int l = listener("poll", 5, SOCK_STREAM);
	struct pollfd lp = {l, POLLIN | POLLOUT, 0};
	CHECK_EQ(poll(&lp, 1, 0), 0);
	int k = connect_to("poll", SOCK_STREAM);
	CHECK_EQ(poll(&lp, 1, 0), 1);
	CHECK_EQ(lp.revents, POLLIN);
	int s = accept(l, NULL, NULL);
	CHECK_EQ(poll(&lp, 1, 0), 0);
	/* an unconnected stream socket: POLLHUP (and POLLOUT) as Linux */
	int u = socket(AF_UNIX, SOCK_STREAM, 0);
	struct pollfd up = {u, POLLIN | POLLOUT, 0};
	CHECK_EQ(poll(&up, 1, 0), 1);
	CHECK_EQ(up.revents, POLLOUT | POLLHUP);
	close(u);
	close(s);
	close(k);
	close(l);
	struct sockaddr_un a;
	path_addr(&a, "poll");
	unlink(a.sun_path);
}

/* --- churn ------------------------------------------------------------------------------- */

static long meminfo_kb(const char *field)
{
	char text[4096];
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = 0;
	char *l = strstr(text, field);
	return l ? strtol(l + strlen(field) + 1, NULL, 10) : -1;
}

static void churn(int l, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		int c = connect_to("churn", SOCK_STREAM);
		int s = accept(l, NULL, NULL);
		char b[8];
		if (c < 0 || s < 0 || write(c, "ping", 4) != 4 || read(s, b, 8) != 4 || write(s, b, 4) != 4 ||
		    read(c, b, 8) != 4) {
			CHECK(0, "cycle %d", i);
			break;
		}
		if (i % 3 == 0)
			CHECK_EQ(write(c, "unread", 6), 6); /* a queue freed by close */
		close(c);
		close(s);
	}
}

static void check_churn(void)
{
	struct utsname u;
	int ringzero = uname(&u) == 0 && !strncmp(u.version, "ringzero", 8);
	int l = listener("churn", 16, SOCK_STREAM);
	churn(l, 20); /* warm up */
	long before = meminfo_kb("MemFree");
	churn(l, 1000);
	long after = meminfo_kb("MemFree");
	if (ringzero)
		CHECK(after >= before, "MemFree %ld kB before 1000 connections, %ld after", before, after);
	close(l);
	struct sockaddr_un a;
	path_addr(&a, "churn");
	unlink(a.sun_path);
}

/* --- collecting sockets in flight ------------------------------------------------------------ */

/* Each end of a pair sent over itself, both closed: only the messages hold them. */
static void cycle(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		CHECK(0, "socketpair");
		return;
	}
	CHECK_EQ(send_fds(sv[0], &sv[0], 1, "a"), 1);
	CHECK_EQ(send_fds(sv[1], &sv[1], 1, "b"), 1);
	close(sv[0]);
	close(sv[1]);
}

static void collect(void)
{
	close(socket(AF_UNIX, SOCK_DGRAM, 0)); /* ringzero's collector runs when a socket is made */
}

static void check_gc(void)
{
	/* a socket in flight that a reachable socket's queue holds is not collected */
	int sv[2], got = -1, fl;
	char d[8] = "";
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(send_fds(sv[0], &sv[0], 1, "s"), 1);
	close(sv[0]);
	collect();
	CHECK_EQ(recv_fds(sv[1], &got, 1, d, sizeof(d), 256, 0, &fl), 1);
	CHECK_EQ(write(got, "alive", 5), 5);
	memset(d, 0, sizeof(d));
	CHECK_EQ(read(sv[1], d, sizeof(d)), 5);
	CHECK(!strcmp(d, "alive"), "the passed end still works: %s", d);
	close(got);
	close(sv[1]);
	/* cycles are collected: memory back at its baseline (ringzero, where MemFree is exact) */
	struct utsname u;
	int ringzero = uname(&u) == 0 && !strncmp(u.version, "ringzero", 8);
	for (int i = 0; i < 20; i++)
		cycle();
	collect();
	long before = meminfo_kb("MemFree");
	for (int i = 0; i < 500; i++)
		cycle();
	collect();
	long after = meminfo_kb("MemFree");
	if (ringzero)
		CHECK(after >= before, "MemFree %ld kB before 500 cycles, %ld after", before, after);
}

/* --- bad arguments ------------------------------------------------------------------------- */

/* Raw system calls where musl itself would touch the bad pointer (it copies a msghdr). */
#define ERR(call, e) do { errno = 0; long r_ = (long)(call); CHECK(r_ == -1 && errno == (e), "%s: %ld", #call, r_); } while (0)

static void check_badargs(void)
{
	void *bad = bad_ptr();
	void *kern = (void *)0xffff800000001000UL;
	int sv[2], p[2];
	CHECK_EQ(pipe(p), 0);
	ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, bad), EFAULT);
	ERR(socketpair(AF_UNIX, SOCK_STREAM, 0, kern), EFAULT);
	ERR(socketpair(9999, SOCK_STREAM, 0, sv), EAFNOSUPPORT);
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a;
	socklen_t alen = path_addr(&a, "bad");
	unlink(a.sun_path);
	/* bind, connect: the address */
	ERR(bind(s, bad, alen), EFAULT);
	ERR(bind(s, kern, alen), EFAULT);
	ERR(bind(s, (struct sockaddr *)&a, 1000), EINVAL);
	ERR(bind(s, (struct sockaddr *)&a, (socklen_t)-1), EINVAL);
	ERR(bind(s, (struct sockaddr *)&a, 1), EINVAL);
	ERR(bind(s, (struct sockaddr *)&a, 0), EINVAL);
	struct sockaddr_un wrong = a;
	wrong.sun_family = AF_INET;
	ERR(bind(s, (struct sockaddr *)&wrong, alen), EINVAL);
	ERR(connect(s, bad, alen), EFAULT);
	ERR(connect(s, (struct sockaddr *)&a, 1000), EINVAL);
	ERR(connect(s, (struct sockaddr *)&a, 2), EINVAL);
	ERR(connect(s, (struct sockaddr *)&wrong, alen), EINVAL);
	/* descriptors that are not sockets */
	ERR(bind(p[0], (struct sockaddr *)&a, alen), ENOTSOCK);
	ERR(listen(p[0], 1), ENOTSOCK);
	ERR(accept(p[0], NULL, NULL), ENOTSOCK);
	ERR(connect(p[0], (struct sockaddr *)&a, alen), ENOTSOCK);
	ERR(send(p[1], "x", 1, 0), ENOTSOCK);
	ERR(recv(p[0], &a, 1, 0), ENOTSOCK);
	ERR(getsockname(p[0], (struct sockaddr *)&a, &alen), ENOTSOCK);
	ERR(shutdown(p[0], SHUT_RD), ENOTSOCK);
	ERR(setsockopt(p[0], SOL_SOCKET, SO_REUSEADDR, &alen, 4), ENOTSOCK);
	ERR(listen(999, 1), EBADF);
	ERR(send(-1, "x", 1, 0), EBADF);
	ERR(shutdown(999, SHUT_RD), EBADF);
	/* names */
	socklen_t nl = sizeof(a);
	ERR(getsockname(sv[0], bad, &nl), EFAULT);
	ERR(getsockname(sv[0], (struct sockaddr *)&a, bad), EFAULT);
	nl = (socklen_t)-1;
	ERR(getsockname(sv[0], (struct sockaddr *)&a, &nl), EINVAL);
	nl = sizeof(a);
	ERR(getpeername(sv[0], bad, &nl), EFAULT);
	ERR(getpeername(sv[0], (struct sockaddr *)&a, kern), EFAULT);
	/* options */
	int v = 1;
	socklen_t ol = sizeof(v);
	ERR(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, bad, sizeof(int)), EFAULT);
	ERR(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, 2), EINVAL);
	ERR(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, (socklen_t)-1), EINVAL);
	ERR(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, bad, &ol), EFAULT);
	ERR(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, bad), EFAULT);
	ol = (socklen_t)-1;
	ERR(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &ol), EINVAL);
	/* data */
	ERR(send(sv[0], bad, 10, 0), EFAULT);
	ERR(send(sv[0], kern, 10, 0), EFAULT);
	ERR(sendto(sv[0], "x", 1, 0, bad, alen), EFAULT);
	ERR(sendto(sv[0], "x", 1, 0, (struct sockaddr *)&a, 1000), EINVAL);
	CHECK_EQ(write(sv[1], "data", 4), 4);
	ERR(recv(sv[0], bad, 10, 0), EFAULT);
	ERR(recv(sv[0], kern, 10, 0), EFAULT);
	ERR(read(sv[0], bad, 10), EFAULT);
	char b[8];
	CHECK_EQ(recv(sv[0], b, 8, 0), 4); /* a failed copy consumed nothing */
	ERR(syscall(SYS_sendmsg, sv[0], bad, 0), EFAULT);
	ERR(syscall(SYS_recvmsg, sv[0], bad, 0), EFAULT);
	struct msghdr m = {.msg_iov = bad, .msg_iovlen = 1};
	ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
	m.msg_iovlen = 5000;
	ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EMSGSIZE);
	struct iovec iov[2] = {{b, 1}, {b, (size_t)-1}};
	m = (struct msghdr){.msg_iov = iov, .msg_iovlen = 2};
	ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EINVAL);
	iov[1].iov_len = 1;
	m.msg_control = bad;
	m.msg_controllen = 64;
	ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EFAULT);
	char ctl[32] = {0};
	struct cmsghdr *c = (struct cmsghdr *)ctl;
	c->cmsg_len = 200; /* longer than the buffer */
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	m.msg_control = ctl;
	m.msg_controllen = sizeof(ctl);
	ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EINVAL);
	c->cmsg_len = CMSG_LEN(4);
	c->cmsg_type = 77;
	ERR(syscall(SYS_sendmsg, sv[0], &m, 0), EINVAL);
	ERR(syscall(SYS_sendmmsg, sv[0], bad, 2, 0), EFAULT);
	ERR(syscall(SYS_recvmmsg, sv[0], bad, 2, MSG_DONTWAIT, NULL), EFAULT);
	ERR(accept(s, NULL, NULL), EINVAL); /* not listening */
	/* accept's address */
	int l = listener("bad", 4, SOCK_STREAM | SOCK_NONBLOCK);
	int k = connect_to("bad", SOCK_STREAM), k2 = connect_to("bad", SOCK_STREAM);
	socklen_t pl = sizeof(a);
	ERR(accept(l, (struct sockaddr *)&a, bad), EFAULT);
	pl = (socklen_t)-1;
	ERR(accept(l, (struct sockaddr *)&a, &pl), EINVAL);
	close(k);
	close(k2);
	close(l);
	close(s);
	close(sv[0]);
	close(sv[1]);
	close(p[0]);
	close(p[1]);
	unlink(a.sun_path);
	path_addr(&a, "bad");
	unlink(a.sun_path);
}

/* --- backlog ------------------------------------------------------------------------------ */

static void check_backlog(void)
{
	int l = listener("backlog", 2, SOCK_STREAM);
	int cs[200], n = 0;
	struct sockaddr_un a;
	socklen_t alen = path_addr(&a, "backlog");
	int refused = 0;
	for (int i = 0; i < 200; i++) {
		int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(c, (struct sockaddr *)&a, alen) == 0) {
			cs[n++] = c;
		} else {
			CHECK(errno == EAGAIN, "flood connect %d: errno %d", i, errno);
			refused++;
			close(c);
		}
	}
	CHECK_EQ(n, 3); /* backlog + 1, as Linux */
	CHECK_EQ(refused, 197);
	int s = accept(l, NULL, NULL);
	CHECK(s >= 0, "accept");
	close(s);
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	CHECK_EQ(connect(c, (struct sockaddr *)&a, alen), 0);
	cs[n++] = c;
	/* a blocking connect waits until accept makes room */
	pid_t pid = fork();
	if (pid == 0) {
		int k = socket(AF_UNIX, SOCK_STREAM, 0);
		_exit(connect(k, (struct sockaddr *)&a, alen) == 0 && write(k, "late", 4) == 4 ? 0 : 1);
	}
	msleep(20);
	for (int i = 0; i < 3; i++) { /* the three queued before the child's */
		s = accept(l, NULL, NULL);
		CHECK(s >= 0, "accept %d", i);
		close(s);
	}
	s = accept(l, NULL, NULL);
	char b[4];
	CHECK_EQ(recv(s, b, 4, MSG_WAITALL), 4);
	CHECK_EQ(wait_child(pid), 0);
	close(s);
	for (int i = 0; i < n; i++)
		close(cs[i]);
	close(l);
	unlink(a.sun_path);
}

/* --- vanish -------------------------------------------------------------------------------- */

static void check_vanish(void)
{
	int sv[2];
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		char m[4096];
		memset(m, 'v', sizeof(m));
		for (;;)
			if (write(sv[1], m, sizeof(m)) < 0)
				_exit(1);
	}
	close(sv[1]);
	char b[4096];
	long got = 0;
	while (got < 100000) {
		ssize_t n = read(sv[0], b, sizeof(b));
		if (n <= 0)
			break;
		got += n;
	}
	CHECK(got >= 100000, "read %ld while it wrote", got);
	kill(pid, SIGKILL);
	int st = wait_child(pid);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
	/* what it wrote is still there, then EOF */
	ssize_t n;
	while ((n = read(sv[0], b, sizeof(b))) > 0)
		;
	CHECK_EQ(n, 0);
	sigpipes = 0;
	CHECK_EQ(write(sv[0], "x", 1), -1);
	CHECK_EQ(errno, EPIPE);
	CHECK_EQ(sigpipes, 1);
	close(sv[0]);
	/* a reader that vanishes while the writer is blocked: EPIPE for the writer */
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	if (pid == 0) {
		close(sv[1]);
		char c;
		ssize_t r = read(sv[0], &c, 1); /* never returns: killed */
		_exit(r == 1 ? 0 : 1);
	}
	close(sv[0]);
	int res[2];
	CHECK_EQ(pipe(res), 0);
	pid_t w = fork();
	if (w == 0) {
		close(res[0]);
		size_t len = 4 << 20;
		char *m = calloc(1, len);
		ssize_t r = send(sv[1], m, len, MSG_NOSIGNAL);
		int e = r < 0 ? errno : 0;
		char out = r < 0 && e == EPIPE ? 'p' : (r > 0 && (size_t)r < len) ? 's' : 'x';
		_exit(write(res[1], &out, 1) == 1 ? 0 : 1);
	}
	close(res[1]);
	msleep(30);
	kill(pid, SIGKILL);
	wait_child(pid);
	char out = 0;
	CHECK_EQ(read(res[0], &out, 1), 1);
	CHECK(out == 'p' || out == 's', "blocked writer's result %c", out); /* EPIPE, or the part sent */
	CHECK_EQ(wait_child(w), 0);
	close(res[0]);
	close(sv[1]);
}

static int want(int argc, char **argv, const char *part)
{
	if (argc < 2)
		return 1;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], part) == 0)
			return 1;
	return 0;
}

#define PART(name, fn) do { if (want(argc, argv, name)) R0_PART(name, fn()); } while (0)

int main(int argc, char **argv)
{
	r0_start("sockets_unix");
	signal(SIGPIPE, on_sigpipe);
	snprintf(dir, sizeof(dir), "/tmp/su-%d", (int)getpid());
	mkdir(dir, 0700);
	PART("pair", check_pair);
	PART("path", check_path);
	PART("abstract", check_abstract);
	PART("shutdown", check_shutdown);
	PART("peer-close", check_peer_close);
	PART("sndbuf", check_sndbuf);
	PART("nonblock", check_nonblock);
	PART("rights", check_rights);
	PART("peercred", check_peercred);
	PART("peek", check_peek);
	PART("dgram", check_dgram);
	PART("poll", check_poll);
	PART("churn", check_churn);
	PART("gc", check_gc);
	PART("badargs", check_badargs);
	PART("backlog", check_backlog);
	PART("vanish", check_vanish);
	rmdir(dir);
	R0_DONE();
}
