/* vdso.c: the vDSO on the kernel's side. Owns the frames holding the image (copied at boot
 * from image.S, which embeds kernel/vdso/vdso.so) and the data page ([vvar], struct
 * vdso_data), writing the clock's constants into it, and mapping both read-only into every
 * new program at execve ([vvar] then [vdso], below the mmap base), with the process's ring:
 * user pages for ring 3, supervisor pages for ring 0 (mm->pte_user), so CR0.WP makes the
 * data page read-only in both rings. The address goes into AT_SYSINFO_EHDR (proc.c).
 * Does not own: the code in the image (kernel/vdso/vdso.c), the clock itself (time.c), the
 * page tables and reference counts (mm/vm.c: the kernel keeps one reference to each frame
 * forever, so a process's munmap or exit never frees them). */
#include "vdso.h"
#include "lib.h"
#include "memlayout.h"
#include "mm.h"
#include "proc.h"
#include "vm.h"
#include <asm-generic/errno.h>

extern const char vdso_image_start[], vdso_image_end[];

#define VDSO_MAX_PAGES 4

static uint64_t frames[VDSO_DATA_PAGES + VDSO_MAX_PAGES]; /* [vvar] first, then the image */
static int image_pages;

static struct vdso_data *data(void) { return P2V(frames[0]); }

static uint64_t frame_kept(void)
{
	uint64_t pa = frame_alloc();
	if (!pa)
		panic("vdso: out of memory at boot");
	page_ref_inc(pa); /* the kernel's reference: never dropped */
	return pa;
}

void vdso_init(void)
{
	uint64_t size = (uint64_t)(vdso_image_end - vdso_image_start);
	image_pages = (int)(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	if (image_pages > VDSO_MAX_PAGES)
		panic("vdso: image of %lu bytes does not fit %d pages", size, VDSO_MAX_PAGES);
	for (int i = 0; i < VDSO_DATA_PAGES + image_pages; i++)
		frames[i] = frame_kept();
	for (int i = 0; i < image_pages; i++) {
		uint64_t off = (uint64_t)i * PAGE_SIZE;
		memcpy(P2V(frames[VDSO_DATA_PAGES + i]), vdso_image_start + off, MIN(PAGE_SIZE, size - off));
	}
	data()->r0_entry = (uint64_t)r0_entry;
}

void vdso_set_clock(uint64_t tsc0, uint64_t mult, uint64_t real_base_ns)
{
	struct vdso_data *d = data();
	d->tsc0 = tsc0;
	d->mult = mult;
	d->real_base_ns = real_base_ns;
}

long vdso_map(struct mm *mm, uint64_t *ehdr)
{
	uint64_t len = (uint64_t)(VDSO_DATA_PAGES + image_pages) * PAGE_SIZE;
	uint64_t base = vm_find_free(mm, len);
	if (!base)
		return -ENOMEM;
	long e = vm_map_frames(mm, base, frames, VDSO_DATA_PAGES, VM_READ, VM_VVAR);
	uint64_t img = base + VDSO_DATA_PAGES * PAGE_SIZE;
	if (!e)
		e = vm_map_frames(mm, img, frames + VDSO_DATA_PAGES, image_pages, VM_READ | VM_EXEC, VM_VDSO);
	*ehdr = img;
	return e;
}
