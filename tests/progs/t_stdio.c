/* t_stdio: printf formats, snprintf truncation, stdio on a scratch file, ungetc, sscanf. */
#define _GNU_SOURCE
#include "check.h"
#include <math.h>

static char buf[512];
static volatile size_t bufsz = sizeof buf; /* unknown to the compiler: no folding */

/* Formats into buf, prints the result and compares it with the expected text. */
#define FMT(want, ...)                                                            \
	do {                                                                          \
		int n_ = snprintf(buf, bufsz, __VA_ARGS__);                         \
		printf("[%s]\n", buf);                                                    \
		CHECK_STR(buf, want);                                                     \
		CHECK_EQ(n_, strlen(want));                                               \
	} while (0)

static void formats(void)
{
	FMT("42|   42|42   |00042|+42|-7", "%d|%5d|%-5d|%05d|%+d|%d", 42, 42, 42, 42, 42, -7);
	FMT("ff|FF|0xff|10|4000000000", "%x|%X|%#x|%o|%u", 255u, 255u, 255u, 8u, 4000000000u);
	FMT("-1234567890123|-9|18446744073709551615", "%ld|%lld|%lu", -1234567890123L, -9LL,
	    (unsigned long)-1);
	FMT("z|str|abc|     right|left  |%", "%c|%s|%.3s|%10s|%-6s|%%", 'z', "str", "abcdef",
	    "right", "left");
	FMT("*  7*", "*%*d*", 3, 7);
	FMT("3.141593|3.14|-0.000000|1e+100", "%f|%.2f|%f|%g", 3.14159265358979, 3.14159, -0.0,
	    1e100);
	FMT("1.234568e+04|0.000000e+00|-2.50e-03", "%e|%e|%.2e", 12345.678, 0.0, -0.0025);
	FMT("0.0001|1e-05|1.23457e+08|100000|1e+06", "%g|%g|%g|%g|%g", 0.0001, 0.00001,
	    123456789.0, 100000.0, 1000000.0);
	FMT("0.3333333333|2|0.1|1.5", "%.10g|%.0f|%.1f|%g", 1.0 / 3.0, 1.5, 0.125, 1.5);
	FMT("inf|-inf|nan|   1.0|1.000000e+300", "%f|%f|%f|%6.1f|%e", (double)INFINITY,
	    -(double)INFINITY, (double)NAN, 1.0, 1e300);
	FMT("10000000000000000000000|0.10000000000000000555", "%.0f|%.20g", 1e22, 0.1);
}

static void truncation(void)
{
	char small[8];
	volatile size_t size = sizeof small, one = 1;
	int n = snprintf(small, size, "hello world %d", 12345);
	printf("snprintf: %d [%s]\n", n, small);
	CHECK_EQ(n, 17);
	CHECK_STR(small, "hello w");
	CHECK_EQ(snprintf(NULL, 0, "%s-%d", "abc", 100), 7);
	small[0] = 'x';
	CHECK_EQ(snprintf(small, one, "abc"), 3);
	CHECK_EQ(small[0], '\0');
}

static void files(void)
{
	const char *path = "t_stdio.tmp";
	char line[64];
	FILE *f = fopen(path, "w+");
	CHECK(f != NULL);
	CHECK(fputs("first line\n", f) >= 0);
	CHECK_EQ(fprintf(f, "second %d\n", 2), 9);
	CHECK(fputs("third", f) >= 0);
	CHECK_EQ(ftell(f), 25);
	CHECK_EQ(fseek(f, 0, SEEK_SET), 0);
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "first line\n");
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "second 2\n");
	CHECK_EQ(ftell(f), 20);
	CHECK(fgets(line, sizeof line, f) != NULL);
	CHECK_STR(line, "third");
	CHECK(fgets(line, sizeof line, f) == NULL);
	CHECK(feof(f));
	CHECK_EQ(fseek(f, -5, SEEK_END), 0);
	CHECK_EQ(fgetc(f), 't');
	CHECK_EQ(ungetc('X', f), 'X');
	CHECK_EQ(fgetc(f), 'X');
	CHECK_EQ(fgetc(f), 'h');
	CHECK_EQ(fseek(f, 6, SEEK_SET), 0);
	CHECK_EQ(fread(line, 1, 4, f), 4);
	CHECK(memcmp(line, "line", 4) == 0);
	rewind(f);
	CHECK_EQ(fgetc(f), 'f');
	CHECK_EQ(fclose(f), 0);

	f = fopen(path, "a");
	CHECK(f != NULL);
	CHECK(fputs("!\n", f) >= 0);
	CHECK_EQ(fclose(f), 0);
	f = fopen(path, "r");
	CHECK(f != NULL);
	int lines = 0;
	while (fgets(line, sizeof line, f))
		lines++;
	CHECK_EQ(lines, 3);
	CHECK_STR(line, "third!\n");
	CHECK_EQ(fclose(f), 0);
	CHECK_EQ(remove(path), 0);
	CHECK(fopen(path, "r") == NULL && errno == ENOENT);
	printf("file: ok\n");
}

static void scanning(void)
{
	int d = 0, i = 0, n = 0;
	double x = 0;
	char word[16], rest[16];
	int r = sscanf("  42 0x1f 3.5 word[rest] tail", "%d %i %lf %15[a-z][%15[^]]]%n", &d, &i,
		       &x, word, rest, &n);
	printf("sscanf: %d %d %d %g %s %s %d\n", r, d, i, x, word, rest, n);
	CHECK_EQ(r, 5);
	CHECK_EQ(d, 42);
	CHECK_EQ(i, 31);
	CHECK(x == 3.5);
	CHECK_STR(word, "word");
	CHECK_STR(rest, "rest");
	CHECK_EQ(n, 24);
	CHECK_EQ(sscanf("", "%d", &d), EOF);
	CHECK_EQ(sscanf("abc", "%d", &d), 0);
	CHECK_EQ(sscanf("-017 1e3", "%o %lg", &d, &x), 2);
	CHECK_EQ(d, -15);
	CHECK(x == 1000.0);
}

int main(void)
{
	check_init();
	formats();
	truncation();
	files();
	scanning();
	CHECK_DONE("t_stdio");
}
