/* forkloop: N fork/exit/wait cycles (default 1000); the free-frame count must come back. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, bad = 0;
	for (int i = 0; i < n; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(i & 0x7f);
		int st;
		if (c < 0 || waitpid(c, &st, 0) != c || WEXITSTATUS(st) != (i & 0x7f))
			bad++;
	}
	printf("forkloop: %d cycles, %d bad\n", n, bad);
	return bad != 0;
}
