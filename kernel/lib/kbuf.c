/* kbuf.c: growable text buffers (procfs.h), for files whose contents are generated when
 * read (/proc). Owns growth and formatting into them; not what is written. */
#include "procfs.h"
#include "lib.h"
#include "mm.h"

static bool kbuf_grow(struct kbuf *b, size_t need)
{
	if (b->oom)
		return false;
	if (b->len + need + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + need + 1)
		cap *= 2;
	char *p = kmalloc(cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	if (b->len)
		memcpy(p, b->p, b->len);
	kfree(b->p);
	b->p = p;
	b->cap = cap;
	return true;
}

void kbuf_put(struct kbuf *b, const void *s, size_t n)
{
	if (!kbuf_grow(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void kbuf_printf(struct kbuf *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		kbuf_put(b, small, (size_t)n);
		return;
	}
	if (!kbuf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void kbuf_free(struct kbuf *b)
{
	kfree(b->p);
	*b = (struct kbuf){0};
}
