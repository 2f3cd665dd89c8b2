/* netdiag.c: the kernel shell's `net` command, a diagnostic of the network device that needs
 * no TCP/IP stack. Owns:
 *   net                 the device, its MAC, link and counters (or "no network device")
 *   net arp A.B.C.D [N] an ARP request from 10.0.2.15 (our static address on QEMU's user
 *                       network) for A.B.C.D, N times in a row (default 1); prints the
 *                       reply's MAC or "no reply" (2 s per request)
 *   net send LEN        one broadcast test frame of LEN bytes (EtherType 0x88b5, the IEEE
 *                       "local experimental" one), or the error send() returns
 * It watches replies through netdev->monitor, so it works beside the stack. Does not own the
 * device (net/virtio_net.c). */
#include "lib.h"
#include "netdev.h"
#include "vfs.h"
#include "wait.h"
#include <asm-generic/errno.h>

#define OUR_IP 0x0a00020f /* 10.0.2.15 */
#define ARP_WAIT_NS 2000000000ULL

static struct waitq arp_wq;
static uint32_t arp_target;
static uint8_t arp_mac[6];
static bool arp_got;

static bool parse_ip(const char *s, uint32_t *ip)
{
	uint32_t v = 0;
	for (int part = 0; part < 4; part++) {
		if (*s < '0' || *s > '9')
			return false;
		uint32_t n = 0;
		while (*s >= '0' && *s <= '9' && n <= 255)
			n = n * 10 + (uint32_t)(*s++ - '0');
		if (n > 255 || (part < 3 && *s++ != '.'))
			return false;
		v = v << 8 | n;
	}
	*ip = v;
	return *s == 0;
}

static void put_ip(uint8_t *p, uint32_t ip)
{
	p[0] = ip >> 24;
	p[1] = ip >> 16;
	p[2] = ip >> 8;
	p[3] = ip;
}

static uint32_t get_ip(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* Ethernet (14) + ARP for IPv4 over Ethernet (28): htype 1, ptype 0x0800, op 2 = reply. */
static void arp_monitor(struct netdev *d UNUSED, const void *frame, size_t len)
{
	const uint8_t *f = frame;
	if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 2 || get_ip(f + 28) != arp_target)
		return;
	memcpy(arp_mac, f + 22, 6);
	arp_got = true;
	waitq_wake_all(&arp_wq);
}

static void arp_request(uint8_t *f, const uint8_t mac[6], uint32_t target)
{
	memset(f, 0xff, 6);                                   /* broadcast */
	memcpy(f + 6, mac, 6);
	memcpy(f + 12, (uint8_t[]){0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1}, 10); /* ARP, request */
	memcpy(f + 22, mac, 6);                               /* sender */
	put_ip(f + 28, OUR_IP);
	memset(f + 32, 0, 6);                                 /* target MAC: unknown */
	put_ip(f + 38, target);
	memset(f + 42, 0, 18);                                /* padding to 60 bytes */
}

/* One request and its reply: 0, -ETIMEDOUT, or send()'s error. */
static long arp_once(struct netdev *d, uint32_t ip)
{
	uint8_t f[60];
	arp_request(f, d->mac, ip);
	uint64_t irq = irq_save();
	arp_target = ip;
	arp_got = false;
	d->monitor = arp_monitor;
	long err = d->send(d, f, sizeof(f));
	uint64_t deadline = time_monotonic_ns() + ARP_WAIT_NS;
	while (!err && !arp_got && waitq_sleep_until(&arp_wq, deadline) == 0)
		;
	d->monitor = NULL;
	irq_restore(irq);
	return err ? err : arp_got ? 0 : -ETIMEDOUT;
}

static bool parse_count(const char *s, unsigned long *n)
{
	*n = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || *n > 1000000)
			return false;
		*n = *n * 10 + (unsigned long)(*s - '0');
	}
	return true;
}

/* net arp IP [COUNT]: COUNT requests one after the other (the rings wrap after 64/128). */
static void cmd_arp(struct netdev *d, const char *arg, const char *count)
{
	uint32_t ip;
	unsigned long n = 1, replies = 0;
	if (!parse_ip(arg, &ip) || (count && (!parse_count(count, &n) || n == 0))) {
		printk("usage: net arp A.B.C.D [COUNT]\n");
		return;
	}
	long err = 0;
	for (unsigned long i = 0; i < n; i++) {
		err = arp_once(d, ip);
		if (err == 0)
			replies++;
		else if (err != -ETIMEDOUT)
			break;
	}
	if (err && err != -ETIMEDOUT)
		printk("net arp: send failed (%ld)\n", err);
	if (n > 1)
		printk("net arp: %lu replies to %lu requests\n", replies, n);
	if (!replies)
		printk("net arp: no reply from %s\n", arg);
	else
		printk("net arp: %s is at %02x:%02x:%02x:%02x:%02x:%02x\n", arg, arp_mac[0], arp_mac[1], arp_mac[2],
		       arp_mac[3], arp_mac[4], arp_mac[5]);
}

static void cmd_send(struct netdev *d, const char *arg)
{
	size_t len = 0;
	for (const char *p = arg; *p; p++) {
		if (*p < '0' || *p > '9' || len > 100000) {
			printk("net send: LEN must be a number\n");
			return;
		}
		len = len * 10 + (size_t)(*p - '0');
	}
	static uint8_t f[NETDEV_FRAME_MAX + 64];
	size_t fill = MIN(len, sizeof(f));
	memset(f, 0, fill);
	if (fill >= 14) {
		memset(f, 0xff, 6);
		memcpy(f + 6, d->mac, 6);
		f[12] = 0x88;
		f[13] = 0xb5;
	}
	long err = d->send(d, f, len);
	printk("net send: %zu bytes: %s (%ld)\n", len, err == 0 ? "queued" : err == -EINVAL ? "EINVAL" : "EAGAIN",
	       err);
}

void net_shell(int argc, char **argv)
{
	struct netdev *d = netdev_get();
	if (!d) {
		printk("net: no network device (boot with `make run NET=1`)\n");
		return;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "arp")) {
		cmd_arp(d, argv[2], argc == 4 ? argv[3] : NULL);
		return;
	}
	if (argc == 3 && !strcmp(argv[1], "send")) {
		cmd_send(d, argv[2]);
		return;
	}
	if (argc != 1) {
		printk("usage: net [arp A.B.C.D [COUNT] | send LEN]\n");
		return;
	}
	const uint8_t *m = d->mac;
	const struct netdev_stats *s = &d->stats;
	printk("%s: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, stack %s\n", d->name, m[0], m[1], m[2], m[3], m[4],
	       m[5], d->link_up ? "up" : "down", d->receive ? "attached" : "none");
	printk("rx: %lu frames, %lu bytes, %lu errors, %lu dropped (no stack)\n", s->rx_frames, s->rx_bytes,
	       s->rx_errors, s->rx_dropped);
	printk("tx: %lu frames, %lu bytes, %lu errors, %lu busy\n", s->tx_frames, s->tx_bytes, s->tx_errors,
	       s->tx_busy);
}
