/* idt.c: the IDT and the C side of traps. Owns the 256 gates (every vector has one, all
 * pointing at entry.S stubs) in two tables (the normal IDT, and the ring-0 IDT with every
 * vector on an IST, loaded while a ring-0 program is current: idt_load), which vectors run
 * on an IST stack, and trap(): reporting
 * exceptions with vector name, RIP (with symbol), error code, CR2 and registers, then
 * stopping the kernel, and dispatching device interrupts (vectors >= 32) to registered
 * handlers followed by the local APIC EOI. Does not own: the save/restore assembly
 * (entry.S), the stacks (gdt.c) or the interrupt controllers (apic.c). Faults of programs
 * (ring 3, and ring-0 programs: tf_from_program) become signals. */
#include "idt.h"
#include "apic.h"
#include "gdt.h"
#include "lib.h"
#include "proc.h"
#include "uaccess.h"
#include "vm.h"
#include "x86.h"
#include <asm-generic/errno.h>
#include <asm-generic/siginfo.h>
#include <asm/signal.h>

uint64_t uaccess_fixup(uint64_t rip);

struct gate {
	uint16_t off0;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off1;
	uint32_t off2;
	uint32_t reserved;
} PACKED;

static struct gate idt[256];
/* The ring-0 IDT, loaded while a ring-0 program is the current task: the same stubs, every
 * vector on IST2 (NMI, #DF, #MC on IST1), so no frame is ever pushed on a ring-0 program's
 * stack (its red zone, or an overflowed stack). entry_ring0.S moves the frame off IST2. */
static struct gate idt_r0[256];
static bool idt_r0_loaded;
static irq_handler_t irq_handlers[256];
extern const uint64_t trap_stubs[256];

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
	"#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 FP error", "#AC alignment check", "#MC machine check",
	"#XM SIMD FP error", "#VE virtualization", "#CP control protection", "reserved 22", "reserved 23",
	"reserved 24", "reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

static void print_sym(uint64_t addr);

static void set_gate_in(struct gate *idt, int v, uint64_t handler, int ist, int dpl)
{
	idt[v].off0 = handler & 0xffff;
	idt[v].sel = SEL_KCODE;
	idt[v].ist = ist;
	idt[v].type = 0x8e | (dpl << 5); /* present, 64-bit interrupt gate (IF cleared on entry) */
	idt[v].off1 = (handler >> 16) & 0xffff;
	idt[v].off2 = handler >> 32;
	idt[v].reserved = 0;
}

static void set_gate(int v, uint64_t handler, int ist, int dpl) { set_gate_in(idt, v, handler, ist, dpl); }

static void lidt(struct gate *table)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} PACKED idtr = {sizeof(idt) - 1, (uint64_t)table};
	__asm__ volatile("lidt %0" ::"m"(idtr));
}

/* Called with interrupts off (context switch, execve): the ring-0 IDT while a ring-0
 * program is current, the normal one otherwise. */
void idt_load(bool ring0)
{
	if (ring0 == idt_r0_loaded)
		return;
	idt_r0_loaded = ring0;
	lidt(ring0 ? idt_r0 : idt);
}

/* A kernel stack overflow while the ring-0 IDT is loaded (ist_r0_move found the interrupted
 * kernel rsp outside the task's kernel stack): still on IST2, report and stop. */
void ist_r0_bad(uint64_t *f)
{
	printk("\n*** exception %lu at %016lx", f[0], f[2]);
	print_sym(f[2]);
	printk(": kernel rsp %016lx is outside the current task's kernel stack (top %016lx)\n", f[5], cpu0.kstack_top);
	panic("kernel stack overflow");
}

void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_gate_in(idt_r0, v, trap_stubs[v], (v == 2 || v == 8 || v == 18) ? IST_CRITICAL : IST_RING0, 0);
	for (int v = 0; v < 256; v++)
		set_gate(v, trap_stubs[v], 0, 0);
	set_gate(2, trap_stubs[2], IST_CRITICAL, 0);   /* NMI */
	set_gate(8, trap_stubs[8], IST_CRITICAL, 0);   /* #DF */
	set_gate(18, trap_stubs[18], IST_CRITICAL, 0); /* #MC */
	set_gate(3, trap_stubs[3], 0, 3);              /* int3 allowed from ring 3 (SIGTRAP later) */
	set_gate(4, trap_stubs[4], 0, 3);              /* into likewise */
	lidt(idt);
}

void irq_set_handler(int vector, irq_handler_t fn) { irq_handlers[vector] = fn; }

static void print_sym(uint64_t addr)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);
	if (name)
		printk(" <%s+0x%lx>", name, off);
}

static void report(struct trapframe *tf)
{
	uint64_t cr2 = read_cr2();
	printk("\n*** exception %lu: %s\n", tf->vector,
	       tf->vector < 32 ? exc_names[tf->vector] : "unexpected interrupt");
	printk("    RIP %016lx", tf->rip);
	print_sym(tf->rip);
	printk("\n    CS %04lx  RFLAGS %016lx  RSP %016lx  SS %04lx\n", tf->cs, tf->rflags, tf->rsp, tf->ss);
	printk("    error code %#lx", tf->error);
	if (tf->vector == 14)
		printk(" (%s, %s, %s%s%s)", tf->error & 1 ? "protection violation" : "not present",
		       tf->error & 2 ? "write" : "read", tf->error & 4 ? "user" : "kernel",
		       tf->error & 8 ? ", reserved bit" : "", tf->error & 16 ? ", instruction fetch" : "");
	printk("\n    CR2 %016lx  CR3 %016lx  handled on %s\n", cr2, read_cr3(),
	       on_ist_critical_stack((uint64_t)&cr2) ? "the IST1 stack" : "the interrupted stack");
	printk("    RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
	printk("    RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->r8);
	printk("    R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", tf->r9, tf->r10, tf->r11, tf->r12);
	printk("    R13 %016lx R14 %016lx R15 %016lx\n", tf->r13, tf->r14, tf->r15);
	if ((tf->cs & 3) == 0)
		print_backtrace(tf->rbp);
}

/* The frame belongs to a program: ring 3, or a ring-0 program (issue 4), whose code and
 * stacks live in the lower half, where kernel code never runs (a rip in the kernel with a
 * lower-half rsp: the ring-0 entry's first instruction, or a program that jumped there). */
bool tf_from_program(struct trapframe *tf)
{
	return (tf->cs & 3) == 3 || ((tf->rip < USER_TOP || tf->rsp < USER_TOP) && cpu0.ring0_prog);
}

/* The signal Linux sends for an exception in a program, and its si_code. */
static int exc_signal(int v, int *code)
{
	*code = SI_KERNEL;
	switch (v) {
	case 0: *code = FPE_INTDIV; return SIGFPE;
	case 1: *code = TRAP_TRACE; return SIGTRAP;
	case 3: *code = SI_KERNEL; return SIGTRAP;
	case 6: *code = ILL_ILLOPN; return SIGILL;
	case 16: *code = FPE_FLTINV; return SIGFPE;
	case 19: *code = FPE_FLTINV; return SIGFPE;
	case 17: *code = BUS_ADRALN; return SIGBUS;
	default: return SIGSEGV; /* #OF #BR #TS #NP #SS #GP and the rest */
	}
}

/* Will this fault end the program (no handler)? Then the console gets a line about it. */
static bool fatal_signal(int sig)
{
	return !current->sighand || current->sighand->act[sig].handler <= 1 ||
	       (current->sig_blocked & (1ULL << (sig - 1)));
}

static void page_fault(struct trapframe *tf)
{
	uint64_t cr2 = read_cr2();
	bool user = tf_from_program(tf);
	struct mm *mm = current ? current->mm : NULL;
	long r = -EFAULT;
	/* Protection violation on a user page from the kernel outside uaccess is a kernel bug;
	 * a fault on a lower-half address is resolved against the areas. Reserved-bit faults
	 * are never resolvable. */
	if (mm && cr2 < USER_TOP && !(tf->error & 8) && (user || uaccess_fixup(tf->rip)))
		r = vm_fault(mm, cr2, tf->error & 2, tf->error & 16);
	if (r == 0)
		return;
	if (!user) {
		uint64_t fix = uaccess_fixup(tf->rip);
		if (fix) {
			tf->rip = fix; /* -EFAULT for the system call */
			return;
		}
		report(tf);
		panic("page fault in the kernel");
	}
	if (r == -ENOMEM) {
		printk("[vm] pid %d (%s): out of memory at %#lx, killed\n", current->pid, current->name, cr2);
		force_sig(SIGKILL, cr2, SI_KERNEL);
		return;
	}
	if (r == -EIO) { /* past the end of a mapped file, as Linux */
		if (fatal_signal(SIGBUS))
			printk("[fault] pid %d (%s): #PF at %#lx past the end of a mapped file, rip %#lx -> SIGBUS\n",
			       current->pid, current->name, cr2, tf->rip);
		force_sig(SIGBUS, cr2, BUS_ADRERR);
		return;
	}
	bool mapped = vm_find(mm, cr2) != NULL;
	/* for the log: a present kernel page (supervisor, or read-only kernel text) is "denied" */
	bool present = cr2 >= USER_TOP ? (tf->error & 1) : mapped;
	if (fatal_signal(SIGSEGV))
		printk("[fault] pid %d (%s): #PF %s %s at %#lx, rip %#lx -> SIGSEGV\n", current->pid, current->name,
	       tf->error & 16 ? "exec" : tf->error & 2 ? "write" : "read", present ? "denied" : "unmapped", cr2, tf->rip);
	force_sig(SIGSEGV, cr2, mapped ? SEGV_ACCERR : SEGV_MAPERR);
}

void trap(struct trapframe *tf)
{
	if (tf->vector == VEC_SPURIOUS)
		return; /* the local APIC's spurious vector: no EOI */
	if (tf->vector >= 32) {
		tick_from_program = tf_from_program(tf); /* for the timer's time accounting */
		if (irq_handlers[tf->vector])
			irq_handlers[tf->vector]();
		else
			printk("[trap] unexpected interrupt vector %lu at %016lx, ignored\n", tf->vector, tf->rip);
		lapic_eoi();
	} else if (tf->vector == 14) {
		page_fault(tf);
	} else if (tf_from_program(tf) && tf->vector != 2 && tf->vector != 8 && tf->vector != 18) {
		int code, sig = exc_signal((int)tf->vector, &code);
		if (fatal_signal(sig))
			printk("[fault] pid %d (%s): exception %lu (%s) at rip %#lx, error %#lx -> signal %d\n", current->pid,
		       current->name, tf->vector, exc_names[tf->vector], tf->rip, tf->error, sig);
		force_sig(sig, tf->vector == 13 ? 0 : tf->rip, code);
	} else {
		report(tf);
		panic("unhandled exception in the kernel");
	}
	if (tf_from_program(tf))
		return_to_program(tf);
}
