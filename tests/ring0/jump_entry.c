/* jump_entry: calls the ring-0 entry directly, as the library does (rax = SYS_getppid,
 * return address pushed below the 128-byte red zone).
 *
 * usage: jump_entry [ADDR]   ADDR (hex) is the entry address a ring-0 run of
 *   `whereami -a` printed; without it the program's own AT_SYSINFO.
 * In ring 0 with its own AT_SYSINFO the call works: "jump_entry: getppid through the entry
 * ok", exit 0. In ring 3 the entry is a supervisor page: the call faults and the program
 * ends with SIGSEGV (contract 3); "jump_entry: returned ..." means it did not.
 */
#include <sys/syscall.h>
#include "r0test.h"

int main(int argc, char **argv)
{
	int ring = r0_start("jump_entry");
	unsigned long addr = argc > 1 ? strtoul(argv[1], NULL, 16) : getauxval(AT_SYSINFO);
	if (!addr) {
		printf("jump_entry: no address (no argument and no AT_SYSINFO)\n");
		return 2;
	}
	printf("jump_entry: calling the entry from ring %d\n", ring);
	fflush(stdout);
	long r;
	__asm__ volatile("lea -128(%%rsp), %%rsp\n\tcall *%1\n\tlea 128(%%rsp), %%rsp"
			 : "=a"(r) : "r"(addr), "a"((long)SYS_getppid) : "rcx", "r11", "memory", "cc");
	printf("jump_entry: returned %s\n", r == getppid() ? "the right value" : "a wrong value");
	if (r == getppid() && ring == 0) {
		printf("jump_entry: getppid through the entry ok\n");
		return 0;
	}
	return 1;
}
