/* shim/string.h: what lwIP's sources take from <string.h>, provided by the kernel's lib.h.
 * Only lwIP's objects and the glue see this directory. */
#ifndef RZ_LWIP_SHIM_STRING_H
#define RZ_LWIP_SHIM_STRING_H
#include "lib.h"
#endif
