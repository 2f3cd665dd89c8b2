# tests.mk: the host test groups (the kernel's QEMU groups live in kernel/kernel.mk).
#
#   test-toolchain  r0cc, the red-zone rule, r0-check, r0run       tests/toolchain/run.sh
#   test-progs      the r0cc program suite, natively and under r0run  tests/progs/run.sh
#   test-docs       README.md's system-call list matches the kernel's table; the build's
#                   check of how system calls are written (tests/docs/mksyscalls-check.sh)

-include tests/progs/progs.mk

TEST_GROUPS += test-toolchain test-progs test-docs

# README.md's claims that a script can check (the system-call list).
test-docs:
	$(call say,TEST,docs)
	$(Q)mkdir -p $(RESULTS)
	$(Q){ tests/docs/syscall-list.sh --check; tests/docs/mksyscalls-check.sh; } | tee $(RESULTS)/docs.txt

# GNU hello, from Debian's source package: a real autotools ./configure for r0cc.
HELLO_TARBALL := $(CACHE)/hello_2.10.orig.tar.gz
HELLO_SHA256  := 31e066137a962676e89f69d1b65382de95a7ef7d914b8cb956f41ea72e0f516b

$(HELLO_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,GNU hello 2.10 from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) hello 2.10-3 $(notdir $@) $(HELLO_SHA256) >/dev/null

test-toolchain: $(R0CC_DEPS) $(R0RUN) $(PROGS_BINS) $(HELLO_TARBALL)
	$(call say,TEST,toolchain)
	$(Q)mkdir -p $(RESULTS)
	$(Q)R0CC=$(abspath $(R0CC)) R0RUN=$(abspath $(R0RUN)) R0CHECK=$(abspath $(R0CHECK)) \
		SYSROOT=$(abspath $(SYSROOT)) MUSL_SRC=$(abspath $(MUSL_SRC)) \
		OUT=$(abspath $(BUILD)/tests/toolchain) PROGS=$(abspath $(BUILD)/progs) \
		HELLO_TARBALL=$(abspath $(HELLO_TARBALL)) \
		tests/toolchain/run.sh $(RESULTS)/toolchain.txt

test-progs: $(PROGS_BINS) $(R0RUN)
	$(call say,TEST,progs)
	$(Q)mkdir -p $(RESULTS) && rm -f $(RESULTS)/progs.txt
	$(Q)R0RUN=$(abspath $(R0RUN)) tests/progs/run.sh native $(RESULTS)/progs.txt
	$(Q)R0RUN=$(abspath $(R0RUN)) tests/progs/run.sh r0run $(RESULTS)/progs.txt

# make test-fresh: the README's two commands on a fresh Debian 12 root built with debootstrap
# (cached in $(CACHE)/ after the first time). Takes minutes: never part of make test.
# make test-fresh KEEP=1 keeps the root; see tests/fresh/test-fresh.sh --help.
.PHONY: test-fresh
test-fresh:
	$(call say,CHECK,Debian packages for test-fresh)
	$(Q)toolchain/bootstrap.sh fresh
	$(Q)BUILD=$(BUILD) CACHE=$(CACHE) KEEP=$(KEEP) tests/fresh/test-fresh.sh
