/* syscall_abi.h: syscall.h for the file layer's sources, usable before the process core's
 * proc/syscalls.inc exists (then only the argument macros are defined) and in the host
 * unit tests (tests/kfs/). */
#ifndef RZ_SYSCALL_ABI_H
#define RZ_SYSCALL_ABI_H
#if __has_include("../proc/syscalls.inc")
#include "syscall.h"
#else
#include "types.h"
#define SYSCALL_ARGS uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5
#define SYSCALL_UNUSED (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5
#define SYSCALL(name) long sys_##name(SYSCALL_ARGS);
#define SYSCALL_LEAF(name) __attribute__((no_caller_saved_registers)) long sys_##name(SYSCALL_ARGS);
#include "../fs/syscalls.inc"
#undef SYSCALL
#undef SYSCALL_LEAF
#endif
#endif
