/* forward.S: r0run's system-call entry, handed to the program as AT_SYSINFO.
 *
 * It owns the entry ABI on the host (DESIGN.md contract 2): called with rax = number,
 * arguments in rdi rsi rdx r10 r8 r9, return address at (%rsp); returns the result in rax
 * with every other register, the stack pointer, the vector registers and the direction
 * flag as they were, except rcx and r11. It performs the real system call with the syscall
 * instruction. It does not own deciding what execve runs (reexec.c) or loading (r0run.c).
 *
 * The general path touches no memory below the return address: musl's __unmapself calls
 * the entry from a shared 16-byte static stack. Four calls cannot simply "syscall; ret":
 *   vfork   the child reuses the stack, so the parent's return address must not live there;
 *   clone   with a new stack, the child must return to the caller with rsp = that stack;
 *   execve  of a trusted image goes back through r0run, so the new image gets an entry too;
 *   rt_sigaction  handlers are wrapped so a signal shows the kernel's context (signals.c).
 * rt_sigreturn arrives by jmp, not call (musl's __restore_rt): rsp already points where the
 * kernel expects the signal frame, and the general path passes it through untouched.
 */
#include <asm/unistd_64.h>

#define R0_NSYSCALLS 512        /* slots in the --count table; r0run.c agrees */

	.text

/* r0_entry_count: the entry for r0run --count. Counts, then falls into r0_entry. */
	.globl r0_entry_count
	.type r0_entry_count, @function
r0_entry_count:
	cmp $R0_NSYSCALLS, %rax         /* out-of-range numbers are not counted (the kernel */
	jae r0_entry                    /* answers ENOSYS for them) */
	mov r0_counts(%rip), %rcx       /* rcx: the shared count table (rcx is ours to clobber) */
	lock incq (%rcx,%rax,8)         /* locked: threads and forked children share the table */
	/* fall through */
	.size r0_entry_count, .-r0_entry_count

/* r0_entry: the plain entry. On the caller's stack, return address at (%rsp). */
	.globl r0_entry
	.type r0_entry, @function
r0_entry:
	cmp $__NR_rt_sigaction, %rax    /* handlers go through signals.c's trampoline */
	je .Lsigaction
	lea -__NR_clone(%rax), %rcx     /* clone, fork, vfork, execve are 56..59: one compare */
	cmp $(__NR_execve - __NR_clone), %rcx   /* unsigned: below 56 wraps to a huge value */
	jbe .Lspecial
	.globl r0_entry_syscall         /* signals.c recognises an interrupted call by this pc */
r0_entry_syscall:
	syscall                         /* the system call; clobbers rcx (rip) and r11 (rflags) */
	ret                             /* back to the caller, rsp as it was at the call */

.Lspecial:                          /* rcx = number - __NR_clone */
	cmp $(__NR_vfork - __NR_clone), %ecx
	je .Lvfork
	cmp $(__NR_execve - __NR_clone), %ecx
	je .Lexecve
	test %ecx, %ecx                 /* clone; otherwise fork, which needs nothing special */
	jnz .Lplain
	test %rsi, %rsi                 /* clone without a new stack: the child returns on a */
	jz .Lplain                      /* copy of this one, like fork */

	/* clone with a new stack (rsi). The child starts with rsp = rsi and every other register
	 * as here, so give it our return address just below its stack: its ret then pops it and
	 * leaves rsp = the new stack, as the caller asked. Nothing lives there yet. */
	mov (%rsp), %rcx                /* rcx: the caller's return address */
	mov %rcx, -8(%rsi)              /* the child's copy, on the child's stack */
	sub $8, %rsi                    /* the child's rsp */
	syscall                         /* parent: rax = tid; child: rax = 0, rsp = rsi */
	lea 8(%rsi), %rsi               /* both: rsi back to the caller's value (lea: flags kept) */
	ret                             /* parent: own stack; child: pops the copy */

.Lplain:
	syscall
	ret

	/* vfork: the parent sleeps until the child execs or exits, and the child may overwrite
	 * everything below the parent's stack pointer, our return address included. Keep the
	 * return address in rdi, which the system call preserves in both, and rdi's own value
	 * in a static slot (the child does not write it: vfork children call execve or _exit). */
.Lvfork:
	mov %rdi, r0_vfork_rdi(%rip)
	pop %rdi                        /* rdi: return address; rsp: the caller's */
	syscall                         /* child first, then the parent, each with its own rdi */
	push %rdi                       /* our return address back in place, for this task */
	mov r0_vfork_rdi(%rip), %rdi
	ret

	/* execve (reexec.c decides what runs) and rt_sigaction (signals.c wraps handlers) are
	 * C: save what the C ABI may clobber and the entry must not (the argument registers;
	 * xmm registers are safe because that C is built with -mgeneral-regs-only), align the
	 * stack, call with the system call's first four arguments. */
.Lsigaction:
	lea r0_rt_sigaction(%rip), %r11 /* r11: the C function (ours to clobber) */
	jmp .Lcall_c
.Lexecve:
	lea r0_execve(%rip), %r11
.Lcall_c:
	push %rbp                       /* rbp: frame to restore rsp from */
	mov %rsp, %rbp
	and $-16, %rsp                  /* psABI: rsp 16-aligned at the call */
	push %rdi
	push %rsi
	push %rdx
	push %r8
	push %r9
	push %r10                       /* six pushes: still 16-aligned */
	mov %r10, %rcx                  /* 4th argument: r10 in the kernel's order, rcx in C's */
	call *%r11                      /* rdi rsi rdx already hold arguments 1 to 3 */
	pop %r10
	pop %r9
	pop %r8
	pop %rdx
	pop %rsi
	pop %rdi
	mov %rbp, %rsp
	pop %rbp
	ret                             /* rax: the C function's result */
	.size r0_entry, .-r0_entry

/* long r0_syscall6(long n, long a, long b, long c, long d, long e, long f):
 * a raw system call for reexec.c and r0run's own setup, in C argument order. */
	.globl r0_syscall6
	.type r0_syscall6, @function
r0_syscall6:
	mov %rdi, %rax                  /* number */
	mov %rsi, %rdi                  /* shift the six arguments into the kernel's order */
	mov %rdx, %rsi
	mov %rcx, %rdx
	mov %r8, %r10
	mov %r9, %r8
	mov 8(%rsp), %r9                /* the sixth argument is on the stack */
	syscall
	ret
	.size r0_syscall6, .-r0_syscall6

/* noreturn void r0_start(uint64_t entry, uint64_t sp): enter the program as Linux does:
 * rsp at argc, rdx = 0 (no exit function for the program to register), other registers 0. */
	.globl r0_start
	.type r0_start, @function
r0_start:
	mov %rsi, %rsp                  /* the program's initial stack (argc at the top) */
	mov %rdi, %rcx                  /* entry point */
	xor %eax, %eax
	xor %ebx, %ebx
	xor %edx, %edx                  /* rdx = 0: no rtld_fini */
	xor %esi, %esi
	xor %edi, %edi
	xor %ebp, %ebp                  /* end of the frame chain */
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	jmp *%rcx
	.size r0_start, .-r0_start

	.bss
	.balign 8
r0_vfork_rdi:
	.quad 0

	.section .note.GNU-stack, "", @progbits
