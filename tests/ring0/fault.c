/* fault: one fault, which must end the program with the signal Linux sends (contract 4), in
 * whichever ring it runs. The kernel goes on; the shell prints "killed by SIGxxx".
 *
 * usage: fault null|ro|stack|ud2|div0|int3|kwrite|nx|noncanon [ADDR]
 *   null      write through a null pointer                       SIGSEGV
 *   ro        write to .rodata                                   SIGSEGV
 *   stack     unbounded recursion into the stack guard           SIGSEGV
 *   ud2       an undefined instruction                           SIGILL
 *   div0      integer divide by zero                             SIGFPE
 *   int3      a breakpoint                                       SIGTRAP
 *   kwrite    write to kernel text: AT_SYSINFO (the entry, in ring 0), else ADDR (hex), else
 *             0xffffffff80200000 (the kernel image). It writes back the byte it read, so a
 *             kernel that wrongly allowed the write is not damaged by it   SIGSEGV
 *   nx        call into a non-executable data page                SIGSEGV
 *   noncanon  read through a non-canonical address (#GP)          SIGSEGV
 * Output: "fault: WHAT", then nothing: "fault: survived WHAT" and exit 0 mean the fault did
 * not end the program. Also the building block of faultloop.c (fault_do()).
 */
#include "r0test.h"

static const char rodata_word[16] = "read-only";

static int recurse(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	if (n < 0) /* never: the guard page comes first */
		return 0;
	return recurse(n + 1) + buf[0];
}

static unsigned long kernel_address(const char *arg)
{
	unsigned long a = getauxval(AT_SYSINFO);
	if (!a && arg)
		a = strtoul(arg, NULL, 16);
	return a ? a : 0xffffffff80200000UL;
}

/* Returns only when the fault did not happen. */
static int fault_do(const char *what, const char *arg)
{
	if (!strcmp(what, "null"))
		*(volatile int *)0 = 1;
	else if (!strcmp(what, "ro"))
		*(volatile char *)(void *)rodata_word = 'X';
	else if (!strcmp(what, "stack"))
		printf("%d\n", recurse(0));
	else if (!strcmp(what, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "div0")) {
		unsigned q, d = 0;
		__asm__ volatile("xorl %%edx, %%edx; movl $100, %%eax; divl %1" : "=&a"(q) : "r"(d) : "rdx");
		printf("%u\n", q);
	} else if (!strcmp(what, "int3"))
		__asm__ volatile("int3");
	else if (!strcmp(what, "kwrite")) {
		volatile unsigned char *p = (volatile unsigned char *)kernel_address(arg);
		unsigned char v = *p; /* ring 0 may read kernel text; ring 3 faults here already */
		*p = v;
	} else if (!strcmp(what, "nx")) {
		static unsigned char code[] = {0xc3};
		((void (*)(void))(void *)code)();
	} else if (!strcmp(what, "noncanon"))
		printf("%d\n", *(volatile int *)0x8000000000000000UL);
	else {
		printf("fault: unknown fault '%s'\n", what);
		return 2;
	}
	return 0;
}

#ifndef FAULT_NO_MAIN
int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "null";
	printf("fault: %s\n", what);
	fflush(stdout);
	if (fault_do(what, argc > 2 ? argv[2] : NULL))
		return 2;
	printf("fault: survived %s\n", what);
	return 0;
}
#endif
