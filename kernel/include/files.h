/* files.h: what the process core needs from the file layer, and the file layer from the
 * process core. The file layer (fs/, dev/: VFS, descriptors, pipes, tty) implements the
 * first half; the process core (proc/, mm/, sys/) the second. Neither reaches into the
 * other's structures. */
#ifndef RZ_FILES_H
#define RZ_FILES_H
#include "types.h"

/* --- implemented by the file layer ------------------------------------------------- */
struct fdtable;                 /* a process's descriptors (shared by CLONE_FILES) */
struct fs_context;              /* a process's cwd and umask (shared by CLONE_FS) */
struct inode;
#define RZ_NR_OPEN 1048576      /* Linux's fs.nr_open: the ceiling of RLIMIT_NOFILE */

struct fdtable *fdtable_new_console(void);      /* fds 0, 1, 2 on /dev/console */
struct fdtable *fdtable_clone(struct fdtable *t);   /* fork: a copy sharing open files */
struct fdtable *fdtable_get(struct fdtable *t);     /* CLONE_FILES: one more user */
void fdtable_put(struct fdtable *t);                /* last user closes everything */
void fdtable_close_on_exec(struct fdtable *t);

struct fs_context *fs_context_new(void);            /* cwd "/", umask 022 */
struct fs_context *fs_context_clone(struct fs_context *f);
struct fs_context *fs_context_get(struct fs_context *f);
void fs_context_put(struct fs_context *f);

/* execve and the shell: a regular file's whole contents, read-only, by path (relative to
 * the current process's cwd; kernel string). Hold the inode until done with the data.
 * 0 or -ENOENT, -EACCES, -EISDIR, ... */
long vfs_file_contents(const char *kpath, struct inode **ip, const void **data, uint64_t *size);
void inode_put(struct inode *ip);
void procfs_task_gone(int pid);                 /* a process was reaped: its /proc entry goes */
struct inode *inode_get(struct inode *ip);

/* Readiness that the process core changes: a signal became pending for some task
 * (signalfd.c), a process ended (pidfd.c). Wake the pollers and readers concerned; any
 * context. */
void signalfd_notify(void);
void pidfd_notify(void);
long pidfd_pid(int fd);                 /* waitid(P_PIDFD): the pid fd names, or -EBADF */

/* --- implemented by the process core ----------------------------------------------- */
/* The current task's descriptor table: current->files, mirrored by the process core
 * (sched.c: at every switch and when the current task's table changes), so that the fd
 * paths read it with one load instead of a call (a call would make read and write save
 * their arguments in callee-saved registers). */
extern struct fdtable *current_files;
static inline struct fdtable *current_fdtable(void) { return current_files; }
struct fs_context *current_fs_context(void);
const char *current_name(void);                 /* for log lines */
int current_pid(void);
int current_tgid(void);                         /* the process id (a record lock's l_pid) */
/* Send a signal (SIGPIPE on a broken pipe, SIGINT from ^C): 0 or -ESRCH. */
long signal_send(int pid, int sig);
int console_foreground_pid(void);               /* the shell's running program, or 0 */
void tty_set_foreground(int sid, int pgid);     /* the console's session and foreground group */
int current_sid(void), current_pgid(void);
long pgrp_kill(int pgid, int sig, int code, int sender); /* every process of a group (pgrp.c) */
bool pgrp_exists(int pgid, int sid);
bool current_ctty(void);                        /* the console is the caller's controlling terminal */
void ctty_set(int sid, bool on);                /* ...of the caller's process (sid 0) or of session sid */
bool session_leader_alive(int sid);
bool pgrp_orphaned(int pgid);                   /* no member's parent links it to its session (pgrp.c) */
bool signal_ignored_or_blocked(int sig);         /* by the current thread (signal.c) */
/* signalfd: the current task's pending signals; taking one of set (the lowest number)
 * without running its handler, as rt_sigtimedwait does. signal_take returns its number,
 * or 0 when none of set is pending. */
struct sig_taken {
	int signo, code, pid, uid, status;
	uint64_t addr;
};
uint64_t signal_pending_set(void);
int signal_take(uint64_t set, struct sig_taken *out);
/* pidfd: 1 when process pid has ended (its whole thread group; a zombie), 0 while it runs,
 * -ESRCH when no task pid exists now (reaped, or never), -ENOENT when pid is a thread that
 * does not lead its group. */
int proc_exited(int pid);
/* pidfd_send_signal: kill(pid, sig) from the current process. */
long proc_kill(int pid, int sig);
/* The current process's soft resource limit (RLIMIT_* of <linux/resource.h>). */
uint64_t current_rlimit(int resource);
/* A preemption point for a long loop in a system call: gives the CPU to another task if the
 * timer asked for it. Call it only with interrupts on, between steps, where nothing another
 * task could look at is half-changed (the kernel is otherwise not preemptible). */
void cond_resched(void);

#endif
