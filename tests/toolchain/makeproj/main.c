#include <stdio.h>
const char *greet(const char *who);
int main(void) { puts(greet("makefile")); return 0; }
