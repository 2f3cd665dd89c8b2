/* spin: prints a line, then computes forever (for Ctrl-C and preemption tests). */
#include <stdio.h>

int main(void)
{
	printf("spinning\n");
	fflush(stdout);
	for (volatile unsigned long i = 0;; i++)
		;
}
