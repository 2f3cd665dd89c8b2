/* r0signal: signals in the ring the program runs in (the same checks in ring 0 and ring 3).
 *
 *   handler-ring     a handler runs in the same ring as the program (%cs in the handler),
 *                    with SI_TKILL for raise()
 *   computation      a SIGALRM (setitimer) interrupts a spin loop with every register set
 *                    (regs_spin); the handler sees the loop's rip and registers in its
 *                    ucontext, clobbers registers itself, and rt_sigreturn must give back
 *                    every general-purpose and xmm register and the direction flag
 *   blocking-eintr   a SIGALRM interrupts read() of an empty pipe, made through the library's
 *                    entry with every register set (regs_call): -EINTR without SA_RESTART,
 *                    and every register but rax/rcx/r11 as it was
 *   blocking-restart the same with SA_RESTART: the read is restarted and returns the byte a
 *                    child writes later; registers as they were
 *   sigaltstack      an SA_ONSTACK handler runs on the alternate stack (SS_ONSTACK inside)
 *   altstack-overflow unbounded recursion into the stack guard; the SIGSEGV handler runs on
 *                    the alternate stack and siglongjmps back
 * Output: "r0signal: ring=N", one "r0signal: PART ok" line per part, "r0signal: all ok".
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include "r0test.h"
#include "regs.h"

static int ring;
static volatile int h_ring = -1, h_code, h_count, h_inloop, h_regsbad, h_df, h_onstack;
static struct regset spin_in;

static void report(const char *name, uint64_t want, uint64_t got)
{
	printf("FAIL r0signal: register %s: want %#llx got %#llx\n", name, (unsigned long long)want,
	       (unsigned long long)got);
	r0_failures++;
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction %d", sig);
}

static void arm_timer_us(long us)
{
	struct itimerval it = {{0, 0}, {us / 1000000, us % 1000000}};
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
}

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	h_ring = cur_ring();
	h_code = si->si_code;
	h_count++;
}

static void part_handler_ring(void)
{
	h_ring = -1;
	h_count = 0;
	set_handler(SIGUSR1, on_usr1, 0);
	CHECK(raise(SIGUSR1) == 0, "raise");
	CHECK_EQ(h_count, 1);
	CHECK_EQ(h_ring, ring);
	CHECK_EQ(h_code, SI_TKILL);
}

/* Clobbers what a handler may clobber, so that only rt_sigreturn can restore it. */
static void clobber(void)
{
	__asm__ volatile(
		"mov $-1, %%rbx\n\tmov $-2, %%rsi\n\tmov $-3, %%rdi\n\tmov $-4, %%rdx\n\t"
		"mov $-5, %%r8\n\tmov $-6, %%r9\n\tmov $-7, %%r10\n\tmov $-8, %%r11\n\t"
		"mov $-9, %%r12\n\tmov $-10, %%r13\n\tmov $-11, %%r14\n\tmov $-12, %%r15\n\t"
		"pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm1, %%xmm1\n\tpcmpeqd %%xmm2, %%xmm2\n\t"
		"pcmpeqd %%xmm3, %%xmm3\n\tpcmpeqd %%xmm4, %%xmm4\n\tpcmpeqd %%xmm5, %%xmm5\n\t"
		"pcmpeqd %%xmm6, %%xmm6\n\tpcmpeqd %%xmm7, %%xmm7\n\tpcmpeqd %%xmm8, %%xmm8\n\t"
		"pcmpeqd %%xmm9, %%xmm9\n\tpcmpeqd %%xmm10, %%xmm10\n\tpcmpeqd %%xmm11, %%xmm11\n\t"
		"pcmpeqd %%xmm12, %%xmm12\n\tpcmpeqd %%xmm13, %%xmm13\n\tpcmpeqd %%xmm14, %%xmm14\n\t"
		"pcmpeqd %%xmm15, %%xmm15\n\t"
		::: "rbx", "rsi", "rdi", "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
		"xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		"xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "memory");
}

static void on_alrm_spin(int sig, siginfo_t *si, void *ucv)
{
	(void)sig; (void)si;
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t rip = (uint64_t)g[REG_RIP];
	h_ring = cur_ring();
	h_count++;
	h_inloop = rip >= (uint64_t)r0_spin_loop && rip <= (uint64_t)r0_spin_end;
	h_df = (g[REG_EFL] & RFLAGS_DF) != 0;
	static const int idx[15] = {REG_RAX, REG_RBX, REG_RCX, REG_RDX, REG_RSI, REG_RDI, REG_RBP, REG_R8,
				    REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15};
	const uint64_t *w = &spin_in.rax;
	int bad = 0;
	for (int i = 0; i < 15; i++)
		bad += (uint64_t)g[idx[i]] != w[i];
	h_regsbad = bad;
	clobber();
	r0_spin_flag = 1;
}

static void part_computation(void)
{
	struct regset out;
	regs_fill(&spin_in, 0x1234);
	r0_spin_flag = 0;
	h_count = 0;
	h_ring = -1;
	set_handler(SIGALRM, on_alrm_spin, 0);
	arm_timer_us(20000);
	regs_spin(&spin_in, &out);
	CHECK_EQ(h_count, 1);
	CHECK_EQ(h_ring, ring);
	CHECK(h_inloop, "the signal did not interrupt the spin loop");
	CHECK_EQ(h_regsbad, 0);
	CHECK(h_df, "DF not set in the interrupted context's rflags");
	CHECK(out.rflags & RFLAGS_DF, "DF lost across the handler");
	CHECK_EQ(regs_diff(&spin_in, &out, 0, report), 0);
	signal(SIGALRM, SIG_DFL);
}

static void on_alrm_count(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	h_ring = cur_ring();
	h_count++;
	clobber();
}

/* read(fd, buf, 1) through regs_call with every other register set; returns rax. */
static long read_regs(int fd, char *buf, struct regset *in, struct regset *out)
{
	regs_fill(in, 0x77);
	in->rax = SYS_read;
	in->rdi = (uint64_t)fd;
	in->rsi = (uint64_t)buf;
	in->rdx = 1;
	regs_call(in, out, REGS_CALL_ENTRY);
	return (long)out->rax;
}

static void part_blocking(int restart)
{
	int p[2];
	struct regset in, out;
	char c = 0;
	CHECK(pipe(p) == 0, "pipe");
	h_count = 0;
	h_ring = -1;
	set_handler(SIGALRM, on_alrm_count, restart ? SA_RESTART : 0);
	pid_t child = -1;
	if (restart) {
		child = fork();
		CHECK(child >= 0, "fork");
		if (child == 0) {
			struct timespec ts = {0, 80 * 1000000L};
			nanosleep(&ts, NULL);
			_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
		}
	}
	arm_timer_us(20000);
	long r = read_regs(p[0], &c, &in, &out);
	if (restart) {
		CHECK_EQ(r, 1);
		CHECK_EQ(c, 'x');
		int st;
		CHECK_EQ(waitpid(child, &st, 0), child);
		CHECK_EQ(st, 0);
	} else {
		CHECK_EQ(r, -EINTR);
	}
	CHECK_EQ(h_count, 1);
	CHECK_EQ(h_ring, ring);
	CHECK_EQ(regs_diff(&in, &out, REG_BIT(rax) | REG_BIT(rcx) | REG_BIT(r11), report), 0);
	close(p[0]);
	close(p[1]);
	signal(SIGALRM, SIG_DFL);
}

static char altstack[64 * 1024] __attribute__((aligned(16)));
static volatile uintptr_t h_sp;

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	volatile char here = 0;
	stack_t cur;
	h_sp = (uintptr_t)&here;
	h_ring = cur_ring();
	h_onstack = sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_ONSTACK);
	h_count++;
}

static void part_sigaltstack(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
	CHECK(sigaltstack(&ss, NULL) == 0, "sigaltstack");
	h_count = 0;
	h_onstack = 0;
	h_ring = -1;
	set_handler(SIGUSR2, on_usr2, SA_ONSTACK);
	raise(SIGUSR2);
	CHECK_EQ(h_count, 1);
	CHECK_EQ(h_ring, ring);
	CHECK(h_sp >= (uintptr_t)altstack && h_sp < (uintptr_t)altstack + sizeof altstack,
	      "handler not on the alternate stack");
	CHECK(h_onstack, "SS_ONSTACK not reported inside the handler");
	stack_t cur;
	CHECK(sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_ONSTACK), "SS_ONSTACK after the handler");
}

static sigjmp_buf jb;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)si; (void)uc;
	volatile char here = 0;
	h_sp = (uintptr_t)&here;
	h_ring = cur_ring();
	h_count++;
	siglongjmp(jb, sig);
}

static int recurse(int n)
{
	volatile char buf[4096];
	buf[0] = (char)n;
	if (n < 0)
		return 0;
	return recurse(n + 1) + buf[0];
}

static void part_altstack_overflow(void)
{
	h_count = 0;
	h_ring = -1;
	set_handler(SIGSEGV, on_segv, SA_ONSTACK | SA_NODEFER);
	int r = sigsetjmp(jb, 1);
	if (r == 0) {
		printf("%d\n", recurse(0)); /* never returns */
		CHECK(0, "recursion ended without a fault");
	}
	CHECK_EQ(r, SIGSEGV);
	CHECK_EQ(h_count, 1);
	CHECK_EQ(h_ring, ring);
	CHECK(h_sp >= (uintptr_t)altstack && h_sp < (uintptr_t)altstack + sizeof altstack,
	      "SIGSEGV handler not on the alternate stack");
	signal(SIGSEGV, SIG_DFL);
}

int main(void)
{
	ring = r0_start("r0signal");
	R0_PART("handler-ring", part_handler_ring());
	R0_PART("computation", part_computation());
	R0_PART("blocking-eintr", part_blocking(0));
	R0_PART("blocking-restart", part_blocking(1));
	R0_PART("sigaltstack", part_sigaltstack());
	R0_PART("altstack-overflow", part_altstack_overflow());
	R0_DONE();
}
