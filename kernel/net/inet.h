/* inet.h: what the AF_INET/AF_INET6 files share (net/inet.c: the family and its addresses;
 * net/tcp_sock.c: SOCK_STREAM over lwIP's TCP; net/udp_sock.c: SOCK_DGRAM over lwIP's
 * UDP). One struct inet_sock per socket, in sock->priv. Its fields that lwIP's callbacks
 * touch are changed only inside net_lock (lwip/port.h). */
#ifndef RZ_NET_INET_H
#define RZ_NET_INET_H
#include "net.h"
#include "lwip/ip_addr.h"

struct tcp_pcb;
struct udp_pcb;
struct pbuf;

enum inet_state {
	INET_NEW,               /* TCP: not connected, not listening */
	INET_LISTEN,
	INET_CONNECTING,
	INET_CONNECTED,         /* TCP: established (or after a FIN); UDP: connect()ed */
	INET_DEAD,              /* TCP: the connection was reset or refused; the pcb is gone */
};

struct dgram {                  /* one queued UDP datagram */
	struct pbuf *p;
	ip_addr_t addr;
	uint16_t port;
};

struct inet_sock {
	struct sock *s;         /* NULL while a connection waits on its listener's queue */
	int family;             /* AF_INET or AF_INET6 */
	enum inet_state state;
	bool v6only, nodelay;
	bool shut_rd, shut_wr;
	bool connect_pending;
	bool cork;              /* TCP_CORK: segments go out full, or when uncorked */   /* TCP: a non-blocking connect() answered EINPROGRESS */
	struct tcp_pcb *tcp;    /* NULL once lwIP has freed it (reset, refused) */
	struct udp_pcb *udp;
	int err;                /* an error that came while s was NULL (for s->so_error) */
	/* the addresses, kept for getsockname/getpeername after the pcb is gone */
	ip_addr_t local, remote;
	uint16_t lport, rport;
	/* TCP: received bytes, a pbuf chain consumed from the front; the peer's FIN */
	struct pbuf *rx;
	uint32_t rx_len;
	bool rx_fin;
	/* TCP listener: connections ready for accept() and preallocated states for them
	 * (lwIP's accept callback may run in an interrupt, where kmalloc must not) */
	struct inet_sock **queue, **spare;
	int qcap, qhead, qlen, nspare;
	/* UDP: received datagrams, a ring */
	struct dgram *dq;
	int dcap, dhead, dlen;
	uint32_t dbytes;
};

/* inet.c: addresses. A socket address (of the socket's family; v4-mapped IPv6 addresses
 * become IPv4 ones) to lwIP's; *any: the wildcard of an AF_INET6 socket without
 * IPV6_V6ONLY (lwIP's IP_ANY_TYPE, both families). 0, -EINVAL, -EAFNOSUPPORT. */
long inet_addr_in(const struct inet_sock *c, const void *sa, uint32_t len, ip_addr_t *ip, uint16_t *port,
		  bool *any);
/* lwIP's address to the socket's family (IPv4 as v4-mapped for AF_INET6) into sa (*len in:
 * its size, out: the address's full length). */
void inet_addr_out(const struct inet_sock *c, const ip_addr_t *ip, uint16_t port, void *sa, uint32_t *len);
/* Whether ip is one of this machine's addresses (bind's EADDRNOTAVAIL); inside net_lock. */
bool inet_addr_local(const ip_addr_t *ip);
/* An lwIP error as -errno. */
long inet_err(int lwip_err);
void inet_set_err(struct inet_sock *c, int err);
static inline void inet_wake(struct inet_sock *c)
{
	if (c->s)
		sock_wake(c->s);
}
/* The same with the POLL* bits that may have become ready (sock_wake_key). */
static inline void inet_wake_key(struct inet_sock *c, unsigned int key)
{
	if (c->s)
		sock_wake_key(c->s, key);
}
/* The caller's data for a getsockopt of an int / a setsockopt's int. */
long inet_opt_int(const void *val, uint32_t len, int *v);
long inet_opt_put_int(void *val, uint32_t *len, int v);

/* IP_TOS, IP_TTL on a pcb's fields (inside net_lock); -ENOPROTOOPT for other options. */
long inet_ip_setopt(u8_t *tos, u8_t *ttl, int level, int name, int v);
long inet_ip_getopt(u8_t tos, u8_t ttl, int level, int name, void *val, uint32_t *len);

long tcp_sock_create(struct sock *s, struct inet_sock *c);
long udp_sock_create(struct sock *s, struct inet_sock *c);

#endif
