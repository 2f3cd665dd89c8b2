/* bootinfo.h: what the boot loader told us, copied out of its memory (arch/x86_64/pvh.c). */
#ifndef RZ_BOOTINFO_H
#define RZ_BOOTINFO_H
#include "types.h"

#define MEMMAP_MAX 64
#define MEM_RAM 1 /* E820 type: usable RAM */

struct mem_region {
	uint64_t addr, size;
	uint32_t type;
};

struct bootinfo {
	struct mem_region mem[MEMMAP_MAX];
	int nmem;
	uint64_t initrd_phys, initrd_size; /* first PVH module, 0 if none */
	uint64_t rsdp_phys;
	char cmdline[256];
};
extern struct bootinfo bootinfo;

void pvh_parse(uint64_t start_info_phys);

#endif
