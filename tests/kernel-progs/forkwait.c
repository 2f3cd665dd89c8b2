/* forkwait: fork, vfork, wait4 (WNOHANG, status encoding), getpid/getppid. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	volatile int bad = 0;
	pid_t me = getpid();
	for (int i = 0; i < 5; i++) {
		pid_t c = fork();
		if (c < 0) {
			perror("fork");
			return 1;
		}
		if (c == 0) {
			if (getppid() != me)
				_exit(100);
			_exit(10 + i);
		}
	}
	int seen = 0;
	for (int i = 0; i < 5; i++) {
		int st;
		pid_t p = wait(&st);
		if (p <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) < 10 || WEXITSTATUS(st) > 14)
			bad++;
		else
			seen |= 1 << (WEXITSTATUS(st) - 10);
	}
	if (seen != 31)
		bad++;
	if (wait(NULL) != -1)
		bad++;
	/* WNOHANG while the child still runs */
	pid_t c = fork();
	if (c == 0) {
		for (volatile int i = 0; i < 2000000; i++)
			;
		_exit(0);
	}
	int st;
	if (waitpid(c, &st, WNOHANG) != 0)
		bad++;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st))
		bad++;
	/* vfork: the parent waits until the child exits */
	volatile int shared = 0;
	c = vfork();
	if (c == 0) {
		shared = 42;
		_exit(5);
	}
	if (shared != 42)
		bad++;
	if (waitpid(c, &st, 0) != c || WEXITSTATUS(st) != 5)
		bad++;
	/* killed by a signal */
	c = fork();
	if (c == 0) {
		pause();
		_exit(0);
	}
	kill(c, SIGTERM);
	if (waitpid(c, &st, 0) != c || !WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		bad++;
	printf("forkwait: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
