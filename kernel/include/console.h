/* console.h: the console (serial COM1 today): byte output, blocking input, line reading. */
#ifndef RZ_CONSOLE_H
#define RZ_CONSOLE_H
#include "types.h"

void serial_init(void);
void serial_putc(uint8_t c);
int serial_getc_nowait(void); /* -1 when nothing is waiting */
bool serial_enable_rx_irq(void); /* receive by interrupt (IRQ 4) into the console queue */

void console_rx(uint8_t c);     /* from the serial IRQ: queue one received byte */
void console_set_irq_mode(bool on);
void console_putc(char c);      /* '\n' becomes "\r\n" */
void console_write(const char *s, size_t n);
int console_getc(void);         /* blocks */
/* Reads one line with echo and backspace; returns its length (without the newline). */
size_t console_readline(char *buf, size_t size);

#endif
