/* sock.h: what the socket benchmarks (lat_sock.c, bw_sock.c) share (header-only, after
 * bench.h): a connected pair of stream sockets of one kind, made in a parent and a forked
 * child, and the "not available" report.
 *
 * Kinds: SOCK_KIND_UNIX, a socketpair(AF_UNIX, SOCK_STREAM) (as lmbench's lat_unix);
 * SOCK_KIND_TCP, a TCP connection over loopback: the parent listens on 127.0.0.1 at a port
 * the kernel chooses (bind to port 0, getsockname), the child connects to it. TCP_NODELAY
 * on both ends, so a one-byte round trip is not held back by Nagle's algorithm.
 *
 * A system that has no such socket (socket() fails with ENOSYS, EAFNOSUPPORT,
 * EPROTONOSUPPORT or ESOCKTNOSUPPORT; or loopback cannot be bound or reached: EADDRNOTAVAIL,
 * ENETUNREACH, ENETDOWN) is not an error: the case prints
 *
 *     # unavailable CASE: WHAT: STRERROR
 *
 * and no CSV line, and the program goes on to its next case (exit status 0). The harness
 * reports such a case as not available there. Any other failure ends the program with
 * bench_die (exit status 1).
 *
 * Not here: what each case does with the pair (the programs).
 */
#ifndef BENCH_SOCK_H
#define BENCH_SOCK_H

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "bench.h"

enum sock_kind { SOCK_KIND_UNIX, SOCK_KIND_TCP };

static inline int sock_missing(int err)
{
	return err == ENOSYS || err == EAFNOSUPPORT || err == EPROTONOSUPPORT ||
	       err == ESOCKTNOSUPPORT || err == EADDRNOTAVAIL || err == ENETUNREACH ||
	       err == ENETDOWN;
}

/* After a failed call: returns -1 (the case is skipped) when the failure means "no such
 * socket here", after the report line; otherwise ends the program. */
static inline int sock_fail(const char *name, const char *what)
{
	int err = errno;
	if (!sock_missing(err)) {
		fprintf(stderr, "%s: ", name);
		bench_die(what);
	}
	printf("# unavailable %s: %s: %s\n", name, what, strerror(err));
	return -1;
}

static inline void sock_nodelay(int fd)
{
	int one = 1;
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
		bench_die("setsockopt TCP_NODELAY");
}

/* A TCP listener on 127.0.0.1, port chosen by the kernel, written to *addr; -1 when TCP
 * or loopback is missing (reported). */
static inline int sock_tcp_listener(const char *name, struct sockaddr_in *addr)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return sock_fail(name, "socket(AF_INET, SOCK_STREAM)");
	int one = 1;
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr->sin_port = 0;
	socklen_t len = sizeof *addr;
	if (bind(l, (struct sockaddr *)addr, sizeof *addr) < 0 ||
	    getsockname(l, (struct sockaddr *)addr, &len) < 0 || listen(l, 64) < 0) {
		int r = sock_fail(name, "bind/listen 127.0.0.1");
		close(l);
		return r;
	}
	return l;
}

/* A TCP connection to addr; -1 when it cannot be made because networking is missing. */
static inline int sock_tcp_connect(const char *name, const struct sockaddr_in *addr)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		return sock_fail(name, "socket(AF_INET, SOCK_STREAM)");
	if (connect(c, (const struct sockaddr *)addr, sizeof *addr) < 0) {
		int r = sock_fail(name, "connect 127.0.0.1");
		close(c);
		return r;
	}
	return c;
}

/* A connected pair of the kind: fd[0] for the parent, fd[1] for the child (to be used
 * after fork; the parent closes fd[1], the child fd[0]). Returns 0, or -1 when the kind
 * is not available (reported). */
static inline int sock_pair(const char *name, enum sock_kind kind, int fd[2])
{
	if (kind == SOCK_KIND_UNIX) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) < 0)
			return sock_fail(name, "socketpair(AF_UNIX, SOCK_STREAM)");
		return 0;
	}
	struct sockaddr_in addr;
	int l = sock_tcp_listener(name, &addr);
	if (l < 0)
		return -1;
	fd[1] = sock_tcp_connect(name, &addr);
	if (fd[1] < 0) {
		close(l);
		return -1;
	}
	fd[0] = accept(l, NULL, NULL);
	if (fd[0] < 0)
		bench_die("accept");
	close(l);
	sock_nodelay(fd[0]);
	sock_nodelay(fd[1]);
	return 0;
}

/* Reads exactly n bytes (a stream may return fewer per call); 0 at end of stream. */
static inline long sock_read_full(int fd, char *buf, long n)
{
	long got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			bench_die("read");
		if (r == 0)
			break;
		got += r;
	}
	return got;
}

static inline void sock_write_full(int fd, const char *buf, long n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			bench_die("write");
		buf += w;
		n -= w;
	}
}

static inline pid_t sock_fork(void)
{
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	return pid;
}

static inline void sock_reap(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "socket benchmark: the child failed (status %#x)\n", st);
		exit(1);
	}
}

/* One case over a connected pair: a child runs serve(its end) and must _exit(0); the
 * parent times loop with *peer set to its end, then closes it and reaps the child. Nothing
 * runs when the case is not selected or has no such sockets here. */
static inline void sock_case_with_child(const char *name, enum sock_kind kind, long base,
					void (*serve)(int fd), void (*loop)(long n), int *peer)
{
	int fd[2];
	if (!bench_selected(name) || sock_pair(name, kind, fd) < 0)
		return;
	pid_t pid = sock_fork();
	if (pid == 0) {
		close(fd[0]);
		serve(fd[1]);
		_exit(1);
	}
	close(fd[1]);
	*peer = fd[0];
	bench_case(name, loop, base);
	close(*peer);
	sock_reap(pid);
}

/* A server program started with stdout and stderr (and stdin too with null_stdin) on
 * /dev/null: its pid. */
static inline pid_t sock_spawn_quiet(char **argv, int null_stdin)
{
	pid_t pid = sock_fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			if (null_stdin)
				dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* 0 once server `what` (pid) answers a TCP connection at addr; -1 when it exited (said on
 * stdout) or after 20 s of 10 ms retries. */
static inline int sock_wait_server(pid_t pid, const char *what, const struct sockaddr_in *addr)
{
	struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
	for (int i = 0; i < 2000; i++) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			printf("# %s exited (status %#x) before it answered\n", what, st);
			return -1;
		}
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c >= 0 && connect(c, (const struct sockaddr *)addr, sizeof *addr) == 0) {
			close(c);
			return 0;
		}
		if (c >= 0)
			close(c);
		nanosleep(&ten_ms, NULL);
	}
	return -1;
}

#endif
