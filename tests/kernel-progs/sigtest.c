/* sigtest: handlers, masks, SIGCHLD, EINTR and SA_RESTART, rt_sigreturn restoring the
 * interrupted computation, a SIGSEGV handler leaving by siglongjmp, sigaltstack, default
 * actions. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_chld, got_alrm;
static volatile void *alt_sp;
static sigjmp_buf jb;

static void on_usr1(int s) { (void)s; got_usr1++; }
static void on_chld(int s) { (void)s; got_chld++; }
static void on_segv(int s, siginfo_t *si, void *uc)
{
	(void)s;
	(void)uc;
	if (si->si_addr == (void *)16)
		siglongjmp(jb, 1);
	_exit(99);
}
static void on_alt(int s)
{
	(void)s;
	alt_sp = __builtin_frame_address(0);
}

int main(void)
{
	volatile int bad = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	/* a handler runs and the computation around it is intact */
	volatile double x = 1.5;
	long acc = 0;
	for (int i = 0; i < 10; i++) {
		acc += i;
		if (i == 5)
			kill(getpid(), SIGUSR1);
	}
	if (got_usr1 != 1 || acc != 45 || x != 1.5) {
		printf("handler: got %d acc %ld\n", got_usr1, acc);
		bad++;
	}
	/* blocked: pending until unblocked */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	kill(getpid(), SIGUSR1);
	sigset_t pend;
	sigpending(&pend);
	if (got_usr1 != 1 || !sigismember(&pend, SIGUSR1)) {
		printf("block: got %d\n", got_usr1);
		bad++;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (got_usr1 != 2) {
		printf("unblock: got %d\n", got_usr1);
		bad++;
	}
	/* SIGCHLD */
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);
	pid_t c = fork();
	if (c == 0)
		_exit(0);
	waitpid(c, NULL, 0);
	if (got_chld != 1) {
		printf("sigchld: %d\n", got_chld);
		bad++;
	}
	/* EINTR: a child signals us during nanosleep (no SA_RESTART) */
	pid_t me = getpid();
	c = fork();
	if (c == 0) {
		struct timespec t = {0, 20000000};
		nanosleep(&t, NULL);
		kill(me, SIGUSR1);
		_exit(0);
	}
	struct timespec t = {5, 0}, rem;
	int r = nanosleep(&t, &rem);
	if (r != -1 || errno != EINTR || got_usr1 != 3) {
		printf("eintr: r %d errno %d got %d\n", r, errno, got_usr1);
		bad++;
	}
	waitpid(c, NULL, 0);
	/* SA_RESTART: wait4 is restarted after the handler */
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	c = fork();
	if (c == 0) {
		struct timespec t2 = {0, 20000000};
		nanosleep(&t2, NULL);
		kill(me, SIGUSR1);
		nanosleep(&t2, NULL);
		_exit(6);
	}
	int st = 0;
	r = waitpid(c, &st, 0);
	if (r != c || WEXITSTATUS(st) != 6 || got_usr1 != 4) {
		printf("restart: r %d st %#x got %d\n", r, st, got_usr1);
		bad++;
	}
	/* SIGSEGV handler with siginfo, out by siglongjmp */
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(jb, 1)) {
		int *volatile p16 = (int *)16;
		*p16 = 1;
		bad++;
	}
	/* sigaltstack */
	static char altstack[65536];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack), .ss_flags = 0};
	sigaltstack(&ss, NULL);
	sa.sa_handler = on_alt;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGUSR2, &sa, NULL);
	raise(SIGUSR2);
	if ((char *)alt_sp < altstack || (char *)alt_sp >= altstack + sizeof(altstack)) {
		printf("altstack: handler ran at %p\n", (void *)alt_sp);
		bad++;
	}
	/* ignored signal does nothing; default SIGTERM kills a child */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	c = fork();
	if (c == 0) {
		raise(SIGTERM);
		_exit(0);
	}
	waitpid(c, &st, 0);
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
		bad++;
	/* sigwait: a blocked signal taken without its handler; sigtimedwait times out */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, on_usr1);
	int before = got_usr1, got = 0;
	raise(SIGUSR2);
	if (sigwait(&set, &got) != 0 || got != SIGUSR2 || got_usr1 != before) {
		printf("sigwait: got %d\n", got);
		bad++;
	}
	struct timespec short_wait = {0, 5000000};
	errno = 0;
	if (sigtimedwait(&set, NULL, &short_wait) != -1 || errno != EAGAIN) {
		printf("sigtimedwait: errno %d\n", errno);
		bad++;
	}
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* SIGCHLD ignored: children leave no zombie, wait ends with ECHILD */
	signal(SIGCHLD, SIG_IGN);
	c = fork();
	if (c == 0)
		_exit(1);
	errno = 0;
	if (wait(NULL) != -1 || errno != ECHILD) {
		printf("sigchld-ignored: errno %d\n", errno);
		bad++;
	}
	printf("sigtest: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
