/* whereami: says which ring it runs in, from its own %cs, and whether it got AT_SYSINFO.
 *
 * usage: whereami [-a] [-x PATH ARG...]
 *   prints "ring=N sysinfo=yes|no" (N = %cs & 3); exit 0 when the two agree (AT_SYSINFO
 *   exactly in ring 0), 1 otherwise.
 *   -a  also prints "entry=0x..." (the AT_SYSINFO value: the kernel's ring-0 entry) when
 *       there is one, so a test can hand that address to a ring-3 program.
 *   -x  afterwards execve's PATH with ARG... (argv[0] = PATH) and the same environment; if
 *       that fails it prints "whereami: execve PATH failed (errno N)" and exits 2.
 * Built twice: /bin/whereami (r0cc: trusted) and /bin/whereami-nonote (the same file with
 * the ringzero note removed: untrusted), and as static PIE (/bin/whereami-pie).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#ifndef AT_SYSINFO
#define AT_SYSINFO 32
#endif

extern char **environ;

int main(int argc, char **argv)
{
	unsigned short cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	unsigned long sysinfo = getauxval(AT_SYSINFO);
	int ring = cs & 3, i = 1, show = 0;
	if (i < argc && !strcmp(argv[i], "-a")) {
		show = 1;
		i++;
	}
	printf("ring=%d sysinfo=%s\n", ring, sysinfo ? "yes" : "no");
	if (show && sysinfo)
		printf("entry=%#lx\n", sysinfo);
	fflush(stdout);
	int ok = (ring == 0) == (sysinfo != 0) && (ring == 0 || ring == 3);
	if (i < argc && !strcmp(argv[i], "-x") && i + 1 < argc) {
		execve(argv[i + 1], argv + i + 1, environ);
		printf("whereami: execve %s failed (errno %d)\n", argv[i + 1], errno);
		return 2;
	}
	return ok ? 0 : 1;
}
