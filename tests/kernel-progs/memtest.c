/* memtest: brk, mmap (anonymous, MAP_FIXED, PROT_NONE), munmap, mprotect; a PROT_NONE guard
 * and a read-only page end a child with SIGSEGV. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int child_signal(void (*fn)(char *), char *p)
{
	pid_t c = fork();
	if (c == 0) {
		fn(p);
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	return WIFSIGNALED(st) ? WTERMSIG(st) : -WEXITSTATUS(st);
}

static void touch_read(char *p) { printf("read %d\n", *(volatile char *)p); }
static void touch_write(char *p) { *(volatile char *)p = 1; }

int main(void)
{
	int bad = 0;
	/* brk */
	char *b0 = (char *)syscall(SYS_brk, 0);
	char *b1 = (char *)syscall(SYS_brk, b0 + 100000);
	if (b1 != b0 + 100000) {
		printf("brk grow failed\n");
		bad++;
	} else {
		memset(b0, 7, 100000);
		if ((char *)syscall(SYS_brk, b0 + 10) != b0 + 10)
			bad++;
	}
	/* mmap anonymous: zero-filled */
	size_t n = 16 * 4096;
	char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return printf("mmap failed\n"), 1;
	for (size_t i = 0; i < n; i++)
		if (m[i]) {
			bad++;
			break;
		}
	memset(m, 1, n);
	/* MAP_FIXED over the middle replaces it with zeroes */
	char *f = mmap(m + 4 * 4096, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (f != m + 4 * 4096 || f[0] != 0 || m[3 * 4096] != 1 || m[5 * 4096] != 1)
		bad++;
	/* munmap a hole: touching it is SIGSEGV */
	munmap(m + 8 * 4096, 4096);
	if (child_signal(touch_read, m + 8 * 4096) != SIGSEGV) {
		printf("munmap hole readable\n");
		bad++;
	}
	/* PROT_NONE guard */
	if (mprotect(m, 4096, PROT_NONE) || child_signal(touch_read, m) != SIGSEGV) {
		printf("PROT_NONE guard not enforced\n");
		bad++;
	}
	/* read-only */
	if (mprotect(m + 4096, 4096, PROT_READ) || child_signal(touch_write, m + 4096) != SIGSEGV) {
		printf("read-only page writable\n");
		bad++;
	}
	if (child_signal(touch_read, m + 4096) != 0)
		bad++;
	/* back to read-write keeps the contents */
	if (mprotect(m, 2 * 4096, PROT_READ | PROT_WRITE) || m[4096] != 1 || m[0] != 1)
		bad++;
	m[0] = 9;
	/* errors */
	if (mmap((void *)1, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED || errno != EINVAL)
		bad++;
	if (mprotect(m + 8 * 4096, 4096, PROT_READ) != -1 || errno != ENOMEM)
		bad++;
	if (munmap(m, n) != 0)
		bad++;
	/* a big mapping is lazily allocated */
	char *big = mmap(NULL, 256UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		bad++;
	else {
		big[0] = 1;
		big[(256UL << 20) - 1] = 2;
		munmap(big, 256UL << 20);
	}
	/* MAP_SHARED anonymous memory stays shared across fork; MAP_PRIVATE does not */
	volatile int *sh = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *pr = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh[0] = 1;
	pr[0] = 1;
	pid_t c = fork();
	if (c == 0) {
		sh[0] = 2;
		sh[1024] = 3; /* a page neither side had touched */
		pr[0] = 2;
		_exit(0);
	}
	waitpid(c, NULL, 0);
	if (sh[0] != 2 || sh[1024] != 3 || pr[0] != 1) {
		printf("map-shared: %d %d %d\n", sh[0], sh[1024], pr[0]);
		bad++;
	}
	printf("memtest: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
