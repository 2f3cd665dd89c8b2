/* memhog: touches anonymous memory until the kernel says no. Huge mappings that cannot be
 * backed are fine until touched; when frames run out the program is killed (SIGKILL) and
 * the kernel, the shell and the free-frame count survive. usage: memhog [MiB] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 4096;
	char *p = mmap(NULL, mib << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("memhog: mmap of %zu MiB failed\n", mib);
		return 1;
	}
	printf("memhog: touching %zu MiB\n", mib);
	fflush(stdout);
	for (size_t i = 0; i < (mib << 20); i += 4096)
		p[i] = 1;
	printf("memhog: touched all of it\n");
	return 0;
}
