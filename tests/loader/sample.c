/* sample.c: a tiny program the loader tests link statically (glibc) to get real
 * ET_EXEC / static-PIE files, with and without the ringzero note. It is never run. */
#include <stdio.h>

static char bss[100000];
int data = 42;

int main(int argc, char **argv)
{
	bss[argc] = (char)data;
	printf("%s %d\n", argv[0], bss[1]);
	return 0;
}
