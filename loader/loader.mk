# loader/loader.mk: the ELF loader library (loader/*.c) for the host, and its test group.
#
#   LOADER_SRCS            the loader's C files: the kernel and r0run compile them with their
#                          own flags (freestanding; include path -Iloader)
#   $(LOADER_HOST_LIB)     $(BUILD)/loader/libloader-host.a: host objects, -O2 -g
#   make test-loader       unit tests + a mutation fuzzer under ASan/UBSan
#                          (tests/loader/run.sh) -> $(RESULTS)/loader.txt

LOADER_SRCS     := loader/check.c loader/map.c loader/note.c loader/stack.c loader/strerror.c
LOADER_HDRS     := loader/elf64.h loader/loader.h loader/note.h
LOADER_OUT      := $(BUILD)/loader
LOADER_HOST_LIB := $(LOADER_OUT)/libloader-host.a
LOADER_HOST_OBJS := $(patsubst loader/%.c,$(LOADER_OUT)/host/%.o,$(LOADER_SRCS))

.PHONY: loader test-loader
all: loader
loader: $(LOADER_HOST_LIB)

$(LOADER_OUT)/host/%.o: loader/%.c $(LOADER_HDRS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iloader -c $< -o $@

$(LOADER_HOST_LIB): $(LOADER_HOST_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

# --- tests: everything (the loader too) built with the sanitizers ---------------------------
LOADER_T        := $(LOADER_OUT)/test
LOADER_T_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all -Iloader -Itests/loader
LOADER_T_HDRS   := $(LOADER_HDRS) $(wildcard tests/loader/*.h)
LOADER_T_LIB    := $(patsubst loader/%.c,$(LOADER_T)/lib/%.o,$(LOADER_SRCS)) \
	$(LOADER_T)/elfbuild.o $(LOADER_T)/fakeas.o
LOADER_T_UNIT   := $(patsubst tests/loader/%.c,$(LOADER_T)/%.o,$(filter-out \
	tests/loader/elfbuild.c tests/loader/fakeas.c tests/loader/fuzz_check.c \
	tests/loader/sample.c,$(wildcard tests/loader/*.c)))
# Real static binaries for the tests: glibc static and static-PIE, with and without the
# ringzero note (toolchain/r0note.S, exactly what r0cc links in).
LOADER_SAMPLES  := $(addprefix $(LOADER_T)/sample-,static static-pie trusted trusted-pie)

$(LOADER_T)/lib/%.o: loader/%.c $(LOADER_HDRS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) $(LOADER_T_CFLAGS) -c $< -o $@

$(LOADER_T)/%.o: tests/loader/%.c $(LOADER_T_HDRS)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) $(LOADER_T_CFLAGS) -c $< -o $@

$(LOADER_T)/test_loader: $(LOADER_T_UNIT) $(LOADER_T_LIB)
	$(call say,LD,$@)
	$(Q)$(HOSTCC) $(LOADER_T_CFLAGS) -o $@ $^

$(LOADER_T)/fuzz_check: $(LOADER_T)/fuzz_check.o $(LOADER_T_LIB)
	$(call say,LD,$@)
	$(Q)$(HOSTCC) $(LOADER_T_CFLAGS) -o $@ $^

$(LOADER_T)/sample-static: tests/loader/sample.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) -O2 -static -o $@ $<
$(LOADER_T)/sample-static-pie: tests/loader/sample.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) -O2 -static-pie -o $@ $<
$(LOADER_T)/sample-trusted: tests/loader/sample.c toolchain/r0note.S
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) -O2 -static -o $@ $^
$(LOADER_T)/sample-trusted-pie: tests/loader/sample.c toolchain/r0note.S
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) -O2 -static-pie -o $@ $^

TEST_GROUPS += test-loader
test-loader: $(LOADER_T)/test_loader $(LOADER_T)/fuzz_check $(LOADER_SAMPLES) $(LOADER_HOST_LIB)
	$(call say,TEST,loader)
	$(Q)mkdir -p $(RESULTS)
	$(Q)tests/loader/run.sh $(RESULTS)/loader.txt $(LOADER_T)
