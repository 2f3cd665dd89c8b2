/* tcp_sock.c: SOCK_STREAM sockets of AF_INET and AF_INET6 over lwIP's raw TCP API: bind
 * (EADDRINUSE, SO_REUSEADDR, port 0 = ephemeral), listen with a queue of accepted
 * connections, accept, blocking and non-blocking connect (EINPROGRESS, then POLLOUT and
 * SO_ERROR; ECONNREFUSED from the peer's RST), send through lwIP's send buffer (tcp_sndbuf:
 * a blocked writer sleeps until lwIP's sent callback), receive from a queue of pbufs
 * (tcp_recved reopens the window as the program reads; MSG_PEEK, MSG_WAITALL, SO_RCVLOWAT), shutdown,
 * names, TCP_NODELAY, TCP_CORK and MSG_MORE, SO_KEEPALIVE and TCP_KEEP*, IP_TOS/IP_TTL, IPV6_V6ONLY, FIONREAD/SIOCOUTQ,
 * SO_SNDBUF and SO_RCVBUF (the bytes in flight, the window; set before connect or listen), poll
 * bits, and close (FIN, or RST when unread data is left or SO_LINGER is 0; a closing
 * connection's pcb, TIME_WAIT included, then belongs to lwIP).
 *
 * lwIP's callbacks run inside net_lock, from a system call, the timer interrupt or the
 * device's interrupt: they queue and wake, nothing else. Not here: addresses (inet.c),
 * UDP (udp_sock.c), the socket system calls (socket.c). */
#include "inet.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include "lwip/port.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include <asm/ioctls.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/tcp.h>

#define CHUNK 4000              /* bytes copied per step (one kmalloc'd frame) */
#define SMALL_SEND 512          /* sends up to this size copy through the kernel stack */
#define QUEUE_MAX 128           /* connections waiting for accept() at most */
#define MEM_RETRY_NS 10000000   /* a writer short of lwIP heap tries again after 10 ms */

static const struct sock_ops tcp_ops;

/* --- SO_SNDBUF and SO_RCVBUF (inside net_lock) ------------------------------------------ */

/* The value the program asked for (the socket keeps it doubled, as Linux reports it),
 * within the window and send buffer lwIP is built with (lwipopts.h). */
static uint32_t rcv_window(const struct sock *s)
{
	return MAX((uint32_t)TCP_MSS, MIN(s->rcvbuf / 2, (uint32_t)TCP_WND));
}

/* Bytes a write may hand lwIP now: what SO_SNDBUF leaves beyond those not yet acknowledged. */
static size_t send_space(const struct sock *s, struct tcp_pcb *pcb)
{
	if (tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1)
		return 0;
	size_t space = tcp_sndbuf(pcb), queued = TCP_SND_BUF - space;
	size_t limit = MIN((size_t)s->sndbuf / 2, (size_t)TCP_SND_BUF);
	return queued >= limit ? 0 : MIN(space, limit - queued);
}

/* A connection's receive window no larger than SO_RCVBUF: set before the SYN, or, for one a
 * listener accepts, when the handshake ends (its SYN-ACK offered lwIP's whole TCP_WND: the
 * smaller window goes out at once in an ACK, and what the peer sent beyond it before
 * hearing so is dropped and sent again). tcp_recved keeps window + unread bytes at w. */
static void limit_window(struct tcp_pcb *pcb, uint32_t w)
{
	if (pcb->rcv_wnd <= w)
		return;
	pcb->rcv_wnd = pcb->rcv_ann_wnd = (tcpwnd_size_t)w;
	pcb->rcv_ann_right_edge = pcb->rcv_nxt + w;
	if (pcb->state != CLOSED)
		tcp_ack_now(pcb);       /* sent when lwIP finishes the segment that got here */
}

/* The program has read n bytes: the window opens by as much. lwIP announces a larger window
 * at once only when it grew by TCP_WND_UPDATE_THRESHOLD (a quarter of TCP_WND), which a
 * window that SO_RCVBUF keeps smaller may never do: the writer would wait for its persist
 * timer (256 KiB through a 4 KiB window took 74 s under TCG). Such a window is announced
 * once it grew by a quarter of its size. */
static void window_read(struct sock *s, struct tcp_pcb *pcb, u16_t n)
{
	tcpwnd_size_t before = pcb->rcv_ann_wnd;
	tcp_recved(pcb, n);
	uint32_t w = rcv_window(s);
	if (w < TCP_WND && pcb->rcv_ann_wnd > before && (uint32_t)(pcb->rcv_ann_wnd - before) >= w / 4) {
		tcp_ack_now(pcb);
		tcp_output(pcb);
	}
}

/* --- lwIP's callbacks (inside net_lock) --------------------------------------------- */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)err;
	struct inet_sock *c = arg;
	if (!c) {
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	unsigned int key = 0;
	if (!p) {
		c->rx_fin = true;
	} else if (c->shut_rd) {
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
	} else {
		c->rx_len += p->tot_len;
		if (c->rx)
			pbuf_cat(c->rx, p);
		else
			c->rx = p;
		key = POLLIN | POLLRDNORM;      /* input: an edge for epoll's EPOLLET items */
	}
	inet_wake_key(c, key);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)pcb;
	(void)len;
	if (arg)
		inet_wake_key(arg, POLLOUT | POLLWRNORM | POLLWRBAND);   /* acknowledged: room */
	return ERR_OK;
}

/* The pcb is already freed by lwIP. */
static void on_err(void *arg, err_t err)
{
	struct inet_sock *c = arg;
	if (!c)
		return;
	bool connecting = c->state == INET_CONNECTING;
	int e = err == ERR_RST ? (connecting ? ECONNREFUSED : ECONNRESET)
		: err == ERR_ABRT ? (connecting ? ETIMEDOUT : ECONNABORTED) : (int)-inet_err(err);
	c->tcp = NULL;
	c->state = INET_DEAD;
	inet_set_err(c, e);
	inet_wake(c);
}

static void names_from(struct inet_sock *c, struct tcp_pcb *pcb)
{
	ip_addr_copy(c->local, pcb->local_ip);
	c->lport = pcb->local_port;
	ip_addr_copy(c->remote, pcb->remote_ip);
	c->rport = pcb->remote_port;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)err;
	struct inet_sock *c = arg;
	if (c) {
		c->state = INET_CONNECTED;
		names_from(c, pcb);
		inet_wake(c);
	}
	return ERR_OK;
}

static void attach(struct inet_sock *c, struct tcp_pcb *pcb)
{
	c->tcp = pcb;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
}

static void detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	if (pcb->state == LISTEN) {
		tcp_accept(pcb, NULL);
		return;
	}
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
}

static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
	struct inet_sock *l = arg;
	if (!newpcb || err != ERR_OK)
		return ERR_VAL;
	if (!l || l->nspare == 0 || l->qlen == l->qcap) {
		tcp_abort(newpcb);
		return ERR_ABRT;
	}
	struct inet_sock *c = l->spare[--l->nspare];
	memset(c, 0, sizeof(*c));
	c->family = l->family;
	c->v6only = l->v6only;
	c->nodelay = l->nodelay;
	c->state = INET_CONNECTED;
	attach(c, newpcb);
	names_from(c, newpcb);
	if (c->nodelay)
		tcp_nagle_disable(newpcb);
	if (l->s)
		limit_window(newpcb, rcv_window(l->s));
	/* counted against the listener's backlog until accept() takes it: once the queue is
	 * full lwIP drops new SYNs (the clients retry), as Linux does */
	tcp_backlog_delayed(newpcb);
	l->queue[(l->qhead + l->qlen++) % l->qcap] = c;
	inet_wake(l);
	return ERR_OK;
}

/* --- helpers ---------------------------------------------------------------------------- */

static void free_conn(struct inet_sock *c, bool reset)
{
	if (c->tcp) {
		struct tcp_pcb *pcb = c->tcp;
		detach(pcb);
		c->tcp = NULL;
		/* lwIP resets a connection closed with less than the full window open, taking
		 * it for unread data: what is unread is c->rx (reset already), the rest of the
		 * gap is SO_RCVBUF's */
		if (!reset)
			pcb->rcv_wnd = TCP_WND_MAX(pcb);
		if (reset)
			tcp_abort(pcb);
		else if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
	}
	if (c->rx)
		pbuf_free(c->rx);
	c->rx = NULL;
}

static long take_error(struct sock *s)
{
	int e = s->so_error;
	s->so_error = 0;
	return -e;
}

/* SO_REUSEADDR never lets a second socket onto a listening port (Linux's rule; lwIP's
 * tcp_bind lets two SOF_REUSEADDR pcbs share it whatever their states). */
static bool listening_on(const ip_addr_t *ip, bool any, uint16_t port)
{
	for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; port && l; l = l->next)
		if (l->local_port == port && (any || ip_addr_isany(&l->local_ip) || ip_addr_cmp(&l->local_ip, ip)))
			return true;
	return false;
}

/* --- operations ------------------------------------------------------------------------- */

static long tcp_bind_op(struct sock *s, const void *addr, uint32_t len)
{
	struct inet_sock *c = s->priv;
	ip_addr_t ip;
	uint16_t port;
	bool any;
	long r = inet_addr_in(c, addr, len, &ip, &port, &any);
	if (r)
		return r;
	uint64_t f = net_lock();
	if (!c->tcp || c->state != INET_NEW || c->tcp->local_port) {
		r = -EINVAL;
	} else if (!inet_addr_local(&ip)) {
		r = -EADDRNOTAVAIL;
	} else if (listening_on(&ip, any, port)) {
		r = -EADDRINUSE;
	} else {
		if (s->so_flags & SOCKF_REUSEADDR)
			ip_set_option(c->tcp, SOF_REUSEADDR);
		r = inet_err(tcp_bind(c->tcp, any ? IP_ANY_TYPE : &ip, port));
		if (!r) {
			ip_addr_copy(c->local, c->tcp->local_ip);
			c->lport = c->tcp->local_port;
		}
	}
	net_unlock(f);
	return r;
}

static long tcp_listen_op(struct sock *s, int backlog)
{
	struct inet_sock *c = s->priv;
	if (c->state == INET_LISTEN)
		return 0;
	if (c->state != INET_NEW || !c->tcp)
		return -EINVAL;
	int cap = backlog < 1 ? 1 : backlog >= QUEUE_MAX ? QUEUE_MAX : backlog + 1;
	c->queue = kzalloc(sizeof(*c->queue) * cap);
	c->spare = kzalloc(sizeof(*c->spare) * cap);
	for (int i = 0; c->spare && i < cap; i++, c->nspare++)
		if (!(c->spare[i] = kzalloc(sizeof(struct inet_sock))))
			break;
	long r = c->queue && c->spare && c->nspare == cap ? 0 : -ENOMEM;
	uint64_t f = net_lock();
	if (!r && !c->tcp->local_port) {        /* listen() on an unbound socket: a free port */
		r = inet_err(tcp_bind(c->tcp, c->family == AF_INET || c->v6only ? &c->tcp->local_ip : IP_ANY_TYPE, 0));
	}
	if (!r) {
		if (s->so_flags & SOCKF_KEEPALIVE)
			ip_set_option(c->tcp, SOF_KEEPALIVE);
		err_t e = ERR_OK;
		struct tcp_pcb *l = tcp_listen_with_backlog_and_err(c->tcp, (u8_t)MIN(cap, 255), &e);
		if (!l) {
			r = inet_err(e);
		} else {
			c->tcp = l;     /* the old pcb is freed by lwIP */
			tcp_arg(l, c);
			tcp_accept(l, on_accept);
			c->state = INET_LISTEN;
			c->qcap = cap;
			ip_addr_copy(c->local, l->local_ip);
			c->lport = l->local_port;
		}
	}
	net_unlock(f);
	if (r) {
		for (int i = 0; i < c->nspare; i++)
			kfree(c->spare[i]);
		kfree(c->spare);
		kfree(c->queue);
		c->spare = c->queue = NULL;
		c->nspare = 0;
	}
	return r;
}

static long tcp_accept_op(struct sock *s, struct sock *child, bool nonblock)
{
	struct inet_sock *l = s->priv;
	if (l->state != INET_LISTEN)
		return -EINVAL;
	struct inet_sock *fresh = kzalloc(sizeof(*fresh));
	if (!fresh)
		return -ENOMEM;
	uint64_t deadline = 0;
	uint64_t f = net_lock();
	while (l->qlen == 0) {
		long r = net_wait(s, nonblock, false, &deadline);
		if (r) {
			net_unlock(f);
			kfree(fresh);
			return r;
		}
	}
	struct inet_sock *c = l->queue[l->qhead];
	l->qhead = (l->qhead + 1) % l->qcap;
	l->qlen--;
	l->spare[l->nspare++] = fresh;
	if (c->tcp)
		tcp_backlog_accepted(c->tcp);
	c->s = child;
	child->priv = c;
	child->ops = &tcp_ops;
	child->so_flags = s->so_flags & (SOCKF_KEEPALIVE | SOCKF_REUSEADDR);
	child->sndbuf = s->sndbuf;      /* inherited from the listener, as on Linux */
	child->rcvbuf = s->rcvbuf;
	if (c->err)
		child->so_error = c->err;
	net_unlock(f);
	return 0;
}

static long tcp_connect_op(struct sock *s, const void *addr, uint32_t len, bool nonblock)
{
	struct inet_sock *c = s->priv;
	ip_addr_t ip;
	uint16_t port;
	bool any;
	long r = inet_addr_in(c, addr, len, &ip, &port, &any);
	if (r)
		return r;
	uint64_t f = net_lock();
	switch (c->state) {
	case INET_NEW:
		if (!c->tcp) {
			r = -EINVAL;
			break;
		}
		if (s->so_flags & SOCKF_KEEPALIVE)
			ip_set_option(c->tcp, SOF_KEEPALIVE);
		if (c->nodelay)
			tcp_nagle_disable(c->tcp);
		limit_window(c->tcp, rcv_window(s));
		if (any)
			ip_addr_set_zero_ip6(&ip);      /* :: means this host, as on Linux */
		if (ip_addr_isany(&ip)) {
			if (IP_IS_V4(&ip))
				ip_addr_set_loopback(0, &ip);
			else
				ip_addr_set_loopback(1, &ip);
		}
		r = inet_err(tcp_connect(c->tcp, &ip, port, on_connected));
		if (r == -EADDRINUSE)
			r = -EADDRNOTAVAIL;
		if (r)
			break;
		c->state = INET_CONNECTING;
		names_from(c, c->tcp);
		net_flush();
		if (nonblock) {
			c->connect_pending = true;
			r = -EINPROGRESS;
			break;
		}
		/* wait for the handshake */
		__attribute__((fallthrough));
	case INET_CONNECTING:
		if (nonblock && c->state == INET_CONNECTING) {
			r = -EALREADY;
			break;
		}
		uint64_t deadline = 0;
		while (c->state == INET_CONNECTING && !r)
			r = net_wait(s, false, true, &deadline);
		if (r)
			break;
		r = c->state == INET_CONNECTED ? 0 : take_error(s);
		break;
	case INET_CONNECTED:
		/* the first connect() after a non-blocking one reports its success (Linux) */
		r = c->connect_pending ? 0 : -EISCONN;
		c->connect_pending = false;
		break;
	case INET_LISTEN:
		r = -EISCONN;
		break;
	case INET_DEAD:
		r = s->so_error ? take_error(s) : c->connect_pending ? -ECONNREFUSED : -ECONNABORTED;
		c->connect_pending = false;
		break;
	}
	net_unlock(f);
	return r;
}

static long tcp_sendmsg_op(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	struct inet_sock *c = s->priv;
	if (c->state != INET_CONNECTED && c->state != INET_DEAD)
		return c->state == INET_CONNECTING && nonblock ? -EAGAIN : -ENOTCONN;
	size_t left = m->data.left, sent = 0;
	/* small sends (the request/response kind) copy through the stack, larger ones through
	 * a kmalloc'd chunk */
	char small[SMALL_SEND];
	char *buf = left <= SMALL_SEND ? small : kmalloc(CHUNK);
	if (!buf)
		return -ENOMEM;
	uint64_t deadline = 0;
	long r = 0;
	uint64_t f = net_lock();
	while (left) {
		if (c->shut_wr || !c->tcp) {
			r = s->so_error ? take_error(s) : -EPIPE;
			break;
		}
		size_t space = send_space(s, c->tcp);
		if (space == 0) {
			if (sent && nonblock)
				break;
			r = net_wait(s, nonblock, true, &deadline);
			if (r)
				break;
			continue;
		}
		size_t n = MIN(MIN(space, left), (size_t)CHUNK);
		struct msg_iter saved = m->data;
		net_unlock(f);
		r = msg_iter_pull(&m->data, buf, n);
		f = net_lock();
		if (r)
			break;
		if (!c->tcp) {
			r = s->so_error ? take_error(s) : -EPIPE;
			break;
		}
		err_t e = tcp_write(c->tcp, buf, (u16_t)n, TCP_WRITE_FLAG_COPY | (left > n ? TCP_WRITE_FLAG_MORE : 0));
		if (e == ERR_MEM) {
			/* lwIP's heap is short (other sockets hold it): give the bytes back, wait
			 * a little (nothing may wake us), try again */
			m->data = saved;
			if (nonblock) {
				r = -EAGAIN;
				break;
			}
			net_flush();
			r = waitq_sleep_until(&s->wait, time_monotonic_ns() + MEM_RETRY_NS);
			if (r == -ETIMEDOUT)
				r = 0;
			if (r)
				break;
			continue;
		}
		if (e != ERR_OK) {
			r = inet_err(e);
			break;
		}
		if (!c->cork && !(flags & MSG_MORE))
			tcp_output(c->tcp);     /* else lwIP sends on the next ACK or timer */
		sent += n;
		left -= n;
	}
	net_unlock(f);
	if (buf != small)
		kfree(buf);
	return sent ? (long)sent : r;
}

/* Copy n bytes at offset off of the receive queue out to the program, without the lock:
 * only this task frees the queue, interrupts only append to it. */
static long rx_copy(struct inet_sock *c, struct msg_iter *it, size_t off, size_t n)
{
	struct pbuf *q = c->rx;
	while (q && off >= q->len) {
		off -= q->len;
		q = q->next;
	}
	while (q && n) {
		size_t k = MIN((size_t)q->len - off, n);
		long r = msg_iter_push(it, (char *)q->payload + off, k);
		if (r)
			return r;
		n -= k;
		off = 0;
		q = q->next;
	}
	return 0;
}

static long tcp_recvmsg_op(struct sock *s, struct sock_msg *m, int flags, bool nonblock)
{
	struct inet_sock *c = s->priv;
	if (flags & MSG_OOB)
		return -EINVAL;         /* no urgent data is ever kept (Linux: EINVAL without any) */
	if (c->state == INET_NEW || c->state == INET_LISTEN)
		return -ENOTCONN;
	size_t want = m->data.left, got = 0;
	bool peek = flags & MSG_PEEK, waitall = (flags & MSG_WAITALL) && !peek;
	uint64_t deadline = 0;
	long r = 0;
	uint64_t f = net_lock();
	while (got < want || want == 0) {
		size_t avail = c->rx_len - (peek ? got : 0);
		if (peek && c->rx_len < got)
			avail = 0;
		if (avail) {
			size_t n = MIN(avail, want - got);
			net_unlock(f);
			r = rx_copy(c, &m->data, peek ? got : 0, n);
			f = net_lock();
			if (r)
				break;
			if (!peek) {
				c->rx = pbuf_free_header(c->rx, (u16_t)n);
				c->rx_len -= (uint32_t)n;
				if (c->tcp)
					window_read(s, c->tcp, (u16_t)n);
			}
			got += n;
			continue;
		}
		/* SO_RCVLOWAT: a blocking read waits for that many bytes (or what it asked for) */
		if (want == 0 || (got && !waitall && (got >= MIN((size_t)s->rcvlowat, want) || nonblock)))
			break;
		if (s->so_error) {
			if (!got)
				r = take_error(s);
			break;
		}
		if (c->rx_fin || c->shut_rd || c->state == INET_DEAD)
			break;
		r = net_wait(s, nonblock, false, &deadline);
		if (r)
			break;
	}
	net_unlock(f);
	return got ? (long)got : r;
}

static long tcp_shutdown_op(struct sock *s, int how)
{
	struct inet_sock *c = s->priv;
	if (c->state != INET_CONNECTED && c->state != INET_CONNECTING)
		return -ENOTCONN;
	long r = 0;
	uint64_t f = net_lock();
	if (how != SHUT_WR)
		c->shut_rd = true;
	if (how != SHUT_RD && !c->shut_wr) {
		c->shut_wr = true;
		if (c->tcp && c->state == INET_CONNECTED)
			r = inet_err(tcp_shutdown(c->tcp, 0, 1));
	}
	sock_wake(s);
	net_unlock(f);
	return r;
}

static long tcp_getname_op(struct sock *s, void *addr, uint32_t *len, bool peer)
{
	struct inet_sock *c = s->priv;
	uint64_t f = net_lock();
	long r = 0;
	if (peer) {
		if (c->state != INET_CONNECTED)
			r = -ENOTCONN;
		else
			inet_addr_out(c, &c->remote, c->rport, addr, len);
	} else {
		if (c->tcp && c->state != INET_LISTEN) {
			ip_addr_copy(c->local, c->tcp->local_ip);
			c->lport = c->tcp->local_port;
		}
		inet_addr_out(c, &c->local, c->lport, addr, len);
	}
	net_unlock(f);
	return r;
}

static long tcp_setsockopt_op(struct sock *s, int level, int name, const void *val, uint32_t len)
{
	struct inet_sock *c = s->priv;
	int v;
	long r = inet_opt_int(val, len, &v);
	if (r)
		return r;
	uint64_t f = net_lock();
	struct tcp_pcb *pcb = c->state != INET_LISTEN ? c->tcp : NULL;
	if (level == SOL_SOCKET && name == SO_KEEPALIVE) {
		if (c->tcp && v)
			ip_set_option(c->tcp, SOF_KEEPALIVE);
		else if (c->tcp)
			ip_reset_option(c->tcp, SOF_KEEPALIVE);
	} else if (level == IPPROTO_TCP && name == TCP_NODELAY) {
		c->nodelay = v != 0;
		if (pcb && v)
			tcp_nagle_disable(pcb);
		else if (pcb)
			tcp_nagle_enable(pcb);
	} else if (level == IPPROTO_TCP && name == TCP_CORK) {
		c->cork = v != 0;
		if (pcb && !c->cork && c->state == INET_CONNECTED)
			tcp_output(pcb);
	} else if (level == IPPROTO_IP && c->tcp) {
		r = inet_ip_setopt(&c->tcp->tos, &c->tcp->ttl, level, name, v);
	} else if (level == IPPROTO_TCP && (name == TCP_KEEPIDLE || name == TCP_KEEPINTVL || name == TCP_KEEPCNT)) {
		if (v < 1 || v > (name == TCP_KEEPCNT ? 127 : 32767))
			r = -EINVAL;
		else if (pcb && name == TCP_KEEPIDLE)
			pcb->keep_idle = (u32_t)v * 1000;
		else if (pcb && name == TCP_KEEPINTVL)
			pcb->keep_intvl = (u32_t)v * 1000;
		else if (pcb)
			pcb->keep_cnt = (u32_t)v;
	} else if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && c->family == AF_INET6) {
		if (c->state != INET_NEW || (c->tcp && c->tcp->local_port)) {
			r = -EINVAL;
		} else {
			c->v6only = v != 0;
			if (c->tcp)
				IP_SET_TYPE_VAL(c->tcp->local_ip, c->v6only ? IPADDR_TYPE_V6 : IPADDR_TYPE_ANY);
		}
	} else {
		r = -ENOPROTOOPT;
	}
	net_unlock(f);
	return r;
}

static long tcp_getsockopt_op(struct sock *s, int level, int name, void *val, uint32_t *len)
{
	struct inet_sock *c = s->priv;
	struct tcp_pcb *pcb = c->state != INET_LISTEN ? c->tcp : NULL;
	if (level == IPPROTO_TCP && name == TCP_NODELAY)
		return inet_opt_put_int(val, len, c->nodelay);
	if (level == IPPROTO_TCP && name == TCP_CORK)
		return inet_opt_put_int(val, len, c->cork);
	if (level == IPPROTO_IP && c->tcp)
		return inet_ip_getopt(c->tcp->tos, c->tcp->ttl, level, name, val, len);
	if (level == IPPROTO_TCP && name == TCP_MAXSEG)
		return inet_opt_put_int(val, len, pcb && c->state == INET_CONNECTED ? pcb->mss : TCP_MSS);
	if (level == IPPROTO_TCP && name == TCP_KEEPIDLE)
		return inet_opt_put_int(val, len, pcb ? (int)(pcb->keep_idle / 1000) : (int)(TCP_KEEPIDLE_DEFAULT / 1000));
	if (level == IPPROTO_TCP && name == TCP_KEEPINTVL)
		return inet_opt_put_int(val, len, pcb ? (int)(pcb->keep_intvl / 1000) : (int)(TCP_KEEPINTVL_DEFAULT / 1000));
	if (level == IPPROTO_TCP && name == TCP_KEEPCNT)
		return inet_opt_put_int(val, len, pcb ? (int)pcb->keep_cnt : (int)TCP_KEEPCNT_DEFAULT);
	if (level == IPPROTO_IPV6 && name == IPV6_V6ONLY && c->family == AF_INET6)
		return inet_opt_put_int(val, len, c->v6only);
	return -ENOPROTOOPT;
}

static long tcp_ioctl_op(struct sock *s, unsigned int cmd, uint64_t arg)
{
	struct inet_sock *c = s->priv;
	int v;
	if (cmd == FIONREAD) {
		if (c->state == INET_LISTEN)
			return -EINVAL;
		v = (int)c->rx_len;
	} else if (cmd == TIOCOUTQ) {
		if (c->state == INET_LISTEN)
			return -EINVAL;
		uint64_t f = net_lock();
		v = c->tcp ? TCP_SND_BUF - tcp_sndbuf(c->tcp) : 0;
		net_unlock(f);
	} else {
		return -ENOTTY;
	}
	return copy_to_user(arg, &v, sizeof(v));
}

/* Interrupts are disabled here (the poll contract). */
static unsigned int tcp_poll_op(struct sock *s)
{
	struct inet_sock *c = s->priv;
	unsigned int m = s->so_error ? POLLERR : 0;
	switch (c->state) {
	case INET_LISTEN:
		return m | (c->qlen ? POLLIN | POLLRDNORM : 0);
	case INET_NEW:
		return m | POLLOUT | POLLWRNORM | POLLHUP;
	case INET_CONNECTING:
		return m;
	case INET_DEAD:
		return m | POLLIN | POLLRDNORM | POLLRDHUP | POLLHUP | POLLOUT | POLLWRNORM;
	case INET_CONNECTED:
		break;
	}
	if ((c->rx_len && c->rx_len >= (uint32_t)s->rcvlowat) || c->rx_fin || c->shut_rd)
		m |= POLLIN | POLLRDNORM;
	if (c->rx_fin || c->shut_rd)
		m |= POLLRDHUP;
	if (c->rx_fin && c->shut_wr)
		m |= POLLHUP;
	/* writable with room for a full segment (Linux: a third of the buffer), or after SHUT_WR
	 * (where write fails at once) */
	if (c->shut_wr || (c->tcp && send_space(s, c->tcp) >= MIN((size_t)TCP_MSS, (size_t)s->sndbuf / 4)))
		m |= POLLOUT | POLLWRNORM;
	return m;
}

static void tcp_release_op(struct sock *s)
{
	struct inet_sock *c = s->priv;
	if (!c)
		return;
	uint64_t f = net_lock();
	if (c->state == INET_LISTEN) {
		struct tcp_pcb *l = c->tcp;
		detach(l);
		tcp_close(l);
		c->tcp = NULL;
		for (; c->qlen; c->qlen--, c->qhead = (c->qhead + 1) % c->qcap) {
			free_conn(c->queue[c->qhead], true);
			c->spare[c->nspare++] = c->queue[c->qhead];
		}
	} else {
		bool reset = (s->linger_onoff && s->linger_sec == 0) || c->rx_len;
		free_conn(c, reset);
	}
	net_unlock(f);
	for (int i = 0; i < c->nspare; i++)
		kfree(c->spare[i]);
	kfree(c->spare);
	kfree(c->queue);
	kfree(c);
	s->priv = NULL;
}

static const struct sock_ops tcp_ops = {
	.bind = tcp_bind_op,
	.listen = tcp_listen_op,
	.accept = tcp_accept_op,
	.connect = tcp_connect_op,
	.sendmsg = tcp_sendmsg_op,
	.recvmsg = tcp_recvmsg_op,
	.shutdown = tcp_shutdown_op,
	.getname = tcp_getname_op,
	.setsockopt = tcp_setsockopt_op,
	.getsockopt = tcp_getsockopt_op,
	.ioctl = tcp_ioctl_op,
	.poll = tcp_poll_op,
	.release = tcp_release_op,
};

long tcp_sock_create(struct sock *s, struct inet_sock *c)
{
	uint64_t f = net_lock();
	struct tcp_pcb *pcb = tcp_new_ip_type(c->family == AF_INET ? IPADDR_TYPE_V4 : IPADDR_TYPE_ANY);
	if (pcb)
		attach(c, pcb);
	net_unlock(f);
	if (!pcb)
		return -ENOMEM;
	s->priv = c;
	s->ops = &tcp_ops;
	return 0;
}
