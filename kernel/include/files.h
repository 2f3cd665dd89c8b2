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

/* --- implemented by the process core ----------------------------------------------- */
struct fdtable *current_fdtable(void);
struct fs_context *current_fs_context(void);
const char *current_name(void);                 /* for log lines */
int current_pid(void);
/* Send a signal (SIGPIPE on a broken pipe, SIGINT from ^C): 0 or -ESRCH. */
long signal_send(int pid, int sig);
int console_foreground_pid(void);               /* the shell's running program, or 0 */

#endif
