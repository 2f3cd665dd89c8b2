/* netif.c: lwIP's network interface over the kernel's network device (netdev.h): frames in
 * (the driver's receive callback -> ethernet_input) and out (linkoutput -> netdev send),
 * ARP and IPv4 output through etharp_output, IPv6 through ethip6_output, and the static
 * configuration of QEMU's user network: 10.0.2.15/24, gateway 10.0.2.2, plus an IPv6
 * link-local address from the MAC. Without a device (netdev_get() NULL: no NET=1) nothing
 * is added and the stack has its loopback interface only.
 *
 * Not here: the driver (net/virtio_net.c), lwIP's lock and timers (net/lwip/port.c). */
#include "lib.h"
#include "netdev.h"
#include <asm-generic/errno.h>
#include "lwip/port.h"
#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

void netif_dev_attach(void);

static struct netif dev_netif;

/* No device driver linked in: the kernel has loopback only. */
__attribute__((weak)) struct netdev *netdev_get(void) { return NULL; }

static err_t dev_linkoutput(struct netif *nif, struct pbuf *p)
{
	struct netdev *d = nif->state;
	static uint8_t frame[NETDEV_FRAME_MAX];
	if (p->tot_len > sizeof frame)
		return ERR_BUF;
	const void *data = p->payload;
	if (p->len != p->tot_len) {
		pbuf_copy_partial(p, frame, p->tot_len, 0);
		data = frame;
	}
	long r = d->send(d, data, p->tot_len);
	return r == 0 ? ERR_OK : r == -EAGAIN ? ERR_WOULDBLOCK : ERR_IF;
}

/* From the driver's receive interrupt (interrupts off: lwIP's lock is held). */
static void dev_receive(struct netdev *d, const void *frame, size_t len)
{
	struct netif *nif = d->stack_priv;
	if (!nif || len > NETDEV_FRAME_MAX)
		return;
	/* from lwIP's heap, not its pbuf pool: a received segment may wait in a socket's queue
	 * until the program reads it, and a few slow readers must not starve every other
	 * connection of receive buffers */
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
	if (!p)
		return;
	pbuf_take(p, frame, (u16_t)len);
	if (nif->input(p, nif) != ERR_OK)
		pbuf_free(p);
	net_flush();
}

static err_t dev_netif_init(struct netif *nif)
{
	struct netdev *d = nif->state;
	nif->name[0] = 'e';
	nif->name[1] = 'n';
	nif->mtu = NETDEV_MTU;
	nif->mtu6 = NETDEV_MTU;
	nif->hwaddr_len = 6;
	memcpy(nif->hwaddr, d->mac, 6);
	nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	nif->output = etharp_output;
	nif->output_ip6 = ethip6_output;
	nif->linkoutput = dev_linkoutput;
	return ERR_OK;
}

/* Inside net_lock, at boot. */
void netif_dev_attach(void)
{
	struct netdev *d = netdev_get();
	if (!d)
		return;
	ip4_addr_t addr, mask, gw;
	IP4_ADDR(&addr, 10, 0, 2, 15);
	IP4_ADDR(&mask, 255, 255, 255, 0);
	IP4_ADDR(&gw, 10, 0, 2, 2);
	if (!netif_add(&dev_netif, &addr, &mask, &gw, d, dev_netif_init, ethernet_input)) {
		printk("net: the network device's interface could not be added\n");
		return;
	}
	netif_create_ip6_linklocal_address(&dev_netif, 1);
	netif_set_default(&dev_netif);
	netif_set_up(&dev_netif);
	d->stack_priv = &dev_netif;
	d->receive = dev_receive;
	printk("net: en0 %02x:%02x:%02x:%02x:%02x:%02x 10.0.2.15/24 gateway 10.0.2.2\n", d->mac[0], d->mac[1],
	       d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
}
