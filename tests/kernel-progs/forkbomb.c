/* forkbomb: forks until the kernel refuses (EAGAIN or ENOMEM), then reaps everything. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int n = 0, err = 0;
	for (;;) {
		pid_t c = fork();
		if (c == 0)
			_exit(0); /* stays a zombie until reaped: it still counts */
		if (c < 0) {
			err = errno;
			break;
		}
		n++;
		if (n > 100000)
			break;
	}
	int reaped = 0;
	while (wait(NULL) > 0)
		reaped++;
	printf("forkbomb: %d children, then %s; reaped %d\n", n, err == EAGAIN ? "EAGAIN" : err == ENOMEM ? "ENOMEM" : strerror(err), reaped);
	return (err == EAGAIN || err == ENOMEM) && reaped == n ? 0 : 1;
}
