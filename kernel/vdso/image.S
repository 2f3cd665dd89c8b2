/* image.S: the vDSO's built image (kernel/vdso/vdso.c linked by vdso.lds into vdso.so),
 * embedded in the kernel's read-only data; proc/vdso.c copies it into frames at boot. */
	.section .rodata, "a"
	.balign 4096
	.globl vdso_image_start, vdso_image_end
vdso_image_start:
	.incbin VDSO_SO
vdso_image_end:
	.section .note.GNU-stack, "", @progbits
