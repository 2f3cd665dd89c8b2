# trace.mk: the tracer's test group (issue 13 item 2). tests/trace/trace_prog.c is built with
# r0cc into $(BUILD)/trace-progs/bin/ and added to the initramfs as /bin/trace_prog; the
# group test-trace (tests/trace/test_trace.py) runs it under `exec -t` and `kexec -t` and
# compares what the tracer prints with tests/trace/expected.txt (both rings, and -o FILE),
# and runs the same binary under the host's strace -f and compares the lines both print.

TRACE_ROOT := $(BUILD)/trace-progs
TRACE_PROG := $(TRACE_ROOT)/bin/trace_prog

INITRAMFS_DIRS += $(TRACE_ROOT)

$(TRACE_PROG): tests/trace/trace_prog.c tests/trace/trace.mk $(R0CC) $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(INITRAMFS): $(TRACE_PROG)

TEST_GROUPS += test-trace
.PHONY: test-trace
test-trace: $(KERNEL_ELF) $(INITRAMFS)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/trace/test_trace.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/trace.txt --prog $(TRACE_PROG) --expected tests/trace/expected.txt
