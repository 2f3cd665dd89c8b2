/* redzone.c: contract 2's red-zone rule, proved.
 *
 * leaf() keeps sixteen words in the 128 bytes below rsp (the red zone: it calls no function,
 * so GCC gives it no frame) across an inlined system call taken from musl's patched
 * syscall_arch.h, which calls through __sysinfo and so pushes a return address below rsp.
 * The words must come back intact. Built with -DCONTROL, the system call is the same call
 * without the 128-byte step; then the pushed return address lands in the red zone and the
 * program must see it (a control that shows this test can fail). tests/redzone/run.sh also
 * checks in the disassembly that leaf() really has no frame.
 *
 * Output: "redzone: N calls, 0 words lost" (exit 0), or with CONTROL
 * "redzone-control: N calls, K words lost" (exit 0 when K > 0: the hazard is real).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "syscall_arch.h"       /* musl's internal header, after musl-patches/ */

#ifdef CONTROL
/* The patched __syscall0 without its 128-byte step (written out: the header's macro has
 * already been expanded into its inline functions). */
static inline long control_syscall0(long n)
{
	unsigned long ret;
	__asm__ __volatile__ ("call *__sysinfo(%%rip)" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}
#define SYSCALL0 control_syscall0
#else
#define SYSCALL0 __syscall0
#endif

#define WORDS 16                /* 16 x 8 = the whole 128-byte red zone */

__attribute__((noinline)) static int leaf(long seed)
{
	volatile long keep[WORDS];
	for (int i = 0; i < WORDS; i++)
		keep[i] = seed ^ (0x5a5a5a5a5a5a5a5aL + i);
	long ppid = SYSCALL0(SYS_getppid);
	int lost = ppid <= 0;   /* the call itself must work too */
	for (int i = 0; i < WORDS; i++)
		lost += keep[i] != (seed ^ (0x5a5a5a5a5a5a5a5aL + i));
	return lost;
}

int main(int argc, char **argv)
{
	long calls = argc > 1 ? atol(argv[1]) : 100000;
	long lost = 0;
	for (long i = 0; i < calls; i++)
		lost += leaf(i);
#ifdef CONTROL
	printf("redzone-control: %ld calls, %s\n", calls, lost ? "words lost" : "no words lost");
	return lost ? 0 : 1;
#else
	printf("redzone: %ld calls, %ld words lost\n", calls, lost);
	return lost ? 1 : 0;
#endif
}
