/* t_jmp: setjmp/longjmp across functions, sigsetjmp/siglongjmp out of a signal handler with
 * and without restoring the signal mask. */
#define _GNU_SOURCE
#include "check.h"
#include <setjmp.h>
#include <signal.h>

static jmp_buf env;
static sigjmp_buf senv;
static volatile int depth_reached;

__attribute__((noinline)) static void dive(int n, int code)
{
	volatile char area[256];
	if (n < 0)
		return;
	area[0] = (char)n;
	depth_reached = n;
	if (n == 0)
		longjmp(env, code);
	dive(n - 1, code);
	area[1] = area[0]; /* not reached */
}

static void handler(int sig)
{
	siglongjmp(senv, sig);
}

static int blocked(int sig)
{
	sigset_t now;
	CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	return sigismember(&now, sig);
}

int main(void)
{
	check_init();
	volatile int rounds = 0;
	volatile double keep = 2.5;
	int r = setjmp(env);
	rounds++;
	if (r == 0) {
		CHECK_EQ(rounds, 1);
		dive(50, 42);
		CHECK(0); /* not reached */
	} else if (r == 42) {
		CHECK_EQ(rounds, 2);
		CHECK_EQ(depth_reached, 0);
		keep *= 2;
		dive(10, 0); /* longjmp(env, 0) makes setjmp return 1 */
	}
	CHECK_EQ(r, 1);
	CHECK_EQ(rounds, 3);
	CHECK(keep == 5.0);
	printf("longjmp: out of 50 frames with 42, with 0 gives 1\n");

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);

	/* savemask=1: leaving the handler by siglongjmp restores the mask of sigsetjmp's time. */
	volatile int jumps = 0;
	r = sigsetjmp(senv, 1);
	if (r == 0) {
		raise(SIGUSR1);
		CHECK(0);
	}
	jumps++;
	CHECK_EQ(jumps, 1);
	CHECK_EQ(r, SIGUSR1);
	CHECK(!blocked(SIGUSR1) && !blocked(SIGUSR2));
	printf("siglongjmp(savemask=1) from handler: mask restored\n");

	/* Again with SIGALRM blocked at sigsetjmp time: it must come back blocked. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	r = sigsetjmp(senv, 1);
	if (r == 0) {
		raise(SIGUSR1);
		CHECK(0);
	}
	CHECK_EQ(r, SIGUSR1);
	CHECK(blocked(SIGALRM) && !blocked(SIGUSR1) && !blocked(SIGUSR2));
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);

	/* savemask=0: the mask stays as the handler had it (SIGUSR1 and SIGUSR2 blocked). */
	r = sigsetjmp(senv, 0);
	if (r == 0) {
		raise(SIGUSR1);
		CHECK(0);
	}
	CHECK_EQ(r, SIGUSR1);
	CHECK(blocked(SIGUSR1) && blocked(SIGUSR2));
	printf("siglongjmp(savemask=0) from handler: handler's mask kept\n");
	sigemptyset(&set);
	CHECK_EQ(sigprocmask(SIG_SETMASK, &set, NULL), 0);
	CHECK(!blocked(SIGUSR1));

	/* Many round trips: nothing leaks (the stack and the mask stay the same). */
	for (volatile int i = 0; i < 1000; i++) {
		if (sigsetjmp(senv, 1) == 0)
			raise(SIGUSR1);
		CHECK(!blocked(SIGUSR1));
	}
	printf("1000 round trips through the handler\n");
	CHECK_DONE("t_jmp");
}
