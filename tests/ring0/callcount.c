/* callcount: makes an exact number of system calls, so the test can check the counters of
 * `kexec -v` / `exec -v` to the call.
 *
 * usage: callcount K
 *   K times each of getppid and clock_gettime (in ring 0: the entry's leaf path) and umask
 *   (the full path), 3K calls in all, between the same startup and exit calls whatever K
 *   is. Prints "callcount: ring=N K=K" and exits 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned short cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	int k = argc > 1 ? atoi(argv[1]) : 0;
	struct timespec ts;
	for (int i = 0; i < k; i++) {
		getppid();
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts); /* libc's would use the vDSO */
		umask(022);
	}
	printf("callcount: ring=%d K=%d\n", cs & 3, k);
	return 0;
}
