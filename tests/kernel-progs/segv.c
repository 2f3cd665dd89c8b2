/* segv: faults a program can make, each ending it with the signal Linux sends.
 * usage: segv null|kernel|write-ro|exec-nx|ud2|div0|int3|stack|jump-kernel */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int recurse(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	if (n < 0) /* never: the guard page comes first */
		return 0;
	return recurse(n + 1) + buf[0];
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "null";
	printf("segv: %s\n", what);
	fflush(stdout);
	if (!strcmp(what, "null"))
		*(volatile int *)0 = 1;
	else if (!strcmp(what, "kernel"))
		printf("%d\n", *(volatile int *)0xffffffff80200000UL);
	else if (!strcmp(what, "write-ro"))
		*(volatile char *)(void *)main = 0;
	else if (!strcmp(what, "exec-nx")) {
		static unsigned char code[] = {0xc3};
		((void (*)(void))(void *)code)();
	} else if (!strcmp(what, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(what, "div0")) {
		unsigned q, d = 0;
		__asm__ volatile("xorl %%edx, %%edx; movl $100, %%eax; divl %1" : "=&a"(q) : "r"(d) : "rdx");
		printf("%u\n", q);
	} else if (!strcmp(what, "int3"))
		__asm__ volatile("int3");
	else if (!strcmp(what, "stack"))
		printf("%d\n", recurse(0));
	else if (!strcmp(what, "jump-kernel"))
		((void (*)(void))0xffffffff80200000UL)();
	printf("segv: survived %s\n", what);
	return 0;
}
