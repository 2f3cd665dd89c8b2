# r0run.mk: r0run, the host loader that runs r0cc programs with an entry pointer.
#
# forward.S, sigstubs.S, reexec.c and signals.c run inside the program (after its libc owns the thread pointer), so
# they and the loader objects they call are built without vector registers and without the
# stack protector (glibc's TLS is not theirs any more); r0run.c is ordinary host C.

R0RUN        := $(BUILD)/toolchain/r0run
R0RUN_OBJDIR := $(BUILD)/toolchain/r0run.o
R0RUN_INNER_CFLAGS := $(HOST_CFLAGS) -fno-stack-protector -mgeneral-regs-only -fno-pic -fpie \
	-Iloader -Itoolchain/r0run
R0RUN_INNER  := $(R0RUN_OBJDIR)/forward.o $(R0RUN_OBJDIR)/sigstubs.o $(R0RUN_OBJDIR)/reexec.o \
	$(R0RUN_OBJDIR)/signals.o \
	$(patsubst loader/%.c,$(R0RUN_OBJDIR)/loader-%.o,$(LOADER_SRCS))

all: $(R0RUN)
toolchain: $(R0RUN)

$(R0RUN_OBJDIR)/syscall_names.h: /usr/include/x86_64-linux-gnu/asm/unistd_64.h | $(BOOTSTRAP)
	$(call say,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)awk '/^#define __NR_[a-z0-9_]+ [0-9]+$$/ { print "\t[" $$3 "] = \"" substr($$2, 6) "\"," }' $< > $@

$(R0RUN_OBJDIR)/%.o: toolchain/r0run/%.S | $(BOOTSTRAP)
	$(call say,AS,$@)
	$(Q)mkdir -p $(@D) && $(HOSTCC) -c $< -o $@

$(R0RUN_OBJDIR)/%.o: toolchain/r0run/%.c toolchain/r0run/r0run.h loader/loader.h | $(BOOTSTRAP)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D) && $(HOSTCC) $(R0RUN_INNER_CFLAGS) -c $< -o $@

$(R0RUN_OBJDIR)/loader-%.o: loader/%.c $(wildcard loader/*.h) | $(BOOTSTRAP)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D) && $(HOSTCC) $(R0RUN_INNER_CFLAGS) -c $< -o $@

$(R0RUN_OBJDIR)/r0run.o: toolchain/r0run/r0run.c toolchain/r0run/r0run.h loader/loader.h \
		$(R0RUN_OBJDIR)/syscall_names.h | $(BOOTSTRAP)
	$(call say,CC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iloader -Itoolchain/r0run -I$(R0RUN_OBJDIR) -c $< -o $@

$(R0RUN): $(R0RUN_OBJDIR)/r0run.o $(R0RUN_INNER)
	$(call say,LD,$@)
	$(Q)$(HOSTCC) -pie -Wl,-z,now -Wl,-z,noexecstack -o $@ $^
