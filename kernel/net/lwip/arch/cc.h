/* arch/cc.h: lwIP's port to the ringzero kernel: compiler, types, byte order, diagnostics.
 * lwIP includes it through lwip/arch.h. Types come from the compiler's freestanding
 * stdint.h/limits.h; lwIP's own ctype replacements are used (no libc); the few limits lwIP uses come from the compiler. A failed lwIP
 * assertion is a kernel log line, not a panic: lwIP's asserts guard its own invariants and
 * most are followed by a graceful error return in the same function. */
#ifndef RZ_LWIP_ARCH_CC_H
#define RZ_LWIP_ARCH_CC_H

#include "types.h"               /* stdint, stddef, bool, ssize_t (64-bit, as the kernel's) */

#define BYTE_ORDER LITTLE_ENDIAN
#define SSIZE_MAX INT64_MAX             /* tells lwip/arch.h that ssize_t exists */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define LWIP_NO_LIMITS_H 1              /* gcc's limits.h wants a libc's behind it */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif

/* printf formats of lwIP's types, for the kernel's printk (debug output only) */
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lwip_port_assert(const char *msg, const char *file, int line);

#define LWIP_PLATFORM_DIAG(x) do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert((x), __FILE__, __LINE__)

/* lwIP's random numbers: initial sequence numbers and ephemeral port starts */
unsigned int lwip_port_rand(void);
#define LWIP_RAND() lwip_port_rand()

#endif
