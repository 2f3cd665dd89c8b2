/* netstack.h: the TCP/IP stack's hooks into the rest of the kernel (net/lwip/port.c):
 * its start at boot and its clock. Everything else reaches it through the socket layer
 * (net.h). */
#ifndef RZ_NETSTACK_H
#define RZ_NETSTACK_H

void net_init(void);    /* lwIP, the loopback interface, the network device if there is one */
void net_tick(void);    /* from the timer interrupt: lwIP's timeouts (TCP, ARP, ND, reassembly) */

#endif
