/* jobctl.c: stopping and continuing processes (job control). Owns the stopped state of a
 * process (struct sighand: stopped, report), what the stop signals (SIGSTOP, SIGTSTP,
 * SIGTTIN, SIGTTOU) and SIGCONT do when they are sent (each discards the other's pending
 * instances; SIGCONT and SIGKILL resume a stopped process), stopping every thread of a
 * process on its way back to the program (a stopped thread sleeps: the scheduler does not
 * run it), the parent's SIGCHLD (CLD_STOPPED, CLD_CONTINUED, unless SA_NOCLDSTOP) and what
 * wait4/waitid report (WUNTRACED/WSTOPPED: 0x7f | sig << 8, WCONTINUED: 0xffff). Does not
 * own the signal queues or handlers (signal.c) or the process groups (pgrp.c; it also says
 * when a group is orphaned: signal_deliver then discards SIGTSTP, SIGTTIN and SIGTTOU whose
 * action is the default, as Linux). */
#include "proc.h"
#include "syscall.h"
#include <asm-generic/siginfo.h>
#include <linux/signal.h>
#include <linux/wait.h>

#define BIT(s) (1ULL << ((s) - 1))
#define STOPS (BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))

static struct waitq stop_wq; /* stopped threads sleep here */

bool jobctl_is_stop(int sig) { return sig >= 1 && sig <= NSIG_RZ && (STOPS & BIT(sig)); }

/* The parent of t's process is told: woken in wait, and SIGCHLD with code. */
static void notify_parent(struct task *t, int code, int status)
{
	struct task *leader = task_find(t->tgid);
	struct task *p = leader ? leader->parent : t->parent;
	if (!p || !p->sighand)
		return;
	waitq_wake_all(&p->child_wait);
	if (!(p->sighand->act[SIGCHLD].flags & SA_NOCLDSTOP))
		signal_send_task(p, SIGCHLD, code, t->tgid, 0, status);
}

static void drop_pending(struct task *t, uint64_t set)
{
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o->tgid == t->tgid)
			o->sig_pending &= ~set;
}

/* Called by signal_send_rec before anything else, for every signal sent to t. */
void jobctl_on_send(struct task *t, int sig)
{
	struct sighand *sh = t->sighand;
	if (jobctl_is_stop(sig)) {
		drop_pending(t, BIT(SIGCONT));
		return;
	}
	if (sig != SIGCONT && sig != SIGKILL)
		return;
	if (sig == SIGCONT)
		drop_pending(t, STOPS);
	if (!sh->stopped)
		return;
	sh->stopped = false;
	if (sig == SIGCONT) {
		sh->report = 0xffff;
		notify_parent(t, CLD_CONTINUED, SIGCONT);
	}
	waitq_wake_all(&stop_wq);
}

/* The current thread sleeps while its process is stopped. */
void jobctl_wait(void)
{
	struct task *t = current;
	uint64_t f = irq_save();
	while (t->sighand && t->sighand->stopped && !(t->sig_pending & BIT(SIGKILL)))
		waitq_sleep_unint(&stop_wq);
	irq_restore(f);
}

bool jobctl_stopped(struct task *t)
{
	return t->sighand && t->sighand->stopped && !(t->sig_pending & BIT(SIGKILL));
}

/* A stop signal's default action, taken by the current thread: the whole process stops. */
void jobctl_stop(int sig)
{
	struct task *t = current;
	struct sighand *sh = t->sighand;
	sh->stopped = true;
	sh->report = 0x7f | sig << 8;
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o->tgid == t->tgid && o != t && o->state != T_ZOMBIE)
			signal_wake(o); /* out of its call, to stop on the way back */
	notify_parent(t, CLD_STOPPED, sig);
	jobctl_wait();
}

/* wait4/waitid: a stop (WSTOPPED) or continue (WCONTINUED) of child t not yet reported. */
bool signal_job_report(struct task *t, int options, int *status)
{
	struct sighand *sh = t->sighand;
	if (t->state == T_ZOMBIE || !sh || !sh->report)
		return false;
	bool stop = (sh->report & 0xff) == 0x7f;
	if (stop ? !(options & WSTOPPED) || !sh->stopped : !(options & WCONTINUED))
		return false;
	*status = sh->report;
	if (!(options & WNOWAIT))
		sh->report = 0;
	return true;
}
