# semantics.mk: the test group for issue 10, the Linux semantics real programs rely on and
# the costs that must not grow the wrong way. Each tests/semantics/*.c is built with r0cc
# into $(BUILD)/semantics-progs/bin/ and added to the initramfs as /bin/<name>; the group
# test-semantics (tests/qemu/test_semantics.py) runs every one on the host (the reference),
# under exec (ring 3) and kexec (ring 0), and checks its output and exit status. Cost checks count guest instructions
# under -icount (the harness's default), never time.

SEM_ROOT  := $(BUILD)/semantics-progs
SEM_SRCS  := $(wildcard tests/semantics/*.c)
SEM_BINS  := $(patsubst tests/semantics/%.c,$(SEM_ROOT)/bin/%,$(SEM_SRCS))

INITRAMFS_DIRS += $(SEM_ROOT)

$(SEM_BINS): $(SEM_ROOT)/bin/%: tests/semantics/%.c tests/ring0/r0test.h tests/semantics/semantics.mk \
		$(R0CC) $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -pthread -o $@ $<

$(INITRAMFS): $(SEM_BINS)

TEST_GROUPS += test-semantics
.PHONY: test-semantics
test-semantics: $(KERNEL_ELF) $(INITRAMFS)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_semantics.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/semantics.txt --bin $(SEM_ROOT)/bin --log $(BUILD)/test-semantics.log

# test-jobs (tests/qemu/test_jobs.py): job control typed at the console (busybox sh -i,
# jobs --console and --ignore-int in both rings; the host runs jobs --console in a pty).
TEST_GROUPS += test-jobs
.PHONY: test-jobs
test-jobs: $(KERNEL_ELF) $(INITRAMFS)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_jobs.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/jobs.txt --bin $(SEM_ROOT)/bin --log $(BUILD)/test-jobs.log
