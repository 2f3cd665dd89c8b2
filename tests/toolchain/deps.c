/* For r0cc's -M/-MD/-c/-S/-E checks: one system header, one local header. */
#include <stdio.h>
#include "deps.h"

int deps_answer(void) { return DEPS_ANSWER; }

int main(void)
{
	printf("%d\n", deps_answer());
	return 0;
}
