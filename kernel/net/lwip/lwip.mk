# kernel/net/lwip/lwip.mk: lwIP, the kernel's TCP/IP stack, built from Debian's source package
# (upstream lwIP 2.1.3 repacked as "+dfsg1": Debian drops what it deems non-free, the RFC
# copies under doc/; src/ and test/ are upstream's). The tarball is fetched by
# toolchain/fetch-source.sh with the version and sha256 pinned here, cached in $(CACHE)/ and
# unpacked under $(BUILD)/lwip/, never copied into the tree. Only our glue lives in
# kernel/net/: lwipopts.h and arch/cc.h (the port), the shim/ headers (string.h, stdlib.h
# mapped onto the kernel's lib.h) and the C files that use lwIP's raw API.
#
# The objects are the core that NO_SYS=1 with the raw API needs (IPv4, IPv6, TCP, UDP, ICMP,
# ICMPv6/ND, ARP, Ethernet, the loopback netif, pbufs, lwIP's own heap and pools, timeouts),
# compiled with the kernel's flags plus LWIP_WARN: the few warnings lwIP's code trips under
# -Wall -Wextra -Werror, silenced for lwIP's objects only. Included by kernel/kernel.mk.

LWIP_VERSION := 2.1.3
LWIP_DEBIAN  := 2.1.3+dfsg1-2
LWIP_TARBALL := $(CACHE)/lwip_2.1.3+dfsg1.orig.tar.xz
LWIP_SHA256  := 0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
LWIP_DIR     := $(BUILD)/lwip/src
LWIP_STAMP   := $(BUILD)/lwip/.unpacked
LWIP_OUT     := $(KERNEL_OUT)/lwip

LWIP_FILES := core/init.c core/def.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
	core/netif.c core/pbuf.c core/tcp.c core/tcp_in.c core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/etharp.c core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c core/ipv4/ip4_frag.c \
	core/ipv6/ethip6.c core/ipv6/icmp6.c core/ipv6/inet6.c core/ipv6/ip6.c core/ipv6/ip6_addr.c \
	core/ipv6/ip6_frag.c core/ipv6/nd6.c core/ipv6/mld6.c netif/ethernet.c
LWIP_OBJS := $(addprefix $(LWIP_OUT)/,$(LWIP_FILES:.c=.o))

# Include path for lwIP and for every glue file that includes lwIP's headers.
LWIP_INC := -Ikernel/net/lwip -Ikernel/net/lwip/shim -I$(LWIP_DIR)/src/include
LWIP_WARN := -Wno-unused-parameter -Wno-unused-variable

$(LWIP_TARBALL): | $(BOOTSTRAP)
	$(call say,FETCH,lwip $(LWIP_DEBIAN) from Debian's source package)
	$(Q)toolchain/fetch-source.sh $(CACHE) lwip $(LWIP_DEBIAN) $(notdir $@) $(LWIP_SHA256) >/dev/null

$(LWIP_STAMP): $(LWIP_TARBALL) kernel/net/lwip/lwip.mk
	$(call say,UNPACK,lwip $(LWIP_DEBIAN))
	$(Q)rm -rf $(LWIP_DIR) && mkdir -p $(LWIP_DIR)
	$(Q)tar -xf $(LWIP_TARBALL) -C $(LWIP_DIR) --strip-components=1
	$(Q)touch $@

$(LWIP_OBJS): $(LWIP_OUT)/%.o: $(LWIP_STAMP) kernel/net/lwip/lwipopts.h kernel/net/lwip/arch/cc.h | $(KERNEL_UAPI)/.stamp
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(KERNEL_CC) $(KERNEL_CFLAGS) $(LWIP_INC) $(LWIP_WARN) -c $(LWIP_DIR)/src/$*.c -o $@

# The glue: our kernel/net files see lwIP's headers (and wait for the unpacked tree).
LWIP_GLUE_OBJS := $(patsubst kernel/%.c,$(KERNEL_OUT)/%.o,$(wildcard kernel/net/*.c kernel/net/lwip/*.c))
$(LWIP_GLUE_OBJS): KERNEL_CFLAGS += $(LWIP_INC)
$(LWIP_GLUE_OBJS): | $(LWIP_STAMP)
