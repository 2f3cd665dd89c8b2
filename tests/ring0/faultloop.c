/* faultloop: N children (default 1000), each ending with a fault of fault.c, in turn null, ro,
 * ud2, div0, int3, kwrite, nx, noncanon, stack; the parent checks every child's signal.
 * In ring 0 the children are ring-0 processes too (fork keeps the ring), so this is contract
 * 4 repeated N times; the test compares the free-frame count (`mem`) before and after.
 *
 * usage: faultloop [N]   Output: "faultloop: ring=R", "faultloop: N faults, K wrong" (exit 0
 * when K = 0). A child whose fault did not happen exits 99.
 */
#define FAULT_NO_MAIN
#include "fault.c"
#include <signal.h>
#include <sys/wait.h>

static const struct { const char *what; int sig; } kinds[] = {
	{"null", SIGSEGV}, {"ro", SIGSEGV}, {"ud2", SIGILL}, {"div0", SIGFPE}, {"int3", SIGTRAP},
	{"kwrite", SIGSEGV}, {"nx", SIGSEGV}, {"noncanon", SIGSEGV}, {"stack", SIGSEGV},
};

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, wrong = 0;
	int nk = (int)(sizeof kinds / sizeof kinds[0]);
	r0_start("faultloop");
	for (int i = 0; i < n; i++) {
		int k = i % nk;
		pid_t c = fork();
		if (c == 0) {
			fault_do(kinds[k].what, NULL);
			_exit(99);
		}
		int st = 0;
		if (c < 0 || waitpid(c, &st, 0) != c || !WIFSIGNALED(st) || WTERMSIG(st) != kinds[k].sig) {
			if (wrong++ < 5)
				printf("faultloop: child %d (%s): status %#x\n", i, kinds[k].what, st);
		}
	}
	printf("faultloop: %d faults, %d wrong\n", n, wrong);
	return wrong != 0 || r0_failures != 0;
}
