/* callcount: makes an exact number of system calls, so the test can check the counters of
 * `kexec -v` / `exec -v` to the call.
 *
 * usage: callcount K [fork]
 *   K times each of getppid and clock_gettime (in ring 0: the entry's leaf path), read of
 *   one byte of /dev/zero (the lite path) and umask (the full path), 4K calls in all,
 *   between the same startup and exit calls whatever K is. With "fork" the K rounds run in
 *   a child, which then _exits; the parent waits (the child's calls count for the parent:
 *   they must arrive whole, including those since the child's last context switch).
 *   Prints "callcount: ring=N K=K" and exits 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void rounds(int k, int zero)
{
	struct timespec ts;
	char c;
	for (int i = 0; i < k; i++) {
		getppid();
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); /* libc's would use the vDSO */
		if (read(zero, &c, 1) != 1)
			_exit(2);
		umask(022);
	}
}

int main(int argc, char **argv)
{
	unsigned short cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	int k = argc > 1 ? atoi(argv[1]) : 0;
	int in_child = argc > 2 && !strcmp(argv[2], "fork");
	int zero = open("/dev/zero", O_RDONLY);
	if (zero < 0)
		return 1;
	if (in_child) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			rounds(k, zero);
			_exit(0);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			return 1;
	} else {
		rounds(k, zero);
	}
	printf("callcount: ring=%d K=%d\n", cs & 3, k);
	return 0;
}
