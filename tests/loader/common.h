/* common.h: helpers shared by the loader's test files. */
#ifndef LOADER_TEST_COMMON_H
#define LOADER_TEST_COMMON_H

#include <stdint.h>
#include "loader.h"
#include "elfbuild.h"

#define TEST_USER_LIMIT 0x800000000000ull   /* the x86_64 lower half */

/* loader_check on an exact-size heap copy of the first size bytes of b, so that ASan
 * catches any read past the end. */
int check_exact(const struct eb *b, uint64_t size, uint64_t limit, struct loader_image *img);
/* check_exact on the whole image with TEST_USER_LIMIT. */
int check_eb(const struct eb *b, struct loader_image *img);

#endif
