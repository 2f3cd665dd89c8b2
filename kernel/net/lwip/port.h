/* port.h: the glue's entry into lwIP (net/lwip/port.c). lwIP has no lock of its own: every
 * call into it, from a system call, the timer interrupt or a device's receive interrupt,
 * runs between net_lock() and net_unlock(), i.e. with interrupts disabled on this one CPU.
 * net_unlock() first delivers what lwIP queued on its loopback interfaces (lwIP's loopback
 * netif only queues; NO_SYS has no thread to poll it), so a send over 127.0.0.1 or ::1 has
 * reached the peer's socket when the system call returns. lwIP's callbacks (recv, sent,
 * err, accept, connected) only queue and call sock_wake(): they never sleep or kmalloc. */
#ifndef RZ_NET_LWIP_PORT_H
#define RZ_NET_LWIP_PORT_H
#include "types.h"

uint64_t net_lock(void);
void net_unlock(uint64_t state);
/* Deliver the loopback queues now (inside net_lock): for callers that sleep on a
 * condition and must see the effect of their own sends first. */
void net_flush(void);

struct sock;
/* sock_wait (net.h) inside net_lock, after delivering what this task queued on loopback:
 * the peer must see our segments before we sleep waiting for its answer. */
long net_wait(struct sock *s, bool nonblock, bool send, uint64_t *deadline);

#endif
