/* t_string: string and memory functions, strtol/strtoul edge cases, qsort and bsearch. */
#define _GNU_SOURCE
#include "check.h"
#include <limits.h>
#include <strings.h>

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void lengths(void)
{
	static char area[256];
	/* Every length 0..100 at every alignment 0..15: the vectorized paths and their tails. */
	for (int off = 0; off < 16; off++)
		for (int len = 0; len <= 100; len++) {
			memset(area, 'x', sizeof area);
			area[off + len] = '\0';
			CHECK_EQ(strlen(area + off), len);
			CHECK_EQ(strnlen(area + off, 50), len < 50 ? len : 50);
			CHECK(memchr(area + off, '\0', 200) == area + off + len);
			CHECK(strchr(area + off, '\0') == area + off + len);
		}
	printf("strlen: ok\n");
}

static void compare_copy(void)
{
	CHECK(strcmp("abc", "abc") == 0);
	CHECK(strcmp("abc", "abd") < 0);
	CHECK(strcmp("abd", "abc") > 0);
	CHECK(strcmp("ab", "abc") < 0);
	CHECK(strcmp("\xff", "a") > 0); /* compared as unsigned char */
	CHECK(strncmp("abcdef", "abcxyz", 3) == 0);
	CHECK(strncmp("abcdef", "abcxyz", 4) < 0);
	CHECK(strcasecmp("HeLLo", "hello") == 0);
	CHECK(memcmp("a\0b", "a\0c", 3) < 0);

	char d[8];
	memset(d, '#', sizeof d);
	strncpy(d, "ab", 5); /* pads with NULs up to n */
	CHECK(memcmp(d, "ab\0\0\0###", 8) == 0);
	memset(d, '#', sizeof d);
	volatile size_t four = 4;
	strncpy(d, "abcdefgh", four); /* no terminator when the source is longer */
	CHECK(memcmp(d, "abcd####", 8) == 0);

	char s[32] = "hello";
	strcat(s, ", world");
	CHECK_STR(s, "hello, world");
	CHECK(strrchr(s, 'o') == s + 8);
	CHECK(strchr(s, 'o') == s + 4);
	CHECK(strchr(s, 'z') == NULL);
	CHECK(strstr(s, "world") == s + 7);
	CHECK(strstr(s, "") == s);
	CHECK(strstr(s, "worlds") == NULL);
	CHECK(strstr("aaaaaaaaaaaaaaaaab", "aaab") != NULL);
	CHECK_EQ(strspn("abcxyz", "cba"), 3);
	CHECK_EQ(strcspn("abcxyz", "zy"), 4);
	char *dup = strdup(s), *ndup = strndup(s, 5);
	CHECK_STR(dup, "hello, world");
	CHECK_STR(ndup, "hello");
	free(dup);
	free(ndup);
	printf("compare/copy/search: ok\n");
}

static void tokens_and_moves(void)
{
	char text[] = "  alpha,beta;;gamma , delta";
	char *save, *out[8] = {0};
	int n = 0;
	for (char *t = strtok_r(text, " ,;", &save); t && n < 8; t = strtok_r(NULL, " ,;", &save))
		out[n++] = t;
	CHECK_EQ(n, 4);
	printf("strtok_r: %d: %s|%s|%s|%s\n", n, out[0], out[1], out[2], out[3]);
	CHECK_STR(out[0], "alpha");
	CHECK_STR(out[2], "gamma");
	CHECK_STR(out[3], "delta");

	char m[32];
	for (int i = 0; i < 32; i++)
		m[i] = (char)('A' + i);
	memmove(m + 3, m, 20); /* overlap, moving up */
	CHECK(memcmp(m, "ABCABCDEFGHIJKLMNOPQRST", 23) == 0);
	memmove(m, m + 5, 20); /* overlap, moving down */
	CHECK(memcmp(m, "CDEFGHIJKLMNOPQRSTXY", 20) == 0);
	static char big[70000];
	for (unsigned i = 0; i < sizeof big; i++)
		big[i] = (char)(i % 251);
	memmove(big + 1, big, sizeof big - 1);
	CHECK(big[0] == 0 && big[1] == 0 && big[300] == (char)(299 % 251));
	memmove(big, big + 7, sizeof big - 7);
	CHECK(big[0] == (char)(6 % 251) && big[60000] == (char)(60006 % 251));
	printf("memmove: ok\n");
}

static void numbers(void)
{
	char *end;
	errno = 0;
	CHECK_EQ(strtol("  -12abc", &end, 10), -12);
	CHECK_STR(end, "abc");
	CHECK_EQ(strtol("0x7fffffffffffffff", NULL, 0), LONG_MAX);
	CHECK_EQ(strtol("0777", NULL, 0), 511);
	CHECK_EQ(strtol("zz", NULL, 36), 1295);
	CHECK_EQ(errno, 0);
	const char *abc = "abc";
	CHECK_EQ(strtol(abc, &end, 10), 0);
	CHECK(end == abc);
	CHECK_EQ(strtol("9223372036854775808", NULL, 10), LONG_MAX);
	CHECK_EQ(errno, ERANGE);
	errno = 0;
	CHECK_EQ(strtol("-9223372036854775809", NULL, 10), LONG_MIN);
	CHECK_EQ(errno, ERANGE);
	errno = 0;
	CHECK_EQ(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	CHECK_EQ(errno, 0);
	CHECK(strtoul("-1", NULL, 10) == ULONG_MAX);
	CHECK_EQ(errno, 0);
	CHECK(strtoul("18446744073709551615", NULL, 10) == ULONG_MAX);
	CHECK_EQ(errno, 0);
	CHECK(strtoul("18446744073709551616", NULL, 10) == ULONG_MAX);
	CHECK_EQ(errno, ERANGE);
	errno = 0;
	CHECK(strtoul("0x", &end, 16) == 0 && *end == 'x'); /* "0" parsed, "x" left */
	CHECK(strtoull("1010", NULL, 2) == 10);
	CHECK_EQ(atoi("  +77 "), 77);
	CHECK(strtod("2.5e3", NULL) == 2500.0);
	printf("strtol/strtoul: ok\n");
}

static void sorting(void)
{
	static int v[1000];
	unsigned x = 1;
	for (int i = 0; i < 1000; i++) {
		x = x * 1664525u + 1013904223u;
		v[i] = (int)(x >> 16) % 5000 - 2500;
	}
	v[500] = 4242;
	qsort(v, 1000, sizeof v[0], cmp_int);
	for (int i = 1; i < 1000; i++)
		CHECK(v[i - 1] <= v[i]);
	int key = 4242, missing = 9999;
	int *hit = bsearch(&key, v, 1000, sizeof v[0], cmp_int);
	CHECK(hit != NULL && *hit == 4242);
	CHECK(bsearch(&missing, v, 1000, sizeof v[0], cmp_int) == NULL);
	const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "apple"};
	qsort(words, 6, sizeof words[0], cmp_str);
	printf("qsort: %s %s %s %s %s %s\n", words[0], words[1], words[2], words[3], words[4],
	       words[5]);
	const char *want = "fig", **found = bsearch(&want, words, 6, sizeof words[0], cmp_str);
	CHECK(found == &words[4]);
}

int main(void)
{
	check_init();
	lengths();
	compare_copy();
	tokens_and_moves();
	numbers();
	sorting();
	CHECK_DONE("t_string");
}
