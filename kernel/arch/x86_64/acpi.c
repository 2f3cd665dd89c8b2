/* acpi.c: locating ACPI tables. Owns the RSDP (from PVH start_info, else the legacy search
 * of 0xe0000..0xfffff), the XSDT/RSDT walk and checksum checks, lookup by signature, and the DSDT's address
 * (from the FADT).
 * Does not interpret any table (power.c reads the FADT, apic.c the MADT) and has no AML
 * interpreter. Tables are read through the direct map (they lie below 4 GiB). */
#include "acpi.h"
#include "lib.h"
#include "memlayout.h"

static const struct sdt_header *root; /* XSDT or RSDT */
static int entry_size;                /* 8 for the XSDT, 4 for the RSDT */

static bool sum_ok(const void *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += ((const uint8_t *)p)[i];
	return s == 0;
}

void acpi_init(uint64_t rsdp_phys)
{
	const uint8_t *r = NULL;
	if (rsdp_phys && rsdp_phys < 0x100000000ULL)
		r = P2V(rsdp_phys);
	else
		for (uint64_t p = 0xe0000; p < 0x100000; p += 16)
			if (!memcmp(P2V(p), "RSD PTR ", 8) && sum_ok(P2V(p), 20)) {
				r = P2V(p);
				break;
			}
	if (!r || memcmp(r, "RSD PTR ", 8) || !sum_ok(r, 20))
		return;
	uint64_t addr;
	if (r[15] >= 2 && *(const uint64_t *)(r + 24)) {
		addr = *(const uint64_t *)(r + 24);
		entry_size = 8;
	} else {
		addr = *(const uint32_t *)(r + 16);
		entry_size = 4;
	}
	if (!addr || addr >= 0x100000000ULL)
		return;
	const struct sdt_header *h = P2V(addr);
	if (sum_ok(h, h->length))
		root = h;
}

const struct sdt_header *acpi_find(const char sig[4])
{
	if (!root)
		return NULL;
	int n = (root->length - sizeof(*root)) / entry_size;
	for (int i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * entry_size;
		uint64_t t = entry_size == 8 ? *(const uint64_t *)e : *(const uint32_t *)e;
		if (!t || t >= 0x100000000ULL)
			continue;
		const struct sdt_header *s = P2V(t);
		if (!memcmp(s->sig, sig, 4) && sum_ok(s, s->length))
			return s;
	}
	return NULL;
}

const struct sdt_header *acpi_dsdt(void)
{
	const struct sdt_header *f = acpi_find("FACP");
	if (!f)
		return NULL;
	uint64_t addr = 0;
	if (f->length >= 148)
		addr = *(const uint64_t *)((const uint8_t *)f + 140); /* X_DSDT */
	if (!addr && f->length >= 44)
		addr = *(const uint32_t *)((const uint8_t *)f + 40);  /* DSDT */
	if (!addr || addr >= 0x100000000ULL)
		return NULL;
	const struct sdt_header *d = P2V(addr);
	return !memcmp(d->sig, "DSDT", 4) && sum_ok(d, d->length) ? d : NULL;
}
