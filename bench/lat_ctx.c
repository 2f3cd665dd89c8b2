/* lat_ctx.c: a context switch between two processes, as lmbench's lat_ctx measures it.
 *
 *   lat_ctx MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Case ctx: two processes pass a one-byte token back and forth through two pipes (each
 * round trip is two context switches, two writes and two reads); the cost of the pipe
 * operations alone, measured in one process that writes the byte into a pipe and reads it
 * back, is subtracted, and the remainder halved: the figure is per switch. Both processes
 * are pinned to the parent's CPU where sched_setaffinity works (the host has several
 * CPUs, the guests one), so that the token really switches processes on one CPU. The
 * unadjusted round trip (unpinned) is lat_pipe's case pipe.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include "bench.h"

static int to_child[2], to_parent[2], self_pipe[2];

static void loop_round_trip(long n)
{
	char c = 'x';
	for (long i = 0; i < n; i++)
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			bench_die("token round trip");
}

static void loop_overhead(long n)
{
	char c = 'x';
	for (long i = 0; i < n; i++)
		if (write(self_pipe[1], &c, 1) != 1 || read(self_pipe[0], &c, 1) != 1)
			bench_die("pipe overhead");
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "ctx");
	if (!bench_selected("ctx"))
		return 0;
	int cpu = sched_getcpu();
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		sched_setaffinity(0, sizeof set, &set);   /* inherited by the child */
	}
	if (pipe(to_child) < 0 || pipe(to_parent) < 0 || pipe(self_pipe) < 0)
		bench_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		char c;
		close(to_child[1]);
		close(to_parent[0]);
		while (read(to_child[0], &c, 1) == 1)
			if (write(to_parent[1], &c, 1) != 1)
				break;
		_exit(0);
	}
	close(to_child[0]);
	close(to_parent[1]);
	long n = bench_iters(2000);
	struct bench_sample rt = bench_median(loop_round_trip, n);
	struct bench_sample ov = bench_median(loop_overhead, n);
	double ns = (rt.ns - 2 * ov.ns) / (2.0 * n), ticks = (rt.ticks - 2 * ov.ticks) / (2.0 * n);
	bench_print("ctx", n, ns > 0 ? ns : 0, ticks > 0 ? ticks : 0);
	close(to_child[1]);
	waitpid(pid, NULL, 0);
	return 0;
}
