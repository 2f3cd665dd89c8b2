/* bw_sock.c: stream socket throughput in the lmbench tradition (bw_unix, bw_tcp).
 *
 *   bw_sock MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases:
 *   bw_unix   64 KiB writes through an AF_UNIX stream socketpair to another process
 *   bw_tcp    the same through a TCP connection on loopback (127.0.0.1)
 *
 * One operation is one 64 KiB write, and the reads in the other process that take it in.
 * A repetition of n operations: the parent (the writer, timed) sends an 8-byte count n,
 * then n chunks of 64 KiB with write(); the child reads exactly that much (into a 64 KiB
 * buffer, as many reads as the socket gives) and answers one byte, which the parent waits
 * for, so the time covers the whole transfer and not only filling the socket's buffer.
 * The figure is per 64 KiB: 65536 / ns_per_op is bytes per ns (GB/s).
 *
 * A case whose sockets the system does not have prints "# unavailable CASE: ..." instead of
 * its CSV line (sock.h), and the next case runs.
 */
#include "sock.h"

#define CHUNK 65536L
static char buf[CHUNK];
static int peer;

static void loop_send(long n)
{
	char ack;
	uint64_t count = n;
	sock_write_full(peer, (const char *)&count, sizeof count);
	for (long i = 0; i < n; i++)
		sock_write_full(peer, buf, CHUNK);
	if (sock_read_full(peer, &ack, 1) != 1)
		bench_die("the reader's answer");
}

/* The child: takes repetitions until the end of stream. */
static void sink(int fd)
{
	uint64_t count;
	while (sock_read_full(fd, (char *)&count, sizeof count) == sizeof count) {
		for (uint64_t i = 0; i < count; i++)
			if (sock_read_full(fd, buf, CHUNK) != CHUNK)
				_exit(1);
		sock_write_full(fd, "k", 1);
	}
	_exit(0);
}

static void case_bw(const char *name, enum sock_kind kind, long base)
{
	memset(buf, 'b', sizeof buf);
	sock_case_with_child(name, kind, base, sink, loop_send, &peer);
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "bw_unix bw_tcp");
	signal(SIGPIPE, SIG_IGN);
	case_bw("bw_unix", SOCK_KIND_UNIX, 256);
	case_bw("bw_tcp", SOCK_KIND_TCP, 256);
	return 0;
}
