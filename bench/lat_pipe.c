/* lat_pipe.c: a pipe round trip between two processes.
 *
 *   lat_pipe MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Case pipe: the parent writes one byte into a pipe, the child reads it and writes it back
 * through a second pipe, the parent reads it: two writes, two reads and (on one CPU) two
 * context switches per iteration, as lmbench's lat_pipe.
 */
#include <signal.h>
#include <sys/wait.h>
#include "bench.h"

static int to_child[2], to_parent[2];

static void loop_pipe(long n)
{
	char c = 'x';
	for (long i = 0; i < n; i++) {
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			bench_die("pipe round trip");
	}
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "pipe");
	if (!bench_selected("pipe"))
		return 0;
	if (pipe(to_child) < 0 || pipe(to_parent) < 0)
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
	bench_case("pipe", loop_pipe, 2000);
	close(to_child[1]);
	waitpid(pid, NULL, 0);
	return 0;
}
