/* r0run.h: what r0run's parts share: the forwarder (forward.S), the execve decision
 * (reexec.c) and the loader/driver (r0run.c). */
#ifndef R0RUN_H
#define R0RUN_H
#include <stdint.h>

#define R0_NSYSCALLS 512                    /* slots in the count table; forward.S agrees */
#define R0_USER_LIMIT 0x0000800000000000ull /* end of the x86_64 user half */

/* forward.S */
void r0_entry(void);                        /* AT_SYSINFO: the plain entry */
void r0_entry_count(void);                  /* AT_SYSINFO with --count */
extern uint64_t *r0_counts;                 /* the count table r0_entry_count increments */
long r0_syscall6(long n, long a, long b, long c, long d, long e, long f);
_Noreturn void r0_start(uint64_t entry, uint64_t sp);

/* signals.c, sigstubs.S */
extern uint64_t r0_program_entry;           /* the AT_SYSINFO value given to the program */
#define R0_NSIGSTUBS 256                    /* distinct (handler, flags) pairs; sigstubs.S agrees */
#define R0_SIGSTUB_SIZE 16                  /* bytes per stub; sigstubs.S agrees */
extern const char r0_sig_stubs[];           /* stub i calls r0_sig_trampoline(..., i) */

/* reexec.c */
extern const char *r0_self_path;
extern int r0_count_fd;
long r0_execve(const char *path, char *const argv[], char *const envp[]);

#endif
