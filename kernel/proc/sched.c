/* sched.c: tasks and the CPU. Owns struct task allocation with its kernel stack (16 KiB in
 * KSTACK_AREA with an unmapped 16 KiB guard below), the list of all tasks, the round-robin
 * run queue, schedule() and the context switch around swtch (CR3, TSS.RSP0, the per-CPU
 * kernel-stack top, FPU/SSE state by fxsave/fxrstor, the FS and user GS bases), wait
 * queues (wait.h), irq_save/restore and the timer tick's part (preemption requests and
 * timed wake-ups). The kernel is not preemptible: a task gives up the CPU by sleeping, or
 * on its way back to its program when the timer asked for it. Idle is a hlt loop inside
 * schedule(), on the stack of the task that went to sleep. */
#include "proc.h"
#include "files.h"
#include "gdt.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "vm.h"
#include "x86.h"
#include "trace.h"
#include <asm-generic/errno.h>

#define MSR_FS_BASE        0xc0000100
#define MSR_GS_BASE        0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

struct percpu cpu0;
/* syscall.S and entry.S use these offsets */
_Static_assert(__builtin_offsetof(struct percpu, kstack_top) == PERCPU_KSTACK_TOP, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, prog_cs) == 40, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, prog_ss) == 48, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, ring0_prog) == PERCPU_RING0_PROG, "percpu layout");
_Static_assert(__builtin_offsetof(struct percpu, leaf_calls) == PERCPU_LEAF_CALLS, "percpu layout: entry_ring0.S");
_Static_assert(__builtin_offsetof(struct percpu, leaf_insn_calls) == PERCPU_LEAF_INSN_CALLS, "percpu layout: syscall.S");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe layout");
/* entry_ring0.S reads these (TASK_* there) */
_Static_assert(__builtin_offsetof(struct task, ppid) == 28 && __builtin_offsetof(struct task, parent) == 32, "task layout: ppid in name's padding");
_Static_assert(__builtin_offsetof(struct task, sig_pending) == 712, "task layout: entry_ring0.S");
_Static_assert(__builtin_offsetof(struct task, sig_blocked) == 720, "task layout: entry_ring0.S");
_Static_assert(__builtin_offsetof(struct task, nsyscalls) == 2368, "task layout: entry_ring0.S");
_Static_assert(__builtin_offsetof(struct task, nsyscalls_entry) == 2384, "task layout: entry_ring0.S");
_Static_assert(__builtin_offsetof(struct percpu, cur) == 24 && __builtin_offsetof(struct percpu, need_resched) == 32,
	       "percpu layout: entry_ring0.S");
struct task *all_tasks;
static struct task *runq_head, *runq_tail;
static uint64_t slots[MAX_TASKS / 64];
static int next_pid = 1;
static int ntasks;
static int ntimed; /* tasks sleeping with a deadline */
static struct task shell_task;
static uint8_t clean_fpu[512] __attribute__((aligned(16)));
extern char boot_stack_top[];

uint64_t irq_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f)::"memory");
	return f & (1 << 9);
}

void irq_restore(uint64_t state)
{
	if (state)
		sti();
}

static void fpu_init(void)
{
	write_cr0((read_cr0() & ~(1ULL << 2)) | (1ULL << 1)); /* CR0.EM off, CR0.MP on */
	write_cr4(read_cr4() | (1ULL << 9) | (1ULL << 10));   /* OSFXSR, OSXMMEXCPT */
	uint32_t mxcsr = 0x1f80;
	__asm__ volatile("fninit; ldmxcsr %1; fxsave %0" : "=m"(clean_fpu) : "m"(mxcsr));
}

void sched_init(void)
{
	fpu_init();
	cpu0.self = &cpu0;
	wrmsr(MSR_GS_BASE, (uint64_t)&cpu0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	struct task *t = &shell_task;
	t->pid = t->tgid = t->pgid = t->sid = next_pid++;
	strlcpy(t->name, "shell", sizeof(t->name));
	t->state = T_RUNNABLE;
	t->slot = -1;
	t->kstack_top = (uint64_t)boot_stack_top;
	t->ring = 0;
	t->umask = 022;
	rlimit_defaults(t); /* every program inherits them from the shell */
	memcpy(t->fpu, clean_fpu, sizeof(clean_fpu));
	waitq_init(&t->child_wait);
	t->sighand = kzalloc(sizeof(struct sighand));
	t->sighand->users = 1;
	all_tasks = t;
	ntasks = 1;
	cpu0.cur = t;
	current_files = t->files;
	cpu0.kstack_top = t->kstack_top;
	cpu0.prog_cs = SEL_UCODE;
	cpu0.prog_ss = SEL_UDATA;
}

int task_count(void) { return ntasks; }
int task_last_pid(void) { return next_pid - 1; }

struct task *task_find(int pid)
{
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (t->pid == pid)
			return t;
	return NULL;
}

static uint64_t slot_base(int slot) { return KSTACK_AREA + (uint64_t)slot * KSTACK_STRIDE; }

struct task *task_alloc(void)
{
	int slot = -1;
	for (int i = 0; i < MAX_TASKS && slot < 0; i++)
		if (!(slots[i / 64] & (1ULL << (i % 64))))
			slot = i;
	if (slot < 0)
		return NULL;
	struct task *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	uint64_t top = slot_base(slot) + KSTACK_STRIDE;
	for (uint64_t va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
		uint64_t pa = frame_alloc();
		if (!pa || kmap_page(va, pa, PTE_W)) {
			if (pa)
				frame_free(pa);
			for (uint64_t u = top - KSTACK_SIZE; u < va; u += PAGE_SIZE)
				frame_free(kunmap_page(u));
			kfree(t);
			return NULL;
		}
	}
	slots[slot / 64] |= 1ULL << (slot % 64);
	t->slot = slot;
	t->kstack_top = top;
	t->tf = (struct trapframe *)(top - TF_SIZE);
	t->pid = t->tgid = t->pgid = t->sid = next_pid++;
	t->state = T_SLEEPING; /* not runnable until sched_make_runnable */
	t->ring = 3;
	t->umask = 022;
	memcpy(t->fpu, clean_fpu, sizeof(clean_fpu));
	waitq_init(&t->child_wait);
	/* the first switch to it pops this frame and "returns" to fork_trampoline */
	uint64_t *sp = (uint64_t *)t->tf;
	*--sp = (uint64_t)fork_trampoline;
	for (int i = 0; i < 6; i++)
		*--sp = 0; /* rbp rbx r12 r13 r14 r15 */
	t->ksp = (uint64_t)sp;
	t->next_all = all_tasks;
	all_tasks = t;
	ntasks++;
	return t;
}

void task_free(struct task *t)
{
	if (t->itimer_deadline)
		itimers_armed--;
	struct task **pp = &all_tasks;
	while (*pp && *pp != t)
		pp = &(*pp)->next_all;
	if (*pp)
		*pp = t->next_all;
	ntasks--;
	proc_image_put(t->image);
	if (t->pid == t->tgid)
		procfs_task_gone(t->pid);
	if (t->slot >= 0) {
		uint64_t top = slot_base(t->slot) + KSTACK_STRIDE;
		for (uint64_t va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
			uint64_t pa = kunmap_page(va);
			if (pa)
				frame_free(pa);
		}
		slots[t->slot / 64] &= ~(1ULL << (t->slot % 64));
	}
	kfree(t);
}

static void runq_push(struct task *t)
{
	t->next_run = NULL;
	if (runq_tail)
		runq_tail->next_run = t;
	else
		runq_head = t;
	runq_tail = t;
}

static struct task *runq_pop(void)
{
	struct task *t = runq_head;
	if (t) {
		runq_head = t->next_run;
		if (!runq_head)
			runq_tail = NULL;
		t->next_run = NULL;
	}
	return t;
}

void sched_make_runnable(struct task *t)
{
	uint64_t f = irq_save();
	if (t->state == T_SLEEPING) {
		t->state = T_RUNNABLE;
		if (t != current)
			runq_push(t);
	}
	irq_restore(f);
}

/* A thread that ended (autoreap) cannot free its own kernel stack: the next task to run
 * does, right after the switch. */
static struct task *dead_task;

static void reap_dead(void)
{
	if (dead_task && dead_task != current) {
		task_free(dead_task);
		dead_task = NULL;
	}
}

/* Called on the new task's stack right after its first switch. */
void sched_tail(void) { reap_dead(); }

/* The per-CPU view of the current task's ring: the selectors the syscall entry records,
 * whether a CPL-0 lower-half frame is a program's, and the IDT (IST2 for every vector
 * while a ring-0 program runs). The context switch calls it, and execve when it changes
 * the ring of the running task. Interrupts off. */
void ring_activate(struct task *t)
{
	cpu0.prog_cs = t->ring == 0 ? SEL_KCODE : SEL_UCODE;
	cpu0.prog_ss = t->ring == 0 ? SEL_KDATA : SEL_UDATA;
	cpu0.ring0_prog = t->ring == 0 && t->mm;
	idt_load(cpu0.ring0_prog);
}

/* The leaf paths of the ring-0 entry and of the `syscall` instruction, and the ring-0
 * entry's lite path, count in cpu0 (one instruction each); the task they belong to gets
 * them here, before anyone else can read its counters: at a switch away from it, and in
 * do_exit before account_exit adds its counts to its parent's. */
void leaf_calls_settle(struct task *t)
{
	t->nsyscalls += cpu0.leaf_calls + cpu0.leaf_insn_calls;
	t->nsyscalls_entry += cpu0.leaf_calls;
	cpu0.leaf_calls = cpu0.leaf_insn_calls = 0;
}

static void switch_to(struct task *prev, struct task *next)
{
	leaf_calls_settle(prev);
	__asm__ volatile("fxsave %0" : "=m"(prev->fpu));
	prev->fs_base = rdmsr(MSR_FS_BASE);
	prev->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	mm_activate(next->mm);
	cpu0.kstack_top = next->kstack_top;
	ring_activate(next);
	syscall_leaf_select(next->traced != NULL); /* traced: every call reaches syscall_dispatch */
	tss_set_rsp0(next->kstack_top);
	wrmsr(MSR_FS_BASE, next->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	__asm__ volatile("fxrstor %0" ::"m"(next->fpu));
	cpu0.cur = next;
	current_files = next->files;
	nr_switches++;
	if (prev->state == T_ZOMBIE && prev->autoreap)
		dead_task = prev;
	swtch(&prev->ksp, next->ksp);
	reap_dead();
}

void schedule(void)
{
	struct task *prev = current, *next;
	for (;;) {
		next = runq_pop();
		if (next)
			break;
		if (prev->state == T_RUNNABLE) {
			next = prev;
			break;
		}
		/* idle: nothing can run; an interrupt may wake someone */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
	if (next == prev)
		return;
	if (prev->state == T_RUNNABLE)
		runq_push(prev);
	switch_to(prev, next);
}

void sched_yield_now(void)
{
	uint64_t f = irq_save();
	cpu0.need_resched = 0;
	schedule();
	irq_restore(f);
}

/* The preemption points (files.h): a long loop in a system call calls this between steps;
 * when the timer asked for a switch (another task is runnable and the slice is over), the
 * caller stays runnable and gives the CPU away here instead of at its return to the
 * program. Nothing happens with interrupts off (the caller holds a critical section). */
void cond_resched(void)
{
	if (!cpu0.need_resched)
		return;
	uint64_t f = irq_save();
	if (f && current->state == T_RUNNABLE) {
		cpu0.need_resched = 0;
		schedule();
	}
	irq_restore(f);
}

int itimers_armed;
bool tick_from_program;
uint64_t cpu_ticks_user, cpu_ticks_system, cpu_ticks_idle, nr_switches;
uint64_t load_avg[3];

/* Linux's calc_load every 5 s: load = load * e + n * (1 - e), in 11-bit fixed point. */
static void load_update(void)
{
	static const uint64_t e[3] = {1884, 2014, 2037};
	uint64_t n = 0;
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (t->state == T_RUNNABLE || (t->state == T_SLEEPING && !t->interruptible && t->mm))
			n++;
	for (int i = 0; i < 3; i++) {
		uint64_t v = load_avg[i] * e[i] + n * 2048 * (2048 - e[i]);
		load_avg[i] = (v + 1024) >> 11;
	}
}

/* One timer tick for the task that was running (or for idle). */
static void tick_account(void)
{
	static unsigned int ms;
	struct task *t = current;
	if (!t || t->state != T_RUNNABLE)
		cpu_ticks_idle++;
	else if (tick_from_program)
		t->utime++, cpu_ticks_user++;
	else
		t->stime++, cpu_ticks_system++;
	if (++ms == 5000) {
		ms = 0;
		load_update();
	}
}

void sched_tick(void)
{
	tick_account();
	if (runq_head)
		cpu0.need_resched = 1;
	if (!ntimed && !itimers_armed)
		return;
	uint64_t now = clock_mono_ns();
	if (itimers_armed)
		for (struct task *t = all_tasks; t; t = t->next_all)
			if (t->itimer_deadline && t->itimer_deadline <= now && t->state != T_ZOMBIE) {
				signal_send_task(t, 14 /* SIGALRM */, 0x80 /* SI_KERNEL */, 0, 0, 0);
				if (t->itimer_interval) {
					t->itimer_deadline += t->itimer_interval;
					if (t->itimer_deadline <= now)
						t->itimer_deadline = now + t->itimer_interval;
				} else {
					t->itimer_deadline = 0;
					itimers_armed--;
				}
			}
	if (!ntimed)
		return;
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (t->state == T_SLEEPING && t->deadline && t->deadline <= now) {
			t->timed_out = true;
			signal_wake(t);
		}
}

/* --- wait queues ---------------------------------------------------------------------- */

void waitq_init(struct waitq *q) { q->first = NULL; }

static void waitq_remove(struct task *t)
{
	struct waitq *q = t->waiting_on;
	if (!q)
		return;
	struct task **pp = &q->first;
	while (*pp && *pp != t)
		pp = &(*pp)->next_wait;
	if (*pp)
		*pp = t->next_wait;
	t->next_wait = NULL;
	t->waiting_on = NULL;
}

/* Wakes t from whatever it sleeps on (a signal, a deadline). */
void signal_wake(struct task *t)
{
	uint64_t f = irq_save();
	if (t->state == T_SLEEPING && t->interruptible) {
		waitq_remove(t);
		sched_make_runnable(t);
	}
	irq_restore(f);
}

static long sleep_common(struct waitq *q, uint64_t deadline, bool intr)
{
	struct task *t = current;
	if (intr && signal_pending(t))
		return -ERESTARTSYS;
	if (deadline && clock_mono_ns() >= deadline)
		return -ETIMEDOUT;
	t->next_wait = NULL;
	if (q) {
		struct task **pp = &q->first;
		while (*pp)
			pp = &(*pp)->next_wait;
		*pp = t;
		t->waiting_on = q;
	}
	t->deadline = deadline;
	t->timed_out = false;
	t->woken = false;
	if (deadline)
		ntimed++;
	t->state = T_SLEEPING;
	t->interruptible = intr || deadline;
	schedule();
	t->interruptible = false;
	if (deadline)
		ntimed--;
	t->deadline = 0;
	waitq_remove(t);
	if (t->woken)
		return 0; /* the condition may hold: the caller looks before the signal counts */
	if (intr && signal_pending(t))
		return -ERESTARTSYS;
	if (t->timed_out)
		return -ETIMEDOUT;
	return 0;
}

long waitq_sleep_until(struct waitq *q, uint64_t deadline) { return sleep_common(q, deadline, true); }
long waitq_sleep(struct waitq *q) { return sleep_common(q, 0, true); }
/* Not woken by signals (vfork's parent). */
void waitq_sleep_unint(struct waitq *q) { sleep_common(q, 0, false); }

void waitq_wake_all(struct waitq *q)
{
	uint64_t f = irq_save();
	while (q->first) {
		struct task *t = q->first;
		q->first = t->next_wait;
		t->next_wait = NULL;
		t->waiting_on = NULL;
		t->woken = true;
		sched_make_runnable(t);
	}
	irq_restore(f);
}

/* --- files.h: the process-core half ---------------------------------------------------- */

/* files.h: current->files, for the fd paths' one load; kept by switch_to, by the first
 * task's setup and by task_set_files. */
struct fdtable *current_files;

void task_set_files(struct task *t, struct fdtable *files)
{
	t->files = files;
	if (t == current)
		current_files = files;
}
struct fs_context *current_fs_context(void) { return current->fs; }
const char *current_name(void) { return current->name; }
int current_pid(void) { return current->pid; }
int current_tgid(void) { return current->tgid; }
int current_sid(void) { return current->sid; }
int current_pgid(void) { return current->pgid; }
int console_foreground_pid(void) { return foreground_pid; }
