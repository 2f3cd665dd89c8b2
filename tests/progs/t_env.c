/* t_env: argv exactly as passed (run.sh passes: a b 'c d'), the environment run.sh sets
 * (RINGZERO_TEST='hello world=1'), setenv/unsetenv/putenv, environ. */
#define _GNU_SOURCE
#include "check.h"

extern char **environ;

static int in_environ(const char *entry)
{
	int found = 0;
	for (char **e = environ; *e; e++)
		if (!strcmp(*e, entry))
			found++;
	return found;
}

int main(int argc, char **argv)
{
	check_init();
	printf("argc=%d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d]=[%s]\n", i, argv[i]);
	CHECK_EQ(argc, 4);
	CHECK(argv[0] != NULL && argv[0][0] != '\0');
	CHECK_STR(argv[1], "a");
	CHECK_STR(argv[2], "b");
	CHECK_STR(argv[3], "c d");
	CHECK(argv[4] == NULL);
	CHECK(environ == argv + argc + 1); /* envp follows argv on the initial stack */

	const char *v = getenv("RINGZERO_TEST");
	printf("RINGZERO_TEST=[%s]\n", v ? v : "(unset)");
	CHECK_STR(v, "hello world=1");
	CHECK_EQ(in_environ("RINGZERO_TEST=hello world=1"), 1);
	CHECK(getenv("RINGZERO_SURELY_UNSET") == NULL);
	CHECK(getenv("RINGZERO") == NULL); /* a prefix is not a match */

	CHECK_EQ(setenv("RZ_NEW", "one", 0), 0);
	CHECK_STR(getenv("RZ_NEW"), "one");
	CHECK_EQ(setenv("RZ_NEW", "two", 0), 0); /* no overwrite */
	CHECK_STR(getenv("RZ_NEW"), "one");
	CHECK_EQ(setenv("RZ_NEW", "three", 1), 0);
	CHECK_STR(getenv("RZ_NEW"), "three");
	CHECK_EQ(in_environ("RZ_NEW=three"), 1);
	CHECK_EQ(setenv("RINGZERO_TEST", "", 1), 0);
	CHECK_STR(getenv("RINGZERO_TEST"), "");
	CHECK_EQ(unsetenv("RZ_NEW"), 0);
	CHECK(getenv("RZ_NEW") == NULL);
	CHECK_EQ(in_environ("RZ_NEW=three"), 0);
	CHECK_EQ(unsetenv("RZ_NEW"), 0); /* unsetting an unset name is fine */
	CHECK_ERR(setenv("BAD=NAME", "x", 1), EINVAL);
	CHECK_ERR(setenv("", "x", 1), EINVAL);
	static char entry[] = "RZ_PUT=via putenv";
	CHECK_EQ(putenv(entry), 0);
	CHECK_STR(getenv("RZ_PUT"), "via putenv");
	entry[7] = 'V'; /* putenv keeps the caller's string itself */
	CHECK_STR(getenv("RZ_PUT"), "Via putenv");
	for (int i = 0; i < 200; i++) { /* grow environ well past its initial size */
		char name[16];
		snprintf(name, sizeof name, "RZ_%d", i);
		CHECK_EQ(setenv(name, name + 3, 1), 0);
	}
	CHECK_STR(getenv("RZ_0"), "0");
	CHECK_STR(getenv("RZ_199"), "199");
	CHECK_EQ(in_environ("RZ_123=123"), 1);
	CHECK_STR(getenv("RZ_PUT"), "Via putenv");
	printf("setenv/unsetenv/putenv: ok\n");
	CHECK_DONE("t_env");
}
