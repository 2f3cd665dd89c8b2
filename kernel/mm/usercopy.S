/* usercopy.S: the only instructions that touch process memory on behalf of the kernel, and
 * their fault fixups. Each access instruction has an entry in uaccess_extable (this file's
 * own table: fault RIP -> fixup RIP); idt.c's page-fault handler first tries to resolve
 * the fault (demand-zero, copy-on-write) and, when the address is invalid, resumes at the
 * fixup, which returns the number of bytes NOT copied. SMAP: stac/clac bracket exactly the
 * accesses (a no-op effect in ring 0 programs' supervisor pages; issue 4).
 *
 *   uint64_t uaccess_copy(void *dst, const void *src, uint64_t n)   -> bytes not copied
 *   int64_t  uaccess_strncpy(char *dst, const char *usrc, uint64_t max)
 *                       -> length (without NUL), max when no NUL within max, -1 on fault */
	.text
	.p2align 4
	.globl uaccess_copy
uaccess_copy:
	movq %rdx, %rcx			/* count for rep movsb */
	stac				/* allow access to user pages (SMAP) */
	cmpq $16, %rdx			/* 16 bytes or more: quadwords first (one step each under */
	jae .Lcopy_quads		/* TCG instead of eight: a struct stat is 18, not 144) */
.Lcopy_insn:
	rep movsb			/* may fault: fixup below */
	clac
	movq %rcx, %rax			/* 0 */
	ret
.Lcopy_fixup:
	clac
	movq %rcx, %rax			/* bytes left */
	ret
.Lcopy_quads:
	shrq $3, %rcx			/* quadwords */
	andl $7, %edx			/* and the bytes after them */
.Lcopyq_insn:
	rep movsq			/* may fault: fixup below (a faulting quadword is not written) */
	movq %rdx, %rcx
	jmp .Lcopy_insn
.Lcopyq_fixup:
	clac
	leaq (%rdx,%rcx,8), %rax	/* bytes left: the quadwords not copied and the tail */
	ret

	.globl uaccess_strncpy
uaccess_strncpy:
	xorl %eax, %eax			/* length so far */
	stac
1:	cmpq %rdx, %rax
	je 2f				/* max bytes without NUL */
.Lstr_insn:
	movb (%rsi,%rax), %cl		/* may fault */
	movb %cl, (%rdi,%rax)
	testb %cl, %cl
	jz 2f
	incq %rax
	jmp 1b
2:	clac
	ret
.Lstr_fixup:
	clac
	movq $-1, %rax
	ret

	.section .rodata
	.p2align 3
	.globl uaccess_extable, uaccess_extable_end
uaccess_extable:
	.quad .Lcopy_insn, .Lcopy_fixup
	.quad .Lcopyq_insn, .Lcopyq_fixup
	.quad .Lstr_insn, .Lstr_fixup
uaccess_extable_end:
