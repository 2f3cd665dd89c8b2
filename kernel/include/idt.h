/* idt.h: the trap frame built by entry.S and the IDT/trap interfaces (idt.c). */
#ifndef RZ_IDT_H
#define RZ_IDT_H
#include "types.h"

struct trapframe {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

void idt_init(void);
void trap(struct trapframe *tf);

/* Device interrupts: fn runs with interrupts off on the interrupted stack; trap() sends
 * the EOI afterwards. */
typedef void (*irq_handler_t)(void);
void irq_set_handler(int vector, irq_handler_t fn);

#endif
