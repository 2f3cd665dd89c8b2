/* signals.c: the signal context a program under r0run sees, made the kernel's.
 *
 * When a signal interrupts a system call made through ringzero's ring-0 entry, the kernel
 * reports the interrupted context at the caller's side of the call: pc = the entry with the
 * return address at sp when the call has not taken effect (it is to be restarted, or was
 * never run), and pc = the return address with rsp past it once it has completed (DESIGN.md
 * contract 2; musl's cancel_handler depends on the first form). On the host, Linux reports
 * pc inside forward.S instead. So r0run installs its own trampoline for every handler the
 * program installs, rewrites the context into the kernel's form, and calls the program's
 * handler; rt_sigaction's old action still reports the program's own handler.
 *
 * Like reexec.c it runs inside the program: raw system calls only, no glibc, built with
 * -mgeneral-regs-only. It owns the handler records and the rewrite; forward.S routes
 * rt_sigaction here, sigstubs.S holds the handlers' entry points.
 */
#include <stdint.h>
#include <asm/unistd_64.h>
#include <asm/signal.h>       /* stack_t, sigset_t: what asm/ucontext.h uses */
#include <asm/sigcontext.h>
#include <asm/ucontext.h>
#include "r0run.h"

#define NSIG_ 65
#define SA_SIGINFO_ 4
#define SIG_IGN_ 1
#define ENOMEM_ 12

struct k_sigaction {            /* rt_sigaction's struct, as the kernel takes it */
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* The program's handlers. The kernel's action for a signal points at one of the stubs of
 * sigstubs.S, and stub i runs action_record[i]. Records are written once and never changed,
 * so the kernel's own per-process action table says which handler runs: a child that shares
 * this memory but not the parent's actions (posix_spawn's CLONE_VM|CLONE_VFORK child resets
 * its handlers to SIG_DFL; popen) cannot change what the parent runs. A table indexed by
 * signal number in this memory could: the child's write reached the parent (issue 9). */
struct action_record {
	uint64_t handler, flags;
};
static struct action_record action_record[R0_NSIGSTUBS];
static int nrecords;            /* records published; the stubs beyond are unused */
static int records_lock;        /* threads install handlers concurrently */

uint64_t r0_program_entry;      /* the AT_SYSINFO value the program was given (r0run.c) */
extern const char r0_entry_syscall[];   /* forward.S: the general path's syscall */

#define SYSCALL_INSN_LEN 2

static void rewrite_context(struct ucontext *uc)
{
	struct sigcontext *mc = &uc->uc_mcontext;
	if (mc->rip == (uint64_t)r0_entry_syscall) {
		/* Linux rewound onto the syscall to restart it (rax holds the number again), or
		 * the signal came before it ran: the call has not happened. */
		mc->rip = r0_program_entry;
	} else if (mc->rip == (uint64_t)r0_entry_syscall + SYSCALL_INSN_LEN) {
		/* Completed: the result is in rax; show the return to the caller. */
		mc->rip = *(uint64_t *)mc->rsp;
		mc->rsp += 8;
	}
}

/* Called by stub `index` (sigstubs.S) with the kernel's three handler arguments. */
void r0_sig_trampoline(int sig, void *info, void *ucontext, long index)
{
	rewrite_context(ucontext);
	const struct action_record *a = &action_record[index];
	if (a->flags & SA_SIGINFO_)
		((void (*)(int, void *, void *))a->handler)(sig, info, ucontext);
	else
		((void (*)(int))a->handler)(sig);
}

static long stub_index(uint64_t handler)
{
	uint64_t off = handler - (uint64_t)r0_sig_stubs;
	return off < (uint64_t)R0_NSIGSTUBS * R0_SIGSTUB_SIZE ? (long)(off / R0_SIGSTUB_SIZE) : -1;
}

/* The record for (handler, flags): an existing one, or a new one published after it is
 * written. -1 when every stub is taken (that many distinct handlers is not a real program). */
static long record_for(uint64_t handler, uint64_t flags)
{
	while (__atomic_exchange_n(&records_lock, 1, __ATOMIC_ACQUIRE))
		;
	long i;
	for (i = 0; i < nrecords; i++)
		if (action_record[i].handler == handler && action_record[i].flags == flags)
			break;
	if (i == nrecords && i < R0_NSIGSTUBS) {
		action_record[i].handler = handler;
		action_record[i].flags = flags;
		__atomic_store_n(&nrecords, i + 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&records_lock, 0, __ATOMIC_RELEASE);
	return i < R0_NSIGSTUBS ? i : -1;
}

long r0_rt_sigaction(long sig, const struct k_sigaction *act, struct k_sigaction *oact,
		     long setsize)
{
	if (sig < 1 || sig >= NSIG_)
		return r0_syscall6(__NR_rt_sigaction, sig, (long)act, (long)oact, setsize, 0, 0);
	struct k_sigaction mine, old;
	if (act) {
		mine = *act;
		if (mine.handler > SIG_IGN_) {  /* a real handler: run it through its stub */
			long i = record_for(act->handler, act->flags);
			if (i < 0)
				return -ENOMEM_;
			mine.handler = (uint64_t)r0_sig_stubs + (uint64_t)i * R0_SIGSTUB_SIZE;
			mine.flags |= SA_SIGINFO_;
		}
	}
	long r = r0_syscall6(__NR_rt_sigaction, sig, act ? (long)&mine : 0, oact ? (long)&old : 0,
			     setsize, 0, 0);
	if (r < 0)
		return r;
	if (oact) {
		long i = stub_index(old.handler);
		if (i >= 0) {           /* report the program's own handler and flags */
			old.handler = action_record[i].handler;
			old.flags = action_record[i].flags;
		}
		*oact = old;
	}
	return r;
}
