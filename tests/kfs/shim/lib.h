/* shim/lib.h: the kernel's lib.h for the host tests: the C library's string functions,
 * printk as printf, panic/assert as abort. */
#ifndef RZ_LIB_H
#define RZ_LIB_H
#include "types.h"
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>   /* CLOCK_* for fs/timerfd.c (the kernel takes them from <linux/time.h>) */
size_t strlcpy(char *d, const char *s, size_t n);
#define printk printf
#define panic(...) (fprintf(stderr, "panic: " __VA_ARGS__), fputc('\n', stderr), abort())
#define assert(c) ((c) ? (void)0 : panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__))
#endif
