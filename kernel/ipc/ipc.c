/* ipc.c: System V IPC identifiers (ipc.h): the key and identifier tables of one kind of
 * object, creation through a key (IPC_CREAT, IPC_EXCL, IPC_PRIVATE), lookup by identifier,
 * removal, and the struct ipc64_perm of IPC_STAT/IPC_SET. Does not own the objects
 * themselves (msg.c, sem.c, shm.c). */
#include "ipc.h"
#include "vfs.h"
#include <asm-generic/errno.h>
#include <asm/ipcbuf.h>

int64_t ipc_now(void) { return (int64_t)(time_realtime_ns() / 1000000000ULL); }

struct ipc_obj *ipc_find(struct ipc_ids *ids, int id)
{
	if (id < 0)
		return NULL;
	struct ipc_obj *o = ids->slot[id % IPC_SLOTS];
	return o && o->id == id ? o : NULL;
}

static long ipc_add(struct ipc_ids *ids, struct ipc_obj *o, int key, int flags)
{
	for (int i = 0; i < IPC_SLOTS; i++)
		if (!ids->slot[i]) {
			ids->seq = (ids->seq + 1) % (0x7fffffff / IPC_SLOTS);
			o->key = key;
			o->id = (int)(ids->seq * IPC_SLOTS) + i;
			o->mode = (uint32_t)flags & 0777;
			o->ctime = ipc_now();
			ids->slot[i] = o;
			return o->id;
		}
	return -ENOSPC;
}

long ipc_get(struct ipc_ids *ids, int key, int flags, struct ipc_obj *(*create)(long arg, long *err),
	     long (*check)(struct ipc_obj *o, long arg), long arg)
{
	if (key != IPC_PRIVATE) {
		for (int i = 0; i < IPC_SLOTS; i++) {
			struct ipc_obj *o = ids->slot[i];
			if (!o || o->key != key)
				continue;
			if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
				return -EEXIST;
			long e = check(o, arg);
			return e ? e : o->id;
		}
		if (!(flags & IPC_CREAT))
			return -ENOENT;
	}
	bool room = false;
	for (int i = 0; i < IPC_SLOTS && !room; i++)
		room = !ids->slot[i];
	if (!room)
		return -ENOSPC;
	long err = -ENOMEM;
	struct ipc_obj *o = create(arg, &err);
	if (!o)
		return err;
	return ipc_add(ids, o, key, flags);
}

void ipc_remove(struct ipc_ids *ids, struct ipc_obj *o)
{
	ids->slot[o->id % IPC_SLOTS] = NULL;
	o->removed = true;
}

void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm *p)
{
	*p = (struct ipc64_perm){.key = o->key, .mode = o->mode, .seq = (unsigned short)(o->id / IPC_SLOTS)};
}

void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm *p)
{
	o->mode = (o->mode & ~0777u) | (p->mode & 0777);
	o->ctime = ipc_now();
}
