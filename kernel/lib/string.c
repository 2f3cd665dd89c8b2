/* string.c: memory and string functions for the freestanding kernel (GCC may also emit
 * calls to memset/memcpy/memmove/memcmp on its own). Owns nothing else. */
#include "lib.h"

/* rep stosb / rep movsb: short, and fast on CPUs with ERMS. Whole quadwords (pages: frames
 * cleared, copied on write, file pages) go by rep stosq / rep movsq, an eighth of the
 * iterations: TCG executes, and -icount counts, a rep instruction once per iteration. */
void *memset(void *d, int c, size_t n)
{
	void *p = d;
	if (!(((uintptr_t)d | n) & 7)) {
		uint64_t q = (uint8_t)c * 0x0101010101010101ULL;
		n /= 8;
		__asm__ volatile("rep stosq" : "+D"(p), "+c"(n) : "a"(q) : "memory");
		return d;
	}
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *dp = d;
	if (!(((uintptr_t)d | (uintptr_t)s | n) & 7)) {
		n /= 8;
		__asm__ volatile("rep movsq" : "+D"(dp), "+S"(s), "+c"(n) : : "memory");
		return d;
	}
	__asm__ volatile("rep movsb" : "+D"(dp), "+S"(s), "+c"(n) : : "memory");
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;
	if (dp < sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *d, const char *s, size_t n)
{
	size_t len = strlen(s);
	if (n) {
		size_t k = len < n - 1 ? len : n - 1;
		memcpy(d, s, k);
		d[k] = 0;
	}
	return len;
}
