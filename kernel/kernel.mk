# kernel/kernel.mk: the kernel, its initramfs, booting it (run, debug) and its QEMU test
# group. Included by the top Makefile; outputs under $(BUILD)/kernel/ and
# $(BUILD)/initramfs.cpio.
#
#   make kernel               $(BUILD)/kernel/ringzero.elf (PVH-bootable ELF64)
#   make run [EXTRA=DIR]      boot to the shell on this terminal; DIR's files are added at
#                             the root of the initramfs (DIR/x/prog becomes /x/prog)
#   make run NET=1 [NET_PORT=8080]  the same with a virtio-net device on QEMU's user network,
#                             host 127.0.0.1:NET_PORT forwarded to guest port 80
#   make debug / make gdb     QEMU stopped with its gdb stub / gdb attached with symbols
#   make test-kernel          the QEMU harness tests -> $(RESULTS)/kernel.txt
#   make test-net             the network device (virtio-net) -> $(RESULTS)/net.txt
#
# Other fragments may add directories to the initramfs with INITRAMFS_DIRS += DIR (the
# contents of DIR are copied to the root, like EXTRA).
#
# The symbol table: the kernel is linked twice. The first link's `nm` output becomes
# .ksyms (kernel/tools/mksyms.py), which kernel.ld places after everything else, so the
# second link moves no code; the recipe checks that.

KERNEL_OUT    := $(BUILD)/kernel
KERNEL_ELF    := $(KERNEL_OUT)/ringzero.elf
INITRAMFS     := $(BUILD)/initramfs.cpio
INITRAMFS_DIR := $(BUILD)/initramfs.d
INITRAMFS_DIRS ?=
KERNEL_VERSION := 0.1

KERNEL_CC := gcc
# Headers: the compiler's freestanding ones (stdint.h, stdarg.h, ...) and Linux's UAPI headers
# (system-call numbers, flags, structures: linux-libc-dev), nothing of glibc's. KERNEL_UAPI
# holds links to exactly linux/, asm/ and asm-generic/.
KERNEL_GCC_INCLUDE := $(shell $(KERNEL_CC) -print-file-name=include)
KERNEL_UAPI := $(BUILD)/kernel/uapi
# Generated headers: syscalls.inc, the list of system calls (kernel/tools/mksyscalls.py).
KERNEL_GEN := $(BUILD)/kernel/gen
KERNEL_LD := ld
KERNEL_NM := nm
KERNEL_CFLAGS := -std=c11 -ffreestanding -fno-pic -fno-pie -mcmodel=kernel -mno-red-zone \
	-mgeneral-regs-only -fno-stack-protector -nostdlib -O2 -g -Wall -Wextra -Werror \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables -Ikernel/include -MMD -MP \
	-DRZ_VERSION='"$(KERNEL_VERSION)"' -nostdinc -isystem $(KERNEL_GCC_INCLUDE) -isystem $(KERNEL_UAPI) \
	-I$(KERNEL_GEN)
KERNEL_ASFLAGS := -Ikernel/include -g -MMD -MP
KERNEL_LDFLAGS := -m elf_x86_64 -static -nostdlib -z max-page-size=0x1000 -z noexecstack \
	--build-id=none -T kernel/kernel.ld

KERNEL_C_SRCS := $(wildcard kernel/*.c kernel/arch/x86_64/*.c kernel/mm/*.c kernel/fs/*.c \
	kernel/dev/*.c kernel/lib/*.c kernel/proc/*.c kernel/sys/*.c kernel/ipc/*.c \
	kernel/net/*.c kernel/net/lwip/*.c)
KERNEL_S_SRCS := $(wildcard kernel/arch/x86_64/*.S kernel/mm/*.S)
# The ELF loader (loader/loader.mk names its sources; until it does, every loader/*.c),
# compiled with the kernel's flags.
KERNEL_LOADER_SRCS := $(or $(LOADER_SRCS),$(wildcard loader/*.c))
KERNEL_OBJS   := $(patsubst kernel/%.c,$(KERNEL_OUT)/%.o,$(KERNEL_C_SRCS)) \
	$(patsubst kernel/%.S,$(KERNEL_OUT)/%.o,$(KERNEL_S_SRCS)) \
	$(patsubst loader/%.c,$(KERNEL_OUT)/loader/%.o,$(KERNEL_LOADER_SRCS)) \
	$(KERNEL_OUT)/vdso/image.o
# lwIP, the TCP/IP stack under kernel/net/ (its objects from Debian's source package)
include kernel/net/lwip/lwip.mk
KERNEL_OBJS += $(LWIP_OBJS)

# The vDSO (kernel/vdso/): user code, linked into a position-independent shared object with
# no relocations (checked), embedded by image.S. -mno-red-zone: at CPL 0 its fallback calls
# the ring-0 entry, which pushes a return address below rsp.
VDSO_SO := $(KERNEL_OUT)/vdso/vdso.so
VDSO_CFLAGS := -std=c11 -O2 -fPIC -ffreestanding -nostdlib -fno-stack-protector -mno-red-zone \
	-mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-nostdinc -isystem $(KERNEL_GCC_INCLUDE) -isystem $(KERNEL_UAPI) -Ikernel/include
VDSO_LDFLAGS := -shared -Wl,-T,kernel/vdso/vdso.lds -Wl,--hash-style=sysv -Wl,-soname=linux-vdso.so.1 \
	-Wl,--no-undefined -Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--build-id=none

QEMU_RUN := tests/qemu/qemu-run

.PHONY: kernel run debug gdb test-kernel initramfs-force
all: kernel $(INITRAMFS)
kernel: $(KERNEL_ELF)

$(KERNEL_UAPI)/.stamp: | $(BOOTSTRAP)
	$(Q)mkdir -p $(@D)
	$(Q)ln -sfn /usr/include/linux $(@D)/linux
	$(Q)ln -sfn /usr/include/x86_64-linux-gnu/asm $(@D)/asm
	$(Q)ln -sfn /usr/include/asm-generic $(@D)/asm-generic
	$(Q)touch $@

# Every SYSCALL_DEFINEn of the sources, one line each (include/syscall.h). The script
# rewrites the file only when the list changes, so editing a body rebuilds one object.
$(KERNEL_GEN)/syscalls.inc: $(KERNEL_C_SRCS) kernel/tools/mksyscalls.py
	$(Q)python3 kernel/tools/mksyscalls.py $@ $(KERNEL_C_SRCS)

$(KERNEL_OUT)/%.o: kernel/%.c | $(KERNEL_UAPI)/.stamp $(KERNEL_GEN)/syscalls.inc
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(KERNEL_OUT)/loader/%.o: loader/%.c | $(KERNEL_UAPI)/.stamp $(KERNEL_GEN)/syscalls.inc
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) -Iloader -c $< -o $@

$(VDSO_SO): kernel/vdso/vdso.c kernel/vdso/vdso.lds kernel/include/vdso.h | $(KERNEL_UAPI)/.stamp
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(KERNEL_CC) $(VDSO_CFLAGS) $(VDSO_LDFLAGS) -o $@.tmp kernel/vdso/vdso.c
	$(Q)readelf -rW $@.tmp | grep -q 'There are no relocations' || { echo "vdso: relocations in $@"; exit 1; }
	$(Q)readelf -lW $@.tmp | grep -q 'LOAD.*RW' && { echo "vdso: a writable segment in $@"; exit 1; } || true
	$(Q)mv $@.tmp $@

$(KERNEL_OUT)/vdso/image.o: kernel/vdso/image.S $(VDSO_SO)
	@mkdir -p $(@D)
	$(call say,AS,$@)
	$(Q)$(KERNEL_CC) -DVDSO_SO='"$(VDSO_SO)"' -c $< -o $@

$(KERNEL_OUT)/%.o: kernel/%.S
	@mkdir -p $(@D)
	$(call say,AS,$@)
	$(Q)$(KERNEL_CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(KERNEL_OUT)/pass1.elf: $(KERNEL_OBJS) kernel/kernel.ld
	$(call say,LD,$@)
	$(Q)$(KERNEL_LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

$(KERNEL_OUT)/ksyms.S: $(KERNEL_OUT)/pass1.elf kernel/tools/mksyms.py
	$(call say,GEN,$@)
	$(Q)$(KERNEL_NM) -n --defined-only $< > $(KERNEL_OUT)/pass1.nm
	$(Q)python3 kernel/tools/mksyms.py $(KERNEL_OUT)/pass1.nm $@

$(KERNEL_OUT)/ksyms.o: $(KERNEL_OUT)/ksyms.S
	$(call say,AS,$@)
	$(Q)$(KERNEL_CC) -c $< -o $@

$(KERNEL_ELF): $(KERNEL_OBJS) $(KERNEL_OUT)/ksyms.o kernel/kernel.ld
	$(call say,LD,$@)
	$(Q)$(KERNEL_LD) $(KERNEL_LDFLAGS) -o $@.tmp $(KERNEL_OBJS) $(KERNEL_OUT)/ksyms.o
	$(Q)$(KERNEL_NM) -n --defined-only $@.tmp | grep ' [tTwW] ' > $(KERNEL_OUT)/pass2.text.nm
	$(Q)grep ' [tTwW] ' $(KERNEL_OUT)/pass1.nm | cmp -s - $(KERNEL_OUT)/pass2.text.nm || \
		{ echo "kernel: code moved between the two links (see kernel/kernel.ld)"; exit 1; }
	$(Q)mv $@.tmp $@

-include $(KERNEL_OBJS:.o=.d)

# The initramfs is restaged on every use (cheap) but only rewritten when its bytes change;
# timestamps are zeroed and owners set to root so the archive is reproducible.
$(INITRAMFS): initramfs-force
	$(Q)for d in $(EXTRA) $(INITRAMFS_DIRS); do [ -d "$$d" ] || { echo "initramfs: $$d is not a directory"; exit 1; }; done
	$(Q)rm -rf $(INITRAMFS_DIR) && mkdir -p $(INITRAMFS_DIR)/bin $(INITRAMFS_DIR)/dev $(INITRAMFS_DIR)/etc $(INITRAMFS_DIR)/tmp
	$(Q)chmod 1777 $(INITRAMFS_DIR)/tmp
	$(Q)cp -R kernel/rootfs/. $(INITRAMFS_DIR)/
	$(Q)for d in $(INITRAMFS_DIRS) $(EXTRA); do cp -R "$$d"/. $(INITRAMFS_DIR)/; done
	$(Q)find $(INITRAMFS_DIR) -exec touch -h -d @0 {} +
	$(Q)(cd $(INITRAMFS_DIR) && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $@.tmp
	$(Q)if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; printf '  %-8s %s\n' CPIO $@; fi

# NET=1: a virtio-net device on QEMU's user network, host 127.0.0.1:$(NET_PORT) forwarded to
# guest port 80 (tests/qemu/qemu-run prints it). NET_PORT=0: no forward.
NET ?= 0
NET_PORT ?= 8080
QEMU_NET_ENV := RZ_NET=$(NET) RZ_NET_PORT=$(NET_PORT)

run: $(KERNEL_ELF) $(INITRAMFS) | $(BOOTSTRAP)
	$(Q)$(QEMU_NET_ENV) $(QEMU_RUN) -nographic -kernel $(KERNEL_ELF) -initrd $(INITRAMFS)

# QEMU waits for gdb on :1234 with the console here; attach from another terminal with
# `make gdb`. No isa-debug-exit device, so a kernel panic halts instead of ending QEMU.
debug: $(KERNEL_ELF) $(INITRAMFS) $(KERNEL_OUT)/gdbinit
	@echo "QEMU is stopped; in another terminal: make gdb  (or gdb -x $(KERNEL_OUT)/gdbinit)"
	$(Q)RZ_NO_DEBUG_EXIT=1 $(QEMU_NET_ENV) $(QEMU_RUN) -nographic -s -S -kernel $(KERNEL_ELF) -initrd $(INITRAMFS)

gdb: $(KERNEL_OUT)/gdbinit
	gdb -q -x $(KERNEL_OUT)/gdbinit

$(KERNEL_OUT)/gdbinit: kernel/kernel.mk
	@mkdir -p $(@D)
	$(call say,GEN,$@)
	$(Q)printf '%s\n' 'file $(KERNEL_ELF)' 'set architecture i386:x86-64' \
		'target remote localhost:1234' 'hbreak kmain' \
		'echo stopped at reset; "continue" runs to kmain (hardware breakpoint)\n' > $@

TEST_GROUPS += test-kernel
test-kernel: $(KERNEL_ELF) $(INITRAMFS) | $(BOOTSTRAP)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_kernel.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/kernel.txt --cases tests/qemu/shell.cases

# The network device without a TCP/IP stack (tests/qemu/test_net.py): three boots.
TEST_GROUPS += test-net
.PHONY: test-net
test-net: $(KERNEL_ELF) $(INITRAMFS) | $(BOOTSTRAP)
	@mkdir -p $(RESULTS)
	$(call say,TEST,net)
	$(Q)python3 tests/qemu/test_net.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) --results $(RESULTS)/net.txt

# The process core's test programs and busybox in the initramfs, and the test-ring3 group.
-include tests/kernel-progs/kprogs.mk
-include tests/kfs/kfs.mk
-include tests/ring0/ring0.mk
-include tests/semantics/semantics.mk
-include tests/trace/trace.mk
-include bench/plugin/plugin.mk
