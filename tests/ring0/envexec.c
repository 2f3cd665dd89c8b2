/* envexec: execve with exactly the given environment, like `env -i` but built with r0cc,
 * so that from ring 0 the exec'd program (if marked) stays in ring 0.
 * usage: envexec [NAME=VALUE...] -- PATH [ARG...]   (argv[0] of PATH is PATH)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int i = 1;
	while (i < argc && strcmp(argv[i], "--"))
		i++;
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: envexec [NAME=VALUE...] -- PATH [ARG...]\n");
		return 2;
	}
	argv[i] = NULL;             /* ends the environment list argv[1..i-1] */
	execve(argv[i + 1], argv + i + 1, argv + 1);
	fprintf(stderr, "envexec: %s: errno %d\n", argv[i + 1], errno);
	return 127;
}
