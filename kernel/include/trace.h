/* trace.h: the system-call tracer of `exec -t` / `kexec -t` (sys/trace.c). A tracer is
 * where the lines of one traced process tree go (the console or a file); every task of the
 * tree points at it (task->traced) and holds a reference. Tracing costs nothing when off:
 * the full path tests task->traced once (syscall_dispatch), and the leaf path is not
 * touched: while a traced task runs, the context switch empties the entries' leaf bitmap
 * (syscall_leaf_select), so its leaf calls take the full path too. */
#ifndef RZ_TRACE_H
#define RZ_TRACE_H
#include "types.h"

struct task;
struct trapframe;
struct sigrec;
struct tracer;

/* A tracer writing to the console (path NULL) or to the file path (created or truncated),
 * with one reference; NULL with *err (-errno) when the file cannot be opened. */
struct tracer *tracer_new(const char *path, long *err);
void tracer_put(struct tracer *tr);
/* t is traced into tr from now on (takes a reference). t must not be running. */
void trace_attach(struct task *t, struct tracer *tr);
/* fork/vfork/clone: the child inherits the parent's tracer. */
void trace_fork(struct task *parent, struct task *child);
/* The task ends with a wait status: "+++ exited with N +++", and its reference goes. */
void trace_exit(struct task *t, int status);
/* A task that never ran (a failed clone) drops its reference silently. */
void trace_drop(struct task *t);
/* The signal t takes now (signal_deliver): strace's "--- SIG {si_...} ---" line. */
void trace_signal(struct task *t, int sig, const struct sigrec *r); /* r: its siginfo */
/* The full path's traced branch: prints the call and its result around syscall_call. */
long trace_syscall(struct trapframe *tf);

/* syscall_table.c */
long syscall_call(struct trapframe *tf);     /* the call itself (or ENOSYS) */
void syscall_leaf_select(bool traced);       /* the leaf bitmap for the next task (switch_to) */

#endif
