# toolchain.mk: the Debian bootstrap, musl patched and built into $(BUILD)/sysroot, r0cc.
#
# Steps (each a stamp or a real file, so an interrupted build resumes where it stopped):
#   bootstrap  -> Debian packages present (toolchain/bootstrap.sh; $(BOOTSTRAP_BENCH) for bench)
#   fetch      -> $(CACHE)/musl_1.2.3.orig.tar.gz, checksum pinned here (toolchain/fetch-source.sh)
#   unpack     -> $(BUILD)/musl/src, patched with musl-patches/series
#   libc       -> $(BUILD)/sysroot/lib/libc.a, crt*.o, headers (musl's own make, logged)
#   uapi       -> $(BUILD)/sysroot/include/{linux,asm,asm-generic,mtd}: the Linux UAPI headers
#                 of Debian's linux-libc-dev, copied as musl-gcc users have them
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
R0CC_DEPS     := $(SYSROOT)/lib/libc.a $(SYSROOT)/lib/r0cc.specs $(SYSROOT)/lib/r0note.o \
                 $(SYSROOT)/include/.uapi
# The Linux UAPI headers (Debian's linux-libc-dev, a build package of toolchain/bootstrap.sh),
# read by the recipe only, after the bootstrap.
UAPI_DIRS     := /usr/include/linux /usr/include/asm-generic /usr/include/mtd
UAPI_ASM      := /usr/include/x86_64-linux-gnu/asm

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

# Code generation: musl's configure always adds upstream's flags (-std=c99 -ffreestanding
# -nostdinc -fexcess-precision=standard -frounding-math -Wa,--noexecstack, -fno-stack-protector,
# -fno-tree-loop-distribute-patterns for the mem* functions, -ffunction-sections ...: see
# CFLAGS_C99FSE and CFLAGS_AUTO in $(MUSL_SRC)/config.mak); CFLAGS replaces only its choice
# of optimization level. -O2 -g is what results/ was measured with. -fno-tree-sink: GCC 12
# (Debian 12's) does not implement FENV_ACCESS, and its tree-sink pass moves a floating-point
# operation past a call of fetestexcept when the result is only used after it; musl's fmaf
# relies on that order to raise FE_UNDERFLOW (fmaf(0x1p-120f, 0x1p-120f, 0x1p-149f) must set
# it, as on glibc and Debian's musl). -frounding-math alone, or upstream's default -Os, does
# not keep the order with this compiler (checked by the toolchain test fmaf-underflow).
MUSL_CFLAGS   := -O2 -g -fno-tree-sink

# musl is configured and built in its own tree; its verbose output goes to a log that is
# shown (the end of it) only when the build fails.
# $(MUSL_CFLAGS_FILE) holds MUSL_CFLAGS and changes (so libc.a is rebuilt) only when they do.
# musl's objects do not depend on its config.mak, so they are removed first.
MUSL_CFLAGS_FILE := $(BUILD)/musl/cflags
.PHONY: musl-cflags-force
$(MUSL_CFLAGS_FILE): musl-cflags-force
	@mkdir -p $(@D)
	$(Q)echo '$(MUSL_CFLAGS)' | cmp -s - $@ || echo '$(MUSL_CFLAGS)' > $@

$(SYSROOT)/lib/libc.a: $(MUSL_SRC)/.patched $(MUSL_CFLAGS_FILE)
	$(call say,MUSL,building libc.a (about a minute; log: $(MUSL_LOG)))
	$(Q)rm -rf $(MUSL_SRC)/obj $(MUSL_SRC)/lib
	$(Q)cd $(MUSL_SRC) && ./configure --prefix=$(abspath $(SYSROOT)) \
		--disable-shared CC=gcc CFLAGS='$(MUSL_CFLAGS)' > $(abspath $(MUSL_LOG)) 2>&1 || \
		{ tail -n 20 $(abspath $(MUSL_LOG)) >&2; exit 1; }
	$(Q)$(MAKE) -C $(MUSL_SRC) install >> $(MUSL_LOG) 2>&1 || \
		{ tail -n 30 $(MUSL_LOG) >&2; echo "toolchain: musl build failed (log: $(MUSL_LOG))" >&2; exit 1; }
	$(Q)touch $@

$(SYSROOT)/include/.uapi: $(SYSROOT)/lib/libc.a | $(BOOTSTRAP)
	$(call say,UAPI,Linux headers linux/ asm/ asm-generic/ mtd/ into $(SYSROOT)/include)
	$(Q)for d in $(UAPI_DIRS) $(UAPI_ASM); do [ -d $$d ] || \
		{ echo "toolchain: $$d is missing (Debian package linux-libc-dev; toolchain/bootstrap.sh build)" >&2; exit 1; }; done
	$(Q)rm -rf $(addprefix $(SYSROOT)/include/,linux asm asm-generic mtd)
	$(Q)cp -RL $(UAPI_DIRS) $(SYSROOT)/include/ && cp -RL $(UAPI_ASM) $(SYSROOT)/include/asm
	$(Q)touch $@

$(SYSROOT)/lib/r0cc.specs: toolchain/r0cc.specs $(SYSROOT)/lib/libc.a
	$(call say,INSTALL,$@)
	$(Q)cp $< $@

$(SYSROOT)/lib/r0note.o: toolchain/r0note.S $(SYSROOT)/lib/libc.a
	$(call say,AS,$@)
	$(Q)$(HOSTCC) -c $< -o $@

include toolchain/r0check.mk
-include toolchain/r0run.mk
