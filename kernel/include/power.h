/* power.h: ending the machine (dev/power.c). */
#ifndef RZ_POWER_H
#define RZ_POWER_H
#include "types.h"

NORETURN void machine_poweroff(void);
NORETURN void machine_halt_after_panic(void);

#endif
