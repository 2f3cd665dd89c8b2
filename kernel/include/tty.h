/* tty.h: the terminal line discipline (dev/ldisc.c, pure logic, also built by the host
 * tests) and the console tty (dev/tty.c).
 *
 * The line discipline takes input bytes one at a time and keeps two things: the line being
 * edited (canonical mode) and the bytes ready to be read. In canonical mode the ready bytes
 * are whole lines, each remembered with its length (a line ended by ^D has no newline; an
 * empty one is end of file: read returns 0). Echo goes to an output function that applies
 * the output flags (tty_output). Everything here runs with interrupts disabled. */
#ifndef RZ_TTY_H
#define RZ_TTY_H
#include "types.h"
#include <asm/termbits.h>

#define LD_LINE 4096            /* longest line being edited (one byte kept for the newline) */
#define LD_IN 8192              /* bytes ready to read */
#define LD_LINES 256            /* complete lines ready to read */

#define LD_SIGINT 1             /* ldisc_input results: a signal character was typed */
#define LD_SIGQUIT 2
#define LD_SIGTSTP 3

struct ldisc {
	struct termios t;
	char line[LD_LINE];
	size_t linelen;
	uint8_t in[LD_IN];
	uint32_t in_head, in_count;
	uint16_t lens[LD_LINES];
	uint32_t lens_head, lens_count;
	bool lnext;                     /* the previous byte was VLNEXT (^V) */
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;
};

void ldisc_init(struct ldisc *ld, void (*out)(void *ctx, const char *s, size_t n), void *ctx);
void ldisc_default_termios(struct termios *t);
int ldisc_input(struct ldisc *ld, uint8_t c);           /* 0 or LD_SIG* */
bool ldisc_canonical(const struct ldisc *ld);
bool ldisc_readable(const struct ldisc *ld);            /* a read would not block */
bool ldisc_wants_input(const struct ldisc *ld, size_t want); /* more input is useful */
size_t ldisc_avail(const struct ldisc *ld);
bool ldisc_holds(const struct ldisc *ld, uint8_t c); /* c waits among the ready bytes */
/* Copies ready bytes (canonical: from one line at most): their number; 0 is end of file
 * in canonical mode (or nothing ready in raw mode). */
size_t ldisc_read(struct ldisc *ld, char *dst, size_t n);
void ldisc_flush(struct ldisc *ld);                     /* input side: line and ready bytes */
void ldisc_set_termios(struct ldisc *ld, const struct termios *t);
/* Output processing (OPOST, ONLCR, OCRNL, ONLRET) of s into out(). */
void ldisc_output(const struct termios *t, const char *s, size_t n,
		  void (*out)(void *ctx, const char *s, size_t n), void *ctx);

/* --- the console tty (dev/tty.c) and the console's receive queue (dev/console.c) ------- */
extern struct waitq console_rx_wq;      /* woken for every received byte */
extern struct pollhead console_pollers; /* the same, for poll/select (vfs.h) */
int console_rx_pop(void);               /* next received byte or -1; interrupts disabled */
void console_rx_flush(void);
size_t console_rx_count(void);
bool console_rx_holds(uint8_t c); /* c waits in the receive queue, unread */
/* From the receive interrupt: true when the tty consumed the byte (a signal character
 * typed while a program is in the foreground). */
bool tty_rx_intercept(uint8_t c);
struct ldisc *tty_console_ldisc(void);   /* for tests */

#endif
