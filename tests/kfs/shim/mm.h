/* shim/mm.h: the kernel heap as malloc for the host tests. */
#ifndef RZ_MM_H
#define RZ_MM_H
#include "types.h"
#include <stdlib.h>
#define kmalloc(n) malloc(n)
#define kzalloc(n) calloc(1, (n))
#define kfree(p) free(p)
uint64_t frames_free(void);
uint64_t frames_total(void);
#endif
