/* virtio_net.c: the virtio-net driver (virtio 1.x, "Network Device"), behind the netdev
 * contract (include/netdev.h). Owns the one network device: finding it on the virtio-mmio
 * bus, negotiating VIRTIO_F_VERSION_1 with VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS (nothing
 * else: no checksum offload, no TSO, no mergeable buffers, so every frame is one buffer
 * preceded by the 12-byte struct virtio_net_hdr, all zero on transmit), the receive ring
 * (queue 0: 2 KiB device-writable buffers, refilled as soon as a frame is handed on), the
 * transmit ring (queue 1: 2 KiB buffers the frame is copied into; used ones are reclaimed on
 * the next send and at each interrupt), the link status and the counters. Does not own the
 * transport (dev/virtio_mmio.c), addresses, ARP or anything above Ethernet (the stack's
 * glue, net/netif.c, attaches through netdev->receive), nor the shell's `net` command
 * (net/netdiag.c).
 *
 * Frames are handed to netdev->receive from the interrupt handler, interrupts off. A used
 * receive buffer shorter than header + Ethernet header, or longer than header +
 * NETDEV_FRAME_MAX, is counted in rx_errors and dropped. Without a device (no NET=1),
 * netdev_init prints nothing and netdev_get() returns NULL; a device that fails the
 * handshake gets one boot line saying why, and is left FAILED. */
#include "netdev.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "virtio.h"
#include "wait.h"
#include <asm-generic/errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_net.h>

#define RXQ 0
#define TXQ 1
#define RX_SIZE 128
#define TX_SIZE 64
#define BUF_SIZE 2048 /* two per frame; >= 12 + 1514 as the spec asks without MRG_RXBUF */
#define HDR_LEN 12    /* struct virtio_net_hdr with VIRTIO_F_VERSION_1 (num_buffers included) */
#define ETH_HLEN_ 14

static struct virtio_dev vdev;
static struct virtq rxq, txq;
static uint64_t rx_pages[RX_SIZE / 2], tx_pages[TX_SIZE / 2];
static uint16_t tx_free[TX_SIZE];
static int tx_nfree;
static struct netdev net;
static bool present;

struct netdev *netdev_get(void) { return present ? &net : NULL; }

static uint64_t buf_pa(const uint64_t *pages, uint32_t i) { return pages[i / 2] + (i % 2) * BUF_SIZE; }
static uint8_t *buf_va(const uint64_t *pages, uint32_t i) { return P2V(buf_pa(pages, i)); }

static bool alloc_pages(uint64_t *pages, int n)
{
	for (int i = 0; i < n; i++)
		if (!(pages[i] = frame_alloc()))
			return false;
	return true;
}

static void rx_post(uint16_t i)
{
	rxq.desc[i] = (struct vq_desc){buf_pa(rx_pages, i), BUF_SIZE, VQ_DESC_F_WRITE, 0};
	virtq_publish(&rxq, i);
}

static void rx_frame(uint32_t id, uint32_t len)
{
	if (len < HDR_LEN + ETH_HLEN_ || len > HDR_LEN + NETDEV_FRAME_MAX) {
		net.stats.rx_errors++;
		return;
	}
	const uint8_t *f = buf_va(rx_pages, id) + HDR_LEN;
	size_t n = len - HDR_LEN;
	net.stats.rx_frames++;
	net.stats.rx_bytes += n;
	if (net.monitor)
		net.monitor(&net, f, n);
	if (net.receive)
		net.receive(&net, f, n);
	else
		net.stats.rx_dropped++;
}

static void rx_drain(void)
{
	uint32_t id, len;
	bool refilled = false;
	while (virtq_next_used(&rxq, &id, &len)) {
		if (id >= rxq.size) { /* not a buffer of ours: nothing to give back */
			net.stats.rx_errors++;
			continue;
		}
		rx_frame(id, len);
		rx_post((uint16_t)id);
		refilled = true;
	}
	if (refilled)
		virtq_kick(&vdev, &rxq);
}

static void tx_reclaim(void)
{
	uint32_t id, len;
	while (virtq_next_used(&txq, &id, &len))
		if (id < txq.size && tx_nfree < txq.size)
			tx_free[tx_nfree++] = (uint16_t)id;
}

static long vnet_send(struct netdev *d UNUSED, const void *frame, size_t len)
{
	if (len == 0 || len > NETDEV_FRAME_MAX) {
		net.stats.tx_errors++;
		return -EINVAL;
	}
	uint64_t irq = irq_save();
	tx_reclaim();
	if (!tx_nfree) {
		net.stats.tx_busy++;
		irq_restore(irq);
		return -EAGAIN;
	}
	uint16_t i = tx_free[--tx_nfree];
	uint8_t *b = buf_va(tx_pages, i);
	memset(b, 0, HDR_LEN);
	memcpy(b + HDR_LEN, frame, len);
	txq.desc[i] = (struct vq_desc){buf_pa(tx_pages, i), (uint32_t)(HDR_LEN + len), 0, 0};
	virtq_publish(&txq, i);
	virtq_kick(&vdev, &txq);
	net.stats.tx_frames++;
	net.stats.tx_bytes += len;
	irq_restore(irq);
	return 0;
}

static bool read_link(void)
{
	if (!(vdev.features & (1ULL << VIRTIO_NET_F_STATUS)))
		return true; /* the device cannot say: assume up, as the specification does */
	uint16_t st;
	virtio_config_read(&vdev, 6, &st, sizeof(st)); /* struct virtio_net_config.status */
	return st & VIRTIO_NET_S_LINK_UP;
}

static void vnet_irq(void)
{
	uint32_t s = virtio_irq_ack(&vdev);
	rx_drain();
	tx_reclaim();
	if (s & VIRTIO_MMIO_INT_CONFIG) {
		bool up = read_link();
		if (up != net.link_up)
			printk("net: link %s\n", up ? "up" : "down");
		net.link_up = up;
	}
}

static long start(const char **why)
{
	long err = virtio_negotiate(&vdev, 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS, why);
	if (!err)
		err = virtq_init(&vdev, &rxq, RXQ, RX_SIZE, why);
	if (!err)
		err = virtq_init(&vdev, &txq, TXQ, TX_SIZE, why);
	if (err)
		return err;
	if (!alloc_pages(rx_pages, (rxq.size + 1) / 2) || !alloc_pages(tx_pages, (txq.size + 1) / 2)) {
		*why = "no memory for the buffers";
		return -ENOMEM;
	}
	if (!virtio_irq_enable(&vdev, vnet_irq)) {
		*why = "its interrupt cannot be routed through the I/O APIC";
		return -ENODEV;
	}
	for (uint16_t i = 0; i < rxq.size; i++)
		rx_post(i);
	for (uint16_t i = 0; i < txq.size; i++)
		tx_free[tx_nfree++] = i;
	txq.avail->flags = VQ_AVAIL_F_NO_INTERRUPT; /* reclaimed lazily: no interrupt per frame */
	return 0;
}

void netdev_init(void)
{
	if (!virtio_find(VIRTIO_ID_NET, &vdev))
		return;
	printk("net: virtio-net at %#lx (virtio-mmio v%u, slot %d, GSI %u %s)\n", vdev.phys, vdev.version, vdev.slot,
	       vdev.gsi, vdev.level ? "level" : "edge");
	const char *why = "?";
	if (start(&why)) {
		virtio_fail(&vdev);
		printk("net: virtio-net not used: %s\n", why);
		return;
	}
	bool have_mac = vdev.features & (1ULL << VIRTIO_NET_F_MAC);
	if (have_mac)
		virtio_config_read(&vdev, 0, net.mac, 6);
	else
		memcpy(net.mac, (uint8_t[6]){0x02, 0, 0, 0, 0, 1}, 6); /* locally administered */
	net.name = "virtio-net";
	net.send = vnet_send;
	net.link_up = read_link();
	virtio_driver_ok(&vdev);
	virtq_kick(&vdev, &rxq);
	present = true;
	const uint8_t *m = net.mac;
	printk("net: virtio-net MAC %02x:%02x:%02x:%02x:%02x:%02x%s, link %s, rx ring %u, tx ring %u\n", m[0], m[1],
	       m[2], m[3], m[4], m[5], have_mac ? "" : " (chosen: the device gave none)", net.link_up ? "up" : "down",
	       rxq.size, txq.size);
}
