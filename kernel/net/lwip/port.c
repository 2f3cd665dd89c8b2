/* port.c: lwIP's port to the kernel: its lock (interrupts off), its clock (sys_now from
 * CLOCK_MONOTONIC), its timers, its random numbers, diagnostics, and the stack's start.
 *
 * Timers: lwIP's timeouts (TCP's fast and slow timers, ARP, ND, reassembly) are run from the
 * timer interrupt (net_tick, every tick: sys_check_timeouts returns at once when nothing is
 * due). Interrupts are off there, and every other entry into lwIP runs with interrupts off
 * too, so the timer never lands inside lwIP. The alternative, running timeouts before each
 * socket operation, would stall a delayed ACK or a retransmission whenever no program calls
 * into the network, and a blocked reader waiting for that ACK would wait forever.
 *
 * Not here: the socket layer (net/inet.c, tcp_sock.c, udp_sock.c), the device's netif
 * (net/netif.c). */
#include "lib.h"
#include "net.h"
#include "netstack.h"
#include "vfs.h"
#include "wait.h"
#include "x86.h"
#include "port.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

void netif_dev_attach(void);    /* net/netif.c */

static bool net_up;
static uint64_t rand_state;

u32_t sys_now(void) { return (u32_t)(time_monotonic_ns() / 1000000); }

void lwip_port_assert(const char *msg, const char *file, int line)
{
	printk("lwip: assertion failed: %s (%s:%d)\n", msg, file, line);
}

unsigned int lwip_port_rand(void)
{
	if (!rand_state)
		rand_state = rdtsc() | 1;
	rand_state ^= rand_state << 13;
	rand_state ^= rand_state >> 7;
	rand_state ^= rand_state << 17;
	return (unsigned int)(rand_state >> 16);
}

int atoi(const char *s)
{
	int v = 0, neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}

uint64_t net_lock(void) { return irq_save(); }

void net_flush(void)
{
	/* each pass may queue replies (ACKs, RSTs): go on until the queues are empty */
	for (int pass = 0; pass < 64; pass++) {
		bool pending = false;
		struct netif *n;
		NETIF_FOREACH(n)
			pending |= n->loop_first != NULL;
		if (!pending)
			return;
		netif_poll_all();
	}
}

void net_unlock(uint64_t state)
{
	net_flush();
	irq_restore(state);
}

long net_wait(struct sock *s, bool nonblock, bool send, uint64_t *deadline)
{
	net_flush();
	return sock_wait(s, nonblock, send, deadline);
}

void net_tick(void)
{
	if (!net_up)
		return;
	sys_check_timeouts();
	net_flush();
}

void net_init(void)
{
	uint64_t f = net_lock();
	lwip_init();
	/* loopback packets are never corrupted: no checksums to compute or check */
	struct netif *n;
	NETIF_FOREACH(n)
		if (n->name[0] == 'l' && n->name[1] == 'o')
			NETIF_SET_CHECKSUM_CTRL(n, NETIF_CHECKSUM_DISABLE_ALL);
	netif_dev_attach();
	net_up = true;
	net_unlock(f);
	printk("net: lwIP %s, loopback 127.0.0.1/8 and ::1\n", LWIP_VERSION_STRING);
}
