/* serial.c: the 16550 UART at COM1 (I/O port 0x3f8). Owns programming the UART
 * (115200 8N1, FIFOs off, its interrupts off) and moving single bytes by polling the line
 * status register, and the receive interrupt (IER bit 0, ISA IRQ 4 through the I/O APIC),
 * whose handler drains the UART into the console's queue. Does not own the queue, newline
 * translation or line editing (console.c). */
#include "console.h"
#include "apic.h"
#include "idt.h"
#include "x86.h"

#define COM1 0x3f8
#define THR 0 /* transmit holding (write, DLAB=0) */
#define RBR 0 /* receive buffer (read, DLAB=0) */
#define DLL 0 /* divisor low (DLAB=1) */
#define IER 1 /* interrupt enable (DLAB=0) */
#define DLM 1 /* divisor high (DLAB=1) */
#define FCR 2 /* FIFO control (write) */
#define LCR 3 /* line control */
#define MCR 4 /* modem control */
#define LSR 5 /* line status */
#define LSR_DR 0x01   /* data ready */
#define LSR_THRE 0x20 /* transmit holding register empty */

void serial_init(void)
{
	outb(COM1 + IER, 0x00);  /* no UART interrupts (we poll) */
	outb(COM1 + LCR, 0x80);  /* DLAB on to set the divisor */
	outb(COM1 + DLL, 0x01);  /* divisor 1: 115200 baud */
	outb(COM1 + DLM, 0x00);
	outb(COM1 + LCR, 0x03);  /* DLAB off; 8 data bits, no parity, 1 stop bit */
	/* FIFOs stay off: in QEMU, turning them on flushes the receive side, which loses a
	 * byte typed (or piped) before this point. Polling one byte at a time is enough. */
	outb(COM1 + FCR, 0x00);
	outb(COM1 + MCR, 0x0b);  /* DTR, RTS, OUT2 */
}

void serial_putc(uint8_t c)
{
	while (!(inb(COM1 + LSR) & LSR_THRE))
		pause();
	outb(COM1 + THR, c);
}

int serial_getc_nowait(void)
{
	if (!(inb(COM1 + LSR) & LSR_DR))
		return -1;
	return inb(COM1 + RBR);
}

static void serial_irq(void)
{
	int c;
	while ((c = serial_getc_nowait()) >= 0)
		console_rx((uint8_t)c);
}

bool serial_enable_rx_irq(void)
{
	irq_set_handler(IRQ_VECTOR(4), serial_irq);
	if (!ioapic_route_isa_irq(4, IRQ_VECTOR(4)))
		return false;
	outb(COM1 + IER, 0x01); /* interrupt on received data (raised at once if a byte waits) */
	return true;
}
