/* preempt: the timer takes the CPU from a program that never makes a system call. The
 * child spins; the parent spins too, reading the clock through the vDSO-less clock_gettime,
 * and counts the gaps (> 300 us) in its own timeline: each is a time slice the child got. */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void)
{
	pid_t c = fork();
	if (c == 0)
		for (;;)
			;
	long long start = now_ns(), last = start;
	int gaps = 0;
	while (last - start < 50000000LL) { /* 50 ms */
		long long t = now_ns();
		if (t - last > 300000)
			gaps++;
		last = t;
	}
	kill(c, SIGKILL);
	int st;
	waitpid(c, &st, 0);
	printf("preempt: %s (%d slices went to the spinning child in 50 ms)\n", gaps >= 5 ? "ok" : "FAILED", gaps);
	return gaps >= 5 ? 0 : 1;
}
