/* entry_ring0.S: the ring-0 system-call entry (DESIGN.md contract 2) and the IST2 frame
 * move for interrupts and exceptions that arrive while a ring-0 program runs (contract 4).
 * Owns: r0_entry (the AT_SYSINFO value of every ring-0 process) with its two paths (the
 * leaf path for SYSCALL_LEAF calls, the full path with a trapframe for everything else),
 * and ist_r0_move (called from entry.S's trap_common). Does not own: the system-call table
 * (sys/syscall_table.c, the same one ring 3 uses; the full path reads its copy
 * r0_call_table, which the context switch empties for a task traced by kexec -t, so that
 * its calls go to syscall_dispatch, and points r0_path at r0_full for every number:
 * nothing here tests for tracing), the common exit trap_return (syscall.S),
 * which IDT is loaded (idt.c: the ring-0 IDT sends every vector but NMI/#DF/#MC to IST2).
 *
 * r0_entry is kernel text (upper half, a supervisor page): a ring-0 program reaches it with
 * `call *__sysinfo`; a ring-3 program that jumps there takes a page fault (SIGSEGV).
 *
 * On entry: CPL 0, rax = number, rdi rsi rdx r10 r8 r9 = arguments, (%rsp) = the return
 * address, interrupts on, GS base = the program's own. r0_path (syscall_table.c) sends
 * the number to r0_leaf (below: 11 instructions, no frame), r0_lite (the full path's frame
 * filled lazily, for the file calls of r0_lite_calls) or r0_full. The full path builds the same struct
 * trapframe as the `syscall` entry (idt.h) at the top of the task's kernel stack:
 *     ss = SEL_KDATA, rsp = caller's rsp + 8 (past the return address), rflags (IF forced
 *     on: a program runs with interrupts on), cs = SEL_KCODE, rip = the return address,
 *     error = rax (the number, for restarts), vector = TF_R0CALL (0x101),
 *     then rax .. r15 as trap_common.
 * It reads the return address and writes nothing on the caller's stack. It resumes the
 * program from that frame, never with `ret`: the program's stack may be gone (a detached
 * thread's __unmapself) or reused (the vfork child ran on it).
 *
 * rt_sigreturn arrives by jmp (musl's __restore_rt): there is no return address, and the
 * entry does not look: it pushes whatever word is at (%rsp) as rip; sys_rt_sigreturn
 * finds the signal frame at tf.rsp - 16 for a TF_R0CALL frame and replaces everything.
 *
 * Restart form (return_to_program and signal_deliver, syscall_table.c/signal.c): a call
 * that has not taken effect is shown and resumed as rip = r0_entry, rsp = caller's rsp
 * (pointing at the return address, which is still there), rax = number: as if just
 * called. An interrupt at r0_entry's first instruction (before its cli) shows the same
 * picture, and is a program frame: trap_common, trap_return and tf_from_program count a
 * CPL-0 frame as the ring-0 program's when its rip or its rsp is in the lower half (kernel
 * code never runs on a lower-half stack).
 *
 * Fast exit: if the frame is still the one this entry built (vector == TF_R0CALL: execve,
 * signal delivery, sigreturn and restarts all set vector to 0) and DF was clear, pop the
 * registers, load rip into rcx (which the ABI lets us clobber) and rsp from the frame,
 * swapgs, sti and jmp. sti's one-instruction interrupt shadow covers the jmp, so the first
 * interrupt lands at the return address, on a program frame. Arithmetic flags are not
 * restored on this path (the ABI does not promise them); DF and everything else take the
 * general exit (trap_return: swapgs + iretq, which restores rflags exactly). */
#include "memlayout.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define TF_R0CALL 0x101

#define TF_R15    0
#define TF_R14    8
#define TF_R13    16
#define TF_R12    24
#define TF_R11    32
#define TF_R10    40
#define TF_R9     48
#define TF_R8     56
#define TF_RBP    64
#define TF_RDI    72
#define TF_RSI    80
#define TF_RDX    88
#define TF_RCX    96
#define TF_RBX    104
#define TF_RAX    112
#define TF_VECTOR 120
#define TF_ERROR  128
#define TF_RIP    136
#define TF_CS     144
#define TF_RFLAGS 152
#define TF_RSP    160
#define TF_SS     168
#define TF_SIZE   176
#define PERCPU_KSTACK_TOP 8
#define CPU0_CUR (cpu0 + 24)
#define CPU0_NEED_RESCHED (cpu0 + 32)
#define NR_SYSCALLS 512			/* syscall_table.c */
/* struct task offsets (proc.h; checked by _Static_assert in sched.c) */
#define TASK_SIG_PENDING     712
#define TASK_SIG_BLOCKED     720
#define TASK_NSYSCALLS       2368
#define TASK_NSYSCALLS_ENTRY 2384
#define CPU0_KSTACK_TOP (cpu0 + 8)
#define CPU0_LEAF_CALLS (cpu0 + 64)
#define KSTACK_SIZE (16 * 1024)
#define IST_R0_SIZE 4096

	.text
	.p2align 6
	.globl r0_entry, r0_entry_end
	.type r0_entry, @function
r0_entry:
	/* Caller's stack, GS = the program's, IF on. An interrupt before this cli lands with
	 * rip == r0_entry: a program frame (nothing has happened yet). */
	cli					/* 1  no interrupt from here until the program runs again
						 *    (leaf path) or until the frame is complete (full path) */
	cmpq $NR_SYSCALLS, %rax			/* 2  a number inside the table? */
	jae r0_full				/* 3  no: the full path answers ENOSYS */
	jmp *r0_path(,%rax,8)			/* 4  r0_leaf for a SYSCALL_LEAF call, r0_full otherwise
						 *    (syscall_table.c; all r0_full while a traced task runs).
						 *    One indirect jump where a bit test and a branch were two. */

/* The leaf path: a call that never sleeps, never makes work for the program and never
 * looks at a trapframe (syscall.h's SYSCALL_LEAF rules), with interrupts off throughout.
 * So nothing else can run until the `ret`: no frame is needed to resume, no check for work
 * afterwards (any interrupt that became pending is taken at the return address, on a
 * program frame, with all the usual checks), and no swapgs (no kernel code on this path
 * reads %gs; an exception here, e.g. a page fault in copy_to_user, is a kernel frame and
 * leaves GS alone as well). The function is no_caller_saved_registers: it keeps every
 * register but rax itself, r11 included, so the caller's rsp simply stays in r11. A caller
 * with DF set goes to the full path, whose iretq restores it. It returns with `ret` through
 * the caller's stack, reading the same return address the full path would have recorded:
 * between the call and the ret nothing else ran, and the function writes program memory
 * only through its pointer arguments, never below the red zone where the return address
 * is. The arithmetic flags are not restored (the ABI does not promise them). */
	.globl r0_leaf
r0_leaf:
	movq %rsp, %r11				/* L1 r11 (clobbered by contract) = caller's rsp -> return address */
	movq CPU0_KSTACK_TOP(%rip), %rsp	/* L2 kernel stack: this task's top (from cpu0, not %gs:
						 *    GS is still the program's) */
	pushq %r11				/* L3 kernel stack: the caller's rsp (keeps the call 16-aligned) */
	pushfq					/* L4 the caller's flags */
	testb $4, 1(%rsp)			/* L5 DF (bit 10) set? The C code wants it clear */
	jnz .Lleaf_df				/* L6 then the full path, which restores it */
	incq CPU0_LEAF_CALLS(%rip)		/* L7 kexec -v's count (switch_to moves it into the task) */
	call *syscall_table(,%rax,8)		/* L8 sys_NAME(rdi, rsi, rdx): keeps every register but rax
						 *    (no_caller_saved_registers), r11 too. No r10 -> rcx move:
						 *    a leaf call has at most 3 arguments (syscall.h defines no
						 *    SYSCALL_LEAF_DEFINE4..6) */
	movq %r11, %rsp				/* L9 caller's stack: rsp -> the return address */
	sti					/* L10 interrupts on after the next instruction (shadow) */
	ret					/* L11 to the caller; the first interrupt lands there */
.Lleaf_df:
	movq %r11, %rsp				/* caller's stack again, IF still off: as at instruction 2 */
	jmp r0_full

/* The lite path: the full path's frame, filled lazily, for the calls of r0_lite_calls
 * (syscall_table.c: read, write, fstat, open, close and their kin, all defined in
 * kernel/fs, which cannot see struct task, so none of them reads or writes the trapframe
 * while it runs). The frame is at the same place (task->tf, the top of the task's kernel
 * stack) and holds, from entry on, everything a resumption needs: tf.rip (the return
 * address, read once here), tf.rsp (the caller's rsp + 8), tf.rflags (the caller's, read
 * for DF), tf.error (the number, for restarts) and the six argument registers (restored
 * after the call: the C code clobbers them; a restart needs them). The rest (ss, cs,
 * vector, rax, rbx, rbp, r11..r15) is written only when the exit has work (.Llite_work):
 * the callee-saved registers then still hold the caller's values (the C function restored
 * them), so the frame is then exactly what the full path would have built, and the full
 * path's exit (.Lexit) takes over. A caller with DF set goes to the full path (the C code
 * wants DF clear; its iretq restores DF). Contract 2 as on the full path: every register
 * but rcx, r11 and rax comes back, DF too; the caller's stack is read once (the return
 * address) and never written; the program resumes from the frame, never with `ret`. The
 * counts: 27 instructions to the call (r0_entry's 4 and the call included), 22 after it,
 * against 43 and 36 on the full path (bench/paths.md). */
	.globl r0_lite
r0_lite:
	swapgs					/* GS base = the per-CPU area, as on the full path */
	movq %rsp, %r11				/* r11 = caller's rsp -> return address */
	movq %gs:PERCPU_KSTACK_TOP, %rsp	/* kernel stack top: tf + TF_SIZE */
	subq $(TF_SIZE - TF_RSP), %rsp		/* rsp = &tf.rsp */
	pushfq					/* tf.rflags = the caller's flags (IF clear: our cli) */
	testb $4, 1(%rsp)			/* DF (bit 10) set? */
	jnz .Llite_df				/* then the full path */
	leaq 8(%r11), %rcx			/* the caller's rsp past the return address */
	movq %rcx, 8(%rsp)			/* tf.rsp */
	movq (%r11), %rcx			/* the return address: the one read of the caller's stack */
	subq $TF_RFLAGS, %rsp			/* rsp = tf (16-aligned, as on the full path) */
	movq %rcx, TF_RIP(%rsp)			/* tf.rip */
	movq %rax, TF_ERROR(%rsp)		/* tf.error = the number (restarts) */
	movq %rdi, TF_RDI(%rsp)			/* the arguments, restored after the call */
	movq %rsi, TF_RSI(%rsp)
	movq %rdx, TF_RDX(%rsp)
	movq %r10, TF_R10(%rsp)
	movq %r8, TF_R8(%rsp)
	movq %r9, TF_R9(%rsp)
	incq CPU0_LEAF_CALLS(%rip)		/* ps's SYSCALLS and kexec -v's entry count, as the leaf
						 * path counts (leaf_calls_settle moves it into the task at a
						 * switch or exit); a call that sleeps is settled at its switch */
	movq %r10, %rcx				/* 4th argument: r10 in the kernel ABI, rcx in C's */
	sti					/* the call runs with interrupts on (it may sleep) */
	call *syscall_table(,%rax,8)		/* sys_NAME: r0_path sends only implemented numbers here */
	cli					/* from here to the program: no interrupts */
	cmpq $0, CPU0_NEED_RESCHED(%rip)	/* the timer asked for a switch? */
	jne .Llite_work
	movq CPU0_CUR(%rip), %rcx		/* rcx = current task */
	movq TASK_SIG_BLOCKED(%rcx), %r11
	notq %r11				/* r11 = unblocked signals */
	testq TASK_SIG_PENDING(%rcx), %r11	/* a signal to deliver? */
	jnz .Llite_work
	leaq 516(%rax), %rcx			/* result in -516..-512 (the ERESTART* family)? */
	cmpq $4, %rcx
	jbe .Llite_work
	movq TF_RDI(%rsp), %rdi			/* the arguments back */
	movq TF_RSI(%rsp), %rsi
	movq TF_RDX(%rsp), %rdx
	movq TF_R10(%rsp), %r10
	movq TF_R8(%rsp), %r8
	movq TF_R9(%rsp), %r9
	movq TF_RIP(%rsp), %rcx			/* rcx = where to go */
	movq TF_RSP(%rsp), %rsp			/* program's stack (past the return address) */
	swapgs					/* the program's GS base back */
	sti					/* interrupts on after the next instruction (shadow) */
	jmp *%rcx				/* the return address */
.Llite_work:	/* complete the frame as the full path builds it, then its slow exit */
	movq $SEL_KDATA, TF_SS(%rsp)
	movq $SEL_KCODE, TF_CS(%rsp)
	orb $2, TF_RFLAGS+1(%rsp)		/* tf.rflags.IF = 1: the program ran with interrupts on */
	movq $TF_R0CALL, TF_VECTOR(%rsp)
	movq %rax, TF_RAX(%rsp)			/* the result */
	movq %rbx, TF_RBX(%rsp)			/* callee-saved: the caller's values again */
	movq %rbp, TF_RBP(%rsp)
	movq %r12, TF_R12(%rsp)
	movq %r13, TF_R13(%rsp)
	movq %r14, TF_R14(%rsp)
	movq %r15, TF_R15(%rsp)
	movq TF_RSP(%rsp), %rcx			/* rcx and r11 as the full path records them */
	movq %rcx, TF_RCX(%rsp)
	subq $8, %rcx
	movq %rcx, TF_R11(%rsp)
	jmp .Lwork
.Llite_df:
	movq %r11, %rsp				/* caller's stack again, IF still off */
	swapgs					/* the program's GS base again: r0_full swaps it */
	jmp r0_full

/* The full path: everything else, with a complete trapframe. Instruction numbers continue
 * from the cli at r0_entry (1-4 above, and one more, 5, counted for the jump here). */
	.globl r0_full
r0_full:
	swapgs					/* 6  GS base = the per-CPU area (the program's base goes to
						 *    KERNEL_GS_BASE, where the context switch saves it) */
	movq %rsp, %r11				/* 7  r11 (clobbered by contract) = caller's rsp -> return address */
	movq %gs:PERCPU_KSTACK_TOP, %rsp	/* 8  kernel stack: this task's top; the frame goes here */
	pushq $SEL_KDATA			/* 9  kernel stack: tf.ss (CPL 0 data) */
	leaq 8(%r11), %rcx			/* 10 rcx (clobbered by contract) = caller's rsp past the return address */
	pushq %rcx				/* 11 tf.rsp: where the program resumes */
	pushfq					/* 12 tf.rflags: the caller's flags, IF already cleared by our cli */
	orb $2, 1(%rsp)				/* 13 tf.rflags.IF = 1 (bit 9): the program ran with interrupts on */
	pushq $SEL_KCODE			/* 14 tf.cs: CPL 0 code (a ring-0 program's own selector) */
	pushq (%r11)				/* 15 tf.rip = the return address: the one read of the caller's stack */
	pushq %rax				/* 16 tf.error = the number (kept for restarts) */
	pushq $TF_R0CALL			/* 17 tf.vector: a call-entry frame (restart = rip r0_entry, rsp - 8) */
	pushq %rax				/* 18 tf.rax .. tf.r15, in trap_common's order */
	pushq %rbx				/* 19 */
	pushq %rcx				/* 20 */
	pushq %rdx				/* 21 */
	pushq %rsi				/* 22 */
	pushq %rdi				/* 23 */
	pushq %rbp				/* 24 */
	pushq %r8				/* 25 */
	pushq %r9				/* 26 */
	pushq %r10				/* 27 */
	pushq %r11				/* 28 */
	pushq %r12				/* 29 */
	pushq %r13				/* 30 */
	pushq %r14				/* 31 */
	pushq %r15				/* 32 rsp = the trapframe (task->tf), 16-aligned (22 quadwords) */
	cld					/* 33 the C ABI wants DF clear (the caller's DF is in tf.rflags) */
	/* Kernel stack, rsp = the frame, IF off. Argument registers still as the caller set them. */
	cmpq $NR_SYSCALLS, %rax			/* 34 a number inside the table? */
	jae .Lslow_dispatch			/* 35 no: syscall_dispatch logs it and answers ENOSYS */
	movq r0_call_table(,%rax,8), %rax	/* 36 the function: syscall_table's, through its copy
						 *    (empty while a traced task runs: syscall_table.c) */
	testq %rax, %rax			/* 37 a hole in the table (or a traced task)? */
	jz .Lslow_dispatch			/* 38 (the number is still in tf.rax for the slow path) */
	movq CPU0_CUR(%rip), %r11		/* 39 r11 = current task */
	incq TASK_NSYSCALLS(%r11)		/* 40 ps's SYSCALLS column */
	incq TASK_NSYSCALLS_ENTRY(%r11)		/* 41 kexec -v: calls through the entry */
	movq %r10, %rcx				/* 42 4th argument: r10 in the kernel ABI, rcx in C's */
	sti					/* 43 the call runs with interrupts on (it may sleep) */
	call *%rax				/* 44 sys_NAME(rdi, rsi, rdx, rcx, r8, r9) */
	movq %rax, TF_RAX(%rsp)			/* 45 the result, into the frame (signals, restarts read it) */
	cli					/* 46 from here to the program: no interrupts */
	cmpq $0, CPU0_NEED_RESCHED(%rip)	/* 47 the timer asked for a switch? */
	jne .Lwork				/* 48 */
	movq CPU0_CUR(%rip), %rcx		/* 49 rcx = current task */
	movq TASK_SIG_BLOCKED(%rcx), %r11	/* 50 */
	notq %r11				/* 51 r11 = unblocked signals */
	testq TASK_SIG_PENDING(%rcx), %r11	/* 52 a signal to deliver? */
	jnz .Lwork				/* 53 */
	leaq 516(%rax), %rcx			/* 54 result in -516..-512 (the ERESTART* family)? */
	cmpq $4, %rcx				/* 55 then return_to_program turns it into a restart */
	jbe .Lwork				/* 56 */
.Lexit:	/* rsp = the frame, IF off, every decision about the frame made. */
	cmpq $TF_R0CALL, TF_VECTOR(%rsp)	/* 57 still the frame we built? (execve, a signal frame, */
	jne trap_return				/* 58 sigreturn, a restart: general exit, iretq) */
	testb $4, TF_RFLAGS+1(%rsp)		/* 59 caller had DF set (bit 10)? iretq restores it */
	jnz trap_return				/* 60 */
	popq %r15				/* 61 kernel stack: callee-saved and argument registers back */
	popq %r14				/* 62 */
	popq %r13				/* 63 */
	popq %r12				/* 64 */
	popq %r11				/* 65 (clobbered by contract; popped to move on) */
	popq %r10				/* 66 */
	popq %r9				/* 67 */
	popq %r8				/* 68 */
	popq %rbp				/* 69 */
	popq %rdi				/* 70 */
	popq %rsi				/* 71 */
	popq %rdx				/* 72 */
	popq %rcx				/* 73 (clobbered by contract) */
	popq %rbx				/* 74 */
	popq %rax				/* 75 the result */
	movq 16(%rsp), %rcx			/* 76 rcx = tf.rip (past vector, error): where to go */
	movq 40(%rsp), %rsp			/* 77 program's stack: tf.rsp (past the return address) */
	swapgs					/* 78 the program's GS base back */
	sti					/* 79 interrupts on after the next instruction (shadow) */
	jmp *%rcx				/* 80 the return address; never `ret` through the program's stack */
	/* Slow paths, on the kernel stack with the frame complete. */
.Lwork:	/* preemption, a signal, or a restart: the general C path, then the exit checks */
	sti					/* return_to_program expects interrupts on, as after a call */
	movq %rsp, %rdi				/* arg 0 = the frame */
	call return_to_program			/* schedule(), signal delivery, restarts (syscall_table.c) */
	cli
	jmp .Lexit
.Lslow_dispatch: /* a number outside the table: syscall_dispatch counts, logs, answers ENOSYS;
		 * and every call of a traced task (exec -t / kexec -t): syscall_dispatch's traced branch */
	movq %rsp, %rdi				/* arg 0 = the frame (tf.rax = the number) */
	call syscall_dispatch			/* sti inside; return_to_program before it returns */
	cli
	jmp .Lexit
r0_entry_end:
	.size r0_entry, .-r0_entry

/* ist_r0_move: reached from trap_common when rsp is exactly where a vector taken through
 * IST2 leaves it (the ring-0 IDT is loaded only while a ring-0 program is the current task).
 * Stack: IST2, [vector, error, rip, cs, rflags, rsp, ss]; interrupts off (interrupt gates);
 * GS not swapped yet; nothing can nest but NMI/#MC (IST1) until we leave IST2. Moves the
 * seven quadwords to where the CPU would have put them without an IST:
 *   - a program's frame (CS RPL 3, a lower-half rip or rsp) to the top of the
 *     task's kernel stack (cpu0.kstack_top = TSS.RSP0), where task->tf is;
 *   - interrupted kernel code's frame below its rsp, aligned down to 16 as the CPU does.
 * Then continues trap_common on that stack, so IST2 is free again before anything can
 * enable interrupts or fault. A kernel rsp outside the task's kernel stack (overflow into
 * the guard) goes to ist_r0_bad (idt.c), which reports and panics from IST2. */
	.globl ist_r0_move
ist_r0_move:
	movq %rax, -8(%rsp)			/* IST2: scratch slots below the frame (IST2 is ours) */
	movq %rcx, -16(%rsp)
	movq CPU0_KSTACK_TOP(%rip), %rax	/* rax = the task's kernel stack top (program frames) */
	testb $3, 24(%rsp)			/* CS RPL 3: a program's frame */
	jnz 2f
	btq $63, 16(%rsp)			/* lower-half rip: the ring-0 program's */
	jnc 2f
	btq $63, 40(%rsp)			/* kernel rip on a lower-half stack: the entry's first instruction */
	jnc 2f					/* (a call not yet made), or the program jumped into the kernel */
	movq 40(%rsp), %rcx			/* kernel code: its rsp */
	andq $-16, %rcx				/* the CPU's alignment for a frame pushed without IST */
	cmpq %rax, %rcx				/* above the top of the task's kernel stack? */
	ja 3f
	subq $(KSTACK_SIZE - 256), %rax		/* lowest rsp that still leaves room for the frame */
	cmpq %rax, %rcx
	jb 3f					/* below it: the kernel stack overflowed */
	movq %rcx, %rax
2:	subq $56, %rax				/* rax = the new frame's address on the target stack */
	movq 0(%rsp), %rcx			/* copy vector, error, rip, cs, rflags, rsp, ss */
	movq %rcx, 0(%rax)
	movq 8(%rsp), %rcx
	movq %rcx, 8(%rax)
	movq 16(%rsp), %rcx
	movq %rcx, 16(%rax)
	movq 24(%rsp), %rcx
	movq %rcx, 24(%rax)
	movq 32(%rsp), %rcx
	movq %rcx, 32(%rax)
	movq 40(%rsp), %rcx
	movq %rcx, 40(%rax)
	movq 48(%rsp), %rcx
	movq %rcx, 48(%rax)
	movq -16(%rsp), %rcx			/* rcx back */
	movq %rax, %rsp				/* target stack: the frame as trap_common expects it */
	movq ist_r0_stack_top-64(%rip), %rax	/* rax back (the IST2 slot saved above) */
	jmp trap_common_moved			/* entry.S: GS decision, registers, trap() */
3:	movq -8(%rsp), %rax			/* kernel stack overflow while a ring-0 program is current */
	movq -16(%rsp), %rcx
	movq %rsp, %rdi				/* arg: the frame on IST2 */
	andq $-16, %rsp
	subq $64, %rsp				/* stay on IST2 below the frame and the scratch slots */
	call ist_r0_bad				/* reports and panics; does not return */
	ud2

	.bss
	.p2align 4
	.globl ist_r0_stack, ist_r0_stack_top
ist_r0_stack:
	.skip IST_R0_SIZE
ist_r0_stack_top:

	.section .note.GNU-stack, "", @progbits
