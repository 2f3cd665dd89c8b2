/* syscall.S: the system-call entry from ring 3, the common exit to a program or to
 * interrupted kernel code (trap_return, shared with entry.S), the context switch (swtch)
 * and the first return of a new task (fork_trampoline).
 *
 * The frame. Both entries build a struct trapframe (idt.h) at the top of the task's
 * kernel stack, 22 quadwords, lowest address first:
 *     r15 r14 r13 r12 r11 r10 r9 r8 rbp rdi rsi rdx rcx rbx rax | vector error | rip cs rflags rsp ss
 * For a system call, vector = TF_SYSCALL (0x100) and error = the original rax (the number,
 * kept for restarts); rip/rsp are where the program continues and the stack it had, cs/ss
 * its selectors, taken from the per-CPU area (PERCPU_PROG_CS/SS, set at every switch from
 * the task's ring), so a `syscall` executed at CPL 0 by a ring-0 task records kernel
 * selectors and returns by iretq.
 *
 * GS: a program (ring 3, and ring-0 programs too) runs with its own GS base; the kernel
 * with the per-CPU area. Entry and exit swap when the frame belongs to a program: CS has
 * RPL 3, or (ring-0 programs) RIP or RSP is in the lower half, where kernel code never
 * runs, and the current task is a ring-0 program (cpu0.ring0_prog, read without GS: one
 * CPU). The lower-half RSP case is a ring-0 call resumed at r0_entry (a restart;
 * entry_ring0.S). The exit decides from the frame alone how to go back:
 *   - cs is not ring 3, rip and rsp in the upper half -> iretq (interrupted kernel code)
 *   - cs is not ring 3, rip or rsp in the lower half -> swapgs + iretq (a ring-0 program;
 *                                            never sysretq, which would drop it to CPL 3)
 *   - ring 3 and rcx == rip, r11 == rflags, rip < 2^47
 *                                         -> sysretq (what a plain system call leaves)
 *   - ring 3 otherwise (execve, a signal frame, sigreturn, an interrupt)
 *                                         -> iretq, which restores every register exactly
 * so nothing needs a "frame was changed" flag: a frame changed by execve or a signal no
 * longer has rcx == rip (the kernel does not make them equal by accident: execve zeroes
 * rcx; sigreturn restores whatever the program had, and when that happens to satisfy the
 * test sysret restores the same values). The canonical test also avoids the sysret #GP
 * on a non-canonical rcx, which would be taken in ring 0 on the user stack. */
#define SEL_UDATA 0x1b /* gdt.h (C only): user data, RPL 3 */
#define SEL_UCODE 0x23 /* user 64-bit code, RPL 3 */

#define TF_RCX    96
#define TF_R11    32
#define TF_RIP    136
#define TF_CS     144
#define TF_RFLAGS 152
#define TF_RSP    160
#define PERCPU_KSTACK_TOP 8
#define PERCPU_USER_RSP   16
#define PERCPU_PROG_CS    40
#define PERCPU_PROG_SS    48
#define PERCPU_RING0_PROG 56
#define PERCPU_LEAF_INSN_CALLS 72
#define NR_SYSCALLS       512 /* syscall_table.c */

	.text
	.p2align 4
	.globl syscall_entry
syscall_entry:
	/* CPU: rcx = return rip, r11 = rflags, IF/DF/TF/AC cleared by SFMASK, CPL 0,
	 * rsp = still the program's stack, GS = the program's. Interrupts stay off until the
	 * leaf path's sysretq, or until syscall_dispatch turns them on. */
	cmpq $NR_SYSCALLS, %rax			/* user stack: a number inside the table? */
	jae .Lfull
	btq %rax, r0_leaf_map(%rip)		/* a SYSCALL_LEAF call (syscall_table.c)? */
	jnc .Lfull
	cmpq $0, cpu0+PERCPU_RING0_PROG(%rip)	/* a ring-0 program's `syscall` at CPL 0 must go back */
	jne .Lfull				/* by iretq, never sysretq: the full path */
	/* The leaf path (the rules are in syscall.h; entry_ring0.S has the ring-0 twin): interrupts
	 * off throughout, no trapframe, no swapgs (nothing on this path reads %gs, and an
	 * exception here is a kernel frame, which leaves GS alone). The function keeps every
	 * register but rax (no_caller_saved_registers), r11 = the program's rflags included. */
	movq %rsp, cpu0+PERCPU_USER_RSP(%rip)	/* user stack: park the program's rsp (cpu0, not %gs) */
	movq cpu0+PERCPU_KSTACK_TOP(%rip), %rsp	/* kernel stack: top of this task's stack */
	pushq cpu0+PERCPU_USER_RSP(%rip)	/* kernel stack: the program's rsp */
	pushq %rcx				/* kernel stack: the return rip (rcx carries C's 4th argument) */
	incq cpu0+PERCPU_LEAF_INSN_CALLS(%rip)	/* exec -v's count (switch_to moves it into the task) */
	call *syscall_table(,%rax,8)		/* sys_NAME(rdi, rsi, rdx): every register but rax kept
					 * (a leaf call has at most 3 arguments: no r10 -> rcx move) */
	popq %rcx				/* the return rip: canonical, the syscall instruction was there
					 * and nothing is mapped in the last page below 2^47 (USER_TOP) */
	popq %rsp				/* user stack */
	sysretq					/* CPL 3, rip = rcx, rflags = r11: IF back on, DF and TF as they were */
.Lfull:
	swapgs					/* user stack: GS base = the per-CPU area */
	movq %rsp, %gs:PERCPU_USER_RSP		/* user stack: park the program's rsp */
	movq %gs:PERCPU_KSTACK_TOP, %rsp	/* kernel stack: top of this task's stack */
	pushq %gs:PERCPU_PROG_SS		/* kernel stack: tf.ss (the task's ring: user or kernel SS) */
	pushq %gs:PERCPU_USER_RSP		/* kernel stack: tf.rsp */
	pushq %r11				/* kernel stack: tf.rflags */
	pushq %gs:PERCPU_PROG_CS		/* kernel stack: tf.cs: SEL_UCODE, or SEL_KCODE for a ring-0
						 * task whose syscall came from CPL 0 (it must go back by iretq) */
	pushq %rcx				/* kernel stack: tf.rip */
	pushq %rax				/* kernel stack: tf.error = the system-call number */
	pushq $0x100				/* kernel stack: tf.vector = TF_SYSCALL */
	pushq %rax				/* kernel stack: tf.rax .. tf.r15, as trap_common */
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi				/* kernel stack: arg 0 = the frame (16-aligned) */
	call syscall_dispatch			/* kernel stack: interrupts are turned on inside */
	/* fall through */

	.globl trap_return
trap_return:
	/* rsp = a trapframe. Interrupts off from here to the iretq/sysretq. */
	cli
	testb $3, TF_CS(%rsp)			/* back to ring 3? */
	jnz 1f
	btq $63, TF_RIP(%rsp)			/* CPL 0: kernel code (upper half) or a ring-0 program */
	jnc 2f
	btq $63, TF_RSP(%rsp)			/* upper half on a kernel stack: kernel code; on a lower-half */
	jc .Lto_kernel				/* stack: a ring-0 program resuming at its entry (a restart) */
2:	cmpq $0, cpu0+56(%rip)			/* PERCPU_RING0_PROG: the current task is a ring-0 program */
	jne .Liret_user				/* a ring-0 program: swapgs + iretq, like ring 3 */
	jmp .Lto_kernel
1:
	movq TF_RIP(%rsp), %rax
	cmpq TF_RCX(%rsp), %rax			/* sysret takes rip from rcx */
	jne .Liret_user
	shrq $47, %rax				/* and needs a canonical lower-half rip */
	jnz .Liret_user
	movq TF_RFLAGS(%rsp), %rax
	cmpq TF_R11(%rsp), %rax			/* and rflags from r11 */
	jne .Liret_user
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11				/* = rflags */
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx				/* = rip */
	popq %rbx
	popq %rax
	movq 40(%rsp), %rsp			/* user stack: tf.rsp (skipping vector, error, rip, cs, rflags) */
	swapgs					/* user GS base back */
	sysretq					/* CPL 3, rip = rcx, rflags = r11 */

.Liret_user:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp				/* drop vector and error */
	swapgs					/* user GS base back */
	iretq

.Lto_kernel:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp
	iretq

/* swtch(&old->ksp, new->ksp): saves the callee-saved registers on the old kernel stack,
 * switches stacks, restores the new task's. The caller does CR3, TSS.RSP0, FPU, FS. */
	.globl swtch
swtch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* A new task's first switch returns here with rsp = its trapframe. */
	.globl fork_trampoline
fork_trampoline:
	call sched_tail				/* interrupts still off; per-task work in C */
	jmp trap_return
