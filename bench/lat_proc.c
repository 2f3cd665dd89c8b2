/* lat_proc.c: process and thread creation.
 *
 *   lat_proc MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases: fork (fork, the child _exits, the parent waits), exec (fork, the child execve()s
 * this program with the single argument --exit, which _exits at once, the parent waits),
 * spawn (posix_spawn of the same and wait), thread (pthread_create of a thread that returns
 * at once, and pthread_join). The program executes itself through argv[0], or $BENCH_SELF
 * when set; exec and spawn are skipped (with a note on stderr) when that is not executable.
 */
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include "bench.h"

extern char **environ;
static const char *self;
static char *child_argv[3];

static void loop_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			bench_die("fork");
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
	}
}

static void loop_exec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0)
			bench_die("fork");
		if (pid == 0) {
			execve(self, child_argv, environ);
			_exit(127);
		}
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "lat_proc: execve %s failed\n", self);
			exit(1);
		}
	}
}

static void loop_spawn(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid;
		if (posix_spawn(&pid, self, NULL, NULL, child_argv, environ) != 0)
			bench_die("posix_spawn");
		waitpid(pid, NULL, 0);
	}
}

static void *thread_fn(void *arg) { return arg; }

static void loop_thread(long n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_fn, NULL) != 0)
			bench_die("pthread_create");
		pthread_join(t, NULL);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--exit"))
		_exit(0);
	bench_init(argc, argv, "fork exec spawn thread");
	self = getenv("BENCH_SELF");
	if (!self || !*self)
		self = argv[0];
	child_argv[0] = (char *)self;
	child_argv[1] = "--exit";
	child_argv[2] = NULL;
	bench_case("fork", loop_fork, 40);
	if (access(self, X_OK) == 0) {
		bench_case("exec", loop_exec, 40);
		bench_case("spawn", loop_spawn, 40);
	} else {
		fprintf(stderr, "lat_proc: %s is not executable, exec and spawn skipped\n", self);
	}
	bench_case("thread", loop_thread, 200);
	return 0;
}
