/* vdso.h: the vDSO's data page ([vvar]) as both sides see it, and the kernel's interface
 * to the vDSO (proc/vdso.c). Included by the vDSO itself (kernel/vdso/vdso.c, user code), so
 * the layout part uses only fixed-width types.
 *
 * The page is one physical frame shared by every process, mapped read-only one page below
 * the image ([vvar] then [vdso]); the kernel writes it at boot (time_init) and never
 * again: the clock has no settimeofday/clock_settime and no tick-driven adjustment, so
 * readers need no sequence counter. A writer added later must add one. */
#ifndef RZ_VDSO_H
#define RZ_VDSO_H
#include <stdint.h>

#define VDSO_DATA_PAGES 1 /* [vvar] is this many pages below the image */

struct vdso_data {
	uint64_t tsc0;         /* CLOCK_MONOTONIC = (rdtsc - tsc0) * mult >> 32 ns */
	uint64_t mult;
	uint64_t real_base_ns; /* CLOCK_REALTIME = real_base_ns + CLOCK_MONOTONIC */
	uint64_t r0_entry;     /* the ring-0 entry (AT_SYSINFO of a ring-0 process): the fallback
	                          system call of a vDSO function running at CPL 0 */
};

#ifndef RZ_VDSO_USER
struct mm;
void vdso_init(void);                                   /* copies the image into frames */
void vdso_set_clock(uint64_t tsc0, uint64_t mult, uint64_t real_base_ns);
/* Maps [vvar] and [vdso] into mm (below its mmap base) with mm's ring; the image's address
 * (AT_SYSINFO_EHDR) in *ehdr. 0 or -ENOMEM. */
long vdso_map(struct mm *mm, uint64_t *ehdr);
#endif
#endif
