/* virtio_mmio.c: the virtio-mmio transport (virtio 1.x, "MMIO device register layout",
 * version 2 only). Owns discovery of the transports, the device status and feature
 * handshake, split-virtqueue setup and the ring operations every driver shares (publish a
 * chain, notify, take used elements), interrupt acknowledgement and routing, and reading
 * the configuration space. Does not own any device type (net/virtio_net.c is the network
 * driver) nor the buffers a driver puts on its queues.
 *
 * Discovery. QEMU's -M microvm puts its virtio-mmio transports at 0xfeb00000 + 512 * n
 * (8 of them, 24 with the second I/O APIC) and describes each in the DSDT as a device
 * (_HID LNRO0005) whose _CRS is a Memory32Fixed(base, 0x200) descriptor followed by an
 * extended Interrupt descriptor (GSI, trigger mode, polarity): on QEMU 7.2 the GSIs are 24 +
 * n, on the second I/O APIC, level triggered, active high. We do not interpret AML: we scan
 * the DSDT's bytes for those two resource descriptors with a base in microvm's window. With
 * acpi=off there is no DSDT (8 transports, GSIs 5 + n on the one I/O APIC) and QEMU instead
 * appends a Linux-style `virtio_mmio.device=SIZE@BASE:GSI` per device to the command line
 * (auto-kernel-cmdline), which we read too (edge triggered, as Linux assumes); a device that
 * neither describes is reported and not used. An empty transport reads device ID 0.
 *
 * The registers are reached through the direct map, which maps everything that is not RAM
 * below 4 GiB uncached (mm/paging.c). A legacy transport (version 1: QEMU's default for
 * virtio-mmio unless -global virtio-mmio.force-legacy=false) is refused with a clear
 * reason; so is a device without VIRTIO_F_VERSION_1. */
#define VIRTIO_MMIO_NO_LEGACY
#include "virtio.h"
#include "acpi.h"
#include "apic.h"
#include "bootinfo.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include <asm-generic/errno.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#define MICROVM_VIRTIO_BASE 0xfeb00000UL
#define MICROVM_VIRTIO_SLOTS 24
#define TRANSPORT_SIZE 0x200
#define VIRTIO_MAGIC 0x74726976 /* "virt" */

struct transport {
	uint64_t phys;
	uint32_t gsi;
	bool level, active_low;
};

static uint32_t rd(struct virtio_dev *d, int off) { return *(volatile uint32_t *)(d->regs + off); }
static void wr(struct virtio_dev *d, int off, uint32_t v) { *(volatile uint32_t *)(d->regs + off) = v; }

static bool in_window(uint64_t base)
{
	return base >= MICROVM_VIRTIO_BASE && base < MICROVM_VIRTIO_BASE + MICROVM_VIRTIO_SLOTS * TRANSPORT_SIZE &&
	       (base - MICROVM_VIRTIO_BASE) % TRANSPORT_SIZE == 0;
}

static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* Memory32Fixed (0x86, length 9) with a base in the window, then within a few bytes an
 * extended Interrupt descriptor (0x89: length, flags, count, GSI...). */
static int scan_dsdt(struct transport *t, int max)
{
	const struct sdt_header *h = acpi_dsdt();
	if (!h)
		return 0;
	const uint8_t *b = (const uint8_t *)h, *end = b + h->length;
	int n = 0;
	for (const uint8_t *p = b + sizeof(*h); p + 12 <= end && n < max; p++) {
		if (p[0] != 0x86 || p[1] != 9 || p[2] != 0 || !in_window(get32(p + 4)) || get32(p + 8) != TRANSPORT_SIZE)
			continue;
		for (const uint8_t *q = p + 12; q < p + 28 && q + 9 <= end; q++) {
			if (q[0] != 0x89 || (q[1] | q[2] << 8) < 6 || q[4] < 1)
				continue;
			t[n].phys = get32(p + 4);
			t[n].gsi = get32(q + 5);
			t[n].level = !(q[3] & 2);     /* bit 1: edge */
			t[n].active_low = q[3] & 4;   /* bit 2: active low */
			n++;
			break;
		}
	}
	return n;
}

static uint64_t parse_num(const char **s)
{
	const char *p = *s;
	int base = 10;
	uint64_t v = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		int dgt = *p >= '0' && *p <= '9' ? *p - '0' : base == 16 && *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			  base == 16 && *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
		if (dgt < 0)
			break;
		v = v * base + dgt;
	}
	if (*p == 'K' || *p == 'k') {
		v <<= 10;
		p++;
	}
	*s = p;
	return v;
}

/* virtio_mmio.device=SIZE@BASE:GSI[:ID] entries of the command line. */
static int scan_cmdline(struct transport *t, int max)
{
	static const char key[] = "virtio_mmio.device=";
	int n = 0;
	for (const char *p = bootinfo.cmdline; (p = strchr(p, 'v')) && n < max; p++) {
		if (strncmp(p, key, sizeof(key) - 1) || (p != bootinfo.cmdline && p[-1] != ' '))
			continue;
		const char *s = p + sizeof(key) - 1;
		uint64_t size = parse_num(&s);
		if (*s++ != '@')
			continue;
		uint64_t base = parse_num(&s);
		if (*s++ != ':')
			continue;
		uint64_t gsi = parse_num(&s);
		if (size < TRANSPORT_SIZE || !base || base >= 0x100000000ULL || gsi > 255)
			continue;
		t[n++] = (struct transport){base, (uint32_t)gsi, false, false};
	}
	return n;
}

/* No description at all (microvm with acpi=off and no command line): say so when a device of
 * the type sits in microvm's window, since without its GSI it cannot be used. */
static void report_undescribed(uint32_t device_id)
{
	for (int i = 0; i < MICROVM_VIRTIO_SLOTS; i++) {
		volatile uint32_t *r = P2V(MICROVM_VIRTIO_BASE + (uint64_t)i * TRANSPORT_SIZE);
		if (r[VIRTIO_MMIO_MAGIC_VALUE / 4] == VIRTIO_MAGIC && r[VIRTIO_MMIO_DEVICE_ID / 4] == device_id) {
			printk("virtio-mmio: device type %u at %#lx, but no DSDT or virtio_mmio.device= gives its "
			       "interrupt; not used\n", device_id, MICROVM_VIRTIO_BASE + (uint64_t)i * TRANSPORT_SIZE);
			return;
		}
	}
}

bool virtio_find(uint32_t device_id, struct virtio_dev *d)
{
	struct transport t[MICROVM_VIRTIO_SLOTS];
	int n = scan_cmdline(t, MICROVM_VIRTIO_SLOTS);
	n += scan_dsdt(t + n, MICROVM_VIRTIO_SLOTS - n);
	if (n == 0)
		report_undescribed(device_id);
	for (int i = 0; i < n; i++) {
		memset(d, 0, sizeof(*d));
		d->phys = t[i].phys;
		d->regs = P2V(t[i].phys);
		if (rd(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MAGIC || rd(d, VIRTIO_MMIO_DEVICE_ID) != device_id)
			continue;
		d->version = rd(d, VIRTIO_MMIO_VERSION);
		d->device_id = device_id;
		d->slot = in_window(t[i].phys) ? (int)((t[i].phys - MICROVM_VIRTIO_BASE) / TRANSPORT_SIZE) : 31;
		d->gsi = t[i].gsi;
		d->level = t[i].level;
		d->active_low = t[i].active_low;
		return true;
	}
	return false;
}

static void set_status(struct virtio_dev *d, uint32_t bits) { wr(d, VIRTIO_MMIO_STATUS, rd(d, VIRTIO_MMIO_STATUS) | bits); }

void virtio_fail(struct virtio_dev *d) { set_status(d, VIRTIO_CONFIG_S_FAILED); }
void virtio_driver_ok(struct virtio_dev *d) { set_status(d, VIRTIO_CONFIG_S_DRIVER_OK); }

long virtio_negotiate(struct virtio_dev *d, uint64_t wanted, const char **why)
{
	wr(d, VIRTIO_MMIO_STATUS, 0); /* reset; reads 0 when done */
	for (int i = 0; rd(d, VIRTIO_MMIO_STATUS) != 0; i++)
		if (i == 1000000) {
			*why = "the device does not finish its reset";
			return -ENODEV;
		}
	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	set_status(d, VIRTIO_CONFIG_S_DRIVER);
	if (d->version != 2) {
		*why = d->version == 1 ? "legacy virtio-mmio transport (version 1): run QEMU with "
					 "-global virtio-mmio.force-legacy=false"
				       : "unknown virtio-mmio version";
		goto fail;
	}
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	uint64_t dev = rd(d, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	dev |= (uint64_t)rd(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (!(dev & (1ULL << VIRTIO_F_VERSION_1))) {
		*why = "the device does not offer VIRTIO_F_VERSION_1";
		goto fail;
	}
	d->features = dev & (wanted | 1ULL << VIRTIO_F_VERSION_1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)d->features);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(d->features >> 32));
	set_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
	if (!(rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		*why = "the device refused our features (FEATURES_OK not kept)";
		goto fail;
	}
	return 0;
fail:
	virtio_fail(d);
	return -ENODEV;
}

long virtq_init(struct virtio_dev *d, struct virtq *q, uint16_t index, uint16_t want, const char **why)
{
	wr(d, VIRTIO_MMIO_QUEUE_SEL, index);
	uint32_t max = rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
	if (max == 0 || rd(d, VIRTIO_MMIO_QUEUE_READY)) {
		*why = "a virtqueue is missing or already in use";
		return -ENODEV;
	}
	uint32_t size = MIN(want, VQ_MAX_SIZE);
	while (size > max)
		size >>= 1;
	uint64_t pd = frame_alloc(), pa = frame_alloc(), pu = frame_alloc();
	if (!pd || !pa || !pu) {
		if (pd)
			frame_free(pd);
		if (pa)
			frame_free(pa);
		if (pu)
			frame_free(pu);
		*why = "no memory for a virtqueue";
		return -ENOMEM;
	}
	q->index = index;
	q->size = (uint16_t)size;
	q->desc = P2V(pd);
	q->avail = P2V(pa);
	q->used = P2V(pu);
	q->last_used = 0;
	wr(d, VIRTIO_MMIO_QUEUE_NUM, size);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)pd);
	wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(pd >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)pa);
	wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)(pa >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)pu);
	wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)(pu >> 32));
	wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

void virtq_publish(struct virtq *q, uint16_t head)
{
	volatile uint16_t *idx = &q->avail->idx;
	uint16_t i = *idx;
	q->avail->ring[i & (q->size - 1)] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE); /* the entry before the index */
	*idx = i + 1;
}

void virtq_kick(struct virtio_dev *d, struct virtq *q)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index is visible before we read the flag */
	if (!(*(volatile uint16_t *)&q->used->flags & VQ_USED_F_NO_NOTIFY))
		wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

bool virtq_next_used(struct virtq *q, uint32_t *id, uint32_t *len)
{
	if (*(volatile uint16_t *)&q->used->idx == q->last_used)
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the element after the index */
	volatile struct vq_used_elem *e = &q->used->ring[q->last_used & (q->size - 1)];
	*id = e->id;
	*len = e->len;
	q->last_used++;
	return true;
}

uint32_t virtio_irq_ack(struct virtio_dev *d)
{
	uint32_t s = rd(d, VIRTIO_MMIO_INTERRUPT_STATUS);
	if (s)
		wr(d, VIRTIO_MMIO_INTERRUPT_ACK, s);
	return s;
}

bool virtio_irq_enable(struct virtio_dev *d, irq_handler_t fn)
{
	irq_set_handler(VEC_VIRTIO(d->slot), fn);
	return ioapic_route_gsi(d->gsi, VEC_VIRTIO(d->slot), d->level, d->active_low);
}

void virtio_config_read(struct virtio_dev *d, uint32_t off, void *buf, size_t n)
{
	uint32_t gen;
	do {
		gen = rd(d, VIRTIO_MMIO_CONFIG_GENERATION);
		for (size_t i = 0; i < n; i++)
			((uint8_t *)buf)[i] = *(volatile uint8_t *)(d->regs + VIRTIO_MMIO_CONFIG + off + i);
	} while (gen != rd(d, VIRTIO_MMIO_CONFIG_GENERATION));
}
