/* shim/x86.h: nothing privileged on the host. */
#ifndef RZ_X86_H
#define RZ_X86_H
static inline void pause(void) {}
#endif
