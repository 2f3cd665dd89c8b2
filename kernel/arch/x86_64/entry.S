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
 * Nothing here runs on a user stack yet: there is no ring 3. When there is, the
 * SWAPGS/kernel-stack switch goes into trap_common where marked. */

/* Vectors for which the CPU pushes an error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13,
 * #PF 14, #AC 17, #CP 21, #VC 29, #SX 30. */
#define HAS_ERR(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || (n) == 21 || (n) == 29 || (n) == 30)

	.text
	.p2align 4
trap_common:
	/* Stack: [vector, error, RIP, CS, RFLAGS, RSP, SS] on the trap stack (current kernel
	 * stack, or the IST stack for #DF/NMI/#MC). Later: if CS says ring 3, swapgs here. */
	pushq %rax			/* trap stack: save rax (trapframe.rax) */
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
	popq %r15			/* trap stack: restore r15 */
	popq %r14			/* trap stack: restore r14 */
	popq %r13			/* trap stack: restore r13 */
	popq %r12			/* trap stack: restore r12 */
	popq %r11			/* trap stack: restore r11 */
	popq %r10			/* trap stack: restore r10 */
	popq %r9			/* trap stack: restore r9 */
	popq %r8			/* trap stack: restore r8 */
	popq %rbp			/* trap stack: restore rbp */
	popq %rdi			/* trap stack: restore rdi */
	popq %rsi			/* trap stack: restore rsi */
	popq %rdx			/* trap stack: restore rdx */
	popq %rcx			/* trap stack: restore rcx */
	popq %rbx			/* trap stack: restore rbx */
	popq %rax			/* trap stack: restore rax */
	addq $16, %rsp			/* trap stack: drop vector and error code: the CPU frame is on top */
	iretq				/* trap stack -> interrupted stack: pops RIP, CS, RFLAGS, RSP, SS */

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
