# r0check.mk: the test group of toolchain/r0-check, the raw system-call checker
# (included from toolchain/toolchain.mk).
#
#   test-r0check  r0-check on tiny objects, archives and executables built by the test itself
#                 (gcc/as/ar/strip only: needs neither musl nor the kernel)   tests/r0check/run.sh

TEST_GROUPS += test-r0check
.PHONY: test-r0check

test-r0check: toolchain/r0-check tests/r0check/run.sh
	$(call say,TEST,r0check)
	$(Q)mkdir -p $(RESULTS)
	$(Q)tests/r0check/run.sh $(RESULTS)/r0check.txt
