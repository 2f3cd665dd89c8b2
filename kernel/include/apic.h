/* apic.h: local APIC and I/O APIC (arch/x86_64/apic.c) and IRQ vectors. */
#ifndef RZ_APIC_H
#define RZ_APIC_H
#include "types.h"

#define IRQ_VECTOR(irq) (0x20 + (irq)) /* ISA IRQ n arrives on vector 0x20 + n */
#define VEC_SPURIOUS 0xff

/* Masks the legacy 8259 PICs, enables the local APIC, finds the I/O APIC (MADT, else
 * 0xfec00000) with all its inputs masked. Returns false when there is no usable APIC. */
bool apic_init(void);
/* Routes ISA IRQ `irq` (after MADT overrides) to `vector` on this CPU, unmasked. */
bool ioapic_route_isa_irq(int irq, int vector);
/* Routes global system interrupt `gsi` (on whichever I/O APIC has it) to `vector`. */
bool ioapic_route_gsi(uint32_t gsi, int vector, bool level, bool active_low);
void lapic_eoi(void);
uint32_t lapic_id(void);
#define VEC_TIMER 0x30
#define VEC_VIRTIO(slot) (0x40 + (slot)) /* virtio-mmio transport n (dev/virtio_mmio.c) */
void lapic_timer_oneshot_max(void);     /* counting down from 2^32-1, masked (calibration) */
uint32_t lapic_timer_current(void);
void lapic_timer_periodic(int vector, uint32_t count);

#endif
