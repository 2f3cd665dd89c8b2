# toolchain.mk: the Debian bootstrap, musl patched and built into $(BUILD)/sysroot, r0cc.
#
# Steps (each a stamp or a real file, so an interrupted build resumes where it stopped):
#   bootstrap  -> Debian packages present (toolchain/bootstrap.sh; $(BOOTSTRAP_BENCH) for bench)
#   fetch      -> $(CACHE)/musl_1.2.3.orig.tar.gz, checksum pinned here (toolchain/fetch-source.sh)
#   unpack     -> $(BUILD)/musl/src, patched with musl-patches/series
#   libc       -> $(BUILD)/sysroot/lib/libc.a, crt*.o, headers (musl's own make, logged)
#   specs/note -> $(BUILD)/sysroot/lib/r0cc.specs (sysroot from $$R0CC_SYSROOT, set by r0cc)
#                 and r0note.o (the trust mark): what r0cc adds to gcc

MUSL_VERSION  := 1.2.3
MUSL_DEBIAN   := 1.2.3-1
MUSL_SHA256   := 7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4
MUSL_TARBALL  := $(CACHE)/musl_$(MUSL_VERSION).orig.tar.gz
MUSL_SRC      := $(BUILD)/musl/src
MUSL_LOG      := $(BUILD)/musl/build.log
SYSROOT       := $(BUILD)/sysroot
# r0cc finds its sysroot next to the checkout unless told: tell it, so that BUILD=DIR builds
# every r0cc program against DIR's libc.
export R0CC_SYSROOT := $(abspath $(SYSROOT))
MUSL_PATCHES  := $(addprefix musl-patches/,$(shell cat musl-patches/series))
BOOTSTRAP     := $(BUILD)/.bootstrap
BOOTSTRAP_BENCH := $(BUILD)/.bootstrap-bench

R0CC          := toolchain/r0cc
R0CHECK       := toolchain/r0-check
# What a target built with r0cc must depend on.
R0CC_DEPS     := $(SYSROOT)/lib/libc.a $(SYSROOT)/lib/r0cc.specs $(SYSROOT)/lib/r0note.o

all: toolchain
.PHONY: toolchain bootstrap
toolchain: $(R0CC_DEPS)

# Everything make, make run and make test use; make bench adds gnuplot.
bootstrap $(BOOTSTRAP): toolchain/bootstrap.sh
	$(call say,CHECK,Debian packages for build run test)
	$(Q)toolchain/bootstrap.sh build run test
	$(Q)mkdir -p $(BUILD) && touch $(BOOTSTRAP)

$(BOOTSTRAP_BENCH): toolchain/bootstrap.sh
	$(call say,CHECK,Debian packages for bench)
	$(Q)toolchain/bootstrap.sh bench
	$(Q)mkdir -p $(BUILD) && touch $@

$(MUSL_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,musl $(MUSL_VERSION) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) musl $(MUSL_DEBIAN) $(notdir $@) $(MUSL_SHA256) >/dev/null

$(MUSL_SRC)/.patched: $(MUSL_TARBALL) musl-patches/series $(MUSL_PATCHES) | $(BOOTSTRAP)
	$(call say,PATCH,musl $(MUSL_VERSION) with $(words $(MUSL_PATCHES)) patches)
	$(Q)rm -rf $(MUSL_SRC) && mkdir -p $(MUSL_SRC)
	$(Q)tar -xzf $(MUSL_TARBALL) -C $(MUSL_SRC) --strip-components=1
	$(Q)for p in $(MUSL_PATCHES); do \
		patch -d $(MUSL_SRC) -p1 -s --no-backup-if-mismatch < $$p || \
		{ echo "toolchain: $$p does not apply to musl $(MUSL_VERSION)" >&2; exit 1; }; \
	done
	$(Q)touch $@

# musl is configured and built in its own tree; its verbose output goes to a log that is
# shown (the end of it) only when the build fails.
$(SYSROOT)/lib/libc.a: $(MUSL_SRC)/.patched
	$(call say,MUSL,building libc.a (about a minute; log: $(MUSL_LOG)))
	$(Q)cd $(MUSL_SRC) && ./configure --prefix=$(abspath $(SYSROOT)) \
		--disable-shared CC=gcc CFLAGS='-O2 -g' > $(abspath $(MUSL_LOG)) 2>&1 || \
		{ tail -n 20 $(abspath $(MUSL_LOG)) >&2; exit 1; }
	$(Q)$(MAKE) -C $(MUSL_SRC) install >> $(MUSL_LOG) 2>&1 || \
		{ tail -n 30 $(MUSL_LOG) >&2; echo "toolchain: musl build failed (log: $(MUSL_LOG))" >&2; exit 1; }
	$(Q)touch $@

$(SYSROOT)/lib/r0cc.specs: toolchain/r0cc.specs $(SYSROOT)/lib/libc.a
	$(call say,INSTALL,$@)
	$(Q)cp $< $@

$(SYSROOT)/lib/r0note.o: toolchain/r0note.S $(SYSROOT)/lib/libc.a
	$(call say,AS,$@)
	$(Q)$(HOSTCC) -c $< -o $@

include toolchain/r0check.mk
-include toolchain/r0run.mk
