/* proc.h: tasks, the per-CPU area, the scheduler and the process-core internals shared by
 * proc/, sys/, mm/uaccess and arch/x86_64 (idt.c, syscall.S). The interface other parts
 * use is files.h, wait.h, uaccess.h and syscall.h. */
#ifndef RZ_PROC_H
#define RZ_PROC_H
#include "types.h"
#include "idt.h"
#include "wait.h"

/* The per-CPU area, reached through GS in the kernel (swapgs on every entry from ring 3
 * and exit to it). Offsets are used by syscall.S: keep PERCPU_* in step. */
struct percpu {
	struct percpu *self;    /* 0  */
	uint64_t kstack_top;    /* 8  the current task's kernel stack top (= TSS.RSP0) */
	uint64_t user_rsp;      /* 16 scratch: the caller's rsp during syscall entry */
	struct task *cur;       /* 24 */
	uint64_t need_resched;  /* 32 set by the timer */
	uint64_t prog_cs;       /* 40 CS/SS the syscall entry records: the current task's ring */
	uint64_t prog_ss;       /* 48 */
	uint64_t ring0_prog;    /* 56 1 while the current task is a ring-0 program (issue 4): only
				 * then is a CPL-0 frame with a lower-half RIP a program's frame */
	uint64_t leaf_calls;    /* 64 calls the ring-0 entry's leaf and lite paths made for the
				 * current task (entry_ring0.S); switch_to and do_exit add them to
				 * the task's counters (leaf_calls_settle) */
	uint64_t leaf_insn_calls; /* 72 the same for the `syscall` instruction's leaf path
				   * (syscall.S, ring-3 programs) */
};
#define PERCPU_RING0_PROG 56
#define PERCPU_LEAF_CALLS 64
#define PERCPU_LEAF_INSN_CALLS 72
#define PERCPU_KSTACK_TOP 8
#define PERCPU_USER_RSP   16
extern struct percpu cpu0;
#define current (cpu0.cur)

#define TF_SYSCALL 0x100 /* trapframe.vector for a system call; trapframe.error = its number */
#define TF_R0CALL  0x101 /* the same for a call through the ring-0 entry (entry_ring0.S): a
			  * restart resumes at r0_entry with rsp - 8, not at rip - 2 */
#define TF_SIZE    (22 * 8)

#define KSTACK_SIZE   (16 * 1024)
#define KSTACK_STRIDE (32 * 1024)   /* 16 KiB unmapped guard below each stack */
#define MAX_TASKS     512
#define PROC_LIMIT    192           /* processes (RLIMIT_NPROC): fork beyond -> EAGAIN */

#define NSIG_RZ 64
struct ksigaction {                 /* Linux's kernel sigaction (rt_sigaction ABI) */
	uint64_t handler;           /* SIG_DFL 0, SIG_IGN 1, or an address */
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};
struct sighand {                    /* shared by a thread group (CLONE_SIGHAND) */
	int users;
	bool group_exit;                /* exit_group ran: every thread ends with group_code */
	int group_code;
	struct ksigaction act[NSIG_RZ + 1];
	bool sigpending_set;            /* RLIMIT_SIGPENDING was set (else the default) */
	uint64_t sigpending_cur, sigpending_max;
	bool stopped;                   /* job control (signal.c): a stop signal stopped the process */
	int report;                     /* a stop or continue its parent's wait has not seen yet:
					 * the wait status (0x7f | sig << 8, or 0xffff), or 0 */
};

/* One pending signal's information (what its siginfo says), compact. */
struct sigrec {
	int code, pid, uid, status;     /* si_code, si_pid, si_uid, SIGCHLD's si_status */
	uint64_t data;                  /* si_addr for a fault, si_value otherwise */
};
struct sigqueue;                    /* signal.c: a queued real-time signal */

enum task_state { T_RUNNABLE, T_SLEEPING, T_ZOMBIE };

#define RZ_NLIMITS 16                /* RLIM_NLIMITS (rlimit.c checks) */
struct krlimit {                     /* struct rlimit64: soft and hard */
	uint64_t cur, max;
};

struct task {
	int pid, tgid;
	enum task_state state;
	char name[16];
	int ppid;                       /* parent ? parent->tgid : 0, kept by task_set_parent for
					 * getppid's leaf path (one load); in name's padding */
	struct task *parent;
	struct task *next_all;          /* every task, by creation */
	struct task *next_run;          /* run queue */
	struct task *next_wait;         /* the wait queue it sleeps on */
	struct waitq *waiting_on;
	uint64_t deadline;              /* timed sleep: CLOCK_MONOTONIC ns, 0 = none */
	bool timed_out;
	bool interruptible;             /* a signal wakes it */
	bool woken;                     /* by waitq_wake_all (not by a signal or timeout) */

	int slot;                       /* kernel stack slot */
	uint64_t kstack_top;
	uint64_t ksp;                   /* saved rsp while switched out */
	struct trapframe *tf;           /* the program's frame at the top of the kernel stack */

	struct mm *mm;
	struct fdtable *files;
	struct fs_context *fs;
	uint64_t fs_base, gs_base;
	uint8_t fpu[512] __attribute__((aligned(16)));  /* fxsave image */

	int exit_code;                  /* wait status (Linux encoding) once a zombie */
	int exit_signal;                /* sent to the parent at exit (SIGCHLD usually) */
	struct waitq child_wait;        /* woken when a child of this task changes state */
	struct task *vfork_parent;      /* released at execve or exit */
	bool autoreap;                  /* a thread: freed by the next task to run after it ends */
	bool exiting;                   /* in do_exit: no longer counts as a live thread */
	bool vfork_waiting;
	uint64_t clear_child_tid;

	uint64_t sig_pending, sig_blocked;
	uint64_t saved_mask;            /* rt_sigsuspend: restored after the handler */
	uint64_t sigwait_set;           /* rt_sigtimedwait: these are queued even if ignored */
	bool restore_mask;
	struct sighand *sighand;
	uint64_t altstack_sp, altstack_size;
	int altstack_flags;
	struct sigrec sig_info[NSIG_RZ + 1]; /* standard signals (below SIGRTMIN): merged, one each */

	uint64_t itimer_deadline;       /* ITIMER_REAL: next SIGALRM (monotonic ns), 0 = off */
	uint64_t itimer_interval;
	int ring;                       /* 3, or 0 for kexec'd programs (issue 4) */
	uint64_t nsyscalls;
	uint64_t nsyscalls_cpl0;        /* of them, `syscall` instructions executed at CPL 0 */
	uint64_t nsyscalls_entry;       /* of them, calls through the ring-0 entry */
	uint64_t acc_entry, acc_insn;   /* totals of exited threads and same-ring children
					 * (kexec -v / exec -v; proc.c do_exit) */
	uint64_t start_ns;
	uint32_t umask;
	struct proc_image *image;       /* what execve loaded (/proc/PID/exe, cmdline); NULL for the shell */
	uint64_t utime, stime;          /* timer ticks (ms) spent in the program / in the kernel for it */
	struct sigqueue *sigq;          /* real-time signals pending, in the order they came */
	uint64_t robust_list;           /* set_robust_list: the head in the program (futex.c) */
	struct krlimit rlim[RZ_NLIMITS]; /* resource limits (rlimit.c): the same in every thread */
	int pgid, sid;                  /* process group and session (pgrp.c): inherited over fork */
	bool execed;                    /* it ran execve since fork: setpgid by the parent -> EACCES */
	bool ctty;                      /* the console is its controlling terminal (when its session
					 * is the console's, dev/tty.c): fork copies, setsid clears */
	struct tracer *traced;          /* exec -t / kexec -t: where its calls are printed, or
					 * NULL (sys/trace.c; inherited over fork/clone) */
};

/* What execve loaded, for /proc (proc/procinfo.c): shared by fork and clone, replaced by
 * execve. */
struct proc_image {
	int refs;
	struct inode *exe;              /* the program's file (the interpreter for a script), referenced */
	size_t cmdlen;
	char cmdline[];                 /* argv, each string NUL-terminated */
};
struct proc_image *proc_image_new(struct inode *exe, char *const *argv, int argc); /* NULL: no memory */
struct proc_image *proc_image_get(struct proc_image *im);
void proc_image_put(struct proc_image *im);

/* sched.c */
void sched_init(void);              /* turns the boot context into the shell's task */
void schedule(void);                /* interrupts off; current must be queued or asleep */
void sched_yield_now(void);
void sched_make_runnable(struct task *t);
void sched_tick(void);
/* cond_resched (files.h): a preemption point for long loops in system calls */
extern int itimers_armed;
extern bool tick_from_program;      /* idt.c: the interrupt being handled came from a program */
/* For /proc/stat and /proc/loadavg: timer ticks (ms) in programs, in the kernel, idle;
 * context switches; Linux's fixed-point load averages (FSHIFT 11) over 1, 5, 15 min. */
extern uint64_t cpu_ticks_user, cpu_ticks_system, cpu_ticks_idle, nr_switches;
extern uint64_t load_avg[3];
void waitq_sleep_unint(struct waitq *q);
/* futex.c */
void futex_wake_addr(uint64_t uaddr); /* CLONE_CHILD_CLEARTID at exit: wakes one waiter */
void futex_exit(struct task *t);      /* exit and execve: the robust list, PI locks held */
struct task *task_alloc(void);      /* a task with a kernel stack; NULL when out */
void task_free(struct task *t);
struct task *task_find(int pid);
extern struct task *all_tasks;
int task_count(void);
int task_last_pid(void);            /* the last process id handed out */
void task_switch_prepare(struct task *next);

/* entry (syscall.S) */
void syscall_init(void);
void trap_return(void);             /* jmp target: rsp = a trapframe */
void fork_trampoline(void);
void swtch(uint64_t *save_sp, uint64_t new_sp);

/* proc.c */
NORETURN void do_exit(int status);  /* status: the wait encoding */
int proc_spawn(const char *path, int argc, char **argv, int ring, char *err, size_t errlen);
/* The calls of the last task proc_wait reaped, with its threads and same-ring children:
 * through the ring-0 entry, and through the syscall instruction. */
extern uint64_t last_reaped_entry, last_reaped_insn;
/* Sets t's parent and the ppid getppid reads (every parent change goes through here). */
static inline void task_set_parent(struct task *t, struct task *p)
{
	t->parent = p;
	t->ppid = p ? p->tgid : 0;
}
/* Sets t's descriptor table (every change of a task's files goes through here, so that
 * files.h's current_files stays current->files). */
void task_set_files(struct task *t, struct fdtable *files);
/* Moves cpu0's leaf/lite call counts into t (the current task) before its counters are read. */
void leaf_calls_settle(struct task *t);
void ring_activate(struct task *t); /* cpu0.prog_cs/ss, ring0_prog and the IDT for t's ring */
long proc_wait(int pid, int *status, int options, bool kernel_status);
long do_execve(const char *path, char *const *argv, char *const *envp, struct trapframe *tf);
void proc_reap_orphans(void);
extern int foreground_pid;

/* signal.c */
void signal_deliver(struct trapframe *tf); /* on the way back to the program */
bool signal_pending(struct task *t);       /* an unblocked signal waits */
void force_sig(int sig, uint64_t addr, int code);
void signal_exec_reset(struct task *t);
void signal_wake(struct task *t);
long signal_send_task(struct task *t, int sig, int code, int pid, uint64_t addr, int status);
long signal_send_rec(struct task *t, int sig, const struct sigrec *r);
struct task *signal_process_target(struct task *t, int sig); /* the thread a kill() reaches */
/* jobctl.c */
bool jobctl_is_stop(int sig);
void jobctl_on_send(struct task *t, int sig);
void jobctl_stop(int sig);
void jobctl_wait(void);
bool jobctl_stopped(struct task *t);
bool signal_job_report(struct task *t, int options, int *status); /* wait: a stop/continue of t */
void signal_flush_queue(struct task *t);   /* at exit: frees the queued real-time signals */
void sigqueue_limit(struct task *t, uint64_t *cur, uint64_t *max); /* RLIMIT_SIGPENDING */
void sigqueue_set_limit(struct task *t, uint64_t cur, uint64_t max);

/* pgrp.c */
void pgrp_new_session(struct task *t);     /* t leads a new session and group (the shell's exec) */
long pgrp_kill(int pgid, int sig, int code, int sender); /* every process of a group */
bool pgrp_exists(int pgid, int sid);
void pgrp_exit(struct task *t);           /* its process ends: groups it leaves orphaned (SIGHUP, SIGCONT) */
long pgrp_kill_all(int sig);              /* kill(-1): all but pid 1 and the caller */       /* a live process of that group (in that session; sid 0: any) */
/* rlimit.c (current_rlimit: files.h) */
void rlimit_defaults(struct task *t);
uint64_t task_rlimit(struct task *t, int resource);   /* the soft limit */

/* time.c */
void time_init(void);
uint64_t clock_mono_ns(void);
uint64_t clock_real_ns(void);
uint64_t time_tsc_hz(void);          /* the calibrated TSC frequency */
uint64_t time_boot_real_ns(void);     /* CLOCK_REALTIME at boot */

/* user exit work: preemption and signals (trap path and syscall path) */
void return_to_program(struct trapframe *tf);
void syscall_restart_frame(struct trapframe *tf); /* rewind onto the call (either entry) */
bool tf_from_program(struct trapframe *tf);
void idt_load(bool ring0);          /* idt.c: the ring-0 IDT (IST2 everywhere) or the normal one */
extern const char r0_entry[];       /* entry_ring0.S: AT_SYSINFO of a ring-0 process */
long syscall_dispatch(struct trapframe *tf);

#endif
