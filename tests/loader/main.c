/* main.c: runs every loader unit test; arguments are real ELF files for tests_real().
 *
 * Usage: test_loader [trusted:|plain:]FILE...   Exit status 0 when every test passed. */
#include "harness.h"

int t_failed, t_total_failed;

void t_run(const char *name, void (*fn)(void))
{
	t_failed = 0;
	fn();
	printf("%s %s\n", t_failed ? "FAIL" : "PASS", name);
	fflush(stdout);
	t_total_failed += t_failed;
}

int main(int argc, char **argv)
{
	tests_check();
	tests_map();
	tests_stack();
	tests_real(argc - 1, argv + 1);
	return t_total_failed ? 1 : 0;
}
