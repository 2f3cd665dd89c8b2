/* main.c: kmain, the order of initialisation from boot.S's hand-off to the shell, and the
 * boot banner. Owns nothing but that order:
 *   serial (so everything after can print) -> GDT/TSS, IDT (so faults are reported) ->
 *   PVH start_info copied out -> CPU features (CR4 bits) -> frame allocator, heap -> final page
 *   tables (direct map, no identity map, W^X) -> ACPI, APICs, serial receive interrupt
 *   -> banner -> heap self-test -> initramfs -> the network device (if any), the TCP/IP stack
 *   -> interrupts on
 *   -> shell. */
#include "acpi.h"
#include "apic.h"
#include "bootinfo.h"
#include "console.h"
#include "cpu.h"
#include "fs.h"
#include "gdt.h"
#include "idt.h"
#include "lib.h"
#include "netstack.h"
#include "memlayout.h"
#include "mm.h"
#include "netdev.h"
#include "power.h"
#include "proc.h"
#include "vdso.h"
#include "vm.h"
#include "x86.h"

#ifndef RZ_VERSION
#define RZ_VERSION "dev"
#endif

void shell_run(void);
void syscall_table_init(void);
NORETURN void kmain(uint64_t start_info_phys);

void kmain(uint64_t start_info_phys)
{
	uint64_t tsc_kmain = rdtsc();
	serial_init();
	printk("\nringzero %s\n", RZ_VERSION);
	gdt_init();
	idt_init();
	pvh_parse(start_info_phys);
	cpu_init();
	frame_init(V2P(_kernel_end));
	heap_init();
	paging_init();
	acpi_init(bootinfo.rsdp_phys);
	bool apic = apic_init();
	bool rx_irq = apic && serial_enable_rx_irq();
	console_set_irq_mode(rx_irq);
	vm_init();
	sched_init();
	syscall_init();

	printk("mem: %lu MiB RAM; %lu frames free of %lu (kernel %lu KiB at %#lx)\n", mem_ram_bytes() >> 20,
	       frames_free(), frames_total(), (uint64_t)(_kernel_end - _kernel_start) >> 10, (uint64_t)KERNEL_PHYS);
	for (int i = 0; i < bootinfo.nmem; i++)
		printk("mem: %#014lx-%#014lx %s\n", bootinfo.mem[i].addr, bootinfo.mem[i].addr + bootinfo.mem[i].size - 1,
		       bootinfo.mem[i].type == MEM_RAM ? "RAM" : bootinfo.mem[i].type == 2 ? "reserved" : "other");
	printk("boot: start_info %#lx, rsdp %#lx, initrd %#lx+%#lx, cmdline \"%s\"\n", start_info_phys,
	       bootinfo.rsdp_phys, bootinfo.initrd_phys, bootinfo.initrd_size, bootinfo.cmdline);
	cpu_print_banner();
	int wx = paging_check_wx();
	printk("paging: direct map at %#lx, kernel at %#lx, W^X %s", (uint64_t)DIRECT_MAP, (uint64_t)KERNEL_VMA,
	       wx ? "VIOLATED" : "ok");
	if (wx)
		printk(" (%d pages writable and executable)", wx);
	printk("\n");

	if (!heap_selftest())
		panic("heap self-test failed");
	printk("heap: self-test ok\n");
	if (bootinfo.initrd_size) {
		int n = initramfs_load(P2V(bootinfo.initrd_phys), bootinfo.initrd_size);
		if (n < 0)
			printk("initramfs: malformed cpio archive (%lu bytes at %#lx)\n", bootinfo.initrd_size,
			       bootinfo.initrd_phys);
		else
			printk("initramfs: %d entries, %lu bytes\n", n, bootinfo.initrd_size);
	} else {
		printk("initramfs: none (no -initrd)\n");
	}
	syscall_table_init();
	vdso_init();
	time_init();
	netdev_init(); /* the device first: net_init attaches the stack to it */
	net_init();
	printk("console: COM1, %s input\n", rx_irq ? "interrupt-driven (IRQ 4 via I/O APIC)" : "polled");
	if (rx_irq)
		sti();
	printk("boot: %lu TSC ticks since reset, %lu of them in the kernel (instructions under -icount)\n",
	       rdtsc(), rdtsc() - tsc_kmain);
	printk("type 'help' for commands\n");
	shell_run();
	panic("shell returned");
}
