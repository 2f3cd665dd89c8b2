/* rtsignals: real-time signals are queued, one delivery per send, in order, each with its
 * siginfo (si_code, si_pid, si_uid, si_value); standard signals stay merged (issue 10,
 * item 3). Before: a pending set of bits, so 100 sends of a real-time signal gave one
 * delivery and a program waiting for 100 of them spun forever.
 *
 * Parts:
 *   queue        100 sigqueue(SIGRTMIN+1, 0..99) while blocked: 100 handler calls, in order,
 *                with SI_QUEUE, the sender's pid and uid
 *   order        two real-time signals interleaved: the lower number first, each in order
 *   merge        SIGUSR1 sent 5 times while blocked: one delivery (SI_USER); kill() of a
 *                real-time signal queues (2 sends, 2 deliveries)
 *   sigwaitinfo  sigwaitinfo/sigtimedwait take one at a time with the info; EAGAIN when empty
 *   tgsigqueue   rt_tgsigqueueinfo to a thread, tkill (SI_TKILL), rt_sigqueueinfo with a
 *                forged si_code to another process: EPERM
 *   pthread-kill 100 pthread_kill to a thread that blocks the signal, then 100 to one that
 *                does not: 100 deliveries each
 *   process      sigqueue/kill to the process while the main thread blocks the signal: the
 *                thread waiting for it in sigtimedwait takes it
 *   limit        RLIMIT_SIGPENDING lowered to 16 (in a child with a uid of its own): 16
 *                queued, the 17th sigqueue EAGAIN, a kill() beyond it accepted without its info;
 *                16 left queued at exit are freed (a second child has the same room)
 *
 * Usage: rtsignals */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define MAXREC 256
static volatile int nrec;
static volatile int rec_sig[MAXREC], rec_val[MAXREC], rec_code[MAXREC], rec_pid[MAXREC], rec_uid[MAXREC];

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int i = nrec;
	if (i < MAXREC) {
		rec_sig[i] = sig;
		rec_val[i] = si->si_value.sival_int;
		rec_code[i] = si->si_code;
		rec_pid[i] = si->si_pid;
		rec_uid[i] = (int)si->si_uid;
	}
	nrec = i + 1;
}

static void install(int sig, const sigset_t *mask)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_info;
	sa.sa_flags = SA_SIGINFO;
	if (mask)
		sa.sa_mask = *mask;
	else
		sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction %d", sig);
}

static void block(int sig, int how)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	CHECK(sigprocmask(how, &s, NULL) == 0, "sigprocmask");
}

static int is_pending(int sig)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, sig);
}

static void part_queue(void)
{
	int sig = SIGRTMIN + 1;
	install(sig, NULL);
	block(sig, SIG_BLOCK);
	nrec = 0;
	for (int i = 0; i < 100; i++)
		CHECK(sigqueue(getpid(), sig, (union sigval){.sival_int = i}) == 0, "sigqueue %d", i);
	CHECK_EQ(nrec, 0);
	CHECK(is_pending(sig), "pending while blocked");
	block(sig, SIG_UNBLOCK);
	CHECK_EQ(nrec, 100);
	int bad = 0;
	for (int i = 0; i < 100 && i < nrec; i++)
		if (rec_sig[i] != sig || rec_val[i] != i || rec_code[i] != SI_QUEUE || rec_pid[i] != getpid() ||
		    rec_uid[i] != (int)getuid())
			bad++;
	CHECK_EQ(bad, 0);
	CHECK(!is_pending(sig), "nothing left");
}

static void part_order(void)
{
	int a = SIGRTMIN + 1, b = SIGRTMIN + 2;
	sigset_t both;
	sigemptyset(&both);
	sigaddset(&both, a);
	sigaddset(&both, b);
	install(a, &both); /* no nesting: the order of delivery is the order of the calls */
	install(b, &both);
	sigprocmask(SIG_BLOCK, &both, NULL);
	nrec = 0;
	sigqueue(getpid(), b, (union sigval){.sival_int = 1});
	sigqueue(getpid(), a, (union sigval){.sival_int = 2});
	sigqueue(getpid(), b, (union sigval){.sival_int = 3});
	sigqueue(getpid(), a, (union sigval){.sival_int = 4});
	sigprocmask(SIG_UNBLOCK, &both, NULL);
	CHECK_EQ(nrec, 4);
	int want_sig[4] = {a, a, b, b}, want_val[4] = {2, 4, 1, 3};
	for (int i = 0; i < 4 && i < nrec; i++) {
		CHECK_EQ(rec_sig[i], want_sig[i]);
		CHECK_EQ(rec_val[i], want_val[i]);
	}
}

static void part_merge(void)
{
	install(SIGUSR1, NULL);
	block(SIGUSR1, SIG_BLOCK);
	nrec = 0;
	for (int i = 0; i < 5; i++)
		CHECK(kill(getpid(), SIGUSR1) == 0, "kill");
	block(SIGUSR1, SIG_UNBLOCK);
	CHECK_EQ(nrec, 1);
	CHECK_EQ(rec_code[0], SI_USER);
	CHECK_EQ(rec_pid[0], getpid());

	int sig = SIGRTMIN + 5;
	install(sig, NULL);
	block(sig, SIG_BLOCK);
	nrec = 0;
	kill(getpid(), sig);
	kill(getpid(), sig);
	block(sig, SIG_UNBLOCK);
	CHECK_EQ(nrec, 2);
	CHECK_EQ(rec_code[0], SI_USER);
	CHECK_EQ(rec_code[1], SI_USER);
}

static void part_sigwaitinfo(void)
{
	int sig = SIGRTMIN + 3;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	for (int i = 0; i < 3; i++)
		sigqueue(getpid(), sig, (union sigval){.sival_int = 100 + i});
	raise(SIGUSR2);
	siginfo_t si;
	/* the lower number first: SIGUSR2 (12), then the three in order */
	CHECK_EQ(sigwaitinfo(&s, &si), SIGUSR2);
	CHECK_EQ(si.si_code, SI_TKILL); /* musl's raise is tkill */
	for (int i = 0; i < 3; i++) {
		memset(&si, 0, sizeof(si));
		CHECK(is_pending(sig), "instance %d pending", i);
		if (!is_pending(sig))
			break; /* sigwaitinfo would wait for good */
		CHECK_EQ(sigwaitinfo(&s, &si), sig);
		CHECK_EQ(si.si_signo, sig);
		CHECK_EQ(si.si_code, SI_QUEUE);
		CHECK_EQ(si.si_value.sival_int, 100 + i);
		CHECK_EQ(si.si_pid, getpid());
	}
	struct timespec zero = {0, 0};
	errno = 0;
	CHECK_EQ(sigtimedwait(&s, &si, &zero), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK(!is_pending(sig), "queue drained");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static atomic_int thread_tid, thread_go, thread_count;
static _Thread_local int my_count;

static void on_count(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (si->si_code == SI_TKILL || si->si_code == SI_QUEUE)
		my_count++;
}

static void *counter(void *arg)
{
	int blocked = arg != NULL;
	int sig = SIGRTMIN + 4;
	if (!blocked)
		block(sig, SIG_UNBLOCK);
	thread_tid = (int)syscall(SYS_gettid);
	while (!thread_go)
		sched_yield();
	if (blocked)
		block(sig, SIG_UNBLOCK);
	/* the sender is done: every delivery is pending or delivered; wait for the rest */
	for (int i = 0; i < 20000 && my_count < 100; i++)
		sched_yield();
	thread_count = my_count;
	return NULL;
}

static void run_counter(int blocked)
{
	int sig = SIGRTMIN + 4;
	pthread_t t;
	thread_tid = thread_go = thread_count = 0;
	block(sig, SIG_BLOCK); /* the thread inherits it; the main thread never takes it */
	CHECK(pthread_create(&t, NULL, counter, blocked ? (void *)1 : NULL) == 0, "pthread_create");
	while (!thread_tid)
		sched_yield();
	int ok = 0;
	for (int i = 0; i < 100; i++)
		ok += pthread_kill(t, sig) == 0;
	thread_go = 1;
	pthread_join(t, NULL);
	CHECK_EQ(ok, 100);
	CHECK_EQ(thread_count, 100);
}

static void part_pthread_kill(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_count;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGRTMIN + 4, &sa, NULL);
	run_counter(1);
	run_counter(0);
}

static void *tg_target(void *arg)
{
	(void)arg;
	int sig = SIGRTMIN + 6;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	thread_tid = (int)syscall(SYS_gettid);
	siginfo_t si;
	struct timespec limit = {5, 0}; /* never for good, should a send go missing */
	int n = 0;
	for (int i = 0; i < 2; i++) {
		if (sigtimedwait(&s, &si, &limit) != sig)
			break;
		if (i == 0 && si.si_code == SI_QUEUE && si.si_value.sival_int == 77)
			n++;
		if (i == 1 && si.si_code == SI_TKILL && si.si_pid == getpid())
			n++;
	}
	thread_count = n;
	return NULL;
}

static void part_tgsigqueue(void)
{
	int sig = SIGRTMIN + 6;
	block(sig, SIG_BLOCK);
	thread_tid = thread_count = 0;
	pthread_t t;
	CHECK(pthread_create(&t, NULL, tg_target, NULL) == 0, "pthread_create");
	while (!thread_tid)
		sched_yield();
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 77;
	CHECK_EQ(syscall(SYS_rt_tgsigqueueinfo, getpid(), thread_tid, sig, &si), 0);
	CHECK_EQ(syscall(SYS_tkill, thread_tid, sig), 0);
	pthread_join(t, NULL);
	CHECK_EQ(thread_count, 2);
	/* a thread that is not in that process */
	errno = 0;
	CHECK_EQ(syscall(SYS_rt_tgsigqueueinfo, getpid() + 100000, thread_tid, sig, &si), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(syscall(SYS_rt_sigqueueinfo, getpid(), sig, (void *)8), -1);
	CHECK_EQ(errno, EFAULT);

	/* pretending to be kill() (si_code >= 0) is for oneself only */
	pid_t c = fork();
	if (c == 0) {
		for (;;)
			pause();
	}
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER;
	errno = 0;
	CHECK_EQ(syscall(SYS_rt_sigqueueinfo, c, SIGUSR2, &si), -1);
	CHECK_EQ(errno, EPERM);
	si.si_code = SI_QUEUE;
	long r = syscall(SYS_rt_sigqueueinfo, c, SIGKILL, &si);
	CHECK_EQ(r, 0);
	if (r)
		kill(c, SIGKILL);
	int st = 0;
	CHECK_EQ(waitpid(c, &st, 0), c);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
}

/* A signal for the process (sigqueue/kill to its pid) that the main thread blocks goes to
 * the thread that waits for it: the usual "signal thread" of servers. */
static atomic_int pw_got;

static void *process_waiter(void *arg)
{
	(void)arg;
	int sig = SIGRTMIN + 8;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigaddset(&s, SIGUSR2);
	thread_tid = (int)syscall(SYS_gettid);
	struct timespec limit = {5, 0};
	siginfo_t si;
	for (int i = 0; i < 3; i++) {
		int r = sigtimedwait(&s, &si, &limit);
		if (r == sig && si.si_code == SI_QUEUE && si.si_value.sival_int == 10 + i)
			pw_got++;
		if (r == SIGUSR2 && si.si_code == SI_USER)
			pw_got++;
	}
	return NULL;
}

static void part_process(void)
{
	int sig = SIGRTMIN + 8;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	thread_tid = 0;
	pw_got = 0;
	pthread_t t;
	CHECK(pthread_create(&t, NULL, process_waiter, NULL) == 0, "pthread_create");
	while (!thread_tid)
		sched_yield();
	struct timespec ms = {0, 20 * 1000 * 1000};
	nanosleep(&ms, NULL); /* it waits in sigtimedwait by now */
	CHECK_EQ(sigqueue(getpid(), sig, (union sigval){.sival_int = 10}), 0);
	nanosleep(&ms, NULL);
	CHECK_EQ(sigqueue(getpid(), sig, (union sigval){.sival_int = 11}), 0);
	nanosleep(&ms, NULL);
	CHECK_EQ(kill(getpid(), SIGUSR2), 0);
	pthread_join(t, NULL);
	CHECK_EQ(pw_got, 3);
	CHECK(!is_pending(sig) && !is_pending(SIGUSR2), "nothing left for the main thread");
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

/* Linux counts queued signals per user (RLIMIT_SIGPENDING), so the child takes a uid of
 * its own on the host (here everyone is root and setuid changes nothing). */
static void limit_child(void)
{
	int sig = SIGRTMIN + 7;
	CHECK(setuid(54321) == 0 || getuid() != 0, "setuid");
	struct rlimit old, lim;
	CHECK(getrlimit(RLIMIT_SIGPENDING, &old) == 0, "getrlimit");
	CHECK(old.rlim_cur >= 64, "a usable default (%lu)", (unsigned long)old.rlim_cur);
	lim = old;
	lim.rlim_cur = 16;
	CHECK(setrlimit(RLIMIT_SIGPENDING, &lim) == 0, "setrlimit");
	struct rlimit now;
	getrlimit(RLIMIT_SIGPENDING, &now);
	CHECK_EQ(now.rlim_cur, 16);
	install(sig, NULL);
	block(sig, SIG_BLOCK);
	int ok = 0;
	for (int i = 0; i < 16; i++)
		ok += sigqueue(getpid(), sig, (union sigval){.sival_int = i}) == 0;
	CHECK_EQ(ok, 16);
	errno = 0;
	CHECK_EQ(sigqueue(getpid(), sig, (union sigval){.sival_int = 16}), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(kill(getpid(), sig), 0); /* kill() loses the information, not the signal */
	nrec = 0;
	block(sig, SIG_UNBLOCK);
	CHECK_EQ(nrec, 16);
	for (int i = 0; i < 16 && i < nrec; i++)
		CHECK_EQ(rec_val[i], i);
	/* the queue is free again */
	block(sig, SIG_BLOCK);
	ok = 0;
	for (int i = 0; i < 16; i++)
		ok += sigqueue(getpid(), sig, (union sigval){.sival_int = i}) == 0;
	CHECK_EQ(ok, 16);
	nrec = 0;
	block(sig, SIG_UNBLOCK);
	CHECK_EQ(nrec, 16);
	/* left queued at exit: the kernel frees them (the second child finds the room) */
	block(sig, SIG_BLOCK);
	for (int i = 0; i < 16; i++)
		sigqueue(getpid(), sig, (union sigval){.sival_int = i});
}

static void part_limit(void)
{
	for (int round = 0; round < 2; round++) {
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			limit_child();
			fflush(stdout);
			_exit(r0_failures ? 1 : 0);
		}
		int st = -1;
		CHECK_EQ(waitpid(c, &st, 0), c);
		CHECK_EQ(st, 0);
	}
}

int main(void)
{
	r0_start("rtsignals");
	R0_PART("queue", part_queue());
	R0_PART("order", part_order());
	R0_PART("merge", part_merge());
	R0_PART("sigwaitinfo", part_sigwaitinfo());
	R0_PART("tgsigqueue", part_tgsigqueue());
	R0_PART("pthread-kill", part_pthread_kill());
	R0_PART("process", part_process());
	R0_PART("limit", part_limit());
	R0_DONE();
}
