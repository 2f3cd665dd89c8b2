/* power.c: ending the machine. Owns poweroff and the final stop after a panic.
 *
 * poweroff tries, in order:
 *  1. QEMU's isa-debug-exit device at port 0xf4 (added by tests/qemu/qemu-run): writing V
 *     makes QEMU exit with status (V << 1) | 1. We write 0x10 (status 33, which qemu-run
 *     maps to 0) for poweroff and 0x11 (status 35, mapped to 3) after a panic, so that
 *     neither can be confused with QEMU's own error status 1.
 *  2. ACPI hardware-reduced shutdown (what -M microvm offers): the FADT's
 *     SLEEP_CONTROL_REG written with SLP_TYP=5 (QEMU's value for S5 on its generic event
 *     device) and SLP_EN. We do not interpret the DSDT's _S5 object (no AML interpreter).
 *  3. cli; hlt forever.
 * Does not own finding ACPI tables (acpi.c): only reading one register out of the FADT. */
#include "power.h"
#include "acpi.h"
#include "lib.h"
#include "memlayout.h"
#include "x86.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_POWEROFF 0x10
#define DEBUG_EXIT_PANIC 0x11

static void acpi_reduced_shutdown(void)
{
	const struct sdt_header *f = acpi_find("FACP");
	if (!f || f->length < 256)
		return;
	const uint8_t *gas = (const uint8_t *)f + 244; /* SLEEP_CONTROL_REG (ACPI 5.0+) */
	uint64_t addr = *(const uint64_t *)(gas + 4);
	uint8_t val = (5 << 2) | (1 << 5);             /* SLP_TYP = 5, SLP_EN */
	if (!addr)
		return;
	if (gas[0] == 0 && addr < 0x100000000ULL)
		*(volatile uint8_t *)P2V(addr) = val;
	else if (gas[0] == 1)
		outb((uint16_t)addr, val);
}

static NORETURN void halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

void machine_poweroff(void)
{
	cli();
	outb(DEBUG_EXIT_PORT, DEBUG_EXIT_POWEROFF);
	acpi_reduced_shutdown();
	/* QEMU acts on the ACPI request asynchronously: give it time before giving up. */
	for (uint64_t t0 = rdtsc(); rdtsc() - t0 < 200000000;)
		pause();
	printk("poweroff: no way to turn the machine off; halted\n");
	halt_forever();
}

void machine_halt_after_panic(void)
{
	outb(DEBUG_EXIT_PORT, DEBUG_EXIT_PANIC);
	printk("halted\n");
	halt_forever();
}
