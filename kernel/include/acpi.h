/* acpi.h: finding ACPI tables (arch/x86_64/acpi.c). */
#ifndef RZ_ACPI_H
#define RZ_ACPI_H
#include "types.h"

struct sdt_header {
	char sig[4];
	uint32_t length;
	uint8_t rev, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} PACKED;

void acpi_init(uint64_t rsdp_phys); /* 0: search the BIOS area */
const struct sdt_header *acpi_find(const char sig[4]); /* NULL if absent */
/* The DSDT (named by the FADT, not by the XSDT), or NULL. Its AML is not interpreted:
 * dev/virtio_mmio.c only reads the resource templates of its devices. */
const struct sdt_header *acpi_dsdt(void);

#endif
