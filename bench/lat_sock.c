/* lat_sock.c: socket latencies in the lmbench tradition (lat_unix, lat_tcp, lat_connect).
 *
 *   lat_sock MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases:
 *   lat_unix     a one-byte round trip over an AF_UNIX stream socketpair between two
 *                processes: the parent writes the byte, the child reads it and writes it
 *                back, the parent reads it (as lmbench's lat_unix)
 *   lat_tcp      the same over a TCP connection on loopback (127.0.0.1, TCP_NODELAY), as
 *                lmbench's lat_tcp
 *   lat_connect  a TCP connection on loopback made and closed: the parent connects, the
 *                child (a server) accepts and closes, the parent reads the end of stream and
 *                closes (the server closes first, so the TIME_WAIT state stays on its side
 *                and the client's ephemeral ports are never used up)
 *
 * A case whose sockets the system does not have prints "# unavailable CASE: ..." instead of
 * its CSV line (sock.h), and the next case runs.
 */
#include "sock.h"

static int peer;    /* the parent's end (lat_unix, lat_tcp) */
static struct sockaddr_in server;

static void loop_round_trip(long n)
{
	char c = 'x';
	for (long i = 0; i < n; i++)
		if (write(peer, &c, 1) != 1 || read(peer, &c, 1) != 1)
			bench_die("socket round trip");
}

static void echo(int fd)
{
	char c;
	while (read(fd, &c, 1) == 1)
		if (write(fd, &c, 1) != 1)
			_exit(1);
	_exit(0);
}

static void case_round_trip(const char *name, enum sock_kind kind, long base)
{
	sock_case_with_child(name, kind, base, echo, loop_round_trip, &peer);
}

static void loop_connect(long n)
{
	char c;
	for (long i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			bench_die("socket");
		if (connect(s, (struct sockaddr *)&server, sizeof server) < 0)
			bench_die("connect");
		if (read(s, &c, 1) != 0)
			bench_die("read (the server's close)");
		close(s);
	}
}

static void case_connect(long base)
{
	const char *name = "lat_connect";
	if (!bench_selected(name))
		return;
	int l = sock_tcp_listener(name, &server);
	if (l < 0)
		return;
	int probe = sock_tcp_connect(name, &server);     /* loopback may be down */
	if (probe < 0) {
		close(l);
		return;
	}
	close(probe);
	pid_t pid = sock_fork();
	if (pid == 0) {
		for (;;) {
			int a = accept(l, NULL, NULL);
			if (a < 0 && errno != EINTR && errno != ECONNABORTED)
				_exit(1);
			if (a >= 0)
				close(a);
		}
	}
	close(l);
	bench_case(name, loop_connect, base);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "lat_unix lat_tcp lat_connect");
	signal(SIGPIPE, SIG_IGN);
	case_round_trip("lat_unix", SOCK_KIND_UNIX, 2000);
	case_round_trip("lat_tcp", SOCK_KIND_TCP, 1000);
	case_connect(200);
	return 0;
}
