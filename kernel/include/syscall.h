/* syscall.h: how a system call is written, and how it is found.
 *
 * Every system call is a function of the six raw argument registers,
 *
 *     long sys_read(SYSCALL_ARGS) { int fd = (int)a0; uint64_t ubuf = a1; ... }
 *
 * returning the result or -errno (errno values from <asm-generic/errno.h>). Pointers are
 * user pointers (uaccess.h). The table (sys/syscall_table.c, process core) maps Linux's
 * numbers from <asm/unistd_64.h> to these functions; each part lists its own calls in a
 * fragment of the form  SYSCALL(read)  that the table includes:
 *     proc/syscalls.inc   processes, memory, signals, time, identity (process core)
 *     fs/syscalls.inc     files, directories, pipes, devices, poll (files)
 * A number with no function returns -ENOSYS and is logged once with the program's name.
 * One implementation serves ring 3 and ring 0 alike.
 *
 * SYSCALL_LEAF(name) lists a *leaf* call: it never sleeps, never makes work for the caller
 * (a signal, a reschedule), never reads or changes the trapframe, the ring or the address
 * space, and runs briefly. The ring-0 entry runs those on its short path (entry_ring0.S:
 * interrupts off, no trapframe, no swapgs), which relies on the function itself keeping
 * every register but rax: SYSCALL_LEAF declares it no_caller_saved_registers, so the
 * compiler saves exactly the registers it uses. Other callers are unaffected. */
#ifndef RZ_SYSCALL_H
#define RZ_SYSCALL_H
#include "types.h"

#define SYSCALL_ARGS uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5
#define SYSCALL_UNUSED (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5
typedef long (*syscall_fn)(SYSCALL_ARGS);

#define SYSCALL(name) long sys_##name(SYSCALL_ARGS);
#define SYSCALL_LEAF(name) __attribute__((no_caller_saved_registers)) long sys_##name(SYSCALL_ARGS);
#include "../proc/syscalls.inc"
#include "../fs/syscalls.inc"
#undef SYSCALL
#undef SYSCALL_LEAF

#endif
