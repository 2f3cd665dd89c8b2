/* gdt.h: segment selectors and the GDT/TSS interface (gdt.c). The order of the user
 * selectors fits SYSRET: STAR[63:48] = 0x10 gives SS = 0x18|3 and CS = 0x20|3. */
#ifndef RZ_GDT_H
#define RZ_GDT_H
#include "types.h"

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS   0x28

#define IST_CRITICAL 1 /* #DF, NMI, #MC */
#define IST_RING0    2 /* every other vector while a ring-0 program is current (idt.c) */

void gdt_init(void);
void tss_set_rsp0(uint64_t rsp0);
bool on_ist_critical_stack(uint64_t addr);

#endif
