/* sigmaskwait: ppoll's and pselect6's signal-mask argument is applied for the wait and
 * undone after it (found while removing the weak stand-ins: the masks had never been set).
 * With SIGUSR1 blocked and pending, a wait whose mask unblocks it must end at once with
 * EINTR after running the handler, and SIGUSR1 must be blocked again afterwards; a wait
 * whose mask keeps it blocked must time out with 0 and leave it pending.
 *
 * Usage: sigmaskwait */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <poll.h>
#include <signal.h>
#include <sys/select.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	(void)sig;
	handled++;
}

static int usr1_blocked(void)
{
	sigset_t cur;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	return sigismember(&cur, SIGUSR1);
}

static int usr1_pending(void)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, SIGUSR1);
}

/* which: 0 ppoll, 1 pselect */
static int wait_with_mask(int which, const sigset_t *mask)
{
	struct timespec ts = {0, 200 * 1000 * 1000};
	if (which == 0)
		return ppoll(NULL, 0, &ts, mask);
	return pselect(0, NULL, NULL, NULL, &ts, mask);
}

static void check_call(int which)
{
	sigset_t block_usr1, empty;
	sigemptyset(&empty);
	sigemptyset(&block_usr1);
	sigaddset(&block_usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block_usr1, NULL);
	handled = 0;
	raise(SIGUSR1);
	CHECK(usr1_pending(), "SIGUSR1 pending before the wait");

	/* the mask keeps SIGUSR1 blocked: a plain timeout */
	errno = 0;
	CHECK_EQ(wait_with_mask(which, &block_usr1), 0);
	CHECK_EQ(handled, 0);
	CHECK(usr1_pending(), "still pending after a wait that kept it blocked");

	/* the mask unblocks it: EINTR, the handler ran, the old mask is back */
	errno = 0;
	int r = wait_with_mask(which, &empty);
	CHECK_EQ(r, -1);
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(handled, 1);
	CHECK(usr1_blocked(), "SIGUSR1 blocked again after the wait");
	CHECK(!usr1_pending(), "delivered once");
	sigprocmask(SIG_UNBLOCK, &block_usr1, NULL);
}

int main(void)
{
	r0_start("sigmaskwait");
	struct sigaction sa = {0};
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction");
	R0_PART("ppoll", check_call(0));
	R0_PART("pselect", check_call(1));
	R0_DONE();
}
