/* hello: prints a line and exits with status 3 (the shell says "exit 3"). */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("hello from ring 3, pid %d, argc %d", (int)getpid(), argc);
	for (int i = 1; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	return 3;
}
