/* musl's fmaf raises FE_UNDERFLOW for a tiny inexact result by testing FE_INEXACT around an
 * addition; a compiler that moves the addition after fetestexcept loses it. The answer must be
 * the one glibc (the host) and Debian's musl give: 0x1p-149, underflow and inexact raised. */
#include <fenv.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
	volatile float x = 0x1p-120f, y = 0x1p-120f, z = 0x1p-149f;
	feclearexcept(FE_ALL_EXCEPT);
	float r = fmaf(x, y, z);
	int e = fetestexcept(FE_ALL_EXCEPT);
	printf("fmaf=%a underflow=%d inexact=%d\n", r, !!(e & FE_UNDERFLOW), !!(e & FE_INEXACT));
	return 0;
}
