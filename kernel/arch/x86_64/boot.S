/* boot.S: the PVH entry point. Owns the Xen PVH ELF note, the early page tables, the
 * boot GDT, the boot stack and the switch from 32-bit protected mode to 64-bit long mode
 * running in the higher half; ends by calling kmain(start_info_phys).
 * Does not own: the real GDT/TSS/IDT (gdt.c, idt.c) or the final page tables (mm/paging.c),
 * which replace everything set up here.
 *
 * PVH ABI (xen/include/public/arch-x86/hvm/start_info.h, QEMU's -kernel with an ELF that
 * carries XEN_ELFNOTE_PHYS32_ENTRY): entered in 32-bit protected mode, paging off,
 * CS/DS/ES/SS flat 4 GiB, interrupts off, %ebx = physical address of struct
 * hvm_start_info, no stack provided. The image is linked at KERNEL_VMA + KERNEL_PHYS and
 * loaded at KERNEL_PHYS, so before paging is on every symbol is used through PA(). */
#include "memlayout.h"

#define PA(x) ((x) - KERNEL_VMA)
#define XEN_ELFNOTE_PHYS32_ENTRY 18

/* The PVH note. QEMU reads the descriptor as a pointer-sized value for an ELF64 image
 * and aligns the name to the PT_NOTE's p_align, so keep the section 4-byte aligned. */
	.section .note.pvh, "a", @note
	.p2align 2
	.long 4				/* n_namesz: "Xen\0" */
	.long 8				/* n_descsz: one 64-bit physical address */
	.long XEN_ELFNOTE_PHYS32_ENTRY	/* n_type */
	.asciz "Xen"			/* name, already a multiple of 4 bytes */
	.quad PA(pvh_start32)		/* desc: physical entry address */

	.section .text.boot, "ax"
	.code32
	.globl pvh_start32
pvh_start32:
	cli				/* no stack: PVH gives none; interrupts stay off until the kernel has an IDT */
	cld				/* no stack: string instructions below count upwards */
	movl %ebx, %esi			/* no stack: keep the start_info address in %esi (rep stos uses %edi) */

	/* Zero .bss, which holds the early page tables and the boot stack. */
	movl $PA(__bss_start), %edi	/* no stack: first byte of .bss, physical */
	movl $PA(__bss_end), %ecx	/* no stack: end of .bss, physical */
	subl %edi, %ecx			/* no stack: byte count */
	shrl $2, %ecx			/* no stack: dword count (.bss is 4-byte aligned in kernel.ld) */
	xorl %eax, %eax			/* no stack: fill value */
	rep stosl			/* no stack: zero it */

	movl $PA(boot_stack_top), %esp	/* boot stack (physical address): now zeroed and usable */

	/* boot_pd: 512 x 2 MiB pages mapping physical 0..1 GiB (present, writable, PS). */
	movl $PA(boot_pd), %edi		/* boot stack: destination table */
	movl $0x83, %eax		/* boot stack: entry 0 = phys 0 | P | W | PS */
	movl $512, %ecx			/* boot stack: number of entries */
1:	movl %eax, (%edi)		/* boot stack: low dword of the entry (high dword stays 0) */
	addl $0x200000, %eax		/* boot stack: next 2 MiB */
	addl $8, %edi			/* boot stack: next entry */
	loop 1b				/* boot stack: until all 512 are filled */

	/* boot_pdpt_lo[0] -> boot_pd: the identity map (needed while we switch) and, through
	 * boot_pml4[256], the first 1 GiB of the direct map. boot_pdpt_hi[510] -> boot_pd: the
	 * kernel image at 0xffffffff80000000 + phys. */
	movl $PA(boot_pd) + 3, %eax			/* boot stack: boot_pd | P | W */
	movl %eax, PA(boot_pdpt_lo)			/* boot stack: PDPT entry 0 (VA 0..1 GiB) */
	movl %eax, PA(boot_pdpt_hi) + 510 * 8		/* boot stack: PDPT entry 510 (VA -2 GiB) */
	movl $PA(boot_pdpt_lo) + 3, %eax		/* boot stack: boot_pdpt_lo | P | W */
	movl %eax, PA(boot_pml4)			/* boot stack: PML4 entry 0 (identity) */
	movl %eax, PA(boot_pml4) + 256 * 8		/* boot stack: PML4 entry 256 (DIRECT_MAP) */
	movl $PA(boot_pdpt_hi) + 3, %eax		/* boot stack: boot_pdpt_hi | P | W */
	movl %eax, PA(boot_pml4) + 511 * 8		/* boot stack: PML4 entry 511 (kernel image) */

	/* Long mode: PAE on, CR3, EFER.LME (and NXE if the CPU has NX), then paging. */
	movl %cr4, %eax			/* boot stack: current CR4 */
	orl $(1 << 5), %eax		/* boot stack: CR4.PAE, required for long mode */
	movl %eax, %cr4			/* boot stack: set it */
	movl $PA(boot_pml4), %eax	/* boot stack: physical address of the PML4 */
	movl %eax, %cr3			/* boot stack: becomes the active top-level table once paging is on */
	movl $0x80000001, %eax		/* boot stack: extended feature leaf */
	cpuid				/* boot stack: %edx bit 20 = NX (clobbers ebx, not needed any more) */
	xorl %ebx, %ebx			/* boot stack: EFER bits to add beyond LME */
	btl $20, %edx			/* boot stack: NX supported? */
	jnc 2f				/* boot stack: no: leave NXE clear (paging.c checks again) */
	movl $(1 << 11), %ebx		/* boot stack: yes: EFER.NXE so page tables may use bit 63 */
2:	movl $0xc0000080, %ecx		/* boot stack: MSR_EFER */
	rdmsr				/* boot stack: read it into edx:eax */
	orl $(1 << 8), %eax		/* boot stack: EFER.LME */
	orl %ebx, %eax			/* boot stack: EFER.NXE if supported */
	wrmsr				/* boot stack: write it back */
	movl %cr0, %eax			/* boot stack: current CR0 */
	orl $0x80010001, %eax		/* boot stack: PG | WP | PE (WP: ring 0 honours read-only pages) */
	movl %eax, %cr0			/* boot stack: paging on; we are in compatibility mode now */

	lgdt PA(boot_gdt_ptr)		/* boot stack: GDT with a 64-bit code segment */
	ljmp $0x08, $PA(start64)	/* boot stack: reload CS with the 64-bit segment: long mode proper */

	.code64
start64:
	movl $0x10, %eax		/* boot stack (identity-mapped): flat data selector */
	movl %eax, %ds			/* boot stack: data segments from the boot GDT */
	movl %eax, %es			/* boot stack: " */
	movl %eax, %ss			/* boot stack: " */
	xorl %eax, %eax			/* boot stack: null selector */
	movl %eax, %fs			/* boot stack: FS unused by the kernel */
	movl %eax, %gs			/* boot stack: GS unused until per-CPU data exists */
	movabsq $start64_high, %rax	/* boot stack: the higher-half address of the next instruction */
	jmp *%rax			/* boot stack: leave the identity map: run at KERNEL_VMA + phys */

	.text
	.cfi_sections .debug_frame	/* unwind info for gdb only (no .eh_frame in the image) */
start64_high:
	.cfi_startproc			/* boot stack: start of unwind info for this code */
	.cfi_undefined rip		/* boot stack: outermost frame, so gdb's backtrace ends here */
	movabsq $boot_stack_top, %rsp	/* boot stack, now by its higher-half address */
	xorl %ebp, %ebp			/* boot stack: frame pointer 0 ends backtraces here */
	movl %esi, %edi			/* boot stack: arg 0 = start_info physical address (zero-extended) */
	call kmain			/* boot stack: into C; kmain never returns */
3:	cli				/* boot stack: if it does, stop */
	hlt				/* boot stack: " */
	jmp 3b				/* boot stack: " (an NMI would wake hlt) */
	.cfi_endproc

	.section .rodata
	.p2align 3
boot_gdt:
	.quad 0				/* 0x00: null */
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 (L=1, D=0) */
	.quad 0x00cf92000000ffff	/* 0x10: data, DPL 0 */
boot_gdt_end:
boot_gdt_ptr:
	.word boot_gdt_end - boot_gdt - 1	/* limit */
	.long PA(boot_gdt)			/* base: physical; lgdt in 32-bit mode reads 4 bytes */

	.section .bss
	.p2align 12
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_lo:	.skip 4096
boot_pdpt_hi:	.skip 4096
boot_pd:	.skip 4096
	.globl boot_stack_guard, boot_stack, boot_stack_top
boot_stack_guard: .skip 4096		/* left unmapped by paging.c: an overflow faults (#DF on IST1) */
boot_stack:	.skip 16384		/* the kernel's stack until processes have their own */
boot_stack_top:
