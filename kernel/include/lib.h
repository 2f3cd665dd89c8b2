/* lib.h: the kernel's small C library: string/memory functions, printk, panic. */
#ifndef RZ_LIB_H
#define RZ_LIB_H
#include "types.h"

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);

/* printk: %c %s %d %i %u %x %X %p %%, flags '-' '0', width, length l ll z. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
int snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define assert(c) ((c) ? (void)0 : panic("assertion failed: %s (%s:%d)", #c, __FILE__, __LINE__))

/* ksyms.c: address -> "name+0xoff" using the table linked into the image. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
void print_backtrace(uint64_t rbp);

#endif
