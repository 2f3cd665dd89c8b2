# tests/kfs/kfs.mk: host unit tests of the file layer (kernel/fs, kernel/dev without the
# UART and power), compiled with a shim for the process core (shim/) under ASan/UBSan.
#   make test-kfs     -> $(RESULTS)/kfs.txt ("PASS name" / "FAIL name: why")
KFS_OUT  := $(BUILD)/tests/kfs
KFS_BIN  := $(KFS_OUT)/test_kfs
KFS_SRCS := tests/kfs/test_kfs.c tests/kfs/shim/shim.c \
	$(wildcard kernel/fs/*.c) kernel/lib/kbuf.c \
	kernel/dev/console.c kernel/dev/devices.c kernel/dev/ldisc.c kernel/dev/tty.c
KFS_CFLAGS := -std=c11 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-Itests/kfs/shim -Ikernel/include -I$(KERNEL_GEN)

$(KFS_BIN): $(KFS_SRCS) $(wildcard tests/kfs/shim/*.h kernel/include/*.h kernel/fs/*.h) $(KERNEL_GEN)/syscalls.inc
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) $(KFS_CFLAGS) -o $@ $(KFS_SRCS)

TEST_GROUPS += test-kfs
.PHONY: test-kfs
test-kfs: $(KFS_BIN)
	$(call say,TEST,kfs)
	@mkdir -p $(RESULTS)
	$(Q)ASAN_OPTIONS=detect_leaks=1 timeout 30 $(KFS_BIN) > $(RESULTS)/kfs.txt 2>$(KFS_OUT)/stderr.txt; \
		st=$$?; cat $(RESULTS)/kfs.txt; \
		if [ $$st -ne 0 ] && ! grep -q '^FAIL' $(RESULTS)/kfs.txt; then \
			echo "FAIL kfs-run: exit status $$st" | tee -a $(RESULTS)/kfs.txt; cat $(KFS_OUT)/stderr.txt; fi; \
		exit $$st

# End-to-end through programs: tests/kfs/progs/*.c built with r0cc into
# $(BUILD)/kfs-progs/root/bin/ (in the initramfs as /bin/<name>) and the scripts under
# tests/kfs/rootfs/ (as /etc/kfs/...), run under QEMU by
# tests/kfs/test_files.py (files, pipes, poll, devices, the tty) -> $(RESULTS)/files.txt
KFS_PROGS_ROOT := $(BUILD)/kfs-progs/root
KFS_PROGS_BINS := $(patsubst tests/kfs/progs/%.c,$(KFS_PROGS_ROOT)/bin/%,$(wildcard tests/kfs/progs/*.c))
INITRAMFS_DIRS += $(KFS_PROGS_ROOT) tests/kfs/rootfs

$(KFS_PROGS_ROOT)/bin/%: tests/kfs/progs/%.c $(R0CC) $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(INITRAMFS): $(KFS_PROGS_BINS)

TEST_GROUPS += test-files
.PHONY: test-files
test-files: $(KERNEL_ELF) $(INITRAMFS)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/kfs/test_files.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/files.txt
