/* syscall.h: how a system call is written, and how it is found.
 *
 * A system call is written like its manual page:
 *
 *     SYSCALL_DEFINE3(read, fd_t, fd, uptr_t, buf, size_t, count)
 *     {
 *             return do_rw(fd, buf, count, false, -1);
 *     }
 *
 * Each parameter is a type and a name. The type is one word, and says both the C type and
 * what the value is (its *kind*, used by the tracer, sys/trace.c, to print it):
 *
 *     int long pid_t off_t       a signed integer           printed in decimal
 *     unsigned size_t uint32_t uint64_t   unsigned          printed in decimal
 *     flags_t flags64_t mode_t   bits                       printed by name (or in hex/octal)
 *     fd_t                       a file descriptor (int)    AT_FDCWD by name
 *     uptr_t                     a user pointer (uint64_t)  printed as an address or a struct
 *     ustr_t                     a user string (uint64_t)   printed as a quoted string
 *     upath_t                    a user path (uint64_t)     printed as a quoted string
 *
 * A type the table does not know is a compile error (SA_KIND_<type> undefined). User
 * pointers stay integers (uint64_t) because that is what uaccess.h checks and copies.
 *
 * SYSCALL_DEFINEn produces sys_<name>(six raw registers), the function both entries call
 * through syscall_table (sys/syscall_table.c), which casts the registers to the parameter
 * types and calls the body (inlined), and a descriptor syscall_desc_<name>: the name, the
 * number from <asm/unistd_64.h> and each parameter's name and kind. The build collects
 * every definition (kernel/tools/mksyscalls.py -> $(BUILD)/kernel/gen/syscalls.inc, a list
 * of SYSCALL(name)/SYSCALL_LEAF(name) lines) and fails if a `sys_` function is written any
 * other way; the table, the leaf bitmap, the descriptor table and the README's list of
 * system calls (tests/docs/syscall-list.sh) are made from that list. Results are the value
 * or -errno (<asm-generic/errno.h>). A number with no definition returns -ENOSYS.
 *
 * SYSCALL_LEAF_DEFINEn defines a *leaf* call: it never sleeps, never makes work for the
 * caller (a signal, a reschedule), never reads or changes the trapframe, the ring or the
 * address space, and runs briefly. Both entries run those on their short path (interrupts
 * off, no trapframe), which relies on the function keeping every register but rax:
 * sys_<name> is no_caller_saved_registers, so the compiler saves exactly the registers it
 * uses. One implementation serves ring 3 and ring 0 alike. */
#ifndef RZ_SYSCALL_H
#define RZ_SYSCALL_H
#include "types.h"
#include <asm/unistd_64.h>

/* The kinds of a parameter (the tracer's way of printing it). */
enum syscall_arg_kind { SA_INT, SA_UINT, SA_FLAGS, SA_FD, SA_PTR, SA_STR, SA_PATH };

typedef int fd_t;
typedef unsigned int flags_t;
typedef uint64_t flags64_t;
typedef uint64_t uptr_t;
typedef uint64_t ustr_t;
typedef uint64_t upath_t;
typedef int pid_t;
typedef int64_t off_t;
typedef unsigned int mode_t;

#define SA_KIND_int SA_INT
#define SA_KIND_long SA_INT
#define SA_KIND_pid_t SA_INT
#define SA_KIND_off_t SA_INT
#define SA_KIND_unsigned SA_UINT
#define SA_KIND_size_t SA_UINT
#define SA_KIND_uint32_t SA_UINT
#define SA_KIND_uint64_t SA_UINT
#define SA_KIND_flags_t SA_FLAGS
#define SA_KIND_flags64_t SA_FLAGS
#define SA_KIND_mode_t SA_FLAGS
#define SA_KIND_fd_t SA_FD
#define SA_KIND_uptr_t SA_PTR
#define SA_KIND_ustr_t SA_STR
#define SA_KIND_upath_t SA_PATH

struct syscall_desc {
	const char *name;
	uint16_t nr;
	uint8_t nargs;
	uint8_t leaf;
	const char *arg_names[6];
	uint8_t arg_kinds[6];
};

#define SYSCALL_RAW_ARGS uint64_t r0_, uint64_t r1_, uint64_t r2_, uint64_t r3_, uint64_t r4_, uint64_t r5_
typedef long (*syscall_fn)(SYSCALL_RAW_ARGS);

/* The parameter list, the casts from the registers and the descriptor fields, for n pairs. */
#define SC_PARAMS0() void
#define SC_PARAMS1(t1, a1) t1 a1
#define SC_PARAMS2(t1, a1, t2, a2) t1 a1, t2 a2
#define SC_PARAMS3(t1, a1, t2, a2, t3, a3) t1 a1, t2 a2, t3 a3
#define SC_PARAMS4(t1, a1, t2, a2, t3, a3, t4, a4) t1 a1, t2 a2, t3 a3, t4 a4
#define SC_PARAMS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) t1 a1, t2 a2, t3 a3, t4 a4, t5 a5
#define SC_PARAMS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	t1 a1, t2 a2, t3 a3, t4 a4, t5 a5, t6 a6
#define SC_CASTS0()
#define SC_CASTS1(t1, a1) (t1)r0_
#define SC_CASTS2(t1, a1, t2, a2) (t1)r0_, (t2)r1_
#define SC_CASTS3(t1, a1, t2, a2, t3, a3) (t1)r0_, (t2)r1_, (t3)r2_
#define SC_CASTS4(t1, a1, t2, a2, t3, a3, t4, a4) (t1)r0_, (t2)r1_, (t3)r2_, (t4)r3_
#define SC_CASTS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) (t1)r0_, (t2)r1_, (t3)r2_, (t4)r3_, (t5)r4_
#define SC_CASTS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	(t1)r0_, (t2)r1_, (t3)r2_, (t4)r3_, (t5)r4_, (t6)r5_
#define SC_NAMES0()
#define SC_NAMES1(t1, a1) #a1
#define SC_NAMES2(t1, a1, t2, a2) #a1, #a2
#define SC_NAMES3(t1, a1, t2, a2, t3, a3) #a1, #a2, #a3
#define SC_NAMES4(t1, a1, t2, a2, t3, a3, t4, a4) #a1, #a2, #a3, #a4
#define SC_NAMES5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) #a1, #a2, #a3, #a4, #a5
#define SC_NAMES6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) #a1, #a2, #a3, #a4, #a5, #a6
#define SC_KINDS0()
#define SC_KINDS1(t1, a1) SA_KIND_##t1
#define SC_KINDS2(t1, a1, t2, a2) SA_KIND_##t1, SA_KIND_##t2
#define SC_KINDS3(t1, a1, t2, a2, t3, a3) SA_KIND_##t1, SA_KIND_##t2, SA_KIND_##t3
#define SC_KINDS4(t1, a1, t2, a2, t3, a3, t4, a4) SA_KIND_##t1, SA_KIND_##t2, SA_KIND_##t3, SA_KIND_##t4
#define SC_KINDS5(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	SA_KIND_##t1, SA_KIND_##t2, SA_KIND_##t3, SA_KIND_##t4, SA_KIND_##t5
#define SC_KINDS6(t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6) \
	SA_KIND_##t1, SA_KIND_##t2, SA_KIND_##t3, SA_KIND_##t4, SA_KIND_##t5, SA_KIND_##t6

#define SC_LEAF_ATTR_0
#define SC_LEAF_ATTR_1 __attribute__((no_caller_saved_registers))

/* The definition: descriptor, raw entry (casts), then the body as an always-inlined
 * function of the typed parameters. */
#define SC_DEFINE(n, leaf, name, ...)                                                           \
	const struct syscall_desc syscall_desc_##name = {                                       \
		#name, __NR_##name, n, leaf, { SC_NAMES##n(__VA_ARGS__) }, { SC_KINDS##n(__VA_ARGS__) } \
	};                                                                                      \
	static inline __attribute__((always_inline)) long do_sys_##name(SC_PARAMS##n(__VA_ARGS__)); \
	SC_LEAF_ATTR_##leaf long sys_##name(SYSCALL_RAW_ARGS)                                   \
	{                                                                                       \
		(void)r0_, (void)r1_, (void)r2_, (void)r3_, (void)r4_, (void)r5_;               \
		return do_sys_##name(SC_CASTS##n(__VA_ARGS__));                                 \
	}                                                                                       \
	static inline __attribute__((always_inline)) long do_sys_##name(SC_PARAMS##n(__VA_ARGS__))

#define SYSCALL_DEFINE0(name) SC_DEFINE(0, 0, name)
#define SYSCALL_DEFINE1(name, ...) SC_DEFINE(1, 0, name, __VA_ARGS__)
#define SYSCALL_DEFINE2(name, ...) SC_DEFINE(2, 0, name, __VA_ARGS__)
#define SYSCALL_DEFINE3(name, ...) SC_DEFINE(3, 0, name, __VA_ARGS__)
#define SYSCALL_DEFINE4(name, ...) SC_DEFINE(4, 0, name, __VA_ARGS__)
#define SYSCALL_DEFINE5(name, ...) SC_DEFINE(5, 0, name, __VA_ARGS__)
#define SYSCALL_DEFINE6(name, ...) SC_DEFINE(6, 0, name, __VA_ARGS__)
#define SYSCALL_LEAF_DEFINE0(name) SC_DEFINE(0, 1, name)
#define SYSCALL_LEAF_DEFINE1(name, ...) SC_DEFINE(1, 1, name, __VA_ARGS__)
#define SYSCALL_LEAF_DEFINE2(name, ...) SC_DEFINE(2, 1, name, __VA_ARGS__)
#define SYSCALL_LEAF_DEFINE3(name, ...) SC_DEFINE(3, 1, name, __VA_ARGS__)
/* No SYSCALL_LEAF_DEFINE4..6: both entries' leaf paths call with rdi rsi rdx only and do
 * not move the 4th argument from r10 to rcx (one instruction less per leaf call). */

/* Every system call's entry and descriptor, from the generated list. */
#define SYSCALL(name) long sys_##name(SYSCALL_RAW_ARGS); extern const struct syscall_desc syscall_desc_##name;
#define SYSCALL_LEAF(name) __attribute__((no_caller_saved_registers)) long sys_##name(SYSCALL_RAW_ARGS); \
	extern const struct syscall_desc syscall_desc_##name;
#include "syscalls.inc"
#undef SYSCALL
#undef SYSCALL_LEAF

#define NR_SYSCALLS 512 /* entry_ring0.S and syscall.S agree */
extern syscall_fn syscall_table[NR_SYSCALLS];
/* The descriptor of number nr, or NULL when no call has that number. */
const struct syscall_desc *syscall_desc_of(uint64_t nr);

#endif
