/* belowsp: the kernel never writes below a ring-0 program's stack pointer (contract 4; the
 * entry's return address is the only exception, and this program makes no call meanwhile).
 *
 * Fills the 4 KiB below rsp with a pattern, spins in registers for N iterations (default
 * 100 M: about 0.2 s of guest time, i.e. ~200 timer interrupts at 1 kHz), and counts the
 * words that changed. An interrupt or exception taken on the program's own stack (no IST)
 * would leave its frame there. Output: "belowsp: ring=R", "belowsp: E ms, K words changed"
 * (exit 0 when K = 0).
 */
#include <time.h>
#include "r0test.h"

__attribute__((noinline)) static void touch_stack(void)
{
	volatile char buf[16384];
	for (unsigned i = 0; i < sizeof buf; i += 512)
		buf[i] = 1;
}

__attribute__((noinline)) static void after(void) { __asm__ volatile(""); }

__attribute__((noinline)) static long below(long iters)
{
	long bad;
	__asm__ volatile(
		"lea -4096(%%rsp), %%rdx\n\t"
		"movabs $0xc0ffee0000000000, %%r8\n\t"
		"xor %%ecx, %%ecx\n"
		"1:\tmov %%rcx, %%rax\n\tor %%r8, %%rax\n\tmov %%rax, (%%rdx,%%rcx,8)\n\t"
		"inc %%rcx\n\tcmp $512, %%rcx\n\tjb 1b\n\t"
		"mov %[n], %%r9\n"
		"2:\tdec %%r9\n\tjnz 2b\n\t"
		"xor %%ecx, %%ecx\n\txor %[bad], %[bad]\n"
		"3:\tmov %%rcx, %%rax\n\tor %%r8, %%rax\n\tcmp %%rax, (%%rdx,%%rcx,8)\n\tje 4f\n\t"
		"inc %[bad]\n"
		"4:\tinc %%rcx\n\tcmp $512, %%rcx\n\tjb 3b\n\t"
		: [bad] "=&r"(bad)
		: [n] "r"(iters)
		: "rax", "rcx", "rdx", "r8", "r9", "memory", "cc");
	after(); /* not a leaf: nothing of this function lives in the red zone */
	return bad;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 100000000L;
	struct timespec a, b;
	r0_start("belowsp");
	touch_stack();
	clock_gettime(CLOCK_MONOTONIC, &a);
	long bad = below(iters > 0 ? iters : 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	printf("belowsp: %ld ms, %ld words changed\n", ms, bad);
	return bad != 0 || r0_failures != 0;
}
