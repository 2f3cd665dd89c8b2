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
 * -mgeneral-regs-only. It owns the handler table and the rewrite; forward.S routes
 * rt_sigaction here.
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

struct k_sigaction {            /* rt_sigaction's struct, as the kernel takes it */
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

static struct { uint64_t handler, flags; } program_action[NSIG_];
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

static void trampoline(int sig, void *info, void *ucontext)
{
	rewrite_context(ucontext);
	uint64_t handler = program_action[sig].handler;
	if (program_action[sig].flags & SA_SIGINFO_)
		((void (*)(int, void *, void *))handler)(sig, info, ucontext);
	else
		((void (*)(int))handler)(sig);
}

long r0_rt_sigaction(long sig, const struct k_sigaction *act, struct k_sigaction *oact,
		     long setsize)
{
	if (sig < 1 || sig >= NSIG_)
		return r0_syscall6(__NR_rt_sigaction, sig, (long)act, (long)oact, setsize, 0, 0);
	struct k_sigaction mine, old;
	if (act) {
		mine = *act;
		if (mine.handler > SIG_IGN_) {  /* a real handler: run it through the trampoline */
			mine.handler = (uint64_t)trampoline;
			mine.flags |= SA_SIGINFO_;
		}
	}
	long r = r0_syscall6(__NR_rt_sigaction, sig, act ? (long)&mine : 0, oact ? (long)&old : 0,
			     setsize, 0, 0);
	if (r < 0)
		return r;
	if (oact) {
		if (old.handler == (uint64_t)trampoline) {
			old.handler = program_action[sig].handler;
			old.flags = program_action[sig].flags;
		}
		*oact = old;
	}
	if (act) {
		program_action[sig].handler = act->handler;
		program_action[sig].flags = act->flags;
	}
	return r;
}
