/* cow: copy-on-write after fork keeps parent and child memory apart (heap, stack, data,
 * bss, a large mmap). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int data_var = 1;
static char bss_buf[8192];

int main(void)
{
	size_t n = 1 << 20;
	unsigned char *heap = malloc(n);
	unsigned char *map = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char stack_buf[256];
	memset(heap, 0xaa, n);
	memset(map, 0x55, n);
	memset(stack_buf, 's', sizeof(stack_buf));
	memset(bss_buf, 'b', sizeof(bss_buf));
	pid_t c = fork();
	if (c == 0) {
		int bad = 0;
		for (size_t i = 0; i < n; i += 4096)
			bad += heap[i] != 0xaa || map[i] != 0x55;
		memset(heap, 0x11, n);
		memset(map, 0x22, n);
		memset(stack_buf, 'c', sizeof(stack_buf));
		memset(bss_buf, 'c', sizeof(bss_buf));
		data_var = 2;
		for (size_t i = 0; i < n; i += 4096)
			bad += heap[i] != 0x11 || map[i] != 0x22;
		_exit(bad ? 1 : 0);
	}
	int st;
	waitpid(c, &st, 0);
	int bad = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	for (size_t i = 0; i < n; i++)
		if (heap[i] != 0xaa || map[i] != 0x55) {
			bad++;
			break;
		}
	bad += stack_buf[0] != 's' || bss_buf[4000] != 'b' || data_var != 1;
	/* the parent writes after the child is gone: its pages are its own again */
	memset(heap, 0x33, n);
	bad += heap[n - 1] != 0x33;
	printf("cow: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
