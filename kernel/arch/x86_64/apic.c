/* apic.c: interrupt controllers. Owns masking the legacy 8259 PICs (after moving them to
 * vectors 0x20..0x2f so a stray one cannot look like an exception), enabling this CPU's
 * local APIC in xAPIC mode (MMIO through the direct map, spurious vector 0xff), EOI, and
 * the I/O APICs' redirection tables (every I/O APIC of the MADT): all inputs masked at
 * start, ISA IRQs routed on request using the MADT's interrupt source overrides, other
 * GSIs (virtio-mmio on the second I/O APIC) with the trigger mode their driver gives. Does not own what an IRQ does
 * (handlers are registered with idt.c) or the LAPIC timer (later, for preemption). */
#include "apic.h"
#include "acpi.h"
#include "lib.h"
#include "memlayout.h"
#include "x86.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1u << 11)
#define LAPIC_ID  0x020
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0

static volatile uint32_t *lapic;
/* The I/O APICs of the MADT (microvm with ioapic2 has two: GSIs 0..23 and 24..47); the
 * first one found serves ISA IRQs. */
#define IOAPIC_MAX 4
struct ioapic {
	volatile uint32_t *regs;
	int gsi_base, pins;
};
static struct ioapic ioapics[IOAPIC_MAX];
static int nioapics;

struct override {
	uint8_t irq;
	uint32_t gsi;
	uint16_t flags;
};
static struct override overrides[16];
static int noverrides;

static uint32_t lapic_read(int reg) { return lapic[reg / 4]; }
static void lapic_write(int reg, uint32_t v) { lapic[reg / 4] = v; }
static uint32_t ioapic_read(volatile uint32_t *io, int reg)
{
	io[0] = reg;
	return io[4];
}
static void ioapic_write(volatile uint32_t *io, int reg, uint32_t v)
{
	io[0] = reg;
	io[4] = v;
}

static void ioapic_add(uint64_t phys, int gsi_base)
{
	if (nioapics == IOAPIC_MAX)
		return;
	struct ioapic *a = &ioapics[nioapics++];
	a->regs = P2V(phys);
	a->gsi_base = gsi_base;
	a->pins = ((ioapic_read(a->regs, 1) >> 16) & 0xff) + 1;
	for (int i = 0; i < a->pins; i++) {
		ioapic_write(a->regs, 0x10 + 2 * i, 1u << 16); /* masked */
		ioapic_write(a->regs, 0x11 + 2 * i, 0);
	}
}

static void pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: init, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, 0x20); /* ICW2: master at vectors 0x20..0x27 */
	outb(0xa1, 0x28); /* slave at 0x28..0x2f */
	outb(0x21, 0x04); /* ICW3: slave on IRQ2 */
	outb(0xa1, 0x02);
	outb(0x21, 0x01); /* ICW4: 8086 mode */
	outb(0xa1, 0x01);
	outb(0x21, 0xff); /* mask everything */
	outb(0xa1, 0xff);
}

static void parse_madt(void)
{
	const struct sdt_header *m = acpi_find("APIC");
	if (!m)
		return;
	const uint8_t *p = (const uint8_t *)m + sizeof(*m) + 8, *end = (const uint8_t *)m + m->length;
	for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
		if (p[0] == 1) { /* I/O APIC: id, 0, address, GSI base */
			ioapic_add(*(const uint32_t *)(p + 4), (int)*(const uint32_t *)(p + 8));
		} else if (p[0] == 2 && p[2] == 0 && noverrides < 16) { /* ISA source override */
			overrides[noverrides].irq = p[3];
			overrides[noverrides].gsi = *(const uint32_t *)(p + 4);
			overrides[noverrides].flags = *(const uint16_t *)(p + 8);
			noverrides++;
		}
	}
}

bool apic_init(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	pic_disable();
	if (!(r[3] & (1u << 9))) /* CPUID.1:EDX.APIC */
		return false;
	uint64_t base = rdmsr(MSR_APIC_BASE);
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic = P2V(base & 0xffffff000ULL);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS); /* software enable */

	parse_madt();
	if (!nioapics)
		ioapic_add(0xfec00000, 0);
	return true;
}

bool ioapic_route_gsi(uint32_t gsi, int vector, bool level, bool active_low)
{
	for (int i = 0; i < nioapics; i++) {
		struct ioapic *a = &ioapics[i];
		int pin = (int)gsi - a->gsi_base;
		if (pin < 0 || pin >= a->pins)
			continue;
		uint32_t lo = vector; /* fixed delivery, physical destination */
		if (active_low)
			lo |= 1u << 13;
		if (level)
			lo |= 1u << 15;
		ioapic_write(a->regs, 0x11 + 2 * pin, lapic_id() << 24);
		ioapic_write(a->regs, 0x10 + 2 * pin, lo);
		return true;
	}
	return false;
}

bool ioapic_route_isa_irq(int irq, int vector)
{
	uint32_t gsi = irq, flags = 0;
	for (int i = 0; i < noverrides; i++)
		if (overrides[i].irq == irq) {
			gsi = overrides[i].gsi;
			flags = overrides[i].flags;
		}
	return ioapic_route_gsi(gsi, vector, ((flags >> 2) & 3) == 3, (flags & 3) == 3);
}

void lapic_eoi(void)
{
	if (lapic)
		lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void) { return lapic ? lapic_read(LAPIC_ID) >> 24 : 0; }

/* The local APIC timer (time.c calibrates it): divide by 16, one-shot with a huge count
 * for calibration, then periodic. */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

void lapic_timer_oneshot_max(void)
{
	if (!lapic)
		return;
	lapic_write(LAPIC_TIMER_DIV, 0x3);            /* divide by 16 */
	lapic_write(LAPIC_LVT_TIMER, 1u << 16);       /* masked, one-shot */
	lapic_write(LAPIC_TIMER_INIT, 0xffffffffu);
}

uint32_t lapic_timer_current(void) { return lapic ? lapic_read(LAPIC_TIMER_CUR) : 0; }

void lapic_timer_periodic(int vector, uint32_t count)
{
	if (!lapic)
		return;
	lapic_write(LAPIC_TIMER_DIV, 0x3);
	lapic_write(LAPIC_LVT_TIMER, (1u << 17) | vector); /* periodic, unmasked */
	lapic_write(LAPIC_TIMER_INIT, count);
}
