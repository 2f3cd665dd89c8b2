/* linger: leaves a child behind, so that the shell's `ps` can show a process of this ring.
 * The child (same ring: fork) waits in pause() until it is killed; the parent prints
 * "linger: child N" and exits 0. The test then runs `ps` and kills N with busybox kill.
 */
#include <signal.h>
#include "r0test.h"

int main(void)
{
	int p[2];
	r0_start("linger");
	if (pipe(p))
		return 1;
	pid_t c = fork();
	if (c == 0) {
		close(p[0]);
		close(p[1]); /* the parent's read sees EOF: the child is running */
		for (;;)
			pause();
	}
	close(p[1]);
	char x;
	(void)!read(p[0], &x, 1);
	printf("linger: child %d\n", (int)c);
	return c > 0 ? 0 : 1;
}
