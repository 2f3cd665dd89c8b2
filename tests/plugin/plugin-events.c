/* plugin-events.c: the guest program of the transition plugin's test (test-plugin,
 * tests/qemu/test_plugin.py). Each region, marked as bench/bench.h marks a timed run,
 * performs a known number of each event, so bench/plugin/transitions.c must report exactly
 * those counts:
 *
 *   1. sys:    10 getppid() through libc (ring 3: 10 syscall instructions; ring 0: 10
 *              calls of the ring-0 entry, no syscall at all)
 *   2. fence:  10 lfence, 10 mfence, 10 pushfq/popfq
 *   3. irq:    ring 0 only (cli/sti fault in ring 3): 10 cli/sti pairs
 *   known:     10 calls of plugin_known5, a function of exactly 5 instructions (four nops
 *              and ret): the plugin's profile (syms=) gives it exactly 50
 *   4-6. pf:   10 first touches of fresh anonymous pages (10 page-fault deliveries),
 *              three times: a timer interrupt may fall inside one region, the test takes
 *              the smallest count
 *
 * It prints "plugin-events: cpl=N" first, then one line per region in order.
 */
#include <stdio.h>
#include <unistd.h>
#include <sys/mman.h>

#define MARK_START() __asm__ __volatile__("nopl 0x525a0001(%%rax)" ::: "memory")
#define MARK_END()   __asm__ __volatile__("nopl 0x525a0002(%%rax)" ::: "memory")

/* Exactly 5 instructions, for the profile's test. */
__attribute__((naked, noinline)) void plugin_known5(void)
{
	__asm__ __volatile__("nop; nop; nop; nop; ret");
}

static void touch(volatile char *p)
{
	MARK_START();
	for (int i = 0; i < 10; i++)
		p[i * 4096] = 1;
	MARK_END();
}

int main(void)
{
	unsigned short cs;
	__asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
	int cpl = cs & 3;
	printf("plugin-events: cpl=%d\n", cpl);

	MARK_START();
	for (int i = 0; i < 10; i++)
		getppid();
	MARK_END();
	printf("region sys\n");

	MARK_START();
	for (int i = 0; i < 10; i++)
		__asm__ __volatile__("lfence; mfence; pushfq; popfq" ::: "memory", "cc");
	MARK_END();
	printf("region fence\n");

	MARK_START();
	for (int i = 0; i < 10; i++)
		__asm__ __volatile__("call plugin_known5" ::: "memory");
	MARK_END();
	printf("region known\n");

	if (cpl == 0) {
		MARK_START();
		for (int i = 0; i < 10; i++)
			__asm__ __volatile__("cli; sti" ::: "memory");
		MARK_END();
		printf("region irq\n");
	}

	for (int k = 0; k < 3; k++) {
		char *p = mmap(NULL, 10 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		touch(p);
		printf("region pf\n");
		munmap(p, 10 * 4096);
	}
	printf("plugin-events: done\n");
	return 0;
}
