/* printk.c: formatted output. Owns the format engine (vsnprintf), printk to the console
 * and panic(). Does not own the console device (dev/console.c). */
#include "lib.h"
#include "console.h"
#include "power.h"
#include "x86.h"

struct out {
	char *buf;    /* NULL: write to the console */
	size_t size;  /* buffer size */
	size_t len;   /* characters produced so far (may exceed size) */
};

static void put(struct out *o, char c)
{
	if (!o->buf)
		console_putc(c);
	else if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, uint64_t v, int base, bool neg, int width, bool zero, bool left,
		    bool upper, const char *prefix)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	int plen = (neg ? 1 : 0) + (int)strlen(prefix);
	int pad = width - n - plen;
	if (!left && !zero)
		for (; pad > 0; pad--)
			put(o, ' ');
	if (neg)
		put(o, '-');
	for (const char *p = prefix; *p; p++)
		put(o, *p);
	if (!left && zero)
		for (; pad > 0; pad--)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (; pad > 0; pad--)
			put(o, ' ');
}

static void format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(o, *fmt);
			continue;
		}
		bool zero = false, left = false, alt = false;
		int width = 0, lng = 0;
		for (;; fmt++) {
			if (fmt[1] == '0')
				zero = true;
			else if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '#')
				alt = true;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'c':
			put(o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			int pad = width - (int)strlen(s);
			if (!left)
				for (; pad > 0; pad--)
					put(o, ' ');
			while (*s)
				put(o, *s++);
			if (left)
				for (; pad > 0; pad--)
					put(o, ' ');
			break;
		}
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			put_num(o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, zero, left, false, "");
			break;
		}
		case 'u':
			put_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width, zero, left,
				false, "");
			break;
		case 'x':
		case 'X':
			put_num(o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, false, width, zero, left,
				*fmt == 'X', alt ? "0x" : "");
			break;
		case 'p':
			put_num(o, (uint64_t)va_arg(ap, void *), 16, false, width, zero, left, false, "0x");
			break;
		case '%':
			put(o, '%');
			break;
		case 0:
			return;
		default:
			put(o, '%');
			put(o, *fmt);
		}
	}
}

int vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = {buf, n, 0};
	format(&o, fmt, ap);
	if (n)
		buf[o.len < n ? o.len : n - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int vprintk(const char *fmt, va_list ap)
{
	struct out o = {NULL, 0, 0};
	format(&o, fmt, ap);
	return (int)o.len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vprintk(fmt, ap);
	va_end(ap);
	return r;
}

void panic(const char *fmt, ...)
{
	static int nested;
	cli();
	if (nested++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		printk("\nkernel panic: ");
		vprintk(fmt, ap);
		va_end(ap);
		printk("\n");
	}
	machine_halt_after_panic();
}
