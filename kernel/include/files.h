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
#define RZ_FD_MAX 256           /* slots of a descriptor table (RLIMIT_NOFILE's ceiling) */

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

/* --- implemented by the process core ----------------------------------------------- */
struct fdtable *current_fdtable(void);
struct fs_context *current_fs_context(void);
const char *current_name(void);                 /* for log lines */
int current_pid(void);
/* Send a signal (SIGPIPE on a broken pipe, SIGINT from ^C): 0 or -ESRCH. */
long signal_send(int pid, int sig);
int console_foreground_pid(void);               /* the shell's running program, or 0 */
/* The current process's soft resource limit (RLIMIT_* of <linux/resource.h>). */
uint64_t current_rlimit(int resource);
/* A preemption point for a long loop in a system call: gives the CPU to another task if the
 * timer asked for it. Call it only with interrupts on, between steps, where nothing another
 * task could look at is half-changed (the kernel is otherwise not preemptible). */
void cond_resched(void);

#endif
