/* lwipopts.h: lwIP's configuration for the ringzero kernel (lwIP reads it through
 * lwip/opt.h). What it fixes:
 *   * NO_SYS=1, the raw (callback) API only: no threads, no sockets or netconn layer of
 *     lwIP's own; kernel/net/inet*.c is the socket layer.
 *   * Concurrency: one CPU; every entry into lwIP runs with interrupts disabled (net/lwip/
 *     port.c: net_lock/net_unlock), which is lwIP's only lock, so SYS_LIGHTWEIGHT_PROT=0.
 *   * Memory: lwIP's own heap (MEM_SIZE, a static arena) and static pools (memp), never the
 *     kernel's kmalloc: lwIP also runs from the timer interrupt and a device's receive
 *     interrupt, where kmalloc (not interrupt-safe) must not be called. The pools are sized
 *     for about 500 live TCP sockets (one holds its pcb from socket() on); TIME_WAIT pcbs
 *     are recycled by lwIP when the pool runs out (tcp_alloc kills the oldest). The heap
 *     holds unacknowledged and unread bytes: up to 2 x 23 KiB per busy connection.
 *   * IPv4 and IPv6 (dual stack: IPADDR_TYPE_ANY pcbs serve AF_INET6 sockets without
 *     IPV6_V6ONLY), TCP, UDP, ICMP, ICMPv6/ND, ARP, Ethernet, fragmentation and reassembly,
 *     the loopback netif (127.0.0.1/8, ::1) polled by the glue (no threads).
 * Hooks: LWIP_HOOK_IP4_INPUT/IP6_INPUT (below).
 * What it does not: DHCP, AutoIP, IGMP/MLD, DNS (the device's address is static). */
#ifndef RZ_LWIPOPTS_H
#define RZ_LWIPOPTS_H

#define NO_SYS                  1
#define SYS_LIGHTWEIGHT_PROT    0
#define LWIP_TIMERS             1
#define LWIP_SOCKET             0
#define LWIP_NETCONN            0
#define LWIP_RAW                0
#define LWIP_STATS              0
#define LWIP_CALLBACK_API       1

/* memory: lwIP's heap in a static arena (pbuf payloads, loopback copies, segments) */
#define MEM_LIBC_MALLOC         0
#define MEMP_MEM_MALLOC         0
#define MEM_ALIGNMENT           8
#define MEM_SIZE                (4 * 1024 * 1024)
#define MEMP_NUM_PBUF           128
#define MEMP_NUM_UDP_PCB        64
#define MEMP_NUM_TCP_PCB        512
#define MEMP_NUM_TCP_PCB_LISTEN 64
#define MEMP_NUM_TCP_SEG        4096
#define MEMP_NUM_REASSDATA      8
#define IP_REASS_MAX_PBUFS      64
#define MEMP_NUM_FRAG_PBUF      32
#define MEMP_NUM_ARP_QUEUE      32
#define MEMP_NUM_ND6_QUEUE      32
#define PBUF_POOL_SIZE          16      /* unused by the glue: frames come in PBUF_RAM */

/* protocols */
#define LWIP_IPV4               1
#define LWIP_IPV6               1
#define LWIP_ARP                1
#define LWIP_ETHERNET           1
#define LWIP_ICMP               1
#define LWIP_TCP                1
#define LWIP_UDP                1
#define LWIP_DHCP               0
#define LWIP_AUTOIP             0
#define LWIP_IGMP               0
#define LWIP_DNS                0
#define LWIP_IPV6_MLD           0
#define LWIP_IPV6_DHCP6         0
#define LWIP_IPV6_AUTOCONFIG    1
#define LWIP_IPV6_SEND_ROUTER_SOLICIT 0
#define LWIP_IPV6_NUM_ADDRESSES 3
#define IP_FORWARD              0
#define IP_REASSEMBLY           1
#define IP_FRAG                 1
#define LWIP_IPV6_FRAG          1
#define LWIP_IPV6_REASS         1
#define IPV6_FRAG_COPYHEADER    1       /* 64-bit pointers do not fit in the fragment header */
#define SO_REUSE                1
#define IP_DEFAULT_TTL          64      /* Linux's default (IP_TTL, IPV6_UNICAST_HOPS) */
#define IP_SOF_BROADCAST        1       /* UDP broadcasts need SO_BROADCAST, as on Linux */
#define LWIP_SO_RCVBUF          0
#define LWIP_BROADCAST_PBUF_ALLOC 0

/* TCP: windows without scaling (16 segments), a send buffer of 16 segments */
#define TCP_MSS                 1460
#define TCP_WND                 (16 * TCP_MSS)
#define TCP_SND_BUF             (16 * TCP_MSS)
#define TCP_SND_QUEUELEN        ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_QUEUE_OOSEQ         1
#define TCP_LISTEN_BACKLOG      1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_KEEPALIVE      1
#define LWIP_TCP_TIMESTAMPS     0

/* the loopback netif: polled by the glue (netif_poll_all), no threads */
#define LWIP_NETIF_LOOPBACK     1
#define LWIP_HAVE_LOOPIF        1
#define LWIP_LOOPBACK_MAX_PBUFS 0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_SINGLE_NETIF       0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1  /* none on loopback (port.c), as Linux skips them there */
#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0

/* every IPv4 and IPv6 packet is shown to udp_sock.c first (it never takes one): a port
 * unreachable error about a datagram of a connected UDP socket becomes its ECONNREFUSED,
 * which lwIP itself does not report */
struct pbuf;
struct netif;
int udp_icmp_input(struct pbuf *p, int v6);
#define LWIP_HOOK_IP4_INPUT(p, inp) udp_icmp_input((p), 0)
#define LWIP_HOOK_IP6_INPUT(p, inp) udp_icmp_input((p), 1)


#endif
