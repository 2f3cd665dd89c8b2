# bench/plugin/plugin.mk: the transition-counting QEMU TCG plugin (issue 12 item 1).
#
#   $(PLUGIN_SO)   bench/plugin/transitions.c built with the host gcc as a shared object,
#                  against include/qemu/qemu-plugin.h from Debian's qemu source package for
#                  the QEMU installed here (1:7.2+dfsg-7+deb12u18: only the header is taken
#                  from the upstream tarball, sha256 pinned, cached in $(CACHE)). The header
#                  needs no glib.
#   make test-plugin  tests/qemu/test_plugin.py: the plugin's counts on a guest program
#                  with a known number of each event, in both rings (deterministic counts,
#                  no time), and the per-function profile (syms=) on a function of known size
#
# The plugin is loaded with -plugin $(PLUGIN_SO),arg=out=FILE (see transitions.c).

PLUGIN_OUT     := $(BUILD)/plugin
PLUGIN_SO      := $(PLUGIN_OUT)/transitions.so
PLUGIN_HDR     := $(PLUGIN_OUT)/include/qemu-plugin.h
QEMU_DEBIAN    := 1:7.2+dfsg-7+deb12u18
QEMU_TARBALL   := $(CACHE)/qemu_7.2+dfsg.orig.tar.xz
QEMU_SHA256    := 91aca71520040edc40b8d437aa3004dae614f58e286cf653ee8996c07af2962f

$(QEMU_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,qemu 7.2 from Debian's source package (for qemu-plugin.h))
	$(Q)toolchain/fetch-source.sh $(CACHE) qemu $(QEMU_DEBIAN) $(notdir $@) $(QEMU_SHA256) >/dev/null

$(PLUGIN_HDR): $(QEMU_TARBALL)
	@mkdir -p $(@D)
	$(Q)tar -xJf $< -O qemu-7.2.0/include/qemu/qemu-plugin.h > $@.tmp && mv $@.tmp $@

$(PLUGIN_SO): bench/plugin/transitions.c $(PLUGIN_HDR)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) -O2 -Wall -Wextra -Werror -shared -fPIC -I$(dir $(PLUGIN_HDR)) -o $@ $<

# The test's guest program, in the ringzero initramfs as /bin/plugin-events.
PLUGIN_PROGS := $(BUILD)/plugin-progs
PLUGIN_TEST_BIN := $(PLUGIN_PROGS)/bin/plugin-events
INITRAMFS_DIRS += $(PLUGIN_PROGS)

$(PLUGIN_TEST_BIN): tests/plugin/plugin-events.c $(R0CC) $(R0CC_DEPS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(R0CC) -O2 -Wall -Wextra -Werror -o $@ $<

$(INITRAMFS): $(PLUGIN_TEST_BIN)

TEST_GROUPS += test-plugin
.PHONY: test-plugin
test-plugin: $(KERNEL_ELF) $(INITRAMFS) $(PLUGIN_SO)
	@mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_plugin.py --kernel $(KERNEL_ELF) --initrd $(INITRAMFS) \
		--results $(RESULTS)/plugin.txt --plugin $(PLUGIN_SO) --prog $(PLUGIN_TEST_BIN) --log $(BUILD)/test-plugin.log
