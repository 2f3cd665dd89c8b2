/* The ringzero trust mark: an ELF note r0cc links into every program it builds.
 *
 * ringzero's kernel lets execve() from a ring-0 process keep ring 0 only for an image that
 * carries this note (DESIGN.md contract 3); loader/note.h reads it. Layout, as for any ELF
 * note: namesz, descsz, type, then the name and the descriptor, each padded to 4 bytes.
 *   name "ringzero", type 0x525a0001 (RINGZERO_NOTE_TRUSTED), desc: uint32 version = 1 */
	.section .note.ringzero, "a", @note
	.balign 4
	.long 9                 /* namesz: "ringzero" and its NUL */
	.long 4                 /* descsz */
	.long 0x525a0001        /* type: RINGZERO_NOTE_TRUSTED ("RZ" 1) */
	.asciz "ringzero"
	.balign 4
	.long 1                 /* version */
	.balign 4
	.section .note.GNU-stack, "", @progbits
