# ring0.mk: the ring-0 test programs (tests/ring0/*.c), built with r0cc into
# $(BUILD)/ring0-progs/bin/ and added to the initramfs as /bin/<name>, and the test group
# test-ring0 (tests/qemu/test_ring0.py): every program under kexec (ring 0) and exec (ring 3),
# the r0cc program suite (/progs, from kprogs.mk) under kexec, faults, the red zone under the
# 1 kHz timer, and the trust rules (contract 3).
#
# Besides one binary per tests/ring0/*.c (each linked with regs.S):
#   whereami-pie      whereami as static PIE
#   whereami-nonote   whereami with the ringzero note removed (objcopy): untrusted
#   rawring           -nostartfiles -nostdlib, raw syscall instructions, no note: untrusted
#   redzone, redzone-control   tests/redzone/redzone.c (as in tests/toolchain/run.sh)
#   redzone-timed, redzone-timed-control   the same code, reporting the elapsed time

RING0_ROOT  := $(BUILD)/ring0-progs
RING0_BIN   := $(RING0_ROOT)/bin
RING0_SRCS  := $(filter-out tests/ring0/rawring.c,$(wildcard tests/ring0/*.c))
RING0_PLAIN := $(patsubst tests/ring0/%.c,$(RING0_BIN)/%,$(RING0_SRCS))
RING0_EXTRA := $(addprefix $(RING0_BIN)/,whereami-pie whereami-nonote rawring redzone redzone-control \
	redzone-timed redzone-timed-control)
RING0_BINS  := $(RING0_PLAIN) $(RING0_EXTRA)
RING0_DEPS  := tests/ring0/r0test.h tests/ring0/regs.h tests/ring0/regs.S tests/ring0/ring0.mk \
	$(R0CC) $(R0CC_DEPS)
RING0_CFLAGS := -O2 -Wall -Wextra -Werror -pthread

INITRAMFS_DIRS += $(RING0_ROOT)

$(RING0_PLAIN): $(RING0_BIN)/%: tests/ring0/%.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) $(RING0_CFLAGS) -o $@ $< tests/ring0/regs.S

$(RING0_BIN)/faultloop: tests/ring0/fault.c

$(RING0_BIN)/whereami-pie: tests/ring0/whereami.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) $(RING0_CFLAGS) -static-pie -o $@ $<

$(RING0_BIN)/whereami-nonote: $(RING0_BIN)/whereami
	$(call say,OBJCOPY,$@)
	$(Q)objcopy --remove-section .note.ringzero $< $@
	$(Q)if readelf -n $@ | grep -q ringzero; then echo "$@: the ringzero note is still there"; exit 1; fi

$(RING0_BIN)/rawring: tests/ring0/rawring.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -nostartfiles -nostdlib -ffreestanding -fno-stack-protector -o $@ $<
	$(Q)if readelf -n $@ | grep -q ringzero; then echo "$@: unexpected ringzero note"; exit 1; fi

$(RING0_BIN)/redzone: tests/redzone/redzone.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -I$(MUSL_SRC)/arch/x86_64 -o $@ $<

$(RING0_BIN)/redzone-control: tests/redzone/redzone.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -I$(MUSL_SRC)/arch/x86_64 -DCONTROL -o $@ $<

$(RING0_BIN)/redzone-timed: tests/ring0/redzone-timed.c.in tests/redzone/redzone.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -I$(MUSL_SRC)/arch/x86_64 -Itests/redzone -x c -o $@ $<

$(RING0_BIN)/redzone-timed-control: tests/ring0/redzone-timed.c.in tests/redzone/redzone.c $(RING0_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -I$(MUSL_SRC)/arch/x86_64 -Itests/redzone -DCONTROL -x c -o $@ $<

.PHONY: ring0-progs
ring0-progs: $(RING0_BINS)

# The initramfs is restaged on every use; make sure the directory is filled first.
$(INITRAMFS): $(RING0_BINS)

TEST_GROUPS += test-ring0
.PHONY: test-ring0
test-ring0: $(KERNEL_ELF) $(INITRAMFS)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_ring0.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/ring0.txt
