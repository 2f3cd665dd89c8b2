/* ldisc.c: the terminal line discipline, as termios(3) describes it. Owns input
 * processing (ISTRIP, IGNCR, ICRNL, INLCR, IXON's ^S/^Q dropped), signal characters
 * (ISIG: VINTR, VQUIT reported to the caller, pending input flushed unless NOFLSH),
 * canonical editing (VERASE and ^H, VKILL, VWERASE, VLNEXT, VEOF, VEOL, newline), echo
 * (ECHO, ECHOE, ECHOK/ECHOKE, ECHONL, ECHOCTL as ^X), the queue of complete lines and of
 * raw bytes, and output processing (OPOST with ONLCR, OCRNL, ONLRET). Pure logic with no
 * device, interrupt or user memory access, so the host tests build it. Does not own the
 * receive queue or the device (console.c, tty.c). */
#include "tty.h"
#include "lib.h"

void ldisc_default_termios(struct termios *t)
{
	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t->c_cc[VINTR] = 0x03;
	t->c_cc[VQUIT] = 0x1c;
	t->c_cc[VERASE] = 0x7f;
	t->c_cc[VKILL] = 0x15;
	t->c_cc[VEOF] = 0x04;
	t->c_cc[VTIME] = 0;
	t->c_cc[VMIN] = 1;
	t->c_cc[VSTART] = 0x11;
	t->c_cc[VSTOP] = 0x13;
	t->c_cc[VSUSP] = 0x1a;
	t->c_cc[VREPRINT] = 0x12;
	t->c_cc[VDISCARD] = 0x0f;
	t->c_cc[VWERASE] = 0x17;
	t->c_cc[VLNEXT] = 0x16;
}

void ldisc_init(struct ldisc *ld, void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	memset(ld, 0, sizeof(*ld));
	ldisc_default_termios(&ld->t);
	ld->out = out;
	ld->ctx = ctx;
}

bool ldisc_canonical(const struct ldisc *ld) { return ld->t.c_lflag & ICANON; }

void ldisc_output(const struct termios *t, const char *s, size_t n,
		  void (*out)(void *ctx, const char *s, size_t n), void *ctx)
{
	if (!(t->c_oflag & OPOST)) {
		out(ctx, s, n);
		return;
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\n' && (t->c_oflag & ONLCR)) {
			out(ctx, s + start, i - start);
			out(ctx, "\r\n", 2);
			start = i + 1;
		} else if (c == '\r' && (t->c_oflag & OCRNL)) {
			out(ctx, s + start, i - start);
			if (!(t->c_oflag & ONLRET))
				out(ctx, "\n", 1);
			start = i + 1;
		}
	}
	out(ctx, s + start, n - start);
}

static void echo(struct ldisc *ld, const char *s, size_t n)
{
	if (ld->out)
		ldisc_output(&ld->t, s, n, ld->out, ld->ctx);
}

static bool is_ctl(uint8_t c) { return c < 0x20 || c == 0x7f; }

/* Echo of one input byte (ECHOCTL shows control characters as ^X). */
static void echo_char(struct ldisc *ld, uint8_t c)
{
	if (!(ld->t.c_lflag & ECHO))
		return;
	if (is_ctl(c) && c != '\n' && c != '\t' && (ld->t.c_lflag & ECHOCTL)) {
		char b[2] = {'^', (char)(c == 0x7f ? '?' : c + 0x40)};
		echo(ld, b, 2);
	} else {
		char b = (char)c;
		echo(ld, &b, 1);
	}
}

static void push_in(struct ldisc *ld, uint8_t c)
{
	if (ld->in_count == LD_IN)
		return; /* full: the byte is lost */
	ld->in[(ld->in_head + ld->in_count) % LD_IN] = c;
	ld->in_count++;
}

/* Moves the edited line (plus the newline, if any) to the ready queue. */
static void commit_line(struct ldisc *ld, int nl)
{
	size_t len = ld->linelen + (nl >= 0);
	if (ld->lens_count == LD_LINES || ld->in_count + len > LD_IN) {
		ld->linelen = 0; /* no room: the line is lost */
		return;
	}
	for (size_t i = 0; i < ld->linelen; i++)
		push_in(ld, (uint8_t)ld->line[i]);
	if (nl >= 0)
		push_in(ld, (uint8_t)nl);
	ld->lens[(ld->lens_head + ld->lens_count) % LD_LINES] = (uint16_t)len;
	ld->lens_count++;
	ld->linelen = 0;
}

/* Visually removes the last character of the line. */
static void rub_out(struct ldisc *ld)
{
	if (ld->linelen == 0)
		return;
	uint8_t c = (uint8_t)ld->line[--ld->linelen];
	if ((ld->t.c_lflag & ECHO) && (ld->t.c_lflag & (ECHOE | ECHOKE))) {
		int cols = (is_ctl(c) && c != '\t' && (ld->t.c_lflag & ECHOCTL)) ? 2 : 1;
		for (int i = 0; i < cols; i++)
			echo(ld, "\b \b", 3);
	}
}

void ldisc_flush(struct ldisc *ld)
{
	ld->linelen = 0;
	ld->in_head = ld->in_count = 0;
	ld->lens_head = ld->lens_count = 0;
	ld->lnext = false;
}

int ldisc_input(struct ldisc *ld, uint8_t c)
{
	const struct termios *t = &ld->t;
	const cc_t *cc = t->c_cc;
	bool canon = t->c_lflag & ICANON;
	if (t->c_iflag & ISTRIP)
		c &= 0x7f;
	if (ld->lnext) { /* quoted: taken literally */
		ld->lnext = false;
		if (canon) {
			if (ld->linelen < LD_LINE - 1)
				ld->line[ld->linelen++] = (char)c;
		} else {
			push_in(ld, c);
		}
		echo_char(ld, c);
		return 0;
	}
	if (c == '\r') {
		if (t->c_iflag & IGNCR)
			return 0;
		if (t->c_iflag & ICRNL)
			c = '\n';
	} else if (c == '\n' && (t->c_iflag & INLCR)) {
		c = '\r';
	}
	if ((t->c_iflag & IXON) && c && (c == cc[VSTART] || c == cc[VSTOP]))
		return 0;
	if (t->c_lflag & ISIG) {
		int sig = 0;
		if (c && c == cc[VINTR])
			sig = LD_SIGINT;
		else if (c && c == cc[VQUIT])
			sig = LD_SIGQUIT;
		if (sig) {
			if (!(t->c_lflag & NOFLSH))
				ldisc_flush(ld);
			echo_char(ld, c);
			if (t->c_lflag & ECHO)
				echo(ld, "\n", 1);
			return sig;
		}
		if (c && c == cc[VSUSP])
			sig = LD_SIGTSTP;
		if (sig) {
			if (!(t->c_lflag & NOFLSH))
				ldisc_flush(ld);
			echo_char(ld, c);
			return sig;
		}
	}
	if ((t->c_lflag & IEXTEN) && c && c == cc[VLNEXT]) {
		ld->lnext = true;
		return 0;
	}
	if (!canon) {
		push_in(ld, c);
		echo_char(ld, c);
		return 0;
	}
	if ((c && c == cc[VERASE]) || c == '\b') {
		rub_out(ld);
	} else if (c && c == cc[VKILL]) {
		if ((t->c_lflag & ECHO) && !(t->c_lflag & (ECHOKE | ECHOE))) {
			echo_char(ld, c);
			if (t->c_lflag & ECHOK)
				echo(ld, "\n", 1);
			ld->linelen = 0;
		}
		while (ld->linelen)
			rub_out(ld);
	} else if ((t->c_lflag & IEXTEN) && c && c == cc[VWERASE]) {
		while (ld->linelen && (ld->line[ld->linelen - 1] == ' ' || ld->line[ld->linelen - 1] == '\t'))
			rub_out(ld);
		while (ld->linelen && ld->line[ld->linelen - 1] != ' ' && ld->line[ld->linelen - 1] != '\t')
			rub_out(ld);
	} else if (c && c == cc[VEOF]) {
		commit_line(ld, -1);
	} else if (c == '\n' || (c && (c == cc[VEOL] || c == cc[VEOL2]))) {
		if ((t->c_lflag & ECHO) || (c == '\n' && (t->c_lflag & ECHONL)))
			echo(ld, (const char *)&c, 1);
		commit_line(ld, c);
	} else if (ld->linelen < LD_LINE - 1) {
		ld->line[ld->linelen++] = (char)c;
		echo_char(ld, c);
	}
	return 0;
}

bool ldisc_readable(const struct ldisc *ld)
{
	return ldisc_canonical(ld) ? ld->lens_count > 0 : ld->in_count > 0;
}

bool ldisc_wants_input(const struct ldisc *ld, size_t want)
{
	return ldisc_canonical(ld) ? ld->lens_count == 0 : ld->in_count < want;
}

size_t ldisc_avail(const struct ldisc *ld) { return ld->in_count; }

bool ldisc_holds(const struct ldisc *ld, uint8_t c)
{
	for (uint32_t i = 0; i < ld->in_count; i++)
		if (ld->in[(ld->in_head + i) % LD_IN] == c)
			return true;
	return false;
}

static void pop_in(struct ldisc *ld, char *dst, size_t k)
{
	for (size_t i = 0; i < k; i++)
		dst[i] = (char)ld->in[(ld->in_head + i) % LD_IN];
	ld->in_head = (ld->in_head + (uint32_t)k) % LD_IN;
	ld->in_count -= (uint32_t)k;
}

size_t ldisc_read(struct ldisc *ld, char *dst, size_t n)
{
	if (!ldisc_canonical(ld)) {
		size_t k = MIN(n, (size_t)ld->in_count);
		pop_in(ld, dst, k);
		return k;
	}
	if (ld->lens_count == 0)
		return 0;
	uint16_t *len = &ld->lens[ld->lens_head];
	size_t k = MIN(n, (size_t)*len);
	pop_in(ld, dst, k);
	*len -= (uint16_t)k;
	if (*len == 0) {
		ld->lens_head = (ld->lens_head + 1) % LD_LINES;
		ld->lens_count--;
	}
	return k;
}

void ldisc_set_termios(struct ldisc *ld, const struct termios *t)
{
	bool was = ldisc_canonical(ld);
	ld->t = *t;
	bool now = ldisc_canonical(ld);
	if (was && !now) {
		/* to raw: the partial line becomes ready bytes; line boundaries are forgotten */
		for (size_t i = 0; i < ld->linelen; i++)
			push_in(ld, (uint8_t)ld->line[i]);
		ld->linelen = 0;
		ld->lens_head = ld->lens_count = 0;
	} else if (!was && now && ld->in_count) {
		/* to canonical: bytes already ready stay readable, as one line */
		ld->lens_head = 0;
		ld->lens[0] = (uint16_t)MIN(ld->in_count, 0xffffu);
		ld->lens_count = 1;
	}
}
