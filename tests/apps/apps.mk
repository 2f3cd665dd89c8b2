# apps.mk: make test-apps (issue 9): real projects built unchanged with CC=r0cc from their
# pinned Debian source packages, each run with a script on the host, in ring 3 (exec) and in
# ring 0 (kexec); the outputs must be the same. Takes minutes: never part of make test
# (.ci/run runs it after make test).
#
#   lua5.4   Debian's lua5.4 source (upstream tarball): make linux CC=r0cc (lua's makefile)
#   sqlite3  Debian's sqlite3 source (upstream tree): ./configure CC=r0cc --disable-readline
#            --disable-tcl, make sqlite3 speedtest1 (the shell and the benchmark program;
#            the amalgamation is generated with tclsh, as upstream's build does)
#   busybox  Debian's busybox source (the tarball bench.mk pins): make defconfig, make
#   redis, nginx  (issue 11) tests/apps/servers.mk; run by tests/qemu/test_servers.py on the
#            host, and in the two rings with APPS_SERVERS_GUEST=1
#
# No per-project patches: the trees are unpacked afresh for every build (each build's own
# make would not notice a new libc.a), and what each build prints goes to its log in
# $(APPS_OUT)/. The binaries (debug info stripped, the ringzero note kept) and the scripts
# (tests/apps/script.*) go into their own initramfs, $(APPS_INITRAMFS), as /bin/<prog> and
# /apps/script.*; tests/qemu/test_apps.py runs the same binaries natively first (the reference).
# The tarballs are cached in $(CACHE)/ like musl's. --disable-readline: sqlite's configure
# turns readline on when the host has /usr/include/readline/readline.h, whatever the
# compiler's library path; r0cc's sysroot has no readline to link.

APPS_OUT       := $(BUILD)/apps
APPS_ROOT      := $(APPS_OUT)/root
APPS_INITRAMFS := $(APPS_OUT)/initramfs.cpio
APPS_BINS      := $(addprefix $(APPS_ROOT)/bin/,lua sqlite3 speedtest1 busybox)
APPS_SCRIPTS   := $(addprefix tests/apps/,script.lua script.sql script.sh)
BOOTSTRAP_APPS := $(BUILD)/.bootstrap-apps
APPS_CC         = CC=$(abspath $(R0CC))
# redis and nginx (issue 11): SERVERS_BINS, SERVERS_FILES, SERVERS_WWW, SERVERS_ETC
include tests/apps/servers.mk
APPS_BINS      += $(SERVERS_BINS)
APPS_SCRIPTS   += $(SERVERS_FILES)

LUA_VERSION    := 5.4.4
LUA_DEBIAN     := 5.4.4-3+deb12u1
LUA_TARBALL    := $(CACHE)/lua5.4_$(LUA_VERSION).orig.tar.gz
LUA_SHA256     := 164c7849653b80ae67bec4b7473b884bf5cc8d2dca05653475ec2ed27b9ebf61
SQLITE_VERSION := 3.40.1
SQLITE_DEBIAN  := 3.40.1-2+deb12u2
SQLITE_TARBALL := $(CACHE)/sqlite3_$(SQLITE_VERSION).orig.tar.xz
SQLITE_SHA256  := aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655
# busybox: BB_VERSION, BB_DEBIAN, BB_TARBALL, BB_SHA256 of bench/bench.mk (the same pin).

.PHONY: test-apps apps
apps: $(APPS_BINS)

$(BOOTSTRAP_APPS): toolchain/bootstrap.sh
	$(call say,CHECK,Debian packages for test-apps)
	$(Q)toolchain/bootstrap.sh build run apps
	$(Q)mkdir -p $(BUILD) && touch $@

$(LUA_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,lua $(LUA_VERSION) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) lua5.4 $(LUA_DEBIAN) $(notdir $@) $(LUA_SHA256) >/dev/null

$(SQLITE_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,sqlite $(SQLITE_VERSION) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) sqlite3 $(SQLITE_DEBIAN) $(notdir $@) $(SQLITE_SHA256) >/dev/null

# apps_unpack DIR TARBALL: a fresh tree.
apps_unpack = rm -rf $(1) && mkdir -p $(1) && tar -xf $(2) -C $(1) --strip-components=1
# apps_log NAME: the build step's output to its log, its end shown when it fails.
apps_fail = { tail -n 25 $(APPS_OUT)/$(1).log >&2; echo "test-apps: $(1) build failed (log: $(APPS_OUT)/$(1).log)" >&2; exit 1; }
# apps_install BIN DEST: debug info stripped, symbols and the note kept.
apps_install = mkdir -p $(dir $(2)) && strip --strip-debug -o $(2) $(1)

$(APPS_ROOT)/bin/lua: $(LUA_TARBALL) $(R0CC_DEPS) $(R0CC) tests/apps/apps.mk | $(BOOTSTRAP_APPS)
	$(call say,APP,lua $(LUA_VERSION): make linux CC=r0cc (log: $(APPS_OUT)/lua.log))
	$(Q)$(call apps_unpack,$(APPS_OUT)/lua-src,$(LUA_TARBALL))
	$(Q)$(MAKE) -C $(APPS_OUT)/lua-src linux $(APPS_CC) > $(APPS_OUT)/lua.log 2>&1 || $(call apps_fail,lua)
	$(Q)$(call apps_install,$(APPS_OUT)/lua-src/src/lua,$@)

# Both sqlite programs come from one configured tree.
$(APPS_OUT)/sqlite.stamp: $(SQLITE_TARBALL) $(R0CC_DEPS) $(R0CC) tests/apps/apps.mk | $(BOOTSTRAP_APPS)
	$(call say,APP,sqlite $(SQLITE_VERSION): configure CC=r0cc; make sqlite3 speedtest1 (log: $(APPS_OUT)/sqlite.log))
	$(Q)$(call apps_unpack,$(APPS_OUT)/sqlite-src,$(SQLITE_TARBALL))
	$(Q)mkdir -p $(APPS_OUT)/sqlite-src/bld && cd $(APPS_OUT)/sqlite-src/bld && \
		../configure $(APPS_CC) --disable-readline --disable-tcl > ../../sqlite.log 2>&1 || \
		$(call apps_fail,sqlite)
	$(Q)$(MAKE) -C $(APPS_OUT)/sqlite-src/bld sqlite3 speedtest1 >> $(APPS_OUT)/sqlite.log 2>&1 || \
		$(call apps_fail,sqlite)
	$(Q)$(call apps_install,$(APPS_OUT)/sqlite-src/bld/sqlite3,$(APPS_ROOT)/bin/sqlite3)
	$(Q)$(call apps_install,$(APPS_OUT)/sqlite-src/bld/speedtest1,$(APPS_ROOT)/bin/speedtest1)
	$(Q)touch $@
$(APPS_ROOT)/bin/sqlite3 $(APPS_ROOT)/bin/speedtest1: $(APPS_OUT)/sqlite.stamp

# SOURCE_DATE_EPOCH=0: busybox's version string has no build date that changes.
$(APPS_ROOT)/bin/busybox: $(BB_TARBALL) $(R0CC_DEPS) $(R0CC) tests/apps/apps.mk | $(BOOTSTRAP_APPS)
	$(call say,APP,busybox $(BB_VERSION): make defconfig; make CC=r0cc (log: $(APPS_OUT)/busybox.log))
	$(Q)$(call apps_unpack,$(APPS_OUT)/busybox-src,$(BB_TARBALL))
	$(Q)SOURCE_DATE_EPOCH=0 $(MAKE) -C $(APPS_OUT)/busybox-src defconfig $(APPS_CC) HOSTCC=$(HOSTCC) \
		> $(APPS_OUT)/busybox.log 2>&1 || $(call apps_fail,busybox)
	$(Q)SOURCE_DATE_EPOCH=0 $(MAKE) -C $(APPS_OUT)/busybox-src $(APPS_CC) HOSTCC=$(HOSTCC) \
		>> $(APPS_OUT)/busybox.log 2>&1 || $(call apps_fail,busybox)
	$(Q)$(call apps_install,$(APPS_OUT)/busybox-src/busybox_unstripped,$@)

# The initramfs of test-apps: the kernel's rootfs, the programs and the scripts, the servers'
# static root (/apps/www) and the user database nginx reads (/etc/passwd, /etc/group).
$(APPS_INITRAMFS): $(APPS_BINS) $(APPS_SCRIPTS) $(SERVERS_WWW) $(SERVERS_ETC) kernel/rootfs
	$(call say,CPIO,$@)
	$(Q)rm -rf $(APPS_OUT)/initramfs.d && mkdir -p $(APPS_OUT)/initramfs.d/bin $(APPS_OUT)/initramfs.d/dev \
		$(APPS_OUT)/initramfs.d/etc $(APPS_OUT)/initramfs.d/tmp $(APPS_OUT)/initramfs.d/apps
	$(Q)chmod 1777 $(APPS_OUT)/initramfs.d/tmp
	$(Q)cp -R kernel/rootfs/. $(APPS_OUT)/initramfs.d/
	$(Q)cp $(APPS_BINS) $(APPS_OUT)/initramfs.d/bin/ && cp $(APPS_SCRIPTS) $(APPS_OUT)/initramfs.d/apps/
	$(Q)mkdir -p $(APPS_OUT)/initramfs.d/apps/www && cp $(SERVERS_WWW) $(APPS_OUT)/initramfs.d/apps/www/
	$(Q)cp $(SERVERS_ETC) $(APPS_OUT)/initramfs.d/etc/
	$(Q)find $(APPS_OUT)/initramfs.d -exec touch -h -d @0 {} +
	$(Q)(cd $(APPS_OUT)/initramfs.d && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $@

# APPS_SERVERS_GUEST=0 runs the servers on the host only; by default also in ring 3 and ring 0
# (they need the kernel's sockets and epoll, issue 11).
APPS_SERVERS_GUEST ?= 1
test-apps: $(KERNEL_ELF) $(APPS_INITRAMFS) | $(BOOTSTRAP_APPS)
	$(call say,TEST,apps)
	$(Q)rm -rf $(RESULTS)/apps.txt && mkdir -p $(RESULTS)
	$(Q)python3 tests/qemu/test_apps.py --kernel $(KERNEL_ELF) --initrd $(APPS_INITRAMFS) \
		--bin $(APPS_ROOT)/bin --scripts tests/apps --results $(RESULTS)/apps.txt \
		--log $(BUILD)/test-apps.log || true
	$(call say,TEST,servers$(if $(filter 1,$(APPS_SERVERS_GUEST)),, (host only: APPS_SERVERS_GUEST=0)))
	$(Q)rm -rf $(RESULTS)/servers.txt
	$(Q)python3 tests/qemu/test_servers.py --kernel $(KERNEL_ELF) --initrd $(APPS_INITRAMFS) \
		--bin $(APPS_ROOT)/bin --files tests/apps --results $(RESULTS)/servers.txt \
		--log $(BUILD)/test-servers.log $(if $(filter 1,$(APPS_SERVERS_GUEST)),--guest) || true
	$(Q)tests/summary.sh $(RESULTS) apps servers
