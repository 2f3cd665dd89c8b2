/* shim/stdlib.h: what lwIP's sources take from <stdlib.h> (atoi, in netif_find), provided
 * by the glue (lwip/port.c). Only lwIP's objects and the glue see this directory. */
#ifndef RZ_LWIP_SHIM_STDLIB_H
#define RZ_LWIP_SHIM_STDLIB_H
#include <stddef.h>
int atoi(const char *s);
#endif
