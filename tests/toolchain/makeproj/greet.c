#include <stdio.h>
const char *greet(const char *who)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "hello, %s", who);
	return buf;
}
