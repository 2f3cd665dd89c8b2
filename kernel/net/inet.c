/* inet.c: the AF_INET and AF_INET6 address families over lwIP (net.h's struct net_family,
 * registered by socket.c through the symbols inet_family and inet6_family): creating a TCP
 * or UDP socket (tcp_sock.c, udp_sock.c own them), and the conversions between socket
 * addresses (sockaddr_in, sockaddr_in6 with v4-mapped addresses) and lwIP's ip_addr_t.
 *
 * Dual stack: an AF_INET6 socket without IPV6_V6ONLY gets an lwIP pcb of IPADDR_TYPE_ANY;
 * bound to :: it receives IPv4 and IPv6, and an IPv4 peer appears as ::ffff:a.b.c.d, as on
 * Linux. Not here: lwIP's lock and timers (lwip/port.c), the device (netif.c). */
#include "inet.h"
#include "lib.h"
#include "mm.h"
#include "lwip/port.h"
#include "lwip/err.h"
#include "lwip/netif.h"
#include "lwip/ip.h"
#include <linux/in.h>
#include <linux/in6.h>

long inet_err(int e)
{
	switch (e) {
	case ERR_OK: return 0;
	case ERR_MEM: case ERR_BUF: return -ENOMEM;
	case ERR_TIMEOUT: return -ETIMEDOUT;
	case ERR_RTE: return -ENETUNREACH;
	case ERR_INPROGRESS: return -EINPROGRESS;
	case ERR_WOULDBLOCK: return -EAGAIN;
	case ERR_USE: return -EADDRINUSE;
	case ERR_ALREADY: return -EALREADY;
	case ERR_ISCONN: return -EISCONN;
	case ERR_CONN: return -ENOTCONN;
	case ERR_ABRT: return -ECONNABORTED;
	case ERR_RST: return -ECONNRESET;
	case ERR_CLSD: return -ENOTCONN;
	case ERR_IF: return -EIO;
	}
	return -EINVAL;
}

void inet_set_err(struct inet_sock *c, int err)
{
	if (c->s)
		c->s->so_error = err;
	else
		c->err = err;
}

long inet_opt_int(const void *val, uint32_t len, int *v)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(v, val, sizeof(int));
	return 0;
}

long inet_opt_put_int(void *val, uint32_t *len, int v)
{
	memcpy(val, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

/* IP_TOS and IP_TTL (IPPROTO_IP) of a pcb's ip fields: 0, or -ENOPROTOOPT for other options.
 * Inside net_lock. */
long inet_ip_setopt(u8_t *tos, u8_t *ttl, int level, int name, int v)
{
	if (level != IPPROTO_IP || (name != IP_TOS && name != IP_TTL))
		return -ENOPROTOOPT;
	if (name == IP_TOS) {
		*tos = (u8_t)v;
		return 0;
	}
	if (v == -1)
		v = IP_DEFAULT_TTL;
	if (v < 1 || v > 255)
		return -EINVAL;
	*ttl = (u8_t)v;
	return 0;
}

long inet_ip_getopt(u8_t tos, u8_t ttl, int level, int name, void *val, uint32_t *len)
{
	if (level != IPPROTO_IP || (name != IP_TOS && name != IP_TTL))
		return -ENOPROTOOPT;
	return inet_opt_put_int(val, len, name == IP_TOS ? tos : ttl);
}

static bool is_mapped(const struct in6_addr *a)
{
	return a->s6_addr32[0] == 0 && a->s6_addr32[1] == 0 && a->s6_addr32[2] == PP_HTONL(0xffff);
}

long inet_addr_in(const struct inet_sock *c, const void *sa, uint32_t len, ip_addr_t *ip, uint16_t *port,
		  bool *any)
{
	uint16_t fam;
	*any = false;
	if (len < sizeof(fam))
		return -EINVAL;
	memcpy(&fam, sa, sizeof(fam));
	if (c->family == AF_INET) {
		struct sockaddr_in in;
		if (len < sizeof(in))
			return -EINVAL;
		memcpy(&in, sa, sizeof(in));
		if (fam != AF_INET)
			return -EAFNOSUPPORT;
		ip_addr_set_ip4_u32_val(*ip, in.sin_addr.s_addr);
		*port = lwip_ntohs(in.sin_port);
		return 0;
	}
	struct sockaddr_in6 in6;
	if (len < sizeof(in6))
		return -EINVAL;
	memcpy(&in6, sa, sizeof(in6));
	if (fam != AF_INET6)
		return -EAFNOSUPPORT;
	*port = lwip_ntohs(in6.sin6_port);
	if (is_mapped(&in6.sin6_addr)) {
		if (c->v6only)
			return -ENETUNREACH;
		ip_addr_set_ip4_u32_val(*ip, in6.sin6_addr.s6_addr32[3]);
		return 0;
	}
	IP_ADDR6(ip, in6.sin6_addr.s6_addr32[0], in6.sin6_addr.s6_addr32[1], in6.sin6_addr.s6_addr32[2],
		 in6.sin6_addr.s6_addr32[3]);
	if (ip6_addr_isany(ip_2_ip6(ip)))
		*any = !c->v6only;
#if LWIP_IPV6_SCOPES
	if (ip6_addr_has_scope(ip_2_ip6(ip), IP6_UNKNOWN) && in6.sin6_scope_id)
		ip6_addr_set_zone(ip_2_ip6(ip), (u8_t)in6.sin6_scope_id);
#endif
	return 0;
}

void inet_addr_out(const struct inet_sock *c, const ip_addr_t *ip, uint16_t port, void *sa, uint32_t *len)
{
	uint8_t buf[sizeof(struct sockaddr_in6)];
	uint32_t full;
	memset(buf, 0, sizeof(buf));
	if (c->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)buf;
		in->sin_family = AF_INET;
		in->sin_port = lwip_htons(port);
		if (IP_IS_V4(ip))
			in->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(ip));
		full = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)buf;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = lwip_htons(port);
		if (IP_IS_V4(ip) && !ip4_addr_isany(ip_2_ip4(ip))) {
			in6->sin6_addr.s6_addr32[2] = PP_HTONL(0xffff);
			in6->sin6_addr.s6_addr32[3] = ip4_addr_get_u32(ip_2_ip4(ip));
		} else if (IP_IS_V6(ip)) {
			memcpy(in6->sin6_addr.s6_addr32, ip_2_ip6(ip)->addr, 16);
#if LWIP_IPV6_SCOPES
			if (ip6_addr_has_zone(ip_2_ip6(ip)))
				in6->sin6_scope_id = ip6_addr_zone(ip_2_ip6(ip));
#endif
		}
		full = sizeof(*in6);
	}
	memcpy(sa, buf, MIN(full, *len));
	*len = full;
}

bool inet_addr_local(const ip_addr_t *ip)
{
	struct netif *n;
	if (ip_addr_isany(ip))
		return true;
	NETIF_FOREACH(n) {
		if (IP_IS_V4(ip) && ip4_addr_cmp(ip_2_ip4(ip), netif_ip4_addr(n)))
			return true;
		if (IP_IS_V6(ip) && netif_get_ip6_addr_match(n, ip_2_ip6(ip)) >= 0)
			return true;
	}
	return false;
}

static long inet_create_common(struct sock *s, int family, int protocol)
{
	int type = s->type;
	if (type != SOCK_STREAM && type != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol && protocol != (type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP))
		return -EPROTONOSUPPORT;
	struct inet_sock *c = kzalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->family = family;
	c->s = s;
	long r = type == SOCK_STREAM ? tcp_sock_create(s, c) : udp_sock_create(s, c);
	if (r)
		kfree(c);
	return r;
}

static long inet4_create(struct sock *s, int protocol) { return inet_create_common(s, AF_INET, protocol); }
static long inet6_create(struct sock *s, int protocol) { return inet_create_common(s, AF_INET6, protocol); }

const struct net_family inet_family = {.family = AF_INET, .create = inet4_create};
const struct net_family inet6_family = {.family = AF_INET6, .create = inet6_create};
