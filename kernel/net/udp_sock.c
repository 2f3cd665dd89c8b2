/* udp_sock.c: SOCK_DGRAM sockets of AF_INET and AF_INET6 over lwIP's raw UDP API: bind
 * (EADDRINUSE, port 0 = ephemeral), connect (a default destination and a source filter;
 * AF_UNSPEC undoes it), sendto/sendmsg (one datagram per call, EMSGSIZE past 65507/65527
 * bytes), recvfrom/recvmsg from a ring of received datagrams with their sources (message
 * boundaries kept; MSG_TRUNC, MSG_PEEK), FIONREAD (the next datagram's size), poll bits,
 * shutdown, names, IPV6_V6ONLY, SO_BROADCAST, IP_TOS/IP_TTL.
 *
 * Received datagrams are dropped (as Linux drops them) when the ring is full or the queued
 * bytes pass SO_RCVBUF. A port unreachable error (ICMP or ICMPv6) about a datagram a
 * connected socket sent becomes its pending error, ECONNREFUSED for the next send or
 * receive, as on Linux (lwIP does not report ICMP errors to UDP pcbs: udp_icmp_input, its
 * input hook, does); an unconnected socket hears none (Linux's too, without IP_RECVERR).
 * Not here: addresses (inet.c), TCP (tcp_sock.c), the system calls (socket.c). */
#include "inet.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "lwip/port.h"
#include "lwip/udp.h"
#include "lwip/pbuf.h"
#include "lwip/netif.h"
#include <asm/ioctls.h>
#include <linux/in.h>
#include <linux/in6.h>

#define DGRAM_RING 256

static const struct sock_ops udp_ops;

/* lwIP's receive callback, inside net_lock. */
static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr, u16_t port)
{
	(void)pcb;
	struct inet_sock *c = arg;
	if (!c || !c->s || c->shut_rd || c->dlen == c->dcap || c->dbytes + p->tot_len > c->s->rcvbuf) {
		pbuf_free(p);
		return;
	}
	struct dgram *d = &c->dq[(c->dhead + c->dlen++) % c->dcap];
	d->p = p;
	ip_addr_copy(d->addr, *addr);
	d->port = port;
	c->dbytes += p->tot_len;
	inet_wake(c);
}

/* lwIP's input hook (lwipopts.h), inside net_lock, for every IP packet; p->payload is its
 * IP header. A port unreachable error quotes the IP and UDP headers of the datagram that
 * caused it: the connected socket that sent it (its local port, its peer's address and
 * port) gets ECONNREFUSED. Always 0: lwIP goes on with the packet (and ignores it). */
int udp_icmp_input(struct pbuf *p, int v6)
{
	const uint8_t *b = p->payload;
	size_t ip, icmp = 0;                    /* offsets of the quoted IP header, of the ICMP one */
	if (!v6 && p->len >= 20 && (b[0] >> 4) == 4 && b[9] == IP_PROTO_ICMP) {
		icmp = (size_t)(b[0] & 15) * 4;
		ip = icmp + 8;
		if (p->len < ip + 20 + 4 || b[icmp] != 3 /* unreachable */ || b[icmp + 1] != 3 /* port */ ||
		    (b[ip] >> 4) != 4 || b[ip + 9] != IP_PROTO_UDP)
			return 0;
	} else if (v6 && p->len >= 40 && (b[0] >> 4) == 6 && b[6] == IP6_NEXTH_ICMP6) {
		icmp = 40;
		ip = icmp + 8;
		if (p->len < ip + 40 + 4 || b[icmp] != 1 /* unreachable */ || b[icmp + 1] != 4 /* port */ ||
		    (b[ip] >> 4) != 6 || b[ip + 6] != IP6_NEXTH_UDP)
			return 0;
	} else {
		return 0;
	}
	ip_addr_t dst;
	memset(&dst, 0, sizeof(dst));
	size_t udp;
	if (!v6) {
		udp = ip + (size_t)(b[ip] & 15) * 4;
		if (p->len < udp + 4)
			return 0;
		IP_ADDR4(&dst, b[ip + 16], b[ip + 17], b[ip + 18], b[ip + 19]);
	} else {
		udp = ip + 40;
		uint32_t w[4];
		memcpy(w, b + ip + 24, sizeof(w));
		IP_ADDR6(&dst, w[0], w[1], w[2], w[3]);
		ip6_addr_clear_zone(ip_2_ip6(&dst));
	}
	uint16_t sport = (uint16_t)(b[udp] << 8 | b[udp + 1]), dport = (uint16_t)(b[udp + 2] << 8 | b[udp + 3]);
	for (struct udp_pcb *u = udp_pcbs; u; u = u->next) {
		struct inet_sock *c = u->recv_arg;
		if (c && (u->flags & UDP_FLAGS_CONNECTED) && u->local_port == sport && u->remote_port == dport &&
		    ip_addr_cmp(&u->remote_ip, &dst)) {
			inet_set_err(c, ECONNREFUSED);
			inet_wake(c);
		}
	}
	return 0;
}

static long udp_bind_op(struct sock *s, const void *addr, uint32_t len)
{
	struct inet_sock *c = s->priv;
	ip_addr_t ip;
	uint16_t port;
	bool any;
	long r = inet_addr_in(c, addr, len, &ip, &port, &any);
	if (r)
		return r;
	uint64_t f = net_lock();
	if (c->udp->local_port) {
		r = -EINVAL;
	} else if (!inet_addr_local(&ip)) {
		r = -EADDRNOTAVAIL;
	} else {
		if (s->so_flags & SOCKF_REUSEADDR)
			ip_set_option(c->udp, SOF_REUSEADDR);
		r = inet_err(udp_bind(c->udp, any ? IP_ANY_TYPE : &ip, port));
	}
	net_unlock(f);
	return r;
}

static long udp_connect_op(struct sock *s, const void *addr, uint32_t len, bool nonblock)
{
	(void)nonblock;
	struct inet_sock *c = s->priv;
	uint16_t fam = 0;
	if (len >= sizeof(fam))
		memcpy(&fam, addr, sizeof(fam));
	ip_addr_t ip;
	uint16_t port;
	bool any;
	long r = fam == AF_UNSPEC && len >= sizeof(fam) ? 0 : inet_addr_in(c, addr, len, &ip, &port, &any);
	if (r)
		return r;
	uint64_t f = net_lock();
	if (fam == AF_UNSPEC) {
		udp_disconnect(c->udp);
		c->state = INET_NEW;
	} else {
		if (any)
			ip_addr_set_zero_ip6(&ip);
		if (ip_addr_isany(&ip))
			ip_addr_set_loopback(IP_IS_V6(&ip), &ip);
		r = inet_err(udp_connect(c->udp, &ip, port));
		if (!r) {
			c->state = INET_CONNECTED;
			ip_addr_copy(c->remote, ip);
			c->rport = port;
		}
	}
	net_unlock(f);
	return r;
}

static long udp_sendmsg_op(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	(void)flags;
	(void)nonblock;
	struct inet_sock *c = s->priv;
	ip_addr_t ip;
	uint16_t port = 0;
	bool any, to = m->addr != NULL;
	size_t len = m->data.left;
	if (to) {
		long r = inet_addr_in(c, m->addr, m->addrlen, &ip, &port, &any);
		if (r)
			return r;
		if (any)
			ip_addr_set_zero_ip6(&ip);
		if (ip_addr_isany(&ip))
			ip_addr_set_loopback(IP_IS_V6(&ip), &ip);
	} else if (c->state != INET_CONNECTED) {
		return -EDESTADDRREQ;
	}
	if (c->shut_wr)
		return -EPIPE;
	if (to && IP_IS_V4(&ip) && !ip_get_option(c->udp, SOF_BROADCAST)) {
		struct netif *n;
		NETIF_FOREACH(n)
			if (ip4_addr_isbroadcast(ip_2_ip4(&ip), n))
				return -EACCES;        /* a broadcast without SO_BROADCAST */
	}
	if (len > (size_t)(c->family == AF_INET || (to && IP_IS_V4(&ip)) ? 65507 : 65527))
		return -EMSGSIZE;
	uint64_t f = net_lock();
	if (s->so_error) {                      /* an earlier datagram's error (Linux) */
		long e = -s->so_error;
		s->so_error = 0;
		net_unlock(f);
		return e;
	}
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
	net_unlock(f);
	if (!p)
		return -ENOMEM;
	long r = msg_iter_pull(&m->data, p->payload, len);
	f = net_lock();
	if (!r)
		r = inet_err(to ? udp_sendto(c->udp, p, &ip, port) : udp_send(c->udp, p));
	pbuf_free(p);
	net_unlock(f);
	return r ? r : (long)len;
}

static long udp_recvmsg_op(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	struct inet_sock *c = s->priv;
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	uint64_t deadline = 0;
	long r = 0;
	uint64_t f = net_lock();
	while (!c->dlen && !r) {
		if (s->so_error) {
			r = -s->so_error;
			s->so_error = 0;
		} else if (c->shut_rd) {
			net_unlock(f);
			return 0;
		} else {
			r = net_wait(s, nonblock, false, &deadline);
		}
	}
	if (r) {
		net_unlock(f);
		return r;
	}
	struct dgram d = c->dq[c->dhead];
	if (!(flags & MSG_PEEK)) {
		c->dhead = (c->dhead + 1) % c->dcap;
		c->dlen--;
		c->dbytes -= d.p->tot_len;
	}
	net_unlock(f);
	/* the datagram is ours now (or, peeked, freed only by a receiving task) */
	size_t full = d.p->tot_len, n = MIN(full, m->data.left), done = 0;
	for (struct pbuf *q = d.p; q && done < n && !r; q = q->next) {
		size_t k = MIN((size_t)q->len, n - done);
		r = msg_iter_push(&m->data, q->payload, k);
		done += k;
	}
	if (m->addr) {
		uint32_t alen = m->addrlen;
		inet_addr_out(c, &d.addr, d.port, m->addr, &alen);
		m->addrlen = alen;
	}
	if (full > n)
		m->out_flags |= MSG_TRUNC;
	if (!(flags & MSG_PEEK)) {
		f = net_lock();
		pbuf_free(d.p);
		net_unlock(f);
	}
	if (r)
		return r;
	return (long)((flags & MSG_TRUNC) ? full : n);
}

static long udp_shutdown_op(struct sock *s, int how)
{
	struct inet_sock *c = s->priv;
	if (c->state != INET_CONNECTED)
		return -ENOTCONN;
	uint64_t f = net_lock();
	if (how != SHUT_WR)
		c->shut_rd = true;
	if (how != SHUT_RD)
		c->shut_wr = true;
	sock_wake(s);
	net_unlock(f);
	return 0;
}

static long udp_getname_op(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct inet_sock *c = s->priv;
	if (peer && c->state != INET_CONNECTED)
		return -ENOTCONN;
	uint64_t f = net_lock();
	if (peer)
		inet_addr_out(c, &c->remote, c->rport, addr, len);
	else
		inet_addr_out(c, &c->udp->local_ip, c->udp->local_port, addr, len);
	net_unlock(f);
	return 0;
}

static long udp_setsockopt_op(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	struct inet_sock *c = s->priv;
	int v;
	long r = inet_opt_int(val, len, &v);
	if (r)
		return r;
	uint64_t f;
	if (level == SOL_SOCKET && name == SO_BROADCAST) {
		f = net_lock();
		if (v)
			ip_set_option(c->udp, SOF_BROADCAST);
		else
			ip_reset_option(c->udp, SOF_BROADCAST);
		net_unlock(f);
		return 0;
	}
	if (level == IPPROTO_IP) {
		f = net_lock();
		r = inet_ip_setopt(&c->udp->tos, &c->udp->ttl, level, name, v);
		net_unlock(f);
		return r;
	}
	if (!(level == IPPROTO_IPV6 && name == IPV6_V6ONLY && c->family == AF_INET6))
		return -ENOPROTOOPT;
	f = net_lock();
	if (c->udp->local_port) {
		r = -EINVAL;
	} else {
		c->v6only = v != 0;
		IP_SET_TYPE_VAL(c->udp->local_ip, c->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY);
	}
	net_unlock(f);
	return r;
}

static long udp_getsockopt_op(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	struct inet_sock *c = s->priv;
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && c->family == AF_INET6)
		return inet_opt_put_int(val, len, c->v6only);
	if (level == SOL_SOCKET && name == SO_BROADCAST)
		return inet_opt_put_int(val, len, ip_get_option(c->udp, SOF_BROADCAST) != 0);
	if (level == IPPROTO_IP)
		return inet_ip_getopt(c->udp->tos, c->udp->ttl, level, name, val, len);
	return -ENOPROTOOPT;
}

static long udp_ioctl_op(struct sock *s, unsigned int cmd, uint64_t arg)
{
	struct inet_sock *c = s->priv;
	int v;
	if (cmd == FIONREAD) {
		uint64_t f = net_lock();
		v = c->dlen ? c->dq[c->dhead].p->tot_len : 0;
		net_unlock(f);
	} else if (cmd == TIOCOUTQ) {
		v = 0;  /* a datagram leaves in the call that sends it */
	} else {
		return -ENOTTY;
	}
	return copy_to_user(arg, &v, sizeof(v));
}

static unsigned int udp_poll_op(struct sock *s)
{
	struct inet_sock *c = s->priv;
	unsigned int m = POLLOUT | POLLWRNORM;
	if (s->so_error)
		m |= POLLERR;
	if (c->dlen || c->shut_rd)
		m |= POLLIN | POLLRDNORM;
	if (c->shut_rd)
		m |= POLLRDHUP;
	if (c->shut_rd && c->shut_wr)
		m |= POLLHUP;
	return m;
}

static void udp_release_op(struct sock *s)
{
	struct inet_sock *c = s->priv;
	if (!c)
		return;
	uint64_t f = net_lock();
	udp_remove(c->udp);
	for (; c->dlen; c->dlen--, c->dhead = (c->dhead + 1) % c->dcap)
		pbuf_free(c->dq[c->dhead].p);
	net_unlock(f);
	kfree(c->dq);
	kfree(c);
	s->priv = NULL;
}

static const struct sock_ops udp_ops = {
	.bind = udp_bind_op,
	.connect = udp_connect_op,
	.sendmsg = udp_sendmsg_op,
	.recvmsg = udp_recvmsg_op,
	.shutdown = udp_shutdown_op,
	.getname = udp_getname_op,
	.setsockopt = udp_setsockopt_op,
	.getsockopt = udp_getsockopt_op,
	.ioctl = udp_ioctl_op,
	.poll = udp_poll_op,
	.release = udp_release_op,
};

long udp_sock_create(struct sock *s, struct inet_sock *c)
{
	c->dcap = DGRAM_RING;
	c->dq = kzalloc(sizeof(*c->dq) * DGRAM_RING);
	if (!c->dq)
		return -ENOMEM;
	uint64_t f = net_lock();
	c->udp = udp_new_ip_type(c->family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
	if (c->udp)
		udp_recv(c->udp, on_recv, c);
	net_unlock(f);
	if (!c->udp) {
		kfree(c->dq);
		return -ENOMEM;
	}
	s->priv = c;
	s->ops = &udp_ops;
	return 0;
}
