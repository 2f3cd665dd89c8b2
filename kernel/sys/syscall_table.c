/* syscall_table.c: Linux's system-call numbers (<asm/unistd_64.h>) to the functions and
 * descriptors of the SYSCALL_DEFINEn definitions (the generated list syscalls.inc, see
 * syscall.h), the dispatch from the entry frame, the ENOSYS log
 * (once per number, with the program's name) and the way back to the program
 * (return_to_program: preemption, signal delivery, restarts, in the form of the entry the
 * call came through). One table for the `syscall` instruction and the ring-0 entry
 * (entry_ring0.S indexes syscall_table itself, and picks its path by r0_path). */
#include "syscall.h"
#include "lib.h"
#include "proc.h"
#include "x86.h"
#include "trace.h"
#include <asm-generic/errno.h>
#include <asm/unistd_64.h>

#define table syscall_table

/* Global: both entries' leaf paths (entry_ring0.S, syscall.S) index it too. */
syscall_fn syscall_table[NR_SYSCALLS] = {
#define SYSCALL(name) [__NR_##name] = sys_##name,
#define SYSCALL_LEAF(name) SYSCALL(name)
#include "syscalls.inc"
#undef SYSCALL
#undef SYSCALL_LEAF
};

/* The SYSCALL_LEAF calls, one bit per number: both entries run these on their leaf path.
 * Filled once at boot, before any program runs (leaf_map_all); r0_leaf_map, the one the
 * entries read, is emptied while a traced task runs (syscall_leaf_select). */
uint64_t r0_leaf_map[NR_SYSCALLS / 64];
static uint64_t leaf_map_all[NR_SYSCALLS / 64];
static bool leaf_map_off;
/* The table the ring-0 entry's full path calls through (entry_ring0.S): a copy of
 * syscall_table, emptied with the leaf bitmap while a traced task runs, so that every call
 * of a traced ring-0 program finds a hole and goes to syscall_dispatch (and its traced
 * branch). The entry itself tests nothing more. */
syscall_fn r0_call_table[NR_SYSCALLS];
/* The ring-0 entry's path per number (entry_ring0.S jumps through it): r0_leaf for the
 * leaf calls, r0_lite for r0_lite_calls, r0_full for the rest, and r0_full for every
 * number while a traced task runs. */
extern char r0_leaf[], r0_lite[], r0_full[];
void *r0_path[NR_SYSCALLS];

/* The calls the ring-0 entry runs on its lite path (entry_ring0.S: the trapframe's
 * callee-saved registers, selectors and vector are written only when the exit has work).
 * Only calls that never read or write the trapframe while they run: all of these are
 * defined in kernel/fs, whose code cannot see struct task or the frame (it reaches the
 * process core through files.h only). Not fork, clone, execve, rt_sigreturn,
 * sigaltstack or anything else that reads current->tf. */
static const uint16_t r0_lite_calls[] = {
	__NR_read, __NR_write, __NR_pread64, __NR_pwrite64, __NR_readv, __NR_writev, __NR_lseek,
	__NR_fstat, __NR_newfstatat, __NR_stat, __NR_lstat, __NR_open, __NR_openat, __NR_close,
};

static void r0_path_fill(const uint64_t *map)
{
	for (int i = 0; i < NR_SYSCALLS; i++)
		r0_path[i] = (map[i / 64] >> (i % 64)) & 1 ? r0_leaf : r0_full;
	if (map == leaf_map_all) /* not traced (a traced task's calls all take the full path) */
		for (unsigned i = 0; i < sizeof(r0_lite_calls) / sizeof(r0_lite_calls[0]); i++)
			if (syscall_table[r0_lite_calls[i]])
				r0_path[r0_lite_calls[i]] = r0_lite;
}

static const struct syscall_desc *const descs[NR_SYSCALLS] = {
#define SYSCALL(name) [__NR_##name] = &syscall_desc_##name,
#define SYSCALL_LEAF(name) SYSCALL(name)
#include "syscalls.inc"
#undef SYSCALL
#undef SYSCALL_LEAF
};

const struct syscall_desc *syscall_desc_of(uint64_t nr) { return nr < NR_SYSCALLS ? descs[nr] : NULL; }

static uint64_t logged[NR_SYSCALLS / 64];

void syscall_table_init(void)
{
	int n = 0;
	for (int i = 0; i < NR_SYSCALLS; i++) {
		n += table[i] != NULL;
		if (descs[i] && descs[i]->leaf)
			leaf_map_all[i / 64] |= 1ULL << (i % 64);
	}
	memcpy(r0_leaf_map, leaf_map_all, sizeof(r0_leaf_map));
	memcpy(r0_call_table, syscall_table, sizeof(r0_call_table));
	r0_path_fill(leaf_map_all);
	printk("syscalls: %d in the table\n", n);
}

/* The entries' view for the task about to run (switch_to, interrupts off): every leaf
 * call and the whole table, or for a traced task no leaf call and an empty ring-0 table,
 * so that each of its calls reaches syscall_dispatch and its one traced branch. Tracing
 * adds no instruction to either entry; it costs two copies (64 bytes and 4 KiB) and
 * r0_path's refill (512 words) at a switch between a traced and an untraced task, and nothing while tracing is off. */
void syscall_leaf_select(bool traced)
{
	if (traced == leaf_map_off)
		return;
	leaf_map_off = traced;
	if (traced) {
		memset(r0_leaf_map, 0, sizeof(r0_leaf_map));
		memset(r0_call_table, 0, sizeof(r0_call_table));
	} else {
		memcpy(r0_leaf_map, leaf_map_all, sizeof(r0_leaf_map));
		memcpy(r0_call_table, syscall_table, sizeof(r0_call_table));
	}
	r0_path_fill(traced ? r0_leaf_map : leaf_map_all);
}

bool syscall_implemented(uint64_t nr) { return nr < NR_SYSCALLS && table[nr]; }

/* The call of the frame: the table's function, or -ENOSYS (logged once per number). */
long syscall_call(struct trapframe *tf)
{
	uint64_t nr = tf->rax;
	if (nr < NR_SYSCALLS && table[nr])
		return table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9);
	if (nr >= NR_SYSCALLS || !(logged[nr / 64] & (1ULL << (nr % 64)))) {
		if (nr < NR_SYSCALLS)
			logged[nr / 64] |= 1ULL << (nr % 64);
		printk("[syscall] %s (pid %d): unknown system call %lu -> ENOSYS\n", current->name, current->pid, nr);
	}
	return -ENOSYS;
}

long syscall_dispatch(struct trapframe *tf)
{
	sti();
	long r;
	current->nsyscalls++;
	if (tf->vector == TF_R0CALL)
		current->nsyscalls_entry++; /* through the ring-0 entry (entry_ring0.S) */
	else if (!(tf->cs & 3))
		current->nsyscalls_cpl0++; /* `syscall` executed at CPL 0: the slow path (issue 4) */
	if (__builtin_expect(current->traced != NULL, 0)) /* exec -t / kexec -t (sys/trace.c) */
		r = trace_syscall(tf);
	else
		r = syscall_call(tf);
	tf->rax = (uint64_t)r;
	return_to_program(tf);
	return r;
}

#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514

/* Rewinds a system-call frame so that the program makes the call again: onto the 2-byte
 * `syscall` instruction, or for the ring-0 entry to the picture "just called": rip = the
 * entry, rsp at the return address (still in place: nothing ran), rax = the number. */
void syscall_restart_frame(struct trapframe *tf)
{
	tf->rax = tf->error;
	if (tf->vector == TF_R0CALL) {
		tf->rip = (uint64_t)r0_entry;
		tf->rsp -= 8;
	} else {
		tf->rip -= 2;
	}
}

void return_to_program(struct trapframe *tf)
{
	uint64_t f = irq_save();
	for (;;) {
		if (cpu0.need_resched) {
			cpu0.need_resched = 0;
			schedule();
			continue;
		}
		if (jobctl_stopped(current)) { /* another thread stopped the process */
			irq_restore(f);
			jobctl_wait();
			f = irq_save();
			continue;
		}
		if (signal_pending(current)) {
			irq_restore(f);
			signal_deliver(tf); /* may end the task */
			f = irq_save();
			continue;
		}
		if (current->restore_mask) {
			/* rt_sigsuspend/ppoll/pselect6 ended and no handler ran (its frame would have
			 * taken the saved mask): the mask from before the call comes back, which may
			 * make a pending signal deliverable */
			current->restore_mask = false;
			current->sig_blocked = current->saved_mask;
			continue;
		}
		break;
	}
	/* a system call interrupted by a signal that had no handler: restart it */
	if (tf->vector == TF_SYSCALL || tf->vector == TF_R0CALL) {
		long r = (long)tf->rax;
		if (r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND) {
			syscall_restart_frame(tf);
			tf->vector = 0; /* restarted once; a new entry sets it again */
		}
	}
	irq_restore(f);
}
