/* lat_sig.c: signals.
 *
 *   lat_sig MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases: sig_install (sigaction installing a handler for SIGUSR1), sig_catch (kill(getpid(),
 * SIGUSR1): the signal is delivered to the handler on the way back, and the handler returns
 * through rt_sigreturn), as lmbench's lat_sig install and catch.
 */
#include <signal.h>
#include "bench.h"

static volatile long caught;

static void handler(int sig) { (void)sig; caught++; }

static void loop_install(long n)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	for (long i = 0; i < n; i++)
		if (sigaction(SIGUSR1, &sa, NULL) < 0)
			bench_die("sigaction");
}

static void loop_catch(long n)
{
	pid_t me = getpid();
	for (long i = 0; i < n; i++)
		kill(me, SIGUSR1);
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "sig_install sig_catch");
	bench_case("sig_install", loop_install, 10000);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigaction(SIGUSR1, &sa, NULL);
	caught = 0;
	bench_case("sig_catch", loop_catch, 5000);
	if (bench_selected("sig_catch") && caught == 0) {
		fprintf(stderr, "lat_sig: no signal was delivered\n");
		return 1;
	}
	return 0;
}
