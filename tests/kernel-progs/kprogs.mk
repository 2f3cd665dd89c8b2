# kprogs.mk: the process-core test programs (tests/kernel-progs/*.c), built with r0cc into
# $(BUILD)/kernel-progs/root/bin/ and added to the initramfs as /bin/<name>; Debian's
# busybox-static (the host's /bin/busybox) goes in as /bin/busybox with a symlink to it for each
# applet `busybox --list` names (/bin/sh, /bin/echo, /bin/cat...; busybox picks the applet by
# argv[0]'s basename) unless a test program has that name, and the r0cc program suite
# (tests/progs, $(PROGS_BINS)) as /progs/<name>.
#
# /bin/busybox is read by the recipe, after the bootstrap has installed busybox-static, never
# while make parses (a parse-time $(wildcard) saw a fresh machine without it: issue 9).
# The test group test-ring3 (tests/qemu/test_ring3.py) runs them through the shell.

KPROGS_SRCS := $(wildcard tests/kernel-progs/*.c)
KPROGS_ROOT := $(BUILD)/kernel-progs/root
KPROGS_BINS := $(patsubst tests/kernel-progs/%.c,$(KPROGS_ROOT)/bin/%,$(KPROGS_SRCS))
KPROGS_BUSYBOX := /bin/busybox
KPROGS_STAMP := $(BUILD)/kernel-progs/.stamp

INITRAMFS_DIRS += $(KPROGS_ROOT)

$(KPROGS_ROOT)/bin/%: tests/kernel-progs/%.c tests/kernel-progs/kprogs.mk $(R0CC) $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(KPROGS_STAMP): $(KPROGS_BINS) $(PROGS_BINS) | $(BOOTSTRAP)
	@mkdir -p $(KPROGS_ROOT)/bin $(KPROGS_ROOT)/progs
	$(Q)$(if $(PROGS_BINS),cp $(PROGS_BINS) $(KPROGS_ROOT)/progs/)
	$(Q)[ -x $(KPROGS_BUSYBOX) ] || { echo "kprogs: $(KPROGS_BUSYBOX) is missing (Debian package busybox-static; toolchain/bootstrap.sh test)" >&2; exit 1; }
	$(Q)cp $(KPROGS_BUSYBOX) $(KPROGS_ROOT)/bin/busybox
	$(Q)for a in $$($(KPROGS_ROOT)/bin/busybox --list); do \
		case " busybox $(notdir $(KPROGS_BINS)) " in *" $$a "*) continue;; esac; \
		rm -f $(KPROGS_ROOT)/bin/$$a && ln -s busybox $(KPROGS_ROOT)/bin/$$a || exit 1; \
	done
	$(Q)touch $@

# The initramfs is restaged on every use; make sure the directory is filled first.
$(INITRAMFS): $(KPROGS_STAMP)

TEST_GROUPS += test-ring3
.PHONY: test-ring3
test-ring3: $(KERNEL_ELF) $(INITRAMFS)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_ring3.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/ring3.txt
