/* regs.S: register-exact probes for the ring-0 tests (see regs.h).
 *
 * regs_call(in, out, mode): loads every general-purpose register but rsp and xmm0..xmm15 from
 *   *in, makes one system call (number in rax, arguments in rdi rsi rdx r10 r8 r9), and
 *   stores every register, rflags and xmm0..15 as they are right after it into *out.
 *   mode bit 0: 0 = the library's way, "call *__sysinfo(%rip)" with the 128-byte red-zone
 *   step (the ring-0 entry in ring 0, __syscall_fallback in ring 3); 1 = a raw `syscall`
 *   instruction (at CPL 0: the kernel's slow path). mode bit 1: set the direction flag
 *   around the call (contract 2: DF is preserved).
 * regs_spin(in, out): loads every register but rsp (and xmm0..15) from *in, sets DF, and
 *   spins at r0_spin_loop until r0_spin_flag becomes non-zero (a signal handler sets it),
 *   then stores everything into *out. A signal that interrupts the loop must give back every
 *   register on rt_sigreturn.
 */
	.text

	.globl	regs_call
	.type	regs_call, @function
regs_call:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rsi			/* out */
	push	%rdx			/* mode */
	movdqu	128(%rdi), %xmm0
	movdqu	144(%rdi), %xmm1
	movdqu	160(%rdi), %xmm2
	movdqu	176(%rdi), %xmm3
	movdqu	192(%rdi), %xmm4
	movdqu	208(%rdi), %xmm5
	movdqu	224(%rdi), %xmm6
	movdqu	240(%rdi), %xmm7
	movdqu	256(%rdi), %xmm8
	movdqu	272(%rdi), %xmm9
	movdqu	288(%rdi), %xmm10
	movdqu	304(%rdi), %xmm11
	movdqu	320(%rdi), %xmm12
	movdqu	336(%rdi), %xmm13
	movdqu	352(%rdi), %xmm14
	movdqu	368(%rdi), %xmm15
	mov	0(%rdi), %rax
	mov	8(%rdi), %rbx
	mov	16(%rdi), %rcx
	mov	24(%rdi), %rdx
	mov	32(%rdi), %rsi
	mov	48(%rdi), %rbp
	mov	56(%rdi), %r8
	mov	64(%rdi), %r9
	mov	72(%rdi), %r10
	mov	80(%rdi), %r11
	mov	88(%rdi), %r12
	mov	96(%rdi), %r13
	mov	104(%rdi), %r14
	mov	112(%rdi), %r15
	mov	40(%rdi), %rdi
	testq	$2, (%rsp)
	jz	1f
	std
1:	testq	$1, (%rsp)
	jnz	2f
	lea	-128(%rsp), %rsp
	call	*__sysinfo(%rip)
	lea	128(%rsp), %rsp
	jmp	3f
2:	syscall
3:	pushfq
	cld
	push	%rax
	mov	24(%rsp), %rax		/* out: [rax][rflags][mode][out] */
	jmp	regs_store
	.size	regs_call, .-regs_call

	.globl	regs_spin
	.type	regs_spin, @function
regs_spin:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rsi			/* out */
	push	%rsi			/* (padding, same layout as regs_call) */
	movdqu	128(%rdi), %xmm0
	movdqu	144(%rdi), %xmm1
	movdqu	160(%rdi), %xmm2
	movdqu	176(%rdi), %xmm3
	movdqu	192(%rdi), %xmm4
	movdqu	208(%rdi), %xmm5
	movdqu	224(%rdi), %xmm6
	movdqu	240(%rdi), %xmm7
	movdqu	256(%rdi), %xmm8
	movdqu	272(%rdi), %xmm9
	movdqu	288(%rdi), %xmm10
	movdqu	304(%rdi), %xmm11
	movdqu	320(%rdi), %xmm12
	movdqu	336(%rdi), %xmm13
	movdqu	352(%rdi), %xmm14
	movdqu	368(%rdi), %xmm15
	mov	0(%rdi), %rax
	mov	8(%rdi), %rbx
	mov	16(%rdi), %rcx
	mov	24(%rdi), %rdx
	mov	32(%rdi), %rsi
	mov	48(%rdi), %rbp
	mov	56(%rdi), %r8
	mov	64(%rdi), %r9
	mov	72(%rdi), %r10
	mov	80(%rdi), %r11
	mov	88(%rdi), %r12
	mov	96(%rdi), %r13
	mov	104(%rdi), %r14
	mov	112(%rdi), %r15
	mov	40(%rdi), %rdi
	std
	.globl	r0_spin_loop
r0_spin_loop:
	cmpl	$0, r0_spin_flag(%rip)
	je	r0_spin_loop
	.globl	r0_spin_end
r0_spin_end:
	pushfq
	cld
	push	%rax
	mov	24(%rsp), %rax
	jmp	regs_store
	.size	regs_spin, .-regs_spin

/* rax = out; on the stack: [saved rax][rflags][mode][out][r15 r14 r13 r12 rbp rbx][ret] */
regs_store:
	mov	%rbx, 8(%rax)
	mov	%rcx, 16(%rax)
	mov	%rdx, 24(%rax)
	mov	%rsi, 32(%rax)
	mov	%rdi, 40(%rax)
	mov	%rbp, 48(%rax)
	mov	%r8, 56(%rax)
	mov	%r9, 64(%rax)
	mov	%r10, 72(%rax)
	mov	%r11, 80(%rax)
	mov	%r12, 88(%rax)
	mov	%r13, 96(%rax)
	mov	%r14, 104(%rax)
	mov	%r15, 112(%rax)
	movdqu	%xmm0, 128(%rax)
	movdqu	%xmm1, 144(%rax)
	movdqu	%xmm2, 160(%rax)
	movdqu	%xmm3, 176(%rax)
	movdqu	%xmm4, 192(%rax)
	movdqu	%xmm5, 208(%rax)
	movdqu	%xmm6, 224(%rax)
	movdqu	%xmm7, 240(%rax)
	movdqu	%xmm8, 256(%rax)
	movdqu	%xmm9, 272(%rax)
	movdqu	%xmm10, 288(%rax)
	movdqu	%xmm11, 304(%rax)
	movdqu	%xmm12, 320(%rax)
	movdqu	%xmm13, 336(%rax)
	movdqu	%xmm14, 352(%rax)
	movdqu	%xmm15, 368(%rax)
	pop	%rcx
	mov	%rcx, 0(%rax)
	pop	%rcx
	mov	%rcx, 120(%rax)
	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

	.data
	.globl	r0_spin_flag
	.p2align 2
r0_spin_flag:
	.long	0

	.section .note.GNU-stack,"",@progbits
