/* check.h: the tiny self-check kit shared by the r0cc test programs (tests/progs/).
 *
 * Every check that fails prints one line "FAIL file:line: expr (errno N)" on stdout and ends
 * the program with status 1 at once (through _exit, so it is also safe in a forked or vforked
 * child and in a thread). A program that gets to the end prints "<name>: ok" and returns 0.
 * Output must be deterministic: never print pids, addresses, times or strerror() texts. */
#ifndef RINGZERO_CHECK_H
#define RINGZERO_CHECK_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Line-buffered stdout keeps the order of lines right when parent and children share it.
 * The signal mask and an ignored SIGCHLD or SIGPIPE survive execve: start from a clean state
 * whatever the runner left behind. */
static inline void check_init(void)
{
	sigset_t none;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
}

static inline void check_fail(const char *file, int line, const char *expr, int err)
{
	printf("FAIL %s:%d: %s (errno %d)\n", file, line, expr, err);
	fflush(stdout);
	_exit(1);
}

static inline void check_fail_long(const char *file, int line, const char *expr, long got,
				   long want, int err)
{
	printf("FAIL %s:%d: %s: got %ld, want %ld (errno %d)\n", file, line, expr, got, want, err);
	fflush(stdout);
	_exit(1);
}

static inline void check_fail_str(const char *file, int line, const char *expr, const char *got,
				  const char *want)
{
	printf("FAIL %s:%d: %s: got \"%s\", want \"%s\"\n", file, line, expr,
	       got ? got : "(null)", want ? want : "(null)");
	fflush(stdout);
	_exit(1);
}

#define CHECK(e)                                                                  \
	do {                                                                          \
		if (!(e))                                                                 \
			check_fail(__FILE__, __LINE__, #e, errno);                            \
	} while (0)

/* Compares two values as longs and shows both when they differ. */
#define CHECK_EQ(a, b)                                                            \
	do {                                                                          \
		long check_a_ = (long)(a), check_b_ = (long)(b);                          \
		if (check_a_ != check_b_)                                                 \
			check_fail_long(__FILE__, __LINE__, #a " == " #b, check_a_, check_b_, \
					errno);                                               \
	} while (0)

#define CHECK_STR(a, b)                                                           \
	do {                                                                          \
		const char *check_a_ = (a), *check_b_ = (b);                              \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)            \
			check_fail_str(__FILE__, __LINE__, #a " == " #b, check_a_, check_b_); \
	} while (0)

/* A system call that must fail with a given errno: CHECK_ERR(open(...), ENOENT). */
#define CHECK_ERR(call, err)                                                      \
	do {                                                                          \
		errno = 0;                                                                \
		long check_r_ = (long)(call);                                             \
		int check_e_ = errno;                                                     \
		if (check_r_ != -1 || check_e_ != (err))                                  \
			check_fail_long(__FILE__, __LINE__, #call " fails with " #err,        \
					check_r_ == -1 ? check_e_ : check_r_, (err), check_e_); \
	} while (0)

/* The last line of a program that passed. */
#define CHECK_DONE(name)                                                          \
	do {                                                                          \
		printf("%s: ok\n", name);                                                 \
		fflush(stdout);                                                           \
		return 0;                                                                 \
	} while (0)

#endif
