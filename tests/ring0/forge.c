/* forge: a program that tries to get into ring 0, or to get an entry, on its own (contract 3).
 *
 * usage: forge auxv ADDR | forge sysinfo ADDR | forge own
 *   auxv ADDR     rewrites its own auxiliary vector in memory so that AT_SYSINFO = ADDR
 *                 (getauxval sees it), puts AT_SYSINFO=ADDR in the environment too, then
 *                 execve's /bin/whereami (marked): the kernel builds a new auxv from its own
 *                 knowledge, so from ring 3 whereami says "ring=3 sysinfo=no"
 *   sysinfo ADDR  points the library's entry pointer (__sysinfo) at ADDR (the real entry) and
 *                 makes a system call: from ring 3 a supervisor page, so SIGSEGV
 *   own           points __sysinfo at its own forwarder (syscall; ret): the calls work and the
 *                 program is still in the ring it started in ("forge: own entry ok ring=N")
 * Each mode first prints "forge: ring=N".
 */
#include <sys/syscall.h>
#include "r0test.h"

extern unsigned long __sysinfo; /* musl's entry pointer (hidden in libc.a, linkable) */
extern char **environ;

__asm__(".text\n.globl forge_forwarder\nforge_forwarder:\n\tsyscall\n\tret\n");
void forge_forwarder(void);

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "own";
	unsigned long addr = argc > 2 ? strtoul(argv[2], NULL, 16) : 0;
	int ring = r0_start("forge");
	if (!strcmp(mode, "auxv")) {
		char **e = environ;
		while (*e)
			e++;
		unsigned long *av = (unsigned long *)(e + 1), *slot = NULL;
		for (unsigned long *p = av; p[0]; p += 2)
			if (p[0] == AT_SYSINFO || (!slot && p[0] == AT_HWCAP))
				slot = p;
		if (!slot) {
			printf("forge: no auxv slot to overwrite\n");
			return 2;
		}
		slot[0] = AT_SYSINFO;
		slot[1] = addr;
		CHECK(getauxval(AT_SYSINFO) == addr, "the forged auxv entry is not visible");
		char env[64];
		snprintf(env, sizeof env, "AT_SYSINFO=%#lx", addr);
		char *nenv[] = {env, NULL};
		char *nargv[] = {"/bin/whereami", NULL};
		fflush(stdout);
		execve(nargv[0], nargv, nenv);
		printf("forge: execve failed (errno %d)\n", errno);
		return 2;
	}
	if (!strcmp(mode, "sysinfo")) {
		__sysinfo = addr;
		long r = syscall(SYS_getppid); /* through the forged pointer */
		__sysinfo = (unsigned long)forge_forwarder;
		printf("forge: survived a call through %#lx (returned %s)\n", addr, r > 0 ? "a pid" : "an error");
		return 1;
	}
	__sysinfo = (unsigned long)forge_forwarder;
	long pid = syscall(SYS_getpid), ppid = syscall(SYS_getppid);
	CHECK(pid > 0 && ppid > 0, "calls through the forwarder");
	CHECK_EQ(cur_ring(), ring);
	printf("forge: own entry %s ring=%d\n", r0_failures ? "FAILED" : "ok", cur_ring());
	return r0_failures != 0;
}
