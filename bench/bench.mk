# bench/bench.mk: the benchmarks (issue 5). Included by the top Makefile.
#
#   make bench            full run: Linux guest (default and mitigations=off) under every
#                         engine that works here, the host, and ringzero ring0/ring3 once its
#                         shell can run them; writes results/ (about 4 minutes on this
#                         machine when idle; TCG-bound, so longer when it is busy)
#   make bench QUICK=1    the same at a small scale (a smoke run, about 45 s)
#   make bench-progs      only the benchmark programs ($(BUILD)/bench/bin)
#   make test-bench       the harness's parsing and report on canned output (fast)
#
# Outputs: $(BUILD)/bench/bin/ (r0cc programs and the guest's /init), $(BUILD)/bench/linux/
# (Debian's vmlinuz, fetched by bench/fetch-linux.sh, and its version), the Linux guest's
# initramfs, the ringzero initramfs with the benchmarks (when the kernel builds), logs in
# $(BUILD)/bench/logs/, and results/.

BENCH_OUT      := $(BUILD)/bench
BENCH_PROGS    := lat_syscall lat_mem lat_pipe lat_ctx lat_sig lat_proc bw_file
BENCH_BINS     := $(addprefix $(BENCH_OUT)/bin/,$(BENCH_PROGS))
BENCH_INIT     := $(BENCH_OUT)/bin/init
BENCH_CFLAGS   := -O2 -Wall -Wextra -Werror
BENCH_VMLINUZ  := $(BENCH_OUT)/linux/vmlinuz
BENCH_LINUX_INITRD := $(BENCH_OUT)/linux-initramfs.cpio
BENCH_RZ_INITRD    := $(BENCH_OUT)/ringzero-initramfs.cpio
BENCH_RESULTS  := results

.PHONY: bench bench-progs bench-ringzero test-bench
bench-progs: $(BENCH_BINS) $(BENCH_INIT)

$(BENCH_OUT)/bin/%: bench/%.c bench/bench.h $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,R0CC,$@)
	$(Q)$(R0CC) $(BENCH_CFLAGS) -o $@ $< -lpthread

$(BENCH_VMLINUZ): bench/fetch-linux.sh | $(BOOTSTRAP)
	$(call say,FETCH,Debian linux-image-amd64 (apt-get download; cached in $(CACHE)))
	$(Q)bench/fetch-linux.sh $(CACHE) $(BENCH_OUT)/linux

# The Linux guest's initramfs: /init and /bin/<benchmarks>, reproducible (zero times, root).
$(BENCH_LINUX_INITRD): $(BENCH_BINS) $(BENCH_INIT)
	$(call say,CPIO,$@)
	$(Q)rm -rf $(BENCH_OUT)/linux-root && mkdir -p $(BENCH_OUT)/linux-root/bin
	$(Q)cp $(BENCH_INIT) $(BENCH_OUT)/linux-root/init
	$(Q)cp $(BENCH_BINS) $(BENCH_OUT)/linux-root/bin/
	$(Q)find $(BENCH_OUT)/linux-root -exec touch -h -d @0 {} +
	$(Q)(cd $(BENCH_OUT)/linux-root && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $@

# ringzero's own initramfs (kernel/kernel.mk stages it in $(INITRAMFS_DIR)) plus the
# benchmarks in /bin, as a separate archive so that make bench never changes the one the
# tests boot. Built by a sub-make that may fail while the kernel is under construction:
# the harness then reports ring0/ring3 as not run.
bench-ringzero: $(BENCH_BINS) $(KERNEL_ELF) $(INITRAMFS)
	$(call say,CPIO,$(BENCH_RZ_INITRD))
	$(Q)rm -rf $(BENCH_OUT)/rz-root && mkdir -p $(BENCH_OUT)/rz-root
	$(Q)cp -R $(INITRAMFS_DIR)/. $(BENCH_OUT)/rz-root/ && mkdir -p $(BENCH_OUT)/rz-root/bin
	$(Q)cp $(BENCH_BINS) $(BENCH_OUT)/rz-root/bin/
	$(Q)find $(BENCH_OUT)/rz-root -exec touch -h -d @0 {} +
	$(Q)(cd $(BENCH_OUT)/rz-root && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $(BENCH_RZ_INITRD)

bench: $(BOOTSTRAP_BENCH) $(BENCH_BINS) $(BENCH_VMLINUZ) $(BENCH_LINUX_INITRD)
	$(Q)rm -f $(BENCH_RZ_INITRD)
	-$(Q)$(MAKE) --no-print-directory bench-ringzero || echo "bench: ringzero image not built; ring0/ring3 will be reported as not run"
	$(Q)bench/run.sh --build $(BENCH_OUT) --results $(BENCH_RESULTS) \
		--kernel $(KERNEL_ELF) --rz-initrd $(BENCH_RZ_INITRD) $(if $(filter 1,$(QUICK)),--quick)

TEST_GROUPS += test-bench
test-bench:
	@mkdir -p $(RESULTS)
	$(Q)python3 bench/test_bench.py --results $(RESULTS)/bench.txt
