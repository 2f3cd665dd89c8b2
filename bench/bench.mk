# bench/bench.mk: the benchmarks (issue 5). Included by the top Makefile.
#
#   make bench            full run: the Linux guest (default and mitigations=off) and
#                         ringzero ring0/ring3 under every engine that works here, and the
#                         host; each Linux guest is booted 3 times (the median is reported,
#                         the spreads go to results/linux-spread.csv; 1 boot with QUICK=1);
#                         writes results/ (about 5 minutes on this machine when idle with one
#                         boot each, longer with three;
#                         TCG-bound, so longer when it is busy). BENCH_RESULTS=DIR writes
#                         elsewhere.
#   make bench QUICK=1    the same at a small scale (a smoke run, about 1 minute)
#                         (both end with make bench-model, below: about 1 more minute)
#   make bench-progs      only the benchmark programs ($(BUILD)/bench/bin)
#   make bench-model      the transition breakdown and the `model` engine (issue 12): the
#                         cases of lat_syscall (BENCH_MODEL_PROGS) in ring0, ring3, linux and
#                         linux-nomitig under icount with bench/plugin/transitions.so, into
#                         results/events.csv and results/model.csv (bench/bench_model.py; a
#                         MODEL: cycles = instructions + events x bench/model-costs.csv);
#                         also the `model` rows of latency.csv and README.md's model section
#   make bench-model-table  recompute the model from the counts already in
#                         results/events.csv (after a change to bench/model-costs.csv;
#                         runs nothing, seconds)
#   make test-bench       the harness's parsing and report on canned output, and that every
#                         program and case is registered in bench.mk, init.c and the
#                         harness (fast)
#
# Outputs: $(BUILD)/bench/bin/ (r0cc programs, busybox-r0 and the guest's /init; the
# busybox tree in $(BUILD)/bench/busybox-src), $(BUILD)/bench/linux/
# (Debian's vmlinuz, fetched by bench/fetch-linux.sh, and its version), the Linux guest's
# initramfs, the ringzero initramfs with the benchmarks (when the kernel builds), logs in
# $(BUILD)/bench/logs/, and results/.

BENCH_OUT      := $(BUILD)/bench
BENCH_PROGS    := lat_syscall lat_mem lat_pipe lat_ctx lat_sig lat_proc bw_file app_busybox lat_sock bw_sock app_redis
BENCH_BUSYBOX  := $(BENCH_OUT)/bin/busybox-r0
# app_redis runs redis-server and redis-benchmark from its own directory: test-apps' builds
# (tests/apps/servers.mk), copied beside it.
BENCH_REDIS    := $(addprefix $(BENCH_OUT)/bin/,redis-server redis-benchmark)
BENCH_BINS     := $(addprefix $(BENCH_OUT)/bin/,$(BENCH_PROGS)) $(BENCH_BUSYBOX) $(BENCH_REDIS)
BENCH_INIT     := $(BENCH_OUT)/bin/init
BENCH_CFLAGS   := -O2 -Wall -Wextra -Werror
BENCH_VMLINUZ  := $(BENCH_OUT)/linux/vmlinuz
# The Linux guest: Debian's kernel package results/ was measured with (bookworm-security).
# apt's linux-image-amd64 moves on; the pin does not (bench/fetch-linux.sh says so when the
# archive drops it).
BENCH_LINUX_PKG     := linux-image-6.1.0-56-amd64
BENCH_LINUX_VERSION := 6.1.192-2
BENCH_LINUX_SHA256  := a86e2049672f52354c4536a089203b6c82639420424d31c91cf31a181fd4d8f1
BENCH_LINUX_INITRD := $(BENCH_OUT)/linux-initramfs.cpio
BENCH_RZ_INITRD    := $(BENCH_OUT)/ringzero-initramfs.cpio
BENCH_RESULTS  := results

.PHONY: bench bench-progs bench-ringzero bench-model bench-model-table test-bench
bench-progs: $(BENCH_BINS) $(BENCH_INIT)

$(BENCH_OUT)/bin/%: bench/%.c bench/bench.h $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,R0CC,$@)
	$(Q)$(R0CC) $(BENCH_CFLAGS) -o $@ $< -lpthread
# The socket programs share bench/sock.h.
$(BENCH_OUT)/bin/lat_sock $(BENCH_OUT)/bin/bw_sock $(BENCH_OUT)/bin/app_redis: bench/sock.h
$(BENCH_REDIS): $(BENCH_OUT)/bin/%: $(BUILD)/apps/root/bin/%
	@mkdir -p $(@D)
	$(Q)cp $< $@

# busybox from Debian's source package (upstream tarball, sha256 pinned), built with r0cc:
# the real program that app_busybox runs whole. The configuration is busybox's allnoconfig
# plus bench/busybox.config (dd and sha256sum, static, no shell); busybox's own build
# (make in $(BB_SRC), its output in $(BB_LOG)) compiles with r0cc and links statically,
# so the binary carries the ringzero note. It is installed unstripped as bin/busybox-r0
# (so r0-check can name the symbol around each system-call instruction: only musl's
# __syscall_fallback) and goes into both initramfs images as /bin/busybox-r0, beside the
# ringzero image's /bin/busybox (Debian's busybox-static, unmarked). The tree is unpacked
# afresh for every build (about 15 s): busybox's own make does not see a new libc.a.
# SOURCE_DATE_EPOCH=0 makes the version string's build time 1970-01-01, so the binary (and
# the initramfs images) are the same bytes from build to build.
BB_VERSION := 1.35.0
BB_DEBIAN  := 1:1.35.0-4+deb12u1
BB_TARBALL := $(CACHE)/busybox_$(BB_VERSION).orig.tar.bz2
BB_SHA256  := faeeb244c35a348a334f4a59e44626ee870fb07b6884d68c10ae8bc19f83a694
BB_SRC     := $(BENCH_OUT)/busybox-src
BB_LOG     := $(BENCH_OUT)/busybox-build.log
BB_FLAGS    = -C $(BB_SRC) CC=$(abspath $(R0CC)) HOSTCC=$(HOSTCC)
# The option lines of bench/busybox.config: CONFIG_X=... and "# CONFIG_X is not set".
BB_OPTIONS  = grep -E '^(CONFIG_[A-Z0-9_]+=|\# CONFIG_[A-Z0-9_]+ is not set$$)' bench/busybox.config

$(BB_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,busybox $(BB_VERSION) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) busybox $(BB_DEBIAN) $(notdir $@) $(BB_SHA256) >/dev/null

$(BENCH_BUSYBOX): $(BB_TARBALL) bench/busybox.config $(R0CC_DEPS) | $(BOOTSTRAP_BENCH)
	$(call say,BUSYBOX,$(BB_VERSION) with r0cc: dd sha256sum (log: $(BB_LOG)))
	$(Q)rm -rf $(BB_SRC) && mkdir -p $(BB_SRC) $(@D)
	$(Q)tar -xjf $(BB_TARBALL) -C $(BB_SRC) --strip-components=1
	$(Q)SOURCE_DATE_EPOCH=0 $(MAKE) $(BB_FLAGS) allnoconfig > $(BB_LOG) 2>&1 || { tail -n 20 $(BB_LOG) >&2; exit 1; }
	$(Q)$(BB_OPTIONS) | sed -e 's/^# //' -e 's/[= ].*//' | while read -r o; do \
		sed -i -e "/^$$o=/d" -e "/^# $$o is not set$$/d" $(BB_SRC)/.config || exit 1; done
	$(Q)$(BB_OPTIONS) >> $(BB_SRC)/.config
	$(Q)yes "" | SOURCE_DATE_EPOCH=0 $(MAKE) $(BB_FLAGS) oldconfig >> $(BB_LOG) 2>&1 || { tail -n 20 $(BB_LOG) >&2; exit 1; }
	$(Q)$(BB_OPTIONS) | while IFS= read -r l; do grep -qxF "$$l" $(BB_SRC)/.config || \
		{ echo "bench: busybox's make oldconfig did not keep '$$l' (bench/busybox.config)" >&2; exit 1; }; done
	$(Q)SOURCE_DATE_EPOCH=0 $(MAKE) $(BB_FLAGS) busybox >> $(BB_LOG) 2>&1 || \
		{ tail -n 30 $(BB_LOG) >&2; echo "bench: busybox build failed (log: $(BB_LOG))" >&2; exit 1; }
	$(Q)readelf -n $(BB_SRC)/busybox_unstripped | grep -q ringzero || \
		{ echo "bench: $(BB_SRC)/busybox_unstripped has no ringzero note" >&2; exit 1; }
	$(Q)$(R0CHECK) -q $(BB_SRC)/busybox_unstripped || \
		{ echo "bench: busybox has system-call instructions outside musl's fallback" >&2; exit 1; }
	$(Q)cp $(BB_SRC)/busybox_unstripped $@

$(BENCH_VMLINUZ): bench/fetch-linux.sh bench/bench.mk | $(BOOTSTRAP)
	$(call say,FETCH,Debian $(BENCH_LINUX_PKG) $(BENCH_LINUX_VERSION) (apt-get download; cached in $(CACHE)))
	$(Q)bench/fetch-linux.sh $(CACHE) $(BENCH_OUT)/linux $(BENCH_LINUX_PKG) $(BENCH_LINUX_VERSION) $(BENCH_LINUX_SHA256)

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
	-$(Q)$(MAKE) --no-print-directory bench-model || echo "bench: the model (make bench-model) failed; results/events.csv and model.csv are not updated"

BENCH_MODEL_PROGS ?= lat_syscall
BENCH_MODEL_SCALE ?= 0.05
bench-model: $(BOOTSTRAP_BENCH) $(PLUGIN_SO) $(BENCH_BINS) $(BENCH_VMLINUZ) $(BENCH_LINUX_INITRD)
	$(Q)$(MAKE) --no-print-directory bench-ringzero
	$(Q)python3 bench/bench_model.py --plugin $(PLUGIN_SO) --kernel $(KERNEL_ELF) \
		--rz-initrd $(BENCH_RZ_INITRD) --vmlinuz $(BENCH_VMLINUZ) --linux-initrd $(BENCH_LINUX_INITRD) \
		--results $(BENCH_RESULTS) --build $(BENCH_OUT) --programs $(BENCH_MODEL_PROGS) \
		--scale $(BENCH_MODEL_SCALE)

bench-model-table:
	$(Q)python3 bench/bench_model.py --from-events $(BENCH_RESULTS)/events.csv --results $(BENCH_RESULTS)

# make bench-profile PROFILE_CASES=read,write PROFILE_RING=ring0 [PROFILE_PROG=lat_syscall]
# (or bench/profile.sh read,write ring0): the per-function instruction profile of the
# cases, per operation, under icount (bench/profile.py). Its image is the test image plus
# the benchmark programs but busybox-r0 (so no busybox build is needed).
BENCH_PROF_INITRD := $(BENCH_OUT)/profile-initramfs.cpio
BENCH_PROF_BINS   := $(addprefix $(BENCH_OUT)/bin/,$(BENCH_PROGS))
PROFILE_PROG      ?= lat_syscall
PROFILE_RING      ?= ring0
PROFILE_CASES     ?= null
$(BENCH_PROF_INITRD): $(INITRAMFS) $(BENCH_PROF_BINS)
	$(call say,CPIO,$@)
	$(Q)rm -rf $(BENCH_OUT)/prof-root && mkdir -p $(BENCH_OUT)/prof-root
	$(Q)cp -R $(INITRAMFS_DIR)/. $(BENCH_OUT)/prof-root/ && mkdir -p $(BENCH_OUT)/prof-root/bin
	$(Q)cp $(BENCH_PROF_BINS) $(BENCH_OUT)/prof-root/bin/
	$(Q)(cd $(BENCH_OUT)/prof-root && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $@

.PHONY: bench-profile
bench-profile: $(KERNEL_ELF) $(PLUGIN_SO) $(BENCH_PROF_INITRD)
	$(Q)python3 bench/profile.py --plugin $(PLUGIN_SO) --kernel $(KERNEL_ELF) \
		--initrd $(BENCH_PROF_INITRD) --prog $(BENCH_OUT)/bin/$(PROFILE_PROG) \
		$(PROFILE_CASES) $(PROFILE_RING)

TEST_GROUPS += test-bench
test-bench:
	@mkdir -p $(RESULTS)
	$(Q)python3 bench/test_bench.py --results $(RESULTS)/bench.txt
