/* What autoconf's AC_SEARCH_LIBS([deflate], [z]) compiles and links with -lz. */
char deflate(void);
int main(void) { return deflate(); }
