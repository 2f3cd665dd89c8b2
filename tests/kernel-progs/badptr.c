/* badptr: bad pointers to system calls give EFAULT, never a kernel fault. For each of
 * read, write, open, stat, pipe, wait4: NULL, a kernel address, an unmapped address, and
 * a buffer straddling the end of a mapping. Prints "NAME: EFAULT" (or what came back). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static void report(const char *name, long r)
{
	int e = errno;
	if (r == -1 && e == EFAULT) {
		printf("%s: EFAULT\n", name);
	} else {
		printf("%s: NOT EFAULT (r=%ld errno=%d %s)\n", name, r, e, strerror(e));
		failures++;
	}
}

int main(void)
{
	char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096); /* page+4096 is now unmapped */
	memset(page, 'x', 4096);   /* no NUL until the end of the mapping */
	char *straddle = page + 4096 - 4;
	const char *unmapped = page + 4096;
	void *kernel = (void *)0xffffffff80200000UL;
	struct {
		const char *name;
		void *p;
	} bad[] = {{"null", NULL}, {"kernel", kernel}, {"unmapped", (void *)unmapped}, {"straddle", straddle}};
	int fd = open("/etc/motd", O_RDONLY);
	char name[64];
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *p = bad[i].p;
		snprintf(name, sizeof(name), "read-%s", bad[i].name);
		errno = 0;
		report(name, syscall(SYS_read, fd, p, 64));
		lseek(fd, 0, SEEK_SET);
		snprintf(name, sizeof(name), "write-%s", bad[i].name);
		errno = 0;
		report(name, syscall(SYS_write, 1, p, 64));
		snprintf(name, sizeof(name), "open-%s", bad[i].name);
		errno = 0;
		report(name, syscall(SYS_open, p, O_RDONLY));
		snprintf(name, sizeof(name), "stat-%s", bad[i].name);
		errno = 0;
		report(name, syscall(SYS_stat, "/etc/motd", p));
		snprintf(name, sizeof(name), "pipe-%s", bad[i].name);
		errno = 0;
		report(name, syscall(SYS_pipe, i == 3 ? (void *)(page + 4096 - 4) : p));
		if (i > 0) { /* NULL status is allowed by wait4 */
			pid_t c = fork();
			if (c == 0)
				_exit(7);
			snprintf(name, sizeof(name), "wait4-%s", bad[i].name);
			errno = 0;
			report(name, syscall(SYS_wait4, c, i == 3 ? (void *)(page + 4096 - 2) : p, 0, NULL));
			waitpid(c, NULL, WNOHANG);
		}
	}
	printf("badptr: %d failures\n", failures);
	return failures ? 1 : 0;
}
