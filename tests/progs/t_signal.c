/* t_signal: SA_SIGINFO, raise/kill, masks and pending signals, sigsuspend, EINTR and
 * SA_RESTART on a blocking pipe read, registers and FP state across asynchronous handlers. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>

static volatile sig_atomic_t hits, last_signo, last_code, last_pid, masked_inside, flag;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t now;
	(void)uc;
	sigprocmask(SIG_BLOCK, NULL, &now);
	masked_inside = sigismember(&now, sig) && sigismember(&now, SIGUSR2);
	last_signo = si->si_signo;
	last_code = si->si_code;
	last_pid = si->si_pid;
	hits++;
}

/* Does FP work and clobbers every caller-saved register: sigreturn must undo all of it. */
static void clobber_handler(int sig)
{
	volatile double x = sig;
	for (int i = 0; i < 100; i++)
		x = x * 1.5 + 0.25;
	__asm__ volatile("mov $-1, %%rax; mov $-1, %%rcx; mov $-1, %%rdx; mov $-1, %%rsi\n\t"
			 "mov $-1, %%rdi; mov $-1, %%r8; mov $-1, %%r9; mov $-1, %%r10; mov $-1, %%r11\n\t"
			 "pcmpeqd %%xmm0, %%xmm0; pcmpeqd %%xmm1, %%xmm1; pcmpeqd %%xmm7, %%xmm7\n\t"
			 "pcmpeqd %%xmm8, %%xmm8; pcmpeqd %%xmm15, %%xmm15" ::: "rax", "rcx", "rdx",
			 "rsi", "rdi", "r8", "r9", "r10", "r11", "xmm0", "xmm1", "xmm7", "xmm8",
			 "xmm15", "cc");
	hits++;
	flag = 1;
}

static void set_handler(int sig, void (*h)(int), int flags)
{
	struct sigaction sa = {.sa_handler = h, .sa_flags = flags};
	CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static void basics(void)
{
	struct sigaction sa = {.sa_sigaction = info_handler, .sa_flags = SA_SIGINFO}, old;
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_sigaction == info_handler);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK(hits == 1 && last_signo == SIGUSR1 && last_code == SI_TKILL);
	CHECK(masked_inside); /* the signal and sa_mask, inside the handler */
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK(hits == 2 && last_code == SI_USER && last_pid == getpid());
	sigset_t set, now, empty;
	CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	CHECK(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2)); /* mask restored */
	CHECK_ERR(kill(getpid(), 12345), EINVAL);
	CHECK_ERR(sigaction(SIGKILL, &sa, NULL), EINVAL);
	printf("SA_SIGINFO: raise SI_TKILL, kill SI_USER, mask inside handler and after\n");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(raise(SIGUSR1), 0); /* standard signals do not queue */
	CHECK_EQ(hits, 2);
	CHECK(sigpending(&now) == 0 && sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0); /* delivered before this returns */
	CHECK_EQ(hits, 3);
	CHECK(sigpending(&now) == 0 && !sigismember(&now, SIGUSR1));
	printf("blocked, pending, delivered once on unblock\n");
	/* sigsuspend: a child sends the signal while the parent keeps it blocked. */
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(kill(getppid(), SIGUSR1) == 0 ? 0 : 1);
	sigemptyset(&empty);
	CHECK_ERR(sigsuspend(&empty), EINTR);
	CHECK(hits == 4 && last_code == SI_USER && last_pid == pid);
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	int status;
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	printf("sigsuspend: woken by the child's kill\n");
}

/* A read on a pipe, interrupted by a child that signals the parent. Without SA_RESTART the
 * child keeps signalling until the parent acknowledges; with it, the child signals a few
 * times and then writes the data the read is waiting for. */
static void interrupted_read(int restart)
{
	int data[2], ack[2], status;
	char buf[8];
	CHECK_EQ(pipe(data), 0);
	CHECK_EQ(pipe2(ack, O_NONBLOCK), 0); /* the child polls it */
	set_handler(SIGUSR2, clobber_handler, restart ? SA_RESTART : 0);
	hits = 0;
	pid_t parent = getpid(), pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(ack[1]);
		for (int i = 0; i < 500; i++) {
			kill(parent, SIGUSR2);
			usleep(20000);
			if (restart && i == 3)
				_exit(write(data[1], "data", 4) == 4 ? 0 : 2);
			if (!restart && read(ack[0], buf, 1) == 1)
				_exit(0);
		}
		_exit(1);
	}
	CHECK_EQ(close(ack[0]), 0);
	ssize_t n = read(data[0], buf, sizeof buf);
	int err = errno;
	if (!restart) /* with SA_RESTART the child has gone already */
		CHECK_EQ(write(ack[1], "k", 1), 1);
	CHECK(waitpid(pid, &status, 0) == pid && status == 0);
	CHECK(hits >= 1);
	if (restart)
		CHECK(n == 4 && memcmp(buf, "data", 4) == 0);
	else
		CHECK(n == -1 && err == EINTR);
	printf("%s\n", restart ? "SA_RESTART: read restarted, got the data"
			      : "no SA_RESTART: read fails with EINTR");
	CHECK(close(data[0]) == 0 && close(data[1]) == 0 && close(ack[1]) == 0);
}

/* Loads known values into 14 general-purpose (rbp too, saved in xmm2) and 5 vector
 * registers, spins until the timer's handler has run, then stores them: all must be intact. */
static void registers(void)
{
	unsigned long out[19];
	struct itimerval it = {{0, 0}, {0, 5000}};
	set_handler(SIGALRM, clobber_handler, 0);
	flag = 0;
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	__asm__ volatile(
		"movabs $0x1111111111111111, %%rax; movabs $0x2222222222222222, %%rbx\n\t"
		"movabs $0x3333333333333333, %%rcx; movabs $0x4444444444444444, %%rdx\n\t"
		"movabs $0x5555555555555555, %%rsi; movabs $0x6666666666666666, %%r8\n\t"
		"movabs $0x7777777777777777, %%r9;  movabs $0x8888888888888888, %%r10\n\t"
		"movabs $0x9999999999999999, %%r11; movabs $0xaaaaaaaaaaaaaaaa, %%r12\n\t"
		"movabs $0xbbbbbbbbbbbbbbbb, %%r13; movabs $0xcccccccccccccccc, %%r14\n\t"
		"movabs $0xdddddddddddddddd, %%r15; movq %%rbp, %%xmm2; movabs $0xeeeeeeeeeeeeeeee, %%rbp\n\t"
		"movq %%rax, %%xmm0; movq %%rbx, %%xmm1; movq %%rcx, %%xmm7; movq %%rdx, %%xmm8\n\t"
		"movq %%rsi, %%xmm15; 1: pause; cmpl $0, %[flag]; je 1b\n\t"
		"mov %%rax, (%%rdi); mov %%rbx, 8(%%rdi); mov %%rcx, 16(%%rdi); mov %%rdx, 24(%%rdi)\n\t"
		"mov %%rsi, 32(%%rdi); mov %%r8, 40(%%rdi); mov %%r9, 48(%%rdi); mov %%r10, 56(%%rdi)\n\t"
		"mov %%r11, 64(%%rdi); mov %%r12, 72(%%rdi); mov %%r13, 80(%%rdi); mov %%r14, 88(%%rdi)\n\t"
		"mov %%r15, 96(%%rdi); mov %%rbp, 104(%%rdi); movq %%xmm2, %%rbp\n\t"
		"movq %%xmm0, 112(%%rdi); movq %%xmm1, 120(%%rdi); movq %%xmm7, 128(%%rdi)\n\t"
		"movq %%xmm8, 136(%%rdi); movq %%xmm15, 144(%%rdi)"
		:
		: "D"(out), [flag] "m"(flag)
		: "rax", "rbx", "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", "r12", "r13", "r14",
		  "r15", "xmm0", "xmm1", "xmm2", "xmm7", "xmm8", "xmm15", "memory", "cc");
	for (int i = 0; i < 19; i++)
		CHECK_EQ(out[i], 0x1111111111111111UL * (i < 14 ? i + 1 : i - 13));
	printf("registers preserved across an asynchronous handler\n");
}

__attribute__((noinline)) static double compute(double x, long n)
{
	double sum = 0;
	for (long i = 0; i < n; i++) {
		x = x * 1.0000001 + 1e-9;
		sum += x / (1.0 + (double)(i & 15));
	}
	return sum;
}

/* The same FP computation, quiet and then under a 0.5 ms interval timer: equal bits. */
static void fp_state(void)
{
	static volatile double seed = 0.5;
	struct itimerval it = {{0, 500}, {0, 500}}, off = {{0, 0}, {0, 0}};
	double quiet = compute(seed, 2000000);
	set_handler(SIGALRM, clobber_handler, SA_RESTART);
	hits = 0;
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	double noisy = compute(seed, 2000000);
	CHECK_EQ(setitimer(ITIMER_REAL, &off, NULL), 0);
	CHECK(hits > 0); /* it was interrupted at least once */
	CHECK(memcmp(&quiet, &noisy, sizeof quiet) == 0);
	printf("floating point result unchanged by interrupting handlers\n");
}

int main(void)
{
	check_init();
	basics();
	interrupted_read(0);
	interrupted_read(1);
	registers();
	fp_state();
	CHECK_DONE("t_signal");
}
