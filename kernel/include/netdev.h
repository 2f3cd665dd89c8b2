/* netdev.h: the contract between a network device driver (net/virtio_net.c) and the TCP/IP
 * stack's interface glue (net/netif.c). The driver moves whole Ethernet frames (no CRC);
 * the stack owns addresses, ARP and everything above. One device at most (QEMU's user
 * network, `make run NET=1`); without it the kernel has loopback only. */
#ifndef RZ_NETDEV_H
#define RZ_NETDEV_H
#include "types.h"

#define NETDEV_MTU 1500
#define NETDEV_FRAME_MAX (14 + NETDEV_MTU)  /* Ethernet header + payload, no CRC, no VLAN */

struct netdev {
	uint8_t mac[6];
	/* Queue one frame for transmission (the driver copies it): 0, or -EAGAIN when the
	 * transmit ring is full, -EINVAL when len exceeds NETDEV_FRAME_MAX. Any context. */
	long (*send)(struct netdev *d, const void *frame, size_t len);
	/* Set by the stack: called by the driver for each received frame, with interrupts
	 * disabled (from the device's interrupt handler: the stack runs with interrupts off,
	 * which is its only lock on this one CPU); it must not sleep; the frame is valid only
	 * during the call. */
	void (*receive)(struct netdev *d, const void *frame, size_t len);
	void *stack_priv;               /* the stack's per-device state */

	/* Added by the driver (net/virtio_net.c) for diagnostics; the stack may read them. */
	const char *name;               /* "virtio-net" */
	bool link_up;                   /* VIRTIO_NET_S_LINK_UP (true when the device cannot say) */
	struct netdev_stats {
		uint64_t rx_frames, rx_bytes;   /* good frames received (given to receive, or dropped) */
		uint64_t rx_errors;             /* malformed: shorter than an Ethernet header, longer
						 * than NETDEV_FRAME_MAX, or a bad used element */
		uint64_t rx_dropped;            /* good frames with no stack attached (receive NULL) */
		uint64_t tx_frames, tx_bytes;   /* frames queued for transmission */
		uint64_t tx_errors;             /* refused: len 0 or above NETDEV_FRAME_MAX */
		uint64_t tx_busy;               /* -EAGAIN: transmit ring full */
	} stats;
	/* Diagnostics (net/netdiag.c, the shell's `net arp`): when set, sees every good received
	 * frame just before receive, in the same context. */
	void (*monitor)(struct netdev *d, const void *frame, size_t len);
};

/* The device the driver found at boot, or NULL (no NET=1). */
struct netdev *netdev_get(void);
/* Boot: finds and starts the device (net/virtio_net.c), printing what it found, or why it
 * is not used; without a device it prints nothing and netdev_get() stays NULL. */
void netdev_init(void);
/* The shell's `net` command (net/netdiag.c). */
void net_shell(int argc, char **argv);

#endif
