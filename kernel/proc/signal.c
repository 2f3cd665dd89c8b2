/* signal.c: signals. Owns sending (kill, tgkill, tkill, the file layer's signal_send,
 * faults through force_sig, SIGCHLD at exit), the per-task pending and blocked sets, the
 * handler table (struct sighand, Linux's kernel sigaction layout: handler, flags,
 * restorer, mask), default actions (terminate; ignore for SIGCHLD, SIGURG, SIGWINCH and
 * SIGCONT; stop for the stop signals, jobctl.c; core-dumping signals terminate without a
 * core), delivery on the way back to the program with Linux's x86_64
 * rt_sigframe (pretcode, ucontext with the sigcontext register order that musl's
 * REG_RIP/REG_RSP index, siginfo, an fxsave image for the FPU/SSE state), rt_sigreturn,
 * sigaltstack, and system-call restarts (-ERESTARTSYS: -EINTR, or a restart under
 * SA_RESTART).
 *
 * Pending signals: a standard signal (below SIGRTMIN) is one bit and one record, so sending
 * it again while it is pending changes nothing (the first information stays); a real-time
 * signal (SIGRTMIN..64) is queued once per send with its information, in order, in a list
 * per task (struct sigqueue), and is delivered or taken by sigwaitinfo one instance at a
 * time. The queue is limited by RLIMIT_SIGPENDING, counted over every process as Linux
 * counts per user (everyone is root here): a sigqueue, tkill or kernel sender beyond it gets
 * EAGAIN, a kill() makes the signal pending without its information. Delivery takes the
 * synchronous signals (faults) first, then the lowest number. */
#include "proc.h"
#include "files.h"
#include "gdt.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"
#include "trace.h"
#include <asm-generic/errno.h>
#include <asm-generic/siginfo.h>
#include <linux/signal.h>

#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define BIT(s) (1ULL << ((s) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define SYNCHRONOUS (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGTRAP) | BIT(SIGFPE) | BIT(SIGSYS))

/* A queued real-time signal. */
struct sigqueue {
	struct sigqueue *next;
	int sig;
	struct sigrec rec;
};
static uint64_t sigq_total; /* queued in every process: RLIMIT_SIGPENDING counts per user */

/* The x86_64 signal frame, as Linux lays it out (arch/x86 uapi sigcontext/ucontext). */
struct ksigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};
struct kstack_t {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};
struct kucontext {
	uint64_t uc_flags, uc_link;
	struct kstack_t uc_stack;
	struct ksigcontext uc_mcontext;
	uint64_t uc_sigmask;
};
struct ksiginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		uint64_t addr;
		struct {
			int32_t pid, uid, status;
		} k;
		struct {
			int32_t pid, uid;
			uint64_t value;
		} rt;
		uint8_t bytes[112];
	} u;
};
struct rt_sigframe {
	uint64_t pretcode;
	struct kucontext uc;
	struct ksiginfo info;
};
_Static_assert(sizeof(struct ksigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct ksiginfo) == 128, "siginfo layout");
_Static_assert(__builtin_offsetof(struct kucontext, uc_mcontext) == 40, "ucontext layout");
_Static_assert(__builtin_offsetof(struct ksiginfo, u.rt.value) == 24, "siginfo layout");

static bool default_ignored(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool ignored(struct task *t, int sig)
{
	if (!t->sighand)
		return true;
	uint64_t h = t->sighand->act[sig].handler;
	return h == (uint64_t)SIG_IGN || (h == (uint64_t)SIG_DFL && default_ignored(sig));
}

bool signal_ignored_or_blocked(int sig)
{
	return ignored(current, sig) || (current->sig_blocked & BIT(sig));
}

bool signal_pending(struct task *t) { return (t->sig_pending & ~t->sig_blocked) != 0; }

/* RLIMIT_SIGPENDING of t's process; Linux's default is half its default thread limit. */
void sigqueue_limit(struct task *t, uint64_t *cur, uint64_t *max)
{
	uint64_t def = frames_total() * PAGE_SIZE / (8 * 16384) / 2;
	struct sighand *h = t ? t->sighand : NULL;
	*cur = h && h->sigpending_set ? h->sigpending_cur : def;
	*max = h && h->sigpending_set ? h->sigpending_max : def;
}

void sigqueue_set_limit(struct task *t, uint64_t cur, uint64_t max)
{
	if (t && t->sighand) {
		t->sighand->sigpending_set = true;
		t->sighand->sigpending_cur = cur;
		t->sighand->sigpending_max = max;
	}
}

/* Queues one instance of real-time signal sig; false when over the limit or out of memory. */
static bool sigqueue_add(struct task *t, int sig, const struct sigrec *r)
{
	uint64_t cur, max;
	sigqueue_limit(t, &cur, &max);
	if (sigq_total >= cur)
		return false;
	struct sigqueue *q = kmalloc(sizeof(*q));
	if (!q)
		return false;
	q->next = NULL;
	q->sig = sig;
	q->rec = *r;
	struct sigqueue **pp = &t->sigq;
	while (*pp)
		pp = &(*pp)->next;
	*pp = q;
	sigq_total++;
	return true;
}

static void sigqueue_free(struct sigqueue **pp)
{
	struct sigqueue *q = *pp;
	*pp = q->next;
	kfree(q);
	sigq_total--;
}

/* Removes every queued instance of sig (all when sig is 0). */
static void sigqueue_drop(struct task *t, int sig)
{
	struct sigqueue **pp = &t->sigq;
	while (*pp) {
		if (!sig || (*pp)->sig == sig)
			sigqueue_free(pp);
		else
			pp = &(*pp)->next;
	}
}

void signal_flush_queue(struct task *t)
{
	sigqueue_drop(t, 0);
	t->sig_pending = 0;
}

/* Takes one pending instance of sig (its bit is set) and its information. */
static void dequeue(struct task *t, int sig, struct sigrec *r)
{
	if (sig < SIGRTMIN) {
		*r = t->sig_info[sig];
		t->sig_pending &= ~BIT(sig);
		return;
	}
	struct sigqueue **pp = &t->sigq;
	while (*pp && (*pp)->sig != sig)
		pp = &(*pp)->next;
	if (!*pp) { /* sent by kill() beyond the limit: no information */
		memset(r, 0, sizeof(*r));
		r->code = SI_USER;
		t->sig_pending &= ~BIT(sig);
		return;
	}
	*r = (*pp)->rec;
	sigqueue_free(pp);
	struct sigqueue *q = *pp;
	while (q && q->sig != sig)
		q = q->next;
	if (!q)
		t->sig_pending &= ~BIT(sig);
}

/* The signal of set to take next: a synchronous one (a fault), else the lowest number. */
static int next_signal(uint64_t set)
{
	if (set & SYNCHRONOUS)
		set &= SYNCHRONOUS;
	return set ? __builtin_ctzll(set) + 1 : 0;
}

long signal_send_rec(struct task *t, int sig, const struct sigrec *r)
{
	if (sig < 0 || sig > NSIG_RZ)
		return -EINVAL;
	if (!t || t->state == T_ZOMBIE || !t->sighand)
		return -ESRCH;
	if (!t->mm)
		return -EPERM; /* the shell's kernel task */
	if (sig == 0)
		return 0;
	jobctl_on_send(t, sig);
	if (ignored(t, sig) && !(t->sig_blocked & BIT(sig)) && !(t->sigwait_set & BIT(sig)))
		return 0; /* discarded at once, as Linux does */
	if (sig < SIGRTMIN) {
		if (t->sig_pending & BIT(sig))
			return 0; /* merged: one instance, the first one's information */
		t->sig_info[sig] = *r;
	} else if (!sigqueue_add(t, sig, r)) {
		if (r->code != SI_USER)
			return -EAGAIN;
		/* kill(): pending without its information (Linux's "lost info") */
	}
	t->sig_pending |= BIT(sig);
	if (!(t->sig_blocked & BIT(sig)) || sig == SIGKILL)
		signal_wake(t);
	signalfd_notify();
	return 0;
}

/* A signal for the process of t (kill, sigqueue): there is no process-wide pending set, so
 * it goes to a thread that takes it now, as Linux's choice does: the leader if it does not
 * block it (or waits for it in sigwaitinfo), else the first other live thread that does,
 * else the leader (a live thread, should the leader have exited). */
static bool live(struct task *o) { return o->state != T_ZOMBIE && o->sighand; }

static bool takes_now(struct task *o, int sig)
{
	return live(o) && (sig < 1 || sig > NSIG_RZ || !(o->sig_blocked & BIT(sig)) || (o->sigwait_set & BIT(sig)));
}

struct task *signal_process_target(struct task *t, int sig)
{
	if (!t)
		return NULL;
	struct task *leader = task_find(t->tgid);
	if (!leader)
		leader = t;
	if (takes_now(leader, sig))
		return leader;
	struct task *fallback = live(leader) ? leader : NULL;
	for (struct task *o = all_tasks; o; o = o->next_all) {
		if (o == leader || o->tgid != t->tgid || !live(o))
			continue;
		if (takes_now(o, sig))
			return o;
		if (!fallback)
			fallback = o;
	}
	return fallback ? fallback : leader;
}

long signal_send_task(struct task *t, int sig, int code, int pid, uint64_t addr, int status)
{
	struct sigrec r = {.code = code, .pid = pid, .uid = 0, .status = status, .data = addr};
	return signal_send_rec(t, sig, &r);
}

long proc_kill(int pid, int sig)
{
	if (sig < 0 || sig > NSIG_RZ)
		return -EINVAL;
	struct task *t = signal_process_target(task_find(pid), sig);
	if (!t)
		return -ESRCH;
	return signal_send_task(t, sig, SI_USER, current->tgid, 0, 0);
}

uint64_t signal_pending_set(void) { return current->sig_pending; }

/* signalfd's read: the next pending signal of set, dequeued with its information (a
 * real-time one from its queue), or 0. */
int signal_take(uint64_t set, struct sig_taken *out)
{
	struct task *t = current;
	int sig = next_signal(t->sig_pending & set & ~UNBLOCKABLE);
	if (!sig)
		return 0;
	struct sigrec r;
	dequeue(t, sig, &r);
	*out = (struct sig_taken){.signo = sig, .code = r.code, .pid = r.pid, .uid = r.uid, .status = r.status,
				  .addr = r.data};
	return sig;
}

long signal_send(int pid, int sig)
{
	struct task *t = task_find(pid);
	if (!t)
		return -ESRCH;
	return signal_send_task(t, sig, SI_KERNEL, 0, 0, 0);
}

/* A fault: the signal cannot be blocked or ignored (Linux resets it to the default then). */
void force_sig(int sig, uint64_t addr, int code)
{
	struct task *t = current;
	if (!t->sighand)
		do_exit(sig);
	struct ksigaction *a = &t->sighand->act[sig];
	if ((t->sig_blocked & BIT(sig)) || a->handler == (uint64_t)SIG_IGN) {
		a->handler = (uint64_t)SIG_DFL;
		t->sig_blocked &= ~BIT(sig);
	}
	t->sig_pending |= BIT(sig);
	t->sig_info[sig] = (struct sigrec){.code = code, .data = addr};
}

void signal_exec_reset(struct task *t)
{
	if (!t->sighand)
		return;
	if (t->sighand->users > 1) { /* shared with a vfork parent? no: handlers are per process here */
		struct sighand *n = kmalloc(sizeof(*n));
		if (n) {
			*n = *t->sighand;
			n->users = 1;
			n->group_exit = false;
			t->sighand->users--;
			t->sighand = n;
		}
	}
	for (int s = 1; s <= NSIG_RZ; s++) {
		struct ksigaction *a = &t->sighand->act[s];
		if (a->handler != (uint64_t)SIG_IGN)
			a->handler = (uint64_t)SIG_DFL;
		a->flags = 0;
		a->restorer = 0;
		a->mask = 0;
	}
	t->altstack_sp = t->altstack_size = 0;
	t->altstack_flags = SS_DISABLE;
}

static bool fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP;
}

/* Linux's siginfo for a pending instance: the fault layout (si_addr) for a fault the kernel
 * raised, SIGCHLD's (pid, uid, status), or kill/sigqueue's (pid, uid, si_value). */
static void fill_siginfo(struct ksiginfo *si, int sig, const struct sigrec *r)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = r->code;
	if (fault_signal(sig) && r->code > 0) {
		si->u.addr = r->data;
	} else if (sig == SIGCHLD && r->code > 0) {
		si->u.k.pid = r->pid;
		si->u.k.uid = r->uid;
		si->u.k.status = r->status;
	} else {
		si->u.rt.pid = r->pid;
		si->u.rt.uid = r->uid;
		si->u.rt.value = r->data;
	}
}

static bool on_altstack(struct task *t, uint64_t sp)
{
	return t->altstack_size && sp > t->altstack_sp && sp <= t->altstack_sp + t->altstack_size;
}

static void setup_frame(struct trapframe *tf, int sig, struct ksigaction *act, const struct sigrec *rec)
{
	struct task *t = current;
	uint64_t sp = tf->rsp;
	if ((act->flags & SA_ONSTACK) && t->altstack_size && !(t->altstack_flags & SS_DISABLE) && !on_altstack(t, sp))
		sp = t->altstack_sp + t->altstack_size;
	else
		sp -= 128; /* the red zone */
	sp = ALIGN_DOWN(sp - 512, 64);
	uint64_t fx = sp;
	sp = ALIGN_DOWN(sp - sizeof(struct rt_sigframe), 16) - 8; /* as if just called */

	struct rt_sigframe f;
	memset(&f, 0, sizeof(f));
	f.pretcode = act->restorer;
	f.uc.uc_stack.ss_sp = t->altstack_sp;
	f.uc.uc_stack.ss_size = t->altstack_size;
	f.uc.uc_stack.ss_flags = t->altstack_size ? (on_altstack(t, tf->rsp) ? SS_ONSTACK : t->altstack_flags) : SS_DISABLE;
	struct ksigcontext *m = &f.uc.uc_mcontext;
	m->r8 = tf->r8, m->r9 = tf->r9, m->r10 = tf->r10, m->r11 = tf->r11;
	m->r12 = tf->r12, m->r13 = tf->r13, m->r14 = tf->r14, m->r15 = tf->r15;
	m->rdi = tf->rdi, m->rsi = tf->rsi, m->rbp = tf->rbp, m->rbx = tf->rbx;
	m->rdx = tf->rdx, m->rax = tf->rax, m->rcx = tf->rcx, m->rsp = tf->rsp;
	m->rip = tf->rip, m->eflags = tf->rflags;
	m->cs = (uint16_t)tf->cs, m->ss = (uint16_t)tf->ss;
	m->err = tf->vector < 32 ? tf->error : 0;
	m->trapno = tf->vector < 32 ? tf->vector : 0;
	m->cr2 = fault_signal(sig) && rec->code > 0 ? rec->data : 0;
	m->fpstate = fx;
	uint64_t mask = t->restore_mask ? t->saved_mask : t->sig_blocked;
	t->restore_mask = false;
	m->oldmask = mask;
	f.uc.uc_sigmask = mask;
	fill_siginfo(&f.info, sig, rec);
	uint8_t fpu[512] __attribute__((aligned(16)));
	__asm__ volatile("fxsave %0" : "=m"(fpu));
	/* a handler address that is not canonical would make iretq fault in the kernel */
	if (act->handler >= USER_TOP || !(act->flags & SA_RESTORER) || copy_to_user(sp, &f, sizeof(f)) || copy_to_user(fx, fpu, sizeof(fpu))) {
		printk("[signal] pid %d (%s): cannot build the frame for signal %d at %#lx -> SIGSEGV\n", t->pid, t->name,
		       sig, sp);
		do_exit(SIGSEGV);
	}
	tf->rdi = (uint64_t)sig;
	tf->rsi = sp + __builtin_offsetof(struct rt_sigframe, info);
	tf->rdx = sp + __builtin_offsetof(struct rt_sigframe, uc);
	tf->rax = 0;
	tf->rip = act->handler;
	tf->rsp = sp;
	tf->rflags &= ~((1ULL << 8) | (1ULL << 10)); /* TF, DF */
	tf->vector = 0;
	t->sig_blocked |= act->mask & ~UNBLOCKABLE;
	if (!(act->flags & SA_NODEFER))
		t->sig_blocked |= BIT(sig);
	if (act->flags & SA_RESETHAND)
		act->handler = (uint64_t)SIG_DFL;
}

void signal_deliver(struct trapframe *tf)
{
	struct task *t = current;
	uint64_t ready = t->sig_pending & ~t->sig_blocked;
	if (!ready)
		return;
	int sig = next_signal(ready);
	struct sigrec rec;
	dequeue(t, sig, &rec);
	if (__builtin_expect(t->traced != NULL, 0)) /* exec -t / kexec -t */
		trace_signal(t, sig, &rec);
	struct ksigaction *act = &t->sighand->act[sig];
	if (sig != SIGKILL && act->handler == (uint64_t)SIG_IGN)
		return;
	if (sig == SIGKILL || act->handler == (uint64_t)SIG_DFL) {
		if (sig != SIGKILL && jobctl_is_stop(sig)) {
			/* Linux: the terminal stop signals are discarded in an orphaned group
			 * (nobody in the session could continue it); SIGSTOP always stops */
			if (sig == SIGSTOP || !pgrp_orphaned(t->pgid))
				jobctl_stop(sig);
			return;
		}
		if (sig != SIGKILL && default_ignored(sig))
			return;
		do_exit(sig); /* terminated by sig (core-dumping ones too, without a core) */
	}
	if (tf->vector == TF_SYSCALL || tf->vector == TF_R0CALL) {
		long r = (long)tf->rax;
		if (r == -ERESTARTNOHAND || (r == -ERESTARTSYS && !(act->flags & SA_RESTART))) {
			tf->rax = (uint64_t)-EINTR;
		} else if (r == -ERESTARTSYS || r == -ERESTARTNOINTR) {
			syscall_restart_frame(tf); /* the handler sees the call not yet made */
		}
	}
	setup_frame(tf, sig, act, &rec);
}

/* ppoll/pselect6's temporary mask (vfs.h): the wait runs with mask; the old one comes back
 * when the call ends, or, when a signal interrupted it, after that signal's handler (the
 * frame records the old mask, as for rt_sigsuspend; return_to_program restores it if no
 * handler ran). */
void sigmask_set_temporary(uint64_t mask)
{
	current->saved_mask = current->sig_blocked;
	current->restore_mask = true;
	current->sig_blocked = mask & ~UNBLOCKABLE;
}

void sigmask_restore(bool interrupted)
{
	if (interrupted || !current->restore_mask)
		return;
	current->restore_mask = false;
	current->sig_blocked = current->saved_mask;
}

/* --- system calls ---------------------------------------------------------------------- */

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct task *t = current;
	struct trapframe *tf = t->tf;
	/* the handler's ret popped pretcode: the frame is at rsp - 8 when rt_sigreturn came by
	 * the syscall instruction, and by jmp to the ring-0 entry (musl's __restore_rt), which
	 * recorded rsp + 8 as if a return address had been there */
	uint64_t sp = tf->rsp - (tf->vector == TF_R0CALL ? 16 : 8);
	struct rt_sigframe f;
	if (copy_from_user(&f, sp, sizeof(f))) {
		printk("[signal] pid %d (%s): bad rt_sigreturn frame at %#lx -> SIGSEGV\n", t->pid, t->name, sp);
		do_exit(SIGSEGV);
	}
	struct ksigcontext *m = &f.uc.uc_mcontext;
	tf->r8 = m->r8, tf->r9 = m->r9, tf->r10 = m->r10, tf->r11 = m->r11;
	tf->r12 = m->r12, tf->r13 = m->r13, tf->r14 = m->r14, tf->r15 = m->r15;
	tf->rdi = m->rdi, tf->rsi = m->rsi, tf->rbp = m->rbp, tf->rbx = m->rbx;
	tf->rdx = m->rdx, tf->rax = m->rax, tf->rcx = m->rcx, tf->rsp = m->rsp;
	tf->rip = m->rip;
	/* not canonical (or kernel): iretq must not fault in ring 0. The one kernel address a
	 * ring-0 program may resume at is the entry (a call shown before it took effect). */
	if (m->rip >= USER_TOP && !(t->ring == 0 && m->rip == (uint64_t)r0_entry)) {
		printk("[signal] pid %d (%s): rt_sigreturn to %#lx -> SIGSEGV\n", t->pid, t->name, m->rip);
		do_exit(SIGSEGV);
	}
	/* the program may change the arithmetic flags, TF, DF, AC, ID; never IF or IOPL */
	const uint64_t user_flags = 0x254dd5ULL;
	tf->rflags = (tf->rflags & ~user_flags) | (m->eflags & user_flags) | (1ULL << 9);
	tf->vector = 0; /* not a system call to restart any more */
	t->sig_blocked = f.uc.uc_sigmask & ~UNBLOCKABLE;
	if (m->fpstate) {
		uint8_t fpu[512] __attribute__((aligned(16)));
		if (copy_from_user(fpu, m->fpstate, sizeof(fpu))) {
			do_exit(SIGSEGV);
		}
		uint32_t mxcsr;
		memcpy(&mxcsr, fpu + 24, 4);
		mxcsr &= 0xffbf;
		memcpy(fpu + 24, &mxcsr, 4);
		__asm__ volatile("fxrstor %0" ::"m"(fpu));
	}
	if (f.uc.uc_stack.ss_flags == 0 || f.uc.uc_stack.ss_flags == SS_DISABLE) {
		/* sigaltstack state is restored only when it was in effect; keep it simple */
	}
	return (long)tf->rax;
}

SYSCALL_DEFINE4(rt_sigaction, int, sig, uptr_t, act, uptr_t, oact, size_t, sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	if (sig < 1 || sig > NSIG_RZ)
		return -EINVAL;
	struct ksigaction n, *cur = &current->sighand->act[sig];
	if (act) {
		if (sig == SIGKILL || sig == SIGSTOP)
			return -EINVAL;
		if (copy_from_user(&n, act, sizeof(n)))
			return -EFAULT;
	}
	if (oact && copy_to_user(oact, cur, sizeof(*cur)))
		return -EFAULT;
	if (act) {
		n.mask &= ~UNBLOCKABLE;
		*cur = n;
		if (ignored(current, sig)) /* pending instances of an ignored signal are dropped */
			for (struct task *o = all_tasks; o; o = o->next_all)
				if (o->sighand == current->sighand) {
					o->sig_pending &= ~BIT(sig);
					sigqueue_drop(o, sig);
				}
	}
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, uptr_t, nset, uptr_t, oset, size_t, sigsetsize)
{
	if (sigsetsize != 8)
		return -EINVAL;
	uint64_t old = current->sig_blocked, set;
	if (nset) {
		if (copy_from_user(&set, nset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK: current->sig_blocked |= set; break;
		case SIG_UNBLOCK: current->sig_blocked &= ~set; break;
		case SIG_SETMASK: current->sig_blocked = set; break;
		default: return -EINVAL;
		}
		current->sig_blocked &= ~UNBLOCKABLE;
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, uptr_t, uset, size_t, sigsetsize)
{
	uint64_t p = current->sig_pending & current->sig_blocked;
	if (sigsetsize != 8)
		return -EINVAL;
	return copy_to_user(uset, &p, sizeof(p));
}

static long sleep_for_signal(void)
{
	uint64_t f = irq_save();
	while (waitq_sleep_until(NULL, 0) == 0)
		;
	irq_restore(f);
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(pause)
{
	return sleep_for_signal();
}

SYSCALL_DEFINE2(rt_sigsuspend, uptr_t, unewset, size_t, sigsetsize)
{
	uint64_t mask;
	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&mask, unewset, sizeof(mask)))
		return -EFAULT;
	current->saved_mask = current->sig_blocked;
	current->restore_mask = true;
	current->sig_blocked = mask & ~UNBLOCKABLE;
	return sleep_for_signal();
}

SYSCALL_DEFINE2(sigaltstack, uptr_t, uss, uptr_t, uoss)
{
	struct task *t = current;
	struct kstack_t old = {t->altstack_sp, t->altstack_size ? (on_altstack(t, t->tf->rsp) ? SS_ONSTACK : t->altstack_flags) : SS_DISABLE, 0, t->altstack_size};
	if (uss) {
		struct kstack_t n;
		if (copy_from_user(&n, uss, sizeof(n)))
			return -EFAULT;
		if (on_altstack(t, t->tf->rsp))
			return -EPERM;
		if (n.ss_flags & ~(SS_DISABLE | SS_AUTODISARM))
			return -EINVAL;
		if (n.ss_flags & SS_DISABLE) {
			t->altstack_sp = t->altstack_size = 0;
			t->altstack_flags = SS_DISABLE;
		} else {
			if (n.ss_size < MINSIGSTKSZ)
				return -ENOMEM;
			t->altstack_sp = n.ss_sp;
			t->altstack_size = n.ss_size;
			t->altstack_flags = 0;
		}
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(kill, pid_t, pid, int, sig)
{
	if (sig < 0 || sig > NSIG_RZ)
		return -EINVAL;
	if (pid > 0)
		return signal_send_task(signal_process_target(task_find(pid), sig), sig, SI_USER, current->tgid, 0, 0);
	if (pid == -1)
		return pgrp_kill_all(sig);
	return pgrp_kill(pid ? -pid : current->pgid, sig, SI_USER, current->tgid);
}

SYSCALL_DEFINE2(tkill, pid_t, pid, int, sig)
{
	if (pid <= 0)
		return -EINVAL;
	return signal_send_task(task_find(pid), sig, SI_TKILL, current->tgid, 0, 0);
}

SYSCALL_DEFINE3(tgkill, pid_t, tgid, pid_t, pid, int, sig)
{
	struct task *t = task_find(pid);
	if (tgid <= 0 || pid <= 0)
		return -EINVAL;
	if (t && t->tgid != tgid)
		return -ESRCH;
	return signal_send_task(t, sig, SI_TKILL, current->tgid, 0, 0);
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): takes one signal of set, pending or
 * arriving before the timeout, without running its handler. */
SYSCALL_DEFINE4(rt_sigtimedwait, uptr_t, uthese, uptr_t, uinfo, uptr_t, uts, size_t, sigsetsize)
{
	struct task *t = current;
	uint64_t set;
	if (sigsetsize != 8)
		return -EINVAL;
	if (copy_from_user(&set, uthese, sizeof(set)))
		return -EFAULT;
	set &= ~UNBLOCKABLE;
	uint64_t deadline = 0;
	if (uts) {
		int64_t ts[2];
		if (copy_from_user(ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return -EINVAL;
		deadline = clock_mono_ns() + (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1];
		if (deadline == 0)
			deadline = 1;
	}
	/* let the awaited signals in for the wait, so that sending them wakes us */
	uint64_t saved = t->sig_blocked;
	uint64_t f = irq_save();
	long e = 0;
	t->sig_blocked &= ~set;
	t->sigwait_set = set;
	while (!(t->sig_pending & set)) {
		if (uts && clock_mono_ns() >= deadline) {
			e = -EAGAIN;
			break;
		}
		e = waitq_sleep_until(NULL, uts ? deadline : 0);
		if (e == -ETIMEDOUT) {
			e = -EAGAIN;
			break;
		}
		if (e && !(t->sig_pending & set)) {
			e = -EINTR; /* another signal: its handler runs */
			break;
		}
		e = 0;
	}
	t->sig_blocked = saved;
	t->sigwait_set = 0;
	irq_restore(f);
	if (e)
		return e;
	int sig = next_signal(t->sig_pending & set);
	struct sigrec rec;
	dequeue(t, sig, &rec);
	if (uinfo) {
		struct ksiginfo si;
		fill_siginfo(&si, sig, &rec);
		if (copy_to_user(uinfo, &si, sizeof(si)))
			return -EFAULT;
	}
	return sig;
}

/* The siginfo a program passes to rt_sigqueueinfo/rt_tgsigqueueinfo: its si_code, si_pid,
 * si_uid and si_value are what the receiver sees. Only the kernel may claim to be kill() or
 * tkill() (si_code >= 0 or SI_TKILL), except towards oneself (Linux's rule). */
static long user_sigrec(uint64_t uinfo, int target, struct sigrec *r)
{
	struct ksiginfo si;
	if (copy_from_user(&si, uinfo, sizeof(si)))
		return -EFAULT;
	if ((si.si_code >= 0 || si.si_code == SI_TKILL) && target != current->pid)
		return -EPERM;
	*r = (struct sigrec){.code = si.si_code, .pid = si.u.rt.pid, .uid = si.u.rt.uid, .data = si.u.rt.value};
	return 0;
}

SYSCALL_DEFINE3(rt_sigqueueinfo, pid_t, tgid, int, sig, uptr_t, uinfo)
{
	struct sigrec r;
	long e = user_sigrec(uinfo, tgid, &r);
	if (e)
		return e;
	return signal_send_rec(signal_process_target(task_find(tgid), sig), sig, &r);
}

SYSCALL_DEFINE4(rt_tgsigqueueinfo, pid_t, tgid, pid_t, tid, int, sig, uptr_t, uinfo)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	struct sigrec r;
	long e = user_sigrec(uinfo, tid, &r);
	if (e)
		return e;
	struct task *t = task_find(tid);
	if (t && t->tgid != tgid)
		return -ESRCH;
	return signal_send_rec(t, sig, &r);
}
