/* pollwake: poll and select wake only the waiters of the object that changed (issue 10,
 * item 13). A pipe ping-pong between two processes must cost the same number of guest
 * instructions per round trip whether or not a third process sleeps in select() on an
 * unrelated pipe (when every pipe change woke every poller, it cost 38 % more). The sleeper
 * must still wake, with the right answer, when its own pipe is written.
 *
 * Under -icount the TSC counts guest instructions (the whole machine's: the sleeper's
 * wake-ups are counted too), so the comparison is exact. On the host the figures are cycles
 * and the bound is not checked.
 *
 * Usage: pollwake [-c] [ROUNDS]   -c: check the bound (under icount); default 2000 rounds. */
#include "../ring0/r0test.h"
#include <sys/select.h>
#include <sys/wait.h>
#include <x86intrin.h>

static int check_bounds;

/* Instructions (ticks) per round trip over two pipes, with a select() sleeper or without. */
static uint64_t ping_pong(long rounds, int with_sleeper)
{
	int ab[2], ba[2], u[2];
	CHECK(pipe(ab) == 0 && pipe(ba) == 0 && pipe(u) == 0, "pipes");
	pid_t echo = fork();
	if (echo == 0) {
		char c;
		close(ab[1]); /* only the parent may hold the write end: EOF ends this loop */
		close(ba[0]);
		close(u[0]);
		close(u[1]);
		while (read(ab[0], &c, 1) == 1)
			if (write(ba[1], &c, 1) != 1)
				_exit(2);
		_exit(0);
	}
	pid_t sleeper = -1;
	if (with_sleeper) {
		sleeper = fork();
		if (sleeper == 0) {
			close(ab[0]);
			close(ab[1]);
			close(ba[0]);
			close(ba[1]);
			close(u[1]);
			fd_set rd;
			FD_ZERO(&rd);
			FD_SET(u[0], &rd);
			int n = select(u[0] + 1, &rd, NULL, NULL, NULL);
			char c = 0;
			_exit(n == 1 && FD_ISSET(u[0], &rd) && read(u[0], &c, 1) == 1 && c == 'u' ? 0 : 3);
		}
	}
	close(ab[0]);
	close(ba[1]);
	char c = 'x';
	uint64_t t0 = 0;
	for (long i = -10; i < rounds; i++) { /* ten rounds to warm up (and let the sleeper sleep) */
		if (i == 0)
			t0 = __rdtsc();
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) {
			CHECK(0, "round trip %ld", i);
			break;
		}
	}
	uint64_t per = (__rdtsc() - t0) / (uint64_t)rounds;
	close(ab[1]);
	int st;
	CHECK(waitpid(echo, &st, 0) == echo && WIFEXITED(st) && WEXITSTATUS(st) == 0, "echo process");
	if (with_sleeper) {
		CHECK(write(u[1], "u", 1) == 1, "wake the sleeper");
		CHECK(waitpid(sleeper, &st, 0) == sleeper && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the sleeper woke with its pipe readable (status %#x)", st);
	}
	close(ba[0]);
	close(u[0]);
	close(u[1]);
	return per;
}

int main(int argc, char **argv)
{
	r0_start("pollwake");
	int i = 1;
	if (i < argc && !strcmp(argv[i], "-c")) {
		check_bounds = 1;
		i++;
	}
	long rounds = i < argc ? atol(argv[i]) : 2000;
	int f = r0_failures;
	uint64_t alone = ping_pong(rounds, 0), beside = ping_pong(rounds, 1);
	fprintf(stderr, "pollwake: round trip %llu alone, %llu beside a select() sleeper\n",
		(unsigned long long)alone, (unsigned long long)beside);
	/* 2 % and a few instructions of slack: the same kernel paths, give or take timer phase. */
	int ok = beside * 100 <= alone * 102 + 2000;
	printf("pollwake: a sleeper elsewhere %s the round trip\n", ok ? "does not slow" : "slows");
	if (check_bounds)
		CHECK(ok, "round trip %llu alone, %llu beside a sleeper", (unsigned long long)alone,
		      (unsigned long long)beside);
	r0_part("ping-pong", f);
	R0_DONE();
}
