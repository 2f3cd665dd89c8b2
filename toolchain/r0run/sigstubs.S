/* sigstubs.S: the entry points r0run gives the kernel for a program's signal handlers.
 *
 * Stub i is what the kernel's action names when the program installed the handler of
 * signals.c's action_record[i]; it adds its index as a fourth argument and goes on to
 * r0_sig_trampoline. The kernel's per-process action table thereby says which handler runs,
 * so no memory a CLONE_VM child can write decides it (signals.c). It owns nothing else.
 *
 * Entered as a handler: rdi = signal, rsi = siginfo, rdx = ucontext, the return address (the
 * restorer) at (%rsp), on whatever stack the kernel chose. The jump keeps that frame as it is,
 * so r0_sig_trampoline's ret goes to the restorer.
 */
#define R0_NSIGSTUBS 256        /* r0run.h agrees */
#define R0_SIGSTUB_SIZE 16      /* r0run.h agrees */

	.text
	.balign R0_SIGSTUB_SIZE
	.globl r0_sig_stubs
	.type r0_sig_stubs, @function
r0_sig_stubs:
	.set index, 0
	.rept R0_NSIGSTUBS
	mov $index, %ecx                /* rcx: the record's index (4th argument; zero-extended) */
	jmp r0_sig_trampoline           /* rdi rsi rdx: the kernel's arguments, untouched */
	.balign R0_SIGSTUB_SIZE
	.set index, index + 1
	.endr
	.size r0_sig_stubs, .-r0_sig_stubs

	.section .note.GNU-stack, "", @progbits
