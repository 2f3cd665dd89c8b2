# servers.mk: the servers of make test-apps (issue 11 item 3), included by apps.mk: redis and
# nginx from Debian 12's source packages (the upstream tarballs, version and sha256 pinned,
# fetched by toolchain/fetch-source.sh like lua's), built unchanged with CC=r0cc. No patches:
# both build and run on musl as they are.
#
#   redis 7.0.15   make MALLOC=libc USE_SYSTEMD=no BUILD_TLS=no (redis's own makefile; its
#                  bundled deps hiredis, lua, linenoise, hdr_histogram come from the tarball,
#                  jemalloc is not built): redis-server, redis-cli, redis-benchmark
#   nginx 1.22.1   ./configure --with-cc=r0cc without the modules that need PCRE or zlib
#                  (rewrite, gzip; r0cc's sysroot has neither library), then make. nginx's
#                  configure compiles and runs its feature tests: an r0cc program runs on
#                  Linux unchanged, so the answers are the r0cc libc's and the Linux UAPI
#                  headers' (epoll, eventfd, accept4, sendfile, SO_REUSEPORT found)
#
# Each build's output goes to its log in $(APPS_OUT)/ (redis.log, nginx.log); the binaries
# (static, the ringzero note kept, debug info stripped) to $(APPS_ROOT)/bin/ and from there
# into the apps initramfs, with the test's files (redis.cli, redis.expected, redis.pipe,
# nginx.conf, servers.sh) in /apps, www/ in /apps/www and etc/ in /etc.
# tests/qemu/test_servers.py runs them on the host (always) and in the two rings (unless
# APPS_SERVERS_GUEST=0).
#
# What this file does not own: the initramfs and the test-apps target (apps.mk).

REDIS_VERSION := 7.0.15
REDIS_DEBIAN  := 5:7.0.15-1~deb12u7
REDIS_TARBALL := $(CACHE)/redis_$(REDIS_VERSION).orig.tar.gz
REDIS_SHA256  := 4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982
NGINX_VERSION := 1.22.1
NGINX_DEBIAN  := 1.22.1-9+deb12u9
NGINX_TARBALL := $(CACHE)/nginx_$(NGINX_VERSION).orig.tar.gz
NGINX_SHA256  := 9ebb333a9e82b952acd3e2b4aeb1d4ff6406f72491bab6cd9fe69f0dea737f31

REDIS_PROGS   := redis-server redis-cli redis-benchmark
SERVERS_BINS  := $(addprefix $(APPS_ROOT)/bin/,$(REDIS_PROGS) nginx)
SERVERS_FILES := $(addprefix tests/apps/,redis.cli redis.expected redis.pipe nginx.conf servers.sh)
# nginx's static root, /apps/www in the initramfs; /etc/passwd and /etc/group: nginx run as
# root looks up its default user (nobody) even when it never switches to it.
SERVERS_WWW   := tests/apps/www/index.html
SERVERS_ETC   := tests/apps/etc/passwd tests/apps/etc/group
REDIS_FLAGS   := MALLOC=libc USE_SYSTEMD=no BUILD_TLS=no
# The prefix only sets nginx's defaults; the tests always give -p, -c and -e.
NGINX_CONFIGURE := --prefix=/tmp/nginx --without-http_rewrite_module --without-http_gzip_module \
	--without-pcre

$(REDIS_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,redis $(REDIS_VERSION) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) redis $(REDIS_DEBIAN) $(notdir $@) $(REDIS_SHA256) >/dev/null

$(NGINX_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,nginx $(NGINX_VERSION) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) nginx $(NGINX_DEBIAN) $(notdir $@) $(NGINX_SHA256) >/dev/null

# All three redis programs come from one build.
$(APPS_OUT)/redis.stamp: $(REDIS_TARBALL) $(R0CC_DEPS) $(R0CC) tests/apps/servers.mk | $(BOOTSTRAP_APPS)
	$(call say,APP,redis $(REDIS_VERSION): make $(REDIS_FLAGS) CC=r0cc (log: $(APPS_OUT)/redis.log))
	$(Q)$(call apps_unpack,$(APPS_OUT)/redis-src,$(REDIS_TARBALL))
	$(Q)$(MAKE) -C $(APPS_OUT)/redis-src $(REDIS_FLAGS) $(APPS_CC) > $(APPS_OUT)/redis.log 2>&1 || \
		$(call apps_fail,redis)
	$(Q)for p in $(REDIS_PROGS); do $(call apps_install,$(APPS_OUT)/redis-src/src/$$p,$(APPS_ROOT)/bin/$$p) || exit 1; done
	$(Q)touch $@
$(addprefix $(APPS_ROOT)/bin/,$(REDIS_PROGS)): $(APPS_OUT)/redis.stamp

$(APPS_ROOT)/bin/nginx: $(NGINX_TARBALL) $(R0CC_DEPS) $(R0CC) tests/apps/servers.mk | $(BOOTSTRAP_APPS)
	$(call say,APP,nginx $(NGINX_VERSION): configure --with-cc=r0cc; make (log: $(APPS_OUT)/nginx.log))
	$(Q)$(call apps_unpack,$(APPS_OUT)/nginx-src,$(NGINX_TARBALL))
	$(Q)(cd $(APPS_OUT)/nginx-src && ./configure --with-cc=$(abspath $(R0CC)) $(NGINX_CONFIGURE)) \
		> $(APPS_OUT)/nginx.log 2>&1 || $(call apps_fail,nginx)
	$(Q)$(MAKE) -C $(APPS_OUT)/nginx-src >> $(APPS_OUT)/nginx.log 2>&1 || $(call apps_fail,nginx)
	$(Q)$(call apps_install,$(APPS_OUT)/nginx-src/objs/nginx,$@)
