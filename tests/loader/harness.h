/* harness.h: the tiny test harness of the loader's host tests.
 *
 * A test is a void function; CHECK() records a failure (with file:line on stderr) and the
 * runner prints "PASS name" or "FAIL name" on stdout, one line per test. Owns nothing else. */
#ifndef LOADER_TEST_HARNESS_H
#define LOADER_TEST_HARNESS_H

#include <stdio.h>

extern int t_failed;             /* set by CHECK in the running test */
extern int t_total_failed;       /* tests that failed so far */

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		t_failed = 1; \
	} \
} while (0)

/* CHECK that an expression equals an expected loader error, printing both on mismatch. */
#define CHECK_ERR(expr, want) do { \
	int got_ = (expr), want_ = (want); \
	if (got_ != want_) { \
		fprintf(stderr, "  %s:%d: %s = %d (%s), want %d (%s)\n", __FILE__, __LINE__, \
			#expr, got_, loader_strerror(got_), want_, loader_strerror(want_)); \
		t_failed = 1; \
	} \
} while (0)

void t_run(const char *name, void (*fn)(void));
#define RUN(fn) t_run(#fn, fn)

/* The test groups (one file each). */
void tests_check(void);
void tests_map(void);
void tests_stack(void);
void tests_real(int argc, char **argv);

#endif
