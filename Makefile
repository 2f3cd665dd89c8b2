# ringzero: the one entry point.
#
#   make          build everything (bootstraps Debian packages and musl's source if missing)
#   make run      boot the kernel to its shell on this terminal
#   make test     the whole suite; ends with "N passed, N failed"
#   make test-apps  lua, sqlite and busybox built with r0cc, run in both rings (minutes)
#   make bench    benchmarks into results/
#   make clean    remove build/ (the download cache in cache/ stays; distclean removes it)
#
# Each part adds its rules in its own fragment (toolchain/toolchain.mk, loader/loader.mk, ...).
# Conventions for fragments:
#   * outputs go under $(BUILD)/<part>/, never into the source tree;
#   * every recipe prints one short progress line through $(call say,TAG,what) and is quiet
#     otherwise (make V=1 shows the commands);
#   * a test group is a target test-<group> added to TEST_GROUPS; its script writes lines
#     "PASS name" / "FAIL name" to $(RESULTS)/<group>.txt and also shows them on the terminal.

BUILD   := build
CACHE   := cache
RESULTS := $(BUILD)/test-results
JOBS    ?= 2

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' "$(1)" "$(2)"
endif

HOSTCC     := gcc
HOST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror

.PHONY: all run test bench clean distclean bootstrap test-groups
all:

TEST_GROUPS :=

include loader/loader.mk
include toolchain/toolchain.mk
-include tests/tests.mk
-include kernel/kernel.mk
-include bench/bench.mk
-include tests/apps/apps.mk

# Run every group even when one fails, then print the totals. A group that did not get as
# far as writing its results counts as a failure of that group.
test:
	$(Q)rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-$(Q)$(MAKE) --no-print-directory -k test-groups
	$(Q)tests/summary.sh $(RESULTS) $(patsubst test-%,%,$(TEST_GROUPS))

test-groups: $(TEST_GROUPS)

clean:
	$(call say,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

distclean: clean
	$(call say,CLEAN,$(CACHE))
	$(Q)rm -rf $(CACHE)
