/* r0test.h: what the ring-0 test programs (tests/ring0/) share.
 *
 * Every program runs unchanged under the shell's `exec` (ring 3) and `kexec` (ring 0). It
 * finds out where it runs from its own %cs (RPL = CPL: 0 or 3) and checks that the kernel
 * gave AT_SYSINFO exactly to a ring-0 process. Output is deterministic (no pids, addresses
 * or times); each check that fails prints "FAIL <prog>:<line>: <what>" and the program ends
 * with exit status 1 at R0_DONE, 0 when every check passed.
 */
#ifndef R0TEST_H
#define R0TEST_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#ifndef AT_SYSINFO
#define AT_SYSINFO 32
#endif

static int r0_failures;
static const char *r0_prog = "?";

/* The privilege level this code runs at: the RPL bits of %cs. */
static inline int cur_ring(void)
{
	unsigned short cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return cs & 3;
}

static inline int has_sysinfo(void)
{
	return getauxval(AT_SYSINFO) != 0;
}

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		int e_ = errno; \
		printf("FAIL %s:%d: %s:", r0_prog, __LINE__, #cond); \
		printf(" " __VA_ARGS__); \
		printf(" (errno %d)\n", e_); \
		fflush(stdout); \
		r0_failures++; \
	} \
} while (0)

#define CHECK_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { \
		int e_ = errno; \
		printf("FAIL %s:%d: %s == %s: %lld != %lld (errno %d)\n", r0_prog, __LINE__, #a, #b, a_, b_, e_); \
		fflush(stdout); \
		r0_failures++; \
	} \
} while (0)

/* Prints "<prog>: ring=N" and checks that AT_SYSINFO matches the ring. Returns the ring. */
static inline int r0_start(const char *prog)
{
	r0_prog = prog;
	setvbuf(stdout, NULL, _IOLBF, 0);
	int ring = cur_ring();
	printf("%s: ring=%d\n", prog, ring);
	CHECK(ring == 0 || ring == 3, "ring %d", ring);
	CHECK(has_sysinfo() == (ring == 0), "AT_SYSINFO %s in ring %d", has_sysinfo() ? "present" : "absent", ring);
	return ring;
}

/* One line per part, "<prog>: <part> ok" or "<prog>: <part> FAILED". */
static inline void r0_part(const char *part, int failures_before)
{
	printf("%s: %s %s\n", r0_prog, part, r0_failures == failures_before ? "ok" : "FAILED");
}

#define R0_PART(name, call) do { int f_ = r0_failures; call; r0_part(name, f_); } while (0)

#define R0_DONE() do { \
	printf("%s: %s\n", r0_prog, r0_failures ? "FAILED" : "all ok"); \
	return r0_failures ? 1 : 0; \
} while (0)

#endif
