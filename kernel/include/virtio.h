/* virtio.h: the virtio-mmio transport (dev/virtio_mmio.c) as its drivers (net/virtio_net.c)
 * see it: finding a device of one type on QEMU microvm's virtio-mmio bus, the status and
 * feature handshake of a modern (virtio 1.x, MMIO version 2) device, split virtqueues, the
 * device's interrupt and its configuration space. Register offsets and status bits are the
 * specification's, named by Linux's UAPI headers (linux/virtio_mmio.h, virtio_config.h).
 *
 * One CPU and no preemption in the kernel: a driver calls these with interrupts disabled
 * whenever its interrupt handler could touch the same queue. */
#ifndef RZ_VIRTIO_H
#define RZ_VIRTIO_H
#include "types.h"
#include "idt.h"

struct virtio_dev {
	volatile uint8_t *regs;         /* the transport's 512 bytes, uncached (direct map) */
	uint64_t phys;
	int slot;                       /* transport index: its interrupt vector is VEC_VIRTIO(slot) */
	uint32_t gsi;                   /* from the DSDT (or virtio_mmio.device= on the command line) */
	bool level, active_low;
	uint32_t version, device_id;
	uint64_t features;              /* negotiated */
};

/* Split virtqueue (virtio 1.x 2.7): descriptor table, driver (avail) ring, device (used)
 * ring, each in its own zeroed frame. */
struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
#define VQ_DESC_F_NEXT 1
#define VQ_DESC_F_WRITE 2               /* the device writes this buffer */
struct vq_avail {
	uint16_t flags, idx, ring[];
};
#define VQ_AVAIL_F_NO_INTERRUPT 1
struct vq_used_elem {
	uint32_t id, len;
};
struct vq_used {
	uint16_t flags, idx;
	struct vq_used_elem ring[];
};
#define VQ_USED_F_NO_NOTIFY 1

#define VQ_MAX_SIZE 256                 /* each part fits one 4 KiB frame */

struct virtq {
	uint16_t index, size;
	struct vq_desc *desc;
	struct vq_avail *avail;
	struct vq_used *used;
	uint16_t last_used;             /* used entries consumed so far (wraps like used->idx) */
};

/* The first device with this virtio device ID (linux/virtio_ids.h), or false. Prints nothing
 * when there is none. */
bool virtio_find(uint32_t device_id, struct virtio_dev *d);
/* Reset, ACKNOWLEDGE, DRIVER, then offer `wanted` & the device's features plus
 * VIRTIO_F_VERSION_1 (required) and check FEATURES_OK. 0 on success (d->features set), or
 * -ENODEV with *why saying what failed; the device is then marked FAILED. */
long virtio_negotiate(struct virtio_dev *d, uint64_t wanted, const char **why);
/* Sets up queue `index` with min(want, the device's maximum) entries (a power of two).
 * 0 or -errno (*why says why). */
long virtq_init(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t want, const char **why);
void virtio_driver_ok(struct virtio_dev *d);
void virtio_fail(struct virtio_dev *d);          /* status FAILED: the device stops using memory */
/* Makes descriptor chain `head` available to the device (after a write barrier). */
void virtq_publish(struct virtq *q, uint16_t head);
void virtq_kick(struct virtio_dev *d, struct virtq *q); /* unless the device said NO_NOTIFY */
/* The next used element, or false when the device has returned nothing more. */
bool virtq_next_used(struct virtq *q, uint32_t *id, uint32_t *len);
/* Reads and acknowledges the interrupt status (VIRTIO_MMIO_INT_VRING | _CONFIG bits). */
uint32_t virtio_irq_ack(struct virtio_dev *d);
/* Routes the device's GSI through the I/O APIC to VEC_VIRTIO(slot), calling fn. */
bool virtio_irq_enable(struct virtio_dev *d, irq_handler_t fn);
/* Device configuration space (offset 0x100), read consistently (ConfigGeneration). */
void virtio_config_read(struct virtio_dev *d, uint32_t off, void *buf, size_t n);

#endif
