/* ipc.h: System V IPC (kernel/ipc/): the identifiers shared by message queues (msg.c),
 * semaphore sets (sem.c) and shared memory segments (shm.c), in ipc.c.
 *
 * Every object starts with a struct ipc_obj: its key, its identifier (slot + sequence *
 * IPC_SLOTS, so a removed identifier is not handed out again at once), its mode and times.
 * Everyone is root here (there are no user ids), so permissions are recorded, not checked.
 * An object that a sleeper still uses (refs) outlives IPC_RMID: `removed` tells the sleeper
 * EIDRM, and the last one out frees it. */
#ifndef RZ_IPC_H
#define RZ_IPC_H
#include "types.h"
#include <linux/ipc.h>

#define IPC_SLOTS 256                   /* objects of one kind at once (Linux: 32000) */

struct ipc_obj {
	int key, id;
	uint32_t mode;                  /* the low 9 bits: permissions; shm.c adds SHM_DEST */
	int64_t ctime;                  /* last change (seconds, CLOCK_REALTIME) */
	int refs;                       /* sleepers using it after its lookup */
	bool removed;                   /* IPC_RMID: out of the table */
};

struct ipc_ids {
	struct ipc_obj *slot[IPC_SLOTS];
	unsigned seq;
};

/* semget/msgget/shmget: the identifier for key (IPC_PRIVATE: always new), or -EEXIST,
 * -ENOENT, -ENOSPC; a new object comes from create(key, flags) (NULL: *err). check says
 * whether an existing object fits (0 or -errno, e.g. a larger shm size). */
long ipc_get(struct ipc_ids *ids, int key, int flags, struct ipc_obj *(*create)(long arg, long *err),
	     long (*check)(struct ipc_obj *o, long arg), long arg);
struct ipc_obj *ipc_find(struct ipc_ids *ids, int id);         /* NULL: no such identifier */
void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o);       /* out of the table, removed */
/* IPC_STAT's and IPC_SET's struct ipc64_perm. */
struct ipc64_perm;
void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm *p);
void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm *p);
int64_t ipc_now(void);
/* cmd without IPC_64 (musl always adds it on x86_64, as Linux strips it). */
static inline int ipc_cmd(int cmd) { return cmd & ~0x100; }
/* A sleep's -ERESTARTSYS: these calls end with EINTR after a handler, as Linux's. */
static inline long ipc_intr(long e) { return e == -512 ? -4 /* EINTR */ : e; }

/* Hooks: a process's semaphore adjustments at its exit (sem.c); an area of a segment's file
 * going away (shm.c, from mm/filemap.c). */
struct task;
void sem_exit(int tgid);
struct inode;
void shm_unmapped(struct inode *ip);

#endif
