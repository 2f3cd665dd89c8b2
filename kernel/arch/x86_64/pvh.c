/* pvh.c: reads the PVH boot ABI's struct hvm_start_info (version 1, with the memory map)
 * and copies what the kernel needs into struct bootinfo before the frame allocator may
 * reuse the loader's memory. Owns nothing after that. Runs on the boot page tables, which
 * map physical 0..1 GiB at DIRECT_MAP; QEMU puts start_info below 1 MiB. The initrd
 * itself is not touched here (it may lie above 1 GiB): only its address and size.
 * Assumption (true for QEMU + qboot): start_info, the memory map and the ACPI tables all
 * lie below 1 MiB, which frame.c never hands out, so nothing here needs reserving. */
#include "bootinfo.h"
#include "lib.h"
#include "memlayout.h"

#define HVM_START_MAGIC 0x336ec578

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries, reserved;
};
struct hvm_modlist_entry {
	uint64_t paddr, size, cmdline_paddr, reserved;
};
struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

struct bootinfo bootinfo;

void pvh_parse(uint64_t phys)
{
	const struct hvm_start_info *si = P2V(phys);
	if (phys >= (1ULL << 30) || si->magic != HVM_START_MAGIC)
		panic("pvh: no hvm_start_info at %#lx (magic %#x)", phys, phys < (1ULL << 30) ? si->magic : 0);
	if (si->version < 1 || !si->memmap_paddr)
		panic("pvh: start_info version %u has no memory map", si->version);
	const struct hvm_memmap_table_entry *mm = P2V(si->memmap_paddr);
	for (uint32_t i = 0; i < si->memmap_entries && bootinfo.nmem < MEMMAP_MAX; i++) {
		if (mm[i].size == 0)
			continue; /* QEMU's table ends with an empty entry */
		bootinfo.mem[bootinfo.nmem].addr = mm[i].addr;
		bootinfo.mem[bootinfo.nmem].size = mm[i].size;
		bootinfo.mem[bootinfo.nmem].type = mm[i].type;
		bootinfo.nmem++;
	}
	if (si->nr_modules > 0 && si->modlist_paddr) {
		const struct hvm_modlist_entry *m = P2V(si->modlist_paddr);
		bootinfo.initrd_phys = m[0].paddr;
		bootinfo.initrd_size = m[0].size;
	}
	if (si->cmdline_paddr && si->cmdline_paddr < (1ULL << 30))
		strlcpy(bootinfo.cmdline, P2V(si->cmdline_paddr), sizeof(bootinfo.cmdline));
	bootinfo.rsdp_phys = si->rsdp_paddr;
}
