/* entry.S: the interrupt and exception entry stubs. Owns the 256 per-vector stubs, the
 * common save/restore path and the table of stub addresses (trap_stubs) that idt.c puts
 * into the IDT. Does not own: what a trap means (trap() in idt.c) or which stack the CPU
 * switches to (the TSS's IST slots, chosen per vector in idt.c).
 *
 * Stack on entry (the CPU's frame, pushed on the current stack, or on an IST stack when
 * the gate names one, after aligning RSP down to 16): SS, RSP, RFLAGS, CS, RIP, and for
 * some exceptions an error code. Each stub makes the frame uniform by pushing a 0 error
 * code where the CPU did not, then the vector number; trap_common pushes the 15
 * general-purpose registers, giving struct trapframe (idt.h) from the bottom up.
 * From ring 3 the CPU has already switched to TSS.RSP0 (the task's kernel stack);
 * trap_common adds swapgs. The exit is trap_return in syscall.S, shared with system calls. */

/* Vectors for which the CPU pushes an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13,
 * #PF 14, #AC 17, #CP 21, #VC 29, #SX 30. */
#define HAS_ERR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

	.text
	.p2align 4
trap_common:
	/* Stack: [vector, error, RIP, CS, RFLAGS, RSP, SS] on the trap stack: the task's
	 * kernel stack (TSS.RSP0) when the CPU came from ring 3, the interrupted kernel stack,
	 * or the IST stack for #DF/NMI/#MC, or IST2 for every other vector while a ring-0
	 * program is the current task (the ring-0 IDT, idt.c). */
	cmpq $(ist_r0_stack_top - 56), %rsp	/* trap stack: arrived through IST2 (7 quadwords)? */
	je ist_r0_move			/* IST2: move the frame off it first (entry_ring0.S), then 1: */
	.globl trap_common_moved
trap_common_moved:
	testb $3, 24(%rsp)		/* trap stack: CS of the interrupted code: from ring 3? */
	jnz 2f				/* trap stack: yes: swap */
	btq $63, 16(%rsp)		/* trap stack: CPL 0: RIP in the upper half is kernel code, */
	jnc 3f
	btq $63, 40(%rsp)		/* trap stack: unless it runs on a lower-half stack, which kernel
					 * code never does: the ring-0 entry's first instruction (a call
					 * not yet made), or a ring-0 program that jumped into the kernel */
	jc 1f				/* trap stack: kernel code: GS already holds the per-CPU area */
3:	cmpq $0, cpu0+56(%rip)		/* trap stack: lower-half RIP or RSP at CPL 0: a ring-0 program's
					 * only if the current task is one (else a kernel bug: report it) */
	je 1f
2:	swapgs				/* trap stack: from a program (ring 3, or a ring-0 program in the
					 * lower half): kernel GS base (the per-CPU area) */
1:	pushq %rax			/* trap stack: save rax (trapframe.rax) */
	pushq %rbx			/* trap stack: save rbx */
	pushq %rcx			/* trap stack: save rcx */
	pushq %rdx			/* trap stack: save rdx */
	pushq %rsi			/* trap stack: save rsi */
	pushq %rdi			/* trap stack: save rdi */
	pushq %rbp			/* trap stack: save rbp */
	pushq %r8			/* trap stack: save r8 */
	pushq %r9			/* trap stack: save r9 */
	pushq %r10			/* trap stack: save r10 */
	pushq %r11			/* trap stack: save r11 */
	pushq %r12			/* trap stack: save r12 */
	pushq %r13			/* trap stack: save r13 */
	pushq %r14			/* trap stack: save r14 */
	pushq %r15			/* trap stack: save r15; RSP now points at a struct trapframe */
	cld				/* trap stack: the C ABI wants DF clear on entry to trap() */
	movq %rsp, %rdi			/* trap stack: arg 0 = the trapframe. 22 quadwords were pushed
					 * onto a 16-aligned RSP, so RSP is still 16-aligned for the call */
	call trap			/* trap stack: handle it in C (may not return for fatal traps) */
	jmp trap_return			/* trap stack: the common exit (syscall.S) */

/* One stub per vector. Each is at most 16 bytes: push imm8/imm32 and a jmp. */
.macro STUB n
	.p2align 4
trap_stub_\n:
	.if HAS_ERR(\n) == 0
	pushq $0			/* trap stack: dummy error code so every frame has the same shape */
	.endif
	pushq $\n			/* trap stack: the vector number */
	jmp trap_common			/* trap stack: common save path */
.endm

.altmacro
.macro STUBS from, to
	STUB %from
	.if \to - \from
	STUBS %(\from + 1), \to
	.endif
.endm
	STUBS 0, 63
	STUBS 64, 127
	STUBS 128, 191
	STUBS 192, 255

/* trap_stubs[n] = address of trap_stub_n, for idt.c. */
.macro STUBADDR n
	.quad trap_stub_\n
.endm
.macro STUBADDRS from, to
	STUBADDR %from
	.if \to - \from
	STUBADDRS %(\from + 1), \to
	.endif
.endm
	.section .rodata
	.p2align 3
	.globl trap_stubs
trap_stubs:
	STUBADDRS 0, 63
	STUBADDRS 64, 127
	STUBADDRS 128, 191
	STUBADDRS 192, 255
