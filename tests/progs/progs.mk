# progs.mk: the r0cc test-program suite (tests/progs/), one self-checking C program per area.
#
#   make progs                          every program into $(BUILD)/progs/<name>
#   make progs PROGS_CC='gcc -static'   the same with the host's glibc (for comparison)
#   tests/progs/run.sh MODE RESULTS     runs them (MODE native or r0run) against expected/
#
# PROGS_PIE_NAMES are built a second time as static PIE, into $(BUILD)/progs/<name>-pie; they
# print the same lines as <name> and run.sh compares them with the same expected file. (Their
# link drops a -static word from PROGS_CC: gcc cannot link -static and -static-pie together.)

PROGS_NAMES     := t_stdio t_malloc t_string t_time t_fileio t_process t_vfork t_pipe \
		   t_signal t_thread t_cancel t_jmp t_env
PROGS_PIE_NAMES := t_thread t_signal
PROGS_DIR       := $(BUILD)/progs
PROGS_CC        ?= $(R0CC)
PROGS_CFLAGS    ?= -O2 -Wall -Wextra -Werror -pthread
PROGS_PIE_FLAGS ?= -static-pie
# Only r0cc itself needs the patched sysroot built first; an overriding compiler does not.
PROGS_CC_DEPS   := $(if $(filter $(R0CC),$(PROGS_CC)),$(R0CC) $(R0CC_DEPS))
PROGS_PLAIN     := $(addprefix $(PROGS_DIR)/,$(PROGS_NAMES))
PROGS_PIE       := $(addprefix $(PROGS_DIR)/,$(addsuffix -pie,$(PROGS_PIE_NAMES)))
PROGS_BINS      := $(PROGS_PLAIN) $(PROGS_PIE)

.PHONY: progs
all: progs
progs: $(PROGS_BINS)

$(PROGS_PLAIN): $(PROGS_DIR)/%: tests/progs/%.c tests/progs/check.h tests/progs/progs.mk \
		$(PROGS_CC_DEPS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D) && $(PROGS_CC) $(PROGS_CFLAGS) -o $@ $<

$(PROGS_PIE): $(PROGS_DIR)/%-pie: tests/progs/%.c tests/progs/check.h tests/progs/progs.mk \
		$(PROGS_CC_DEPS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D) && $(filter-out -static,$(PROGS_CC)) $(PROGS_CFLAGS) $(PROGS_PIE_FLAGS) -o $@ $<
