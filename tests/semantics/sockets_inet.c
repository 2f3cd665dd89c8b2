/* sockets_inet: AF_INET and AF_INET6 sockets over loopback (issue 11), as Linux has them.
 * On ringzero they run over lwIP (kernel/net/tcp_sock.c, udp_sock.c).
 *
 *   echo        TCP echo through a forked child on 127.0.0.1: 256 KiB each way (flow
 *               control both ways), accept's address, getsockname/getpeername on both ends
 *   refused     connect to a closed port: ECONNREFUSED
 *   half-close  shutdown(SHUT_WR): the peer reads the data then 0 (and sees POLLRDHUP), still
 *               answers, and the half-closed side reads the answer then 0
 *   reset       SO_LINGER {1, 0} then close sends RST: the peer's recv gets ECONNRESET,
 *               a later send EPIPE
 *   sndbuf      a non-blocking writer fills the send path to EAGAIN (POLLOUT clear); a
 *               blocking writer of 1 MiB sleeps until the reader drains it, all bytes arrive
 *   bufsize     SO_RCVBUF and SO_SNDBUF of 4096 set before listen and connect: a
 *               non-blocking writer gets EAGAIN after far fewer bytes (Linux: about 9 000)
 *               than with the defaults, the accepted end reports the listener's SO_RCVBUF,
 *               every byte still arrives and close is a FIN, not a reset; 256 KiB from a
 *               blocking writer to such a reader arrive without waiting for a TCP timer
 *               (a liveness bound of 5 s of the machine's clock: a window announced late
 *               made it wait for lwIP's persist and retransmission timers, 7-74 s)
 *   nb-accept   accept on a non-blocking listener: EAGAIN, then POLLIN and accept4 with
 *               SOCK_NONBLOCK|SOCK_CLOEXEC
 *   nb-connect  non-blocking connect: 0 or EINPROGRESS, POLLOUT, SO_ERROR 0; to a closed
 *               port: POLLOUT|POLLERR and SO_ERROR ECONNREFUSED (cleared by reading it); the
 *               next connect() reports the finished one with 0, then EISCONN
 *   backlog     40 non-blocking clients at a listener with backlog 1: at least one accepted,
 *               the rest closed, and the listener still serves a client
 *   addrinuse   EADDRINUSE for TCP and UDP, SO_REUSEADDR over a TIME_WAIT connection
 *   udp         datagrams keep their boundaries (sizes 1, 0, 1000), recvfrom's source,
 *               MSG_TRUNC (msg_flags, and the real length with the flag), MSG_PEEK,
 *               FIONREAD, connected UDP and getpeername, EDESTADDRREQ, EACCES for a
 *               broadcast without SO_BROADCAST
 *   udp-refused a connected UDP socket's datagram to a closed port (IPv4 and IPv6): POLLERR,
 *               the next send fails with ECONNREFUSED and clears it, the one after goes out,
 *               then a receive fails with ECONNREFUSED, the next is EAGAIN; an unconnected
 *               socket hears nothing of its sendto to the same port
 *   ipv6        TCP and UDP echo over ::1; an AF_INET6 listener on :: accepts an IPv4
 *               client as ::ffff:127.0.0.1; IPV6_V6ONLY
 *   names       unbound and unconnected names, ENOTCONN, TCP_NODELAY, SO_KEEPALIVE, FIONREAD,
 *               MSG_PEEK then MSG_WAITALL, SO_RCVLOWAT (POLLIN only at 4 bytes; a blocking
 *               read that already took some bytes is not tested: Linux may never wake it), TCP_CORK, IP_TTL (64 by default), IP_TOS
 *   many        1 000 connections opened and closed; on ringzero MemFree is back at its
 *               level after a warm-up (nothing leaks per connection)
 *   errors      bad pointers (EFAULT) and lengths (EINVAL), EAFNOSUPPORT, EPROTONOSUPPORT,
 *               EADDRNOTAVAIL, EISCONN, ENOTCONN, EDESTADDRREQ
 */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

static void *volatile bad_ptr = (void *)8;     /* an address no program maps */
#define BAD ((void *)bad_ptr)

static bool on_ringzero;

static struct sockaddr_in lo4(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static struct sockaddr_in6 lo6(int port)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	return a;
}

/* A listener on 127.0.0.1 (or ::1) at an ephemeral port; its port in *port. */
static int listener(int family, int type_flags, int *port)
{
	int l = socket(family, SOCK_STREAM | type_flags, 0);
	CHECK(l >= 0, "socket");
	struct sockaddr_in a4 = lo4(0);
	struct sockaddr_in6 a6 = lo6(0);
	struct sockaddr *a = family == AF_INET ? (struct sockaddr *)&a4 : (struct sockaddr *)&a6;
	socklen_t len = family == AF_INET ? sizeof(a4) : sizeof(a6);
	CHECK(bind(l, a, len) == 0, "bind");
	CHECK(listen(l, 16) == 0, "listen");
	CHECK(getsockname(l, a, &len) == 0, "getsockname");
	*port = ntohs(family == AF_INET ? a4.sin_port : a6.sin6_port);
	CHECK(*port != 0, "ephemeral port");
	return l;
}

static int connect_to(int family, int port)
{
	int c = socket(family, SOCK_STREAM, 0);
	struct sockaddr_in a4 = lo4(port);
	struct sockaddr_in6 a6 = lo6(port);
	int r = family == AF_INET ? connect(c, (struct sockaddr *)&a4, sizeof(a4))
				  : connect(c, (struct sockaddr *)&a6, sizeof(a6));
	CHECK(r == 0, "connect to port %d", port);
	return c;
}

/* A connected pair over loopback: *a the client, *b the accepted end. */
static void tcp_pair(int family, int *a, int *b)
{
	int port, l = listener(family, 0, &port);
	*a = connect_to(family, port);
	*b = accept(l, NULL, NULL);
	CHECK(*b >= 0, "accept");
	close(l);
}

static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			return r < 0 ? r : (ssize_t)got;
		got += r;
	}
	return got;
}

static ssize_t write_full(int fd, const void *buf, size_t n)
{
	size_t put = 0;
	while (put < n) {
		ssize_t r = write(fd, (const char *)buf + put, n - put);
		if (r <= 0)
			return -1;
		put += r;
	}
	return put;
}

static int reap(pid_t p)
{
	int st = -1;
	CHECK(waitpid(p, &st, 0) == p, "waitpid");
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static short poll1(int fd, short events, int ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int r = poll(&p, 1, ms);
	return r == 1 ? p.revents : 0;
}

/* --- echo --------------------------------------------------------------------------------- */

#define ECHO_BYTES (256 * 1024)

static void echo_child(int port)
{
	static unsigned char out[ECHO_BYTES], in[ECHO_BYTES];
	for (int i = 0; i < ECHO_BYTES; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
	int c = connect_to(AF_INET, port);
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int bad = getpeername(c, (struct sockaddr *)&peer, &len) != 0 || len != sizeof(peer) ||
		  ntohs(peer.sin_port) != port || peer.sin_addr.s_addr != htonl(INADDR_LOOPBACK);
	/* a writer and a reader: the child writes in a grandchild so neither side's window stalls */
	pid_t w = fork();
	if (w == 0)
		_exit(write_full(c, out, ECHO_BYTES) == ECHO_BYTES ? 0 : 1);
	bad |= read_full(c, in, ECHO_BYTES) != ECHO_BYTES ? 2 : 0;
	bad |= memcmp(in, out, ECHO_BYTES) ? 4 : 0;
	bad |= reap(w) ? 8 : 0;
	bad |= read(c, in, 1) != 0 ? 16 : 0;  /* the server closed after echoing */
	close(c);
	_exit(bad);
}

static void echo(void)
{
	int port, l = listener(AF_INET, 0, &port);
	pid_t p = fork();
	if (p == 0)
		echo_child(port);
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	int s = accept(l, (struct sockaddr *)&from, &len);
	CHECK(s >= 0, "accept");
	CHECK_EQ(len, sizeof(from));
	CHECK_EQ(from.sin_family, AF_INET);
	CHECK(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "peer address %#x", ntohl(from.sin_addr.s_addr));
	struct sockaddr_in me, peer;
	len = sizeof(me);
	CHECK(getsockname(s, (struct sockaddr *)&me, &len) == 0 && ntohs(me.sin_port) == port, "accepted's name");
	len = sizeof(peer);
	CHECK(getpeername(s, (struct sockaddr *)&peer, &len) == 0 && peer.sin_port == from.sin_port,
	      "accepted's peer");
	static char buf[8192];
	size_t total = 0;
	ssize_t n;
	while (total < ECHO_BYTES && (n = read(s, buf, sizeof(buf))) > 0) {
		CHECK(write_full(s, buf, n) == n, "echo write");
		total += n;
	}
	CHECK_EQ(total, ECHO_BYTES);
	close(s);
	close(l);
	CHECK_EQ(reap(p), 0);
}

/* --- refused, half-close, reset ---------------------------------------------------------- */

static int closed_port(void)
{
	int port, l = listener(AF_INET, 0, &port);
	close(l);
	return port;
}

static void refused(void)
{
	int port = closed_port();
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lo4(port);
	errno = 0;
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == ECONNREFUSED, "connect to a closed port");
	close(c);
}

static void half_close(void)
{
	int a, b;
	tcp_pair(AF_INET, &a, &b);
	CHECK_EQ(write(a, "question", 8), 8);
	CHECK(shutdown(a, SHUT_WR) == 0, "shutdown");
	char buf[32];
	CHECK_EQ(read_full(b, buf, 8), 8);
	CHECK(!memcmp(buf, "question", 8), "data before the FIN");
	CHECK_EQ(read(b, buf, sizeof(buf)), 0);
	short ev = poll1(b, POLLIN | POLLRDHUP | POLLOUT, 0);
	CHECK((ev & (POLLIN | POLLRDHUP | POLLOUT)) == (POLLIN | POLLRDHUP | POLLOUT) && !(ev & POLLHUP),
	      "revents %#x after the FIN", ev);
	CHECK_EQ(write(b, "answer", 6), 6);
	CHECK_EQ(read_full(a, buf, 6), 6);
	CHECK(!memcmp(buf, "answer", 6), "answer after the half-close");
	errno = 0;
	CHECK(send(a, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE, "send after SHUT_WR");
	close(b);
	CHECK_EQ(read(a, buf, sizeof(buf)), 0);
	close(a);
}

static void reset(void)
{
	int a, b;
	tcp_pair(AF_INET, &a, &b);
	struct linger lg = {1, 0};
	CHECK(setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0, "SO_LINGER");
	close(a);
	short ev = poll1(b, POLLIN, 5000);
	CHECK(ev & (POLLIN | POLLERR | POLLHUP), "revents %#x after the RST", ev);
	char buf[8];
	errno = 0;
	CHECK(recv(b, buf, sizeof(buf), 0) == -1 && errno == ECONNRESET, "recv after the peer's RST");
	errno = 0;
	CHECK(send(b, "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE, "send after the reset");
	close(b);
}

/* --- a full send buffer -------------------------------------------------------------------- */

static void sndbuf(void)
{
	int a, b;
	tcp_pair(AF_INET, &a, &b);
	CHECK(fcntl(a, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
	static char chunk[4096];
	memset(chunk, 'z', sizeof(chunk));
	size_t total = 0;
	ssize_t n;
	int rounds = 0;
	while ((n = write(a, chunk, sizeof(chunk))) > 0 && rounds++ < 100000)
		total += n;
	CHECK(n == -1 && errno == EAGAIN, "EAGAIN once full (after %zu bytes)", total);
	CHECK(total > 0, "some bytes fit");
	CHECK(!(poll1(a, POLLOUT, 0) & POLLOUT), "no POLLOUT when full");
	static char buf[65536];
	size_t got = 0;
	while (got < total && (n = read(b, buf, sizeof(buf))) > 0)
		got += n;
	CHECK_EQ(got, total);
	CHECK(poll1(a, POLLOUT, 5000) & POLLOUT, "POLLOUT once drained");
	/* a blocking writer */
	CHECK(fcntl(a, F_SETFL, 0) == 0, "blocking again");
	enum { BIG = 1 << 20 };
	pid_t p = fork();
	if (p == 0) {
		static char big[BIG];
		memset(big, 'q', sizeof(big));
		ssize_t w = write(a, big, BIG); /* sleeps until the reader has made room, repeatedly */
		_exit(w == BIG ? 0 : 1);
	}
	close(a);
	got = 0;
	bool same = true;
	while (got < BIG && (n = read(b, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			same &= buf[i] == 'q';
		got += n;
	}
	CHECK_EQ(got, BIG);
	CHECK(same, "the blocked writer's bytes");
	CHECK_EQ(reap(p), 0);
	CHECK_EQ(read(b, buf, 1), 0);
	close(b);
}

/* A listener on 127.0.0.1 with SO_RCVBUF set before listen() (0: the default). */
static int rcvbuf_listener(int rcvbuf, int *port)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (rcvbuf)
		CHECK(setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == 0, "SO_RCVBUF");
	struct sockaddr_in a = lo4(0);
	socklen_t len = sizeof(a);
	CHECK(bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 1) == 0, "listen");
	CHECK(getsockname(l, (struct sockaddr *)&a, &len) == 0, "getsockname");
	*port = ntohs(a.sin_port);
	return l;
}

/* Bytes a non-blocking writer gets into a fresh connection before EAGAIN; the reader then
 * drains them, must see every one and then the writer's FIN (0, not ECONNRESET). */
static size_t fill_until_eagain(int bufsize)
{
	int port, l = rcvbuf_listener(bufsize, &port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	if (bufsize)
		CHECK(setsockopt(c, SOL_SOCKET, SO_SNDBUF, &bufsize, sizeof(bufsize)) == 0, "SO_SNDBUF");
	struct sockaddr_in a = lo4(port);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "connect");
	int b = accept(l, NULL, NULL);
	CHECK(b >= 0, "accept");
	close(l);
	int v = 0;
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(b, SOL_SOCKET, SO_RCVBUF, &v, &vl) == 0, "getsockopt");
	if (bufsize)
		CHECK_EQ(v, 2 * bufsize); /* inherited from the listener, doubled */
	CHECK(fcntl(c, F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
	static char chunk[1000];
	memset(chunk, 'b', sizeof(chunk));
	size_t total = 0;
	ssize_t n;
	while (total < (64u << 20) && (n = write(c, chunk, sizeof(chunk))) > 0)
		total += n;
	CHECK(errno == EAGAIN, "EAGAIN once full (after %zu bytes)", total);
	close(c);
	static char buf[65536];
	size_t got = 0;
	while ((n = read(b, buf, sizeof(buf))) > 0)
		got += n;
	CHECK_EQ(n, 0);
	CHECK_EQ(got, total);
	close(b);
	return total;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* 256 KiB from a blocking writer with the default buffers to a reader with SO_RCVBUF 4096. */
static void small_window_stream(void)
{
	int port, l = rcvbuf_listener(4096, &port);
	enum { TOTAL = 256 << 10 };
	double t0 = now_s();
	pid_t p = fork();
	if (p == 0) {
		int c = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in to = lo4(port);
		if (connect(c, (struct sockaddr *)&to, sizeof(to)) != 0)
			_exit(1);
		static char out[TOTAL];
		memset(out, 's', sizeof(out));
		_exit(write_full(c, out, TOTAL) == TOTAL ? 0 : 2);
	}
	int b = accept(l, NULL, NULL);
	CHECK(b >= 0, "accept");
	close(l);
	static char buf[65536];
	size_t got = 0;
	ssize_t n;
	while ((n = read(b, buf, sizeof(buf))) > 0)
		got += n;
	double took = now_s() - t0;
	CHECK_EQ(got, TOTAL);
	CHECK_EQ(reap(p), 0);
	CHECK(took < 5.0, "256 KiB through 4 KiB buffers took %.1f s: a window update came late", took);
	close(b);
}

static void bufsize(void)
{
	size_t dflt = fill_until_eagain(0), small = fill_until_eagain(4096);
	printf("# bufsize: %zu bytes before EAGAIN with the default buffers, %zu with 4096\n", dflt, small);
	CHECK(small > 0 && small <= 16384, "with 4096-byte buffers %zu bytes fit before EAGAIN", small);
	CHECK(dflt >= 2 * small, "the defaults let more through: %zu against %zu", dflt, small);
	small_window_stream();
}

/* --- non-blocking accept and connect ------------------------------------------------------- */

static void nb_accept(void)
{
	int port, l = listener(AF_INET, SOCK_NONBLOCK, &port);
	errno = 0;
	CHECK(accept(l, NULL, NULL) == -1 && errno == EAGAIN, "accept with nothing pending");
	CHECK(!(poll1(l, POLLIN, 0) & POLLIN), "no POLLIN");
	int c = connect_to(AF_INET, port);
	CHECK(poll1(l, POLLIN, 5000) & POLLIN, "POLLIN with a connection pending");
	int s = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	CHECK(s >= 0, "accept4");
	CHECK(fcntl(s, F_GETFL) & O_NONBLOCK, "SOCK_NONBLOCK");
	CHECK(fcntl(s, F_GETFD) & FD_CLOEXEC, "SOCK_CLOEXEC");
	char x;
	errno = 0;
	CHECK(read(s, &x, 1) == -1 && errno == EAGAIN, "non-blocking read of nothing");
	close(s);
	close(c);
	close(l);
}

static void nb_connect(void)
{
	int port, l = listener(AF_INET, 0, &port);
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = lo4(port);
	int r = connect(c, (struct sockaddr *)&a, sizeof(a));
	CHECK(r == 0 || errno == EINPROGRESS, "non-blocking connect: %d", r);
	CHECK(poll1(c, POLLOUT, 5000) & POLLOUT, "POLLOUT once connected");
	int err = -1;
	socklen_t len = sizeof(err);
	CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR %d", err);
	if (r == -1) /* the next connect() reports the finished one, the one after is EISCONN */
		CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == 0, "connect after EINPROGRESS");
	errno = 0;
	CHECK(connect(c, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EISCONN, "connect when connected");
	close(c);
	close(l);

	a = lo4(closed_port());
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	r = connect(c, (struct sockaddr *)&a, sizeof(a));
	if (r == -1 && errno == EINPROGRESS) {
		short ev = poll1(c, POLLOUT, 5000);
		CHECK((ev & (POLLOUT | POLLERR)) == (POLLOUT | POLLERR), "revents %#x when refused", ev);
		err = -1;
		len = sizeof(err);
		CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == ECONNREFUSED, "SO_ERROR %d", err);
		err = -1;
		CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0, "SO_ERROR read twice: %d", err);
	} else {
		CHECK(r == -1 && errno == ECONNREFUSED, "refused at once: %d", r);
	}
	close(c);
}

/* A flood of connections at a listener with a backlog of 1: some are accepted, none crashes
 * anything, and the listener serves a normal client afterwards. */
static void backlog(void)
{
	int port, l = listener(AF_INET, SOCK_NONBLOCK, &port);
	CHECK(listen(l, 1) == 0, "listen again with backlog 1");
	enum { N = 40 };
	int c[N], n = 0;
	struct sockaddr_in a = lo4(port);
	for (int i = 0; i < N; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		int r = connect(c[i], (struct sockaddr *)&a, sizeof(a));
		CHECK(r == 0 || errno == EINPROGRESS, "flood connect %d", i);
	}
	CHECK(poll1(l, POLLIN, 5000) & POLLIN, "a connection to accept");
	int s;
	while ((s = accept(l, NULL, NULL)) >= 0) {
		n++;
		close(s);
	}
	CHECK(errno == EAGAIN, "accept drained");
	CHECK(n >= 1 && n <= N, "%d accepted", n);
	for (int i = 0; i < N; i++)
		close(c[i]);
	CHECK(fcntl(l, F_SETFL, 0) == 0, "blocking listener");
	int x = connect_to(AF_INET, port), y = accept(l, NULL, NULL);
	CHECK(y >= 0, "accept after the flood");
	char b = 0;
	CHECK(write(x, "!", 1) == 1 && read(y, &b, 1) == 1 && b == '!', "data after the flood");
	close(x);
	close(y);
	close(l);
}

/* --- addresses in use ------------------------------------------------------------------------ */

static void addrinuse(void)
{
	int port, l = listener(AF_INET, 0, &port);
	struct sockaddr_in a = lo4(port);
	int s = socket(AF_INET, SOCK_STREAM, 0);
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EADDRINUSE, "second bind");
	int one = 1;
	CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "SO_REUSEADDR");
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EADDRINUSE, "SO_REUSEADDR on one side only");
	close(s);
	close(l);
	/* a listener with SO_REUSEADDR still excludes others; its closed connection does not */
	l = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "SO_REUSEADDR");
	CHECK(bind(l, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l, 4) == 0, "listen with SO_REUSEADDR");
	s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "SO_REUSEADDR");
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == -1 && errno == EADDRINUSE, "bind over a listener");
	close(s);
	/* the server closes first: its side of the connection waits in TIME_WAIT on port */
	int c = connect_to(AF_INET, port);
	int b = accept(l, NULL, NULL);
	close(l);
	close(b);
	char x;
	CHECK_EQ(read(c, &x, 1), 0);
	close(c);
	s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0, "SO_REUSEADDR");
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "SO_REUSEADDR over TIME_WAIT");
	CHECK(listen(s, 4) == 0, "listen again");
	close(s);

	int u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = lo4(0);
	socklen_t len = sizeof(ua);
	CHECK(bind(u1, (struct sockaddr *)&ua, sizeof(ua)) == 0, "udp bind");
	CHECK(getsockname(u1, (struct sockaddr *)&ua, &len) == 0, "udp name");
	errno = 0;
	CHECK(bind(u2, (struct sockaddr *)&ua, sizeof(ua)) == -1 && errno == EADDRINUSE, "udp second bind");
	close(u1);
	close(u2);
}

/* --- UDP ---------------------------------------------------------------------------------------- */

static int udp_bound(int family, struct sockaddr_storage *name, socklen_t *len)
{
	int u = socket(family, SOCK_DGRAM, 0);
	CHECK(u >= 0, "udp socket");
	struct sockaddr_in a4 = lo4(0);
	struct sockaddr_in6 a6 = lo6(0);
	CHECK(family == AF_INET ? bind(u, (struct sockaddr *)&a4, sizeof(a4)) == 0
				: bind(u, (struct sockaddr *)&a6, sizeof(a6)) == 0,
	      "udp bind");
	*len = sizeof(*name);
	CHECK(getsockname(u, (struct sockaddr *)name, len) == 0, "udp getsockname");
	return u;
}

static void udp_family(int family)
{
	struct sockaddr_storage an, bn, from;
	socklen_t alen, blen, flen;
	int a = udp_bound(family, &an, &alen), b = udp_bound(family, &bn, &blen);
	static char big[1000], buf[2000];
	memset(big, 'd', sizeof(big));
	CHECK_EQ(sendto(a, "1", 1, 0, (struct sockaddr *)&bn, blen), 1);
	CHECK_EQ(sendto(a, "", 0, 0, (struct sockaddr *)&bn, blen), 0);
	CHECK_EQ(sendto(a, big, sizeof(big), 0, (struct sockaddr *)&bn, blen), (long)sizeof(big));
	CHECK(poll1(b, POLLIN, 5000) & POLLIN, "POLLIN");
	int avail = -1;
	CHECK(ioctl(b, FIONREAD, &avail) == 0 && avail == 1, "FIONREAD %d", avail);
	flen = sizeof(from);
	CHECK_EQ(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 1);
	CHECK(flen == alen && !memcmp(&from, &an, alen), "recvfrom's source is the sender's name");
	CHECK_EQ(recv(b, buf, sizeof(buf), 0), 0);
	CHECK_EQ(recv(b, buf, 10, MSG_PEEK), 10);
	struct iovec iov = {buf, 5};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	CHECK_EQ(recvmsg(b, &mh, 0), 5);
	CHECK(mh.msg_flags & MSG_TRUNC, "MSG_TRUNC in msg_flags");
	CHECK_EQ(sendto(a, big, 300, 0, (struct sockaddr *)&bn, blen), 300);
	CHECK_EQ(recv(b, buf, 10, MSG_TRUNC), 300);
	errno = 0;
	CHECK(recv(b, buf, sizeof(buf), MSG_DONTWAIT) == -1 && errno == EAGAIN, "empty");
	/* connected */
	CHECK(connect(a, (struct sockaddr *)&bn, blen) == 0, "udp connect");
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);
	CHECK(getpeername(a, (struct sockaddr *)&peer, &plen) == 0 && plen == blen && !memcmp(&peer, &bn, blen),
	      "udp getpeername");
	CHECK_EQ(send(a, "conn", 4, 0), 4);
	CHECK_EQ(recv(b, buf, sizeof(buf), 0), 4);
	errno = 0;
	int c = socket(family, SOCK_DGRAM, 0);
	CHECK(send(c, "x", 1, 0) == -1 && errno == EDESTADDRREQ, "send unconnected");
	if (family == AF_INET) {
		struct sockaddr_in bc = {.sin_family = AF_INET, .sin_port = htons(9), .sin_addr.s_addr = INADDR_BROADCAST};
		errno = 0;
		CHECK(sendto(c, "x", 1, 0, (struct sockaddr *)&bc, sizeof(bc)) == -1 && errno == EACCES,
		      "broadcast without SO_BROADCAST");
		int on = 1, v = -1;
		socklen_t vl = sizeof(v);
		CHECK(setsockopt(c, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) == 0, "SO_BROADCAST");
		CHECK(getsockopt(c, SOL_SOCKET, SO_BROADCAST, &v, &vl) == 0 && v == 1, "SO_BROADCAST reads %d", v);
	}
	close(c);
	close(a);
	close(b);
}

static void udp(void) { udp_family(AF_INET); }

static void udp_refused_family(int family)
{
	struct sockaddr_storage closed;
	socklen_t clen;
	close(udp_bound(family, &closed, &clen));       /* a port nobody listens on */
	int u = socket(family, SOCK_DGRAM, 0);
	CHECK(connect(u, (struct sockaddr *)&closed, clen) == 0, "udp connect");
	CHECK_EQ(send(u, "x", 1, 0), 1);
	CHECK(poll1(u, POLLIN | POLLOUT, 1000) & POLLERR, "POLLERR after the port unreachable error");
	errno = 0;
	CHECK(send(u, "x", 1, 0) == -1 && errno == ECONNREFUSED, "the next send reports it");
	CHECK_EQ(send(u, "x", 1, 0), 1);
	CHECK(poll1(u, POLLIN, 1000) & POLLERR, "POLLERR again");
	char b[4];
	errno = 0;
	CHECK(recv(u, b, sizeof(b), MSG_DONTWAIT) == -1 && errno == ECONNREFUSED, "a receive reports it");
	errno = 0;
	CHECK(recv(u, b, sizeof(b), MSG_DONTWAIT) == -1 && errno == EAGAIN, "once");
	int e = -1;
	socklen_t el = sizeof(e);
	CHECK(getsockopt(u, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0, "SO_ERROR clear: %d", e);
	close(u);
	int v = socket(family, SOCK_DGRAM, 0);
	CHECK_EQ(sendto(v, "x", 1, 0, (struct sockaddr *)&closed, clen), 1);
	CHECK_EQ(sendto(v, "x", 1, 0, (struct sockaddr *)&closed, clen), 1);
	errno = 0;
	CHECK(recv(v, b, sizeof(b), MSG_DONTWAIT) == -1 && errno == EAGAIN, "unconnected: no error");
	close(v);
}

static void udp_refused(void)
{
	udp_refused_family(AF_INET);
	udp_refused_family(AF_INET6);
}

/* --- IPv6 ----------------------------------------------------------------------------------------- */

static void ipv6(void)
{
	int a, b;
	tcp_pair(AF_INET6, &a, &b);
	CHECK_EQ(write(a, "over ::1", 8), 8);
	char buf[16];
	CHECK_EQ(read_full(b, buf, 8), 8);
	CHECK(!memcmp(buf, "over ::1", 8), "data over ::1");
	struct sockaddr_in6 n;
	socklen_t len = sizeof(n);
	CHECK(getsockname(b, (struct sockaddr *)&n, &len) == 0 && len == sizeof(n) && n.sin6_family == AF_INET6 &&
		      IN6_IS_ADDR_LOOPBACK(&n.sin6_addr),
	      "::1 name");
	close(a);
	close(b);
	udp_family(AF_INET6);

	/* dual stack: :: without IPV6_V6ONLY takes IPv4 clients as v4-mapped addresses */
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	int off = 0, v = -1;
	CHECK(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) == 0, "IPV6_V6ONLY 0");
	socklen_t vl = sizeof(v);
	CHECK(getsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl) == 0 && v == 0, "IPV6_V6ONLY reads %d", v);
	struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	CHECK(bind(l, (struct sockaddr *)&any, sizeof(any)) == 0 && listen(l, 4) == 0, "listen on ::");
	len = sizeof(any);
	getsockname(l, (struct sockaddr *)&any, &len);
	int c = connect_to(AF_INET, ntohs(any.sin6_port));
	struct sockaddr_in6 from;
	len = sizeof(from);
	int s = accept(l, (struct sockaddr *)&from, &len);
	CHECK(s >= 0 && len == sizeof(from) && IN6_IS_ADDR_V4MAPPED(&from.sin6_addr) &&
		      from.sin6_addr.s6_addr32[3] == htonl(INADDR_LOOPBACK),
	      "an IPv4 client seen as ::ffff:127.0.0.1");
	close(s);
	close(c);
	close(l);
	/* IPV6_V6ONLY: a v4-mapped destination is refused */
	int six = socket(AF_INET6, SOCK_DGRAM, 0), on = 1;
	CHECK(setsockopt(six, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) == 0, "IPV6_V6ONLY 1");
	struct sockaddr_in6 mapped = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
	mapped.sin6_addr.s6_addr32[2] = htonl(0xffff);
	mapped.sin6_addr.s6_addr32[3] = htonl(INADDR_LOOPBACK);
	CHECK(sendto(six, "x", 1, 0, (struct sockaddr *)&mapped, sizeof(mapped)) == -1, "v4-mapped with V6ONLY");
	close(six);
}

/* --- names and options ----------------------------------------------------------------------------- */

static void names(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	memset(&a, 0xff, sizeof(a));
	CHECK(getsockname(s, (struct sockaddr *)&a, &len) == 0 && len == sizeof(a) && a.sin_family == AF_INET &&
		      a.sin_port == 0 && a.sin_addr.s_addr == 0,
	      "unbound name");
	errno = 0;
	CHECK(getpeername(s, (struct sockaddr *)&a, &len) == -1 && errno == ENOTCONN, "getpeername unconnected");
	int v = -1;
	len = sizeof(v);
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v == 0, "TCP_NODELAY off");
	int one = 1;
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0, "TCP_NODELAY on");
	CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v != 0, "TCP_NODELAY reads %d", v);
	CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0, "SO_KEEPALIVE");
	CHECK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len) == 0 && v != 0, "SO_KEEPALIVE reads %d", v);
	CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM, "SO_TYPE");
	close(s);
	int a1, b1;
	tcp_pair(AF_INET, &a1, &b1);
	CHECK_EQ(write(a1, "12345", 5), 5);
	CHECK(poll1(b1, POLLIN, 5000) & POLLIN, "POLLIN");
	int avail = -1;
	CHECK(ioctl(b1, FIONREAD, &avail) == 0 && avail == 5, "FIONREAD %d", avail);
	char buf[8];
	CHECK_EQ(recv(b1, buf, 3, MSG_PEEK), 3);
	CHECK_EQ(recv(b1, buf, 8, MSG_WAITALL | MSG_DONTWAIT), 5);
	CHECK(!memcmp(buf, "12345", 5), "bytes after a peek");
	/* SO_RCVLOWAT: no POLLIN and no return before that many bytes */
	int four = 4;
	CHECK(setsockopt(b1, SOL_SOCKET, SO_RCVLOWAT, &four, sizeof(four)) == 0, "SO_RCVLOWAT");
	CHECK_EQ(write(a1, "ab", 2), 2);
	CHECK(!(poll1(b1, POLLIN, 100) & POLLIN), "POLLIN below SO_RCVLOWAT");
	CHECK_EQ(write(a1, "cd", 2), 2);
	CHECK(poll1(b1, POLLIN, 5000) & POLLIN, "POLLIN at SO_RCVLOWAT");
	CHECK_EQ(recv(b1, buf, sizeof(buf), 0), 4);
	CHECK(!memcmp(buf, "abcd", 4), "bytes at SO_RCVLOWAT");
	/* TCP_CORK holds bytes back until it is taken off (or 200 ms), then they go */
	CHECK(setsockopt(a1, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)) == 0, "TCP_CORK on");
	CHECK(getsockopt(a1, IPPROTO_TCP, TCP_CORK, &v, &len) == 0 && v == 1, "TCP_CORK reads %d", v);
	CHECK_EQ(write(a1, "corked", 6), 6);
	int zero = 0;
	CHECK(setsockopt(a1, IPPROTO_TCP, TCP_CORK, &zero, sizeof(zero)) == 0, "TCP_CORK off");
	CHECK_EQ(read_full(b1, buf, 6), 6);
	CHECK(!memcmp(buf, "corked", 6), "corked bytes");
	CHECK(getsockopt(a1, IPPROTO_IP, IP_TTL, &v, &len) == 0 && v == 64, "IP_TTL default %d", v);
	int ttl = 32, tos = 0x10;
	CHECK(setsockopt(a1, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == 0, "IP_TTL");
	CHECK(getsockopt(a1, IPPROTO_IP, IP_TTL, &v, &len) == 0 && v == 32, "IP_TTL reads %d", v);
	CHECK(setsockopt(a1, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)) == 0, "IP_TOS");
	CHECK(getsockopt(a1, IPPROTO_IP, IP_TOS, &v, &len) == 0 && v == 0x10, "IP_TOS reads %#x", v);
	ttl = 0;
	errno = 0;
	CHECK(setsockopt(a1, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == -1 && errno == EINVAL, "IP_TTL 0");
	CHECK_EQ(write(a1, "x", 1), 1);        /* still works with TTL 32 and a TOS */
	CHECK_EQ(read_full(b1, buf, 1), 1);
	close(a1);
	close(b1);
}

/* --- many connections ------------------------------------------------------------------------------ */

static long memfree_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static int round_trips(int l, int port, int n)
{
	int bad = 0;
	for (int i = 0; i < n; i++) {
		int c = connect_to(AF_INET, port);
		int s = accept(l, NULL, NULL);
		char x = (char)i, y = 0;
		bad += write(c, &x, 1) != 1 || read(s, &y, 1) != 1 || y != x;
		close(s);
		bad += read(c, &y, 1) != 0;
		close(c);
	}
	return bad;
}

static void many(void)
{
	int port, l = listener(AF_INET, 0, &port);
	CHECK_EQ(round_trips(l, port, 50), 0);
	long before = memfree_kb();
	CHECK_EQ(round_trips(l, port, 1000), 0);
	long after = memfree_kb();
	close(l);
	if (on_ringzero)
		CHECK(before > 0 && after >= before - 16, "MemFree %ld kB before 1000 connections, %ld kB after", before,
		      after);
}

/* --- bad input -------------------------------------------------------------------------------------- */

static void errors(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = lo4(0);
	errno = 0;
	CHECK(bind(s, BAD, sizeof(a)) == -1 && errno == EFAULT, "bind from a bad pointer");
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, sizeof(a) - 1) == -1 && errno == EINVAL, "bind with a short length");
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a, -1) == -1 && errno == EINVAL, "bind with a negative length");
	struct sockaddr_in6 a6 = lo6(0);
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&a6, sizeof(a6)) == -1 && errno == EAFNOSUPPORT, "bind an IPv6 address");
	struct sockaddr_in far = lo4(0);
	far.sin_addr.s_addr = htonl(0x0a090909);
	errno = 0;
	CHECK(bind(s, (struct sockaddr *)&far, sizeof(far)) == -1 && errno == EADDRNOTAVAIL, "bind 10.9.9.9");
	errno = 0;
	CHECK(connect(s, BAD, sizeof(a)) == -1 && errno == EFAULT, "connect from a bad pointer");
	socklen_t len = sizeof(a);
	errno = 0;
	CHECK(getsockname(s, BAD, &len) == -1 && errno == EFAULT, "getsockname to a bad pointer");
	errno = 0;
	CHECK(getsockname(s, (struct sockaddr *)&a, BAD) == -1 && errno == EFAULT, "getsockname's bad length pointer");
	int v = 1;
	errno = 0;
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, 2) == -1 && errno == EINVAL, "a 2-byte int option");
	errno = 0;
	CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, BAD, sizeof(v)) == -1 && errno == EFAULT, "option from a bad pointer");
	errno = 0;
	CHECK(send(s, "x", 1, MSG_NOSIGNAL) == -1 && (errno == ENOTCONN || errno == EPIPE), "send unconnected");
	errno = 0;
	CHECK(recv(s, &v, 1, 0) == -1 && errno == ENOTCONN, "recv unconnected");
	close(s);

	errno = 0;
	CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) == -1 && errno == EPROTONOSUPPORT, "TCP socket with UDP");
	int a1, b1;
	tcp_pair(AF_INET, &a1, &b1);
	errno = 0;
	CHECK(write(a1, BAD, 16) == -1 && errno == EFAULT, "write from a bad pointer");
	CHECK_EQ(write(a1, "abc", 3), 3);
	CHECK(poll1(b1, POLLIN, 5000) & POLLIN, "POLLIN");
	errno = 0;
	CHECK(read(b1, BAD, 3) == -1 && errno == EFAULT, "read to a bad pointer");
	char buf[4];
	CHECK_EQ(read(b1, buf, 3), 3);         /* nothing was lost to the fault */
	CHECK(!memcmp(buf, "abc", 3), "bytes kept after EFAULT");
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in la = lo4(0);
	bind(l, (struct sockaddr *)&la, sizeof(la));
	listen(l, 1);
	len = sizeof(la);
	getsockname(l, (struct sockaddr *)&la, &len);
	errno = 0;
	CHECK(connect(a1, (struct sockaddr *)&la, sizeof(la)) == -1 && errno == EISCONN, "connect when connected");
	int c = connect_to(AF_INET, ntohs(la.sin_port));
	errno = 0;
	CHECK(accept(l, (struct sockaddr *)&la, BAD) == -1 && errno == EFAULT, "accept's bad length pointer");
	close(c);
	close(l);
	close(a1);
	close(b1);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in ua = lo4(9);
	errno = 0;
	CHECK(sendto(u, BAD, 8, 0, (struct sockaddr *)&ua, sizeof(ua)) == -1 && errno == EFAULT, "sendto from a bad pointer");
	errno = 0;
	CHECK(sendto(u, "x", 1, 0, BAD, sizeof(ua)) == -1 && errno == EFAULT, "sendto a bad address");
	close(u);
}

int main(void)
{
	struct utsname u;
	on_ringzero = uname(&u) == 0 && !strncmp(u.version, "ringzero", 8);
	signal(SIGPIPE, SIG_IGN);
	r0_start("sockets_inet");
	R0_PART("echo", echo());
	R0_PART("refused", refused());
	R0_PART("half-close", half_close());
	R0_PART("reset", reset());
	R0_PART("sndbuf", sndbuf());
	R0_PART("bufsize", bufsize());
	R0_PART("nb-accept", nb_accept());
	R0_PART("nb-connect", nb_connect());
	R0_PART("backlog", backlog());
	R0_PART("addrinuse", addrinuse());
	R0_PART("udp", udp());
	R0_PART("udp-refused", udp_refused());
	R0_PART("ipv6", ipv6());
	R0_PART("names", names());
	R0_PART("many", many());
	R0_PART("errors", errors());
	R0_DONE();
}
