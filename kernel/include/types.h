/* types.h: fixed-width integer types, size_t, bool, NULL and a few helper macros for the
 * freestanding kernel. Owns nothing else (no libc headers are used besides the compiler's
 * own freestanding <stdint.h>/<stddef.h>/<stdbool.h>/<stdarg.h>). */
#ifndef RZ_TYPES_H
#define RZ_TYPES_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef int64_t ssize_t;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define NORETURN __attribute__((noreturn))
#define PACKED __attribute__((packed))
#define UNUSED __attribute__((unused))

#endif
