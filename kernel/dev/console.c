/* console.c: the kernel console on top of the serial port. Owns output newline
 * translation ("\n" -> "\r\n"), the input queue (filled by the serial receive interrupt;
 * 256 bytes, further bytes are dropped and counted), blocking input (sleeping in hlt until
 * an interrupt, or polling the UART before interrupts are set up or when there is no
 * APIC) and the line editor used by the shell
 * (echo, backspace/DEL, Ctrl-U kills the line, CR, LF and CR LF all end a line, escape
 * sequences such as arrow keys are swallowed). The queue is shared with the tty
 * (/dev/console, tty.c), which takes bytes from it only while a program reads, so the shell
 * and a program never race for input; readers sleep on console_rx_wq, pollers are woken
 * through console_pollers. Does not own the
 * UART (serial.c) or the terminal line discipline (ldisc.c, tty.c). */
#include "console.h"
#include "tty.h"
#include "vfs.h"
#include "wait.h"
#include "x86.h"

struct waitq console_rx_wq;
struct pollhead console_pollers;

void console_putc(char c)
{
	if (c == '\n')
		serial_putc('\r');
	serial_putc((uint8_t)c);
}

void console_write(const char *s, size_t n)
{
	while (n--)
		console_putc(*s++);
}

#define RXQ_SIZE 256
static volatile uint8_t rxq[RXQ_SIZE];
static volatile uint32_t rx_head, rx_tail; /* head: next to read; tail: next to write */
static uint64_t rx_dropped;
static bool irq_mode;

void console_rx(uint8_t c)
{
	if (tty_rx_intercept(c))
		return;
	if (rx_tail - rx_head == RXQ_SIZE) {
		rx_dropped++;
		return;
	}
	rxq[rx_tail % RXQ_SIZE] = c;
	rx_tail++;
	waitq_wake_all(&console_rx_wq);
	pollhead_wake(&console_pollers);
}

int console_rx_pop(void)
{
	if (!irq_mode) { /* no receive interrupt: poll the UART */
		int c = serial_getc_nowait();
		if (c >= 0)
			return c;
	}
	if (rx_head == rx_tail)
		return -1;
	uint8_t c = rxq[rx_head % RXQ_SIZE];
	rx_head++;
	return c;
}

void console_rx_flush(void) { rx_head = rx_tail; }

size_t console_rx_count(void) { return rx_tail - rx_head; }

bool console_rx_holds(uint8_t c)
{
	for (uint32_t i = rx_head; i != rx_tail; i++)
		if (rxq[i % RXQ_SIZE] == c)
			return true;
	return false;
}

void console_set_irq_mode(bool on) { irq_mode = on; }

int console_getc(void)
{
	if (!irq_mode) {
		int c;
		while ((c = serial_getc_nowait()) < 0)
			pause();
		return c;
	}
	uint64_t irq = irq_save();
	int c;
	while ((c = console_rx_pop()) < 0)
		waitq_sleep(&console_rx_wq); /* a signal for the shell's task: just look again */
	irq_restore(irq);
	return c;
}

size_t console_readline(char *buf, size_t size)
{
	static int last; /* previous byte: a LF right after a CR belongs to the same line end */
	size_t n = 0;
	int esc = 0;     /* 1 after ESC, 2 inside "ESC [" ... until the final byte */
	for (;;) {
		int c = console_getc();
		int prev = last;
		last = c;
		if (esc == 1) {
			esc = (c == '[' || c == 'O') ? 2 : 0;
			continue;
		}
		if (esc == 2) {
			if (c >= 0x40 && c <= 0x7e)
				esc = 0;
			continue;
		}
		if (c == 0x1b) {
			esc = 1;
		} else if (c == '\n' && prev == '\r') {
			continue;
		} else if (c == '\r' || c == '\n') {
			console_putc('\n');
			buf[n] = 0;
			return n;
		} else if (c == 0x7f || c == 0x08) {
			if (n > 0) {
				n--;
				console_write("\b \b", 3);
			}
		} else if (c == 0x15) { /* Ctrl-U */
			for (; n > 0; n--)
				console_write("\b \b", 3);
		} else if (c >= 0x20 && c < 0x7f && n + 1 < size) {
			buf[n++] = (char)c;
			console_putc((char)c);
		}
	}
}
