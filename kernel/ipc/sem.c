/* sem.c: System V semaphore sets: semget (sets of nsems), semop/semtimedop (an array of
 * operations applied all at once or not at all: add, wait until the value can be
 * decreased, wait for zero; IPC_NOWAIT: EAGAIN; a semtimedop timeout: EAGAIN; SEM_UNDO
 * adjustments applied when the process exits), semctl (GETVAL, SETVAL, GETALL, SETALL,
 * GETPID, GETNCNT, GETZCNT, IPC_STAT, IPC_SET, IPC_RMID: sleepers get EIDRM). Sleepers of a
 * set wait on one queue and try again at every change. Identifiers and keys are ipc.c's. */
#include "ipc.h"
#include "lib.h"
#include "mm.h"
#include "files.h"
#include "proc.h"
#include "uaccess.h"
#include "syscall.h"
#include "wait.h"
#include <asm-generic/errno.h>
#include <linux/sem.h>

struct ksem {
	int val, pid;
	int ncnt, zcnt;                 /* sleepers waiting to decrease it, for it to be zero */
};

struct semset {
	struct ipc_obj obj;             /* first: ipc.c's */
	int nsems;
	int64_t otime;
	struct waitq wait;
	struct ksem sem[];
};

/* A process's adjustments of one set (SEM_UNDO), undone when it exits. */
struct sem_undo {
	struct sem_undo *next;
	int tgid, semid;
	struct semset *set;
	short adj[];
};

static struct ipc_ids sem_ids;
static struct sem_undo *undos;

static struct ipc_obj *sem_create(long nsems, long *err)
{
	if (nsems <= 0) {
		*err = -EINVAL;
		return NULL;
	}
	struct semset *s = kzalloc(sizeof(*s) + (size_t)nsems * sizeof(struct ksem));
	if (!s)
		return NULL;
	s->nsems = (int)nsems;
	waitq_init(&s->wait);
	return &s->obj;
}

static long sem_fits(struct ipc_obj *o, long nsems)
{
	return nsems > ((struct semset *)o)->nsems ? -EINVAL : 0;
}

SYSCALL_DEFINE3(semget, int, key, int, nsems, flags_t, semflg)
{
	if (nsems < 0 || nsems > SEMMSL)
		return -EINVAL;
	return ipc_get(&sem_ids, key, (int)semflg, sem_create, sem_fits, nsems);
}

static struct semset *sem_find(int id) { return (struct semset *)ipc_find(&sem_ids, id); }

/* Forgets the adjustments of set s (semnum < 0: of every semaphore; with s gone: the
 * entries themselves). */
static void undo_clear(struct semset *s, int semnum, bool drop)
{
	for (struct sem_undo **pp = &undos; *pp;) {
		struct sem_undo *u = *pp;
		if (u->set != s) {
			pp = &u->next;
			continue;
		}
		if (drop) {
			*pp = u->next;
			kfree(u);
			continue;
		}
		for (int i = 0; i < s->nsems; i++)
			if (semnum < 0 || i == semnum)
				u->adj[i] = 0;
		pp = &u->next;
	}
}

static struct sem_undo *undo_of(struct semset *s, int tgid)
{
	for (struct sem_undo *u = undos; u; u = u->next)
		if (u->set == s && u->tgid == tgid)
			return u;
	struct sem_undo *u = kzalloc(sizeof(*u) + (size_t)s->nsems * sizeof(short));
	if (!u)
		return NULL;
	u->tgid = tgid;
	u->semid = s->obj.id;
	u->set = s;
	u->next = undos;
	undos = u;
	return u;
}

static void sem_free(struct semset *s)
{
	undo_clear(s, -1, true);
	kfree(s);
}

/* Whether ops can all be applied now: 0 (and applied), -EAGAIN with *blocker the operation
 * that must wait, -ERANGE, -ENOMEM (undo record). */
static long sem_try(struct semset *s, const struct sembuf *ops, unsigned n, const struct sembuf **blocker)
{
	int val[n];
	for (unsigned i = 0; i < n; i++) {
		int cur = s->sem[ops[i].sem_num].val;
		for (unsigned j = 0; j < i; j++)
			if (ops[j].sem_num == ops[i].sem_num)
				cur = val[j];
		int v = cur + ops[i].sem_op;
		if ((ops[i].sem_op == 0 && cur != 0) || v < 0) {
			*blocker = &ops[i];
			return -EAGAIN;
		}
		if (v > SEMVMX)
			return -ERANGE;
		val[i] = v;
	}
	struct sem_undo *u = NULL;
	for (unsigned i = 0; i < n; i++)
		if ((ops[i].sem_flg & SEM_UNDO) && !(u = undo_of(s, current_tgid())))
			return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		struct ksem *k = &s->sem[ops[i].sem_num];
		k->val = val[i];
		k->pid = current_tgid();
		if ((ops[i].sem_flg & SEM_UNDO) && ops[i].sem_op)
			u->adj[ops[i].sem_num] = (short)(u->adj[ops[i].sem_num] - ops[i].sem_op);
	}
	s->otime = ipc_now();
	waitq_wake_all(&s->wait);
	return 0;
}

/* Sleeps on s until woken (or the deadline); 0, -EIDRM, -EINTR or -EAGAIN (timeout). */
static long sem_sleep(struct semset *s, const struct sembuf *b, uint64_t deadline)
{
	struct ksem *k = &s->sem[b->sem_num];
	int *cnt = b->sem_op ? &k->ncnt : &k->zcnt;
	(*cnt)++;
	s->obj.refs++;
	uint64_t f = irq_save();
	long e = waitq_sleep_until(&s->wait, deadline);
	irq_restore(f);
	(*cnt)--;
	bool gone = s->obj.removed;
	if (--s->obj.refs == 0 && gone)
		sem_free(s);
	if (gone)
		return -EIDRM;
	return e == -ETIMEDOUT ? -EAGAIN : ipc_intr(e);
}

static long do_semop(int semid, uint64_t usops, unsigned nsops, uint64_t utimeout)
{
	uint64_t deadline = 0;
	if (nsops < 1 || semid < 0)
		return -EINVAL;
	if (nsops > SEMOPM)
		return -E2BIG;
	struct sembuf ops[nsops];
	if (copy_from_user(ops, usops, nsops * sizeof(struct sembuf)))
		return -EFAULT;
	if (utimeout) {
		int64_t ts[2];
		if (copy_from_user(ts, utimeout, sizeof(ts)))
			return -EFAULT;
		if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
			return -EINVAL;
		if (ts[0] < 1000000000) /* longer (about 32 years): as good as no deadline */
			deadline = clock_mono_ns() + (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1] + 1;
	}
	struct semset *s = sem_find(semid);
	if (!s)
		return -EINVAL;
	for (unsigned i = 0; i < nsops; i++)
		if (ops[i].sem_num >= s->nsems)
			return -EFBIG;
	for (;;) {
		const struct sembuf *b = NULL;
		long e = sem_try(s, ops, nsops, &b);
		if (e != -EAGAIN)
			return e;
		if (b->sem_flg & IPC_NOWAIT)
			return -EAGAIN;
		if ((e = sem_sleep(s, b, deadline)))
			return e;
	}
}

SYSCALL_DEFINE3(semop, int, semid, uptr_t, sops, unsigned, nsops)
{
	return do_semop(semid, sops, nsops, 0);
}

SYSCALL_DEFINE4(semtimedop, int, semid, uptr_t, sops, unsigned, nsops, uptr_t, timeout)
{
	return do_semop(semid, sops, nsops, timeout);
}

static long sem_stat(struct semset *s, uint64_t buf)
{
	struct semid64_ds ds;
	memset(&ds, 0, sizeof(ds));
	ipc_perm_out(&s->obj, &ds.sem_perm);
	ds.sem_otime = s->otime;
	ds.sem_ctime = s->obj.ctime;
	ds.sem_nsems = (unsigned long)s->nsems;
	return copy_to_user(buf, &ds, sizeof(ds)) ? -EFAULT : 0;
}

static long sem_setall(struct semset *s, uint64_t arg)
{
	unsigned short v[s->nsems];
	if (copy_from_user(v, arg, sizeof(v)))
		return -EFAULT;
	for (int i = 0; i < s->nsems; i++)
		if (v[i] > SEMVMX)
			return -ERANGE;
	for (int i = 0; i < s->nsems; i++) {
		s->sem[i].val = v[i];
		s->sem[i].pid = current_tgid();
	}
	undo_clear(s, -1, false);
	s->obj.ctime = ipc_now();
	waitq_wake_all(&s->wait);
	return 0;
}

static long sem_getall(struct semset *s, uint64_t arg)
{
	unsigned short v[s->nsems];
	for (int i = 0; i < s->nsems; i++)
		v[i] = (unsigned short)s->sem[i].val;
	return copy_to_user(arg, v, sizeof(v)) ? -EFAULT : 0;
}

static long sem_setval(struct semset *s, int num, int val)
{
	if (val < 0 || val > SEMVMX)
		return -ERANGE;
	s->sem[num].val = val;
	s->sem[num].pid = current_tgid();
	undo_clear(s, num, false);
	s->obj.ctime = ipc_now();
	waitq_wake_all(&s->wait);
	return 0;
}

static void sem_remove(struct semset *s)
{
	ipc_remove(&sem_ids, &s->obj);
	waitq_wake_all(&s->wait);
	if (s->obj.refs == 0)
		sem_free(s);
}

/* arg: union semun passed by value (an int for SETVAL, else a user pointer). */
SYSCALL_DEFINE4(semctl, int, semid, int, semnum, int, cmd, uint64_t, arg)
{
	struct semset *s = sem_find(semid);
	cmd = ipc_cmd(cmd);
	if (!s)
		return -EINVAL;
	bool one = cmd == GETVAL || cmd == SETVAL || cmd == GETPID || cmd == GETNCNT || cmd == GETZCNT;
	if (one && (semnum < 0 || semnum >= s->nsems))
		return -EINVAL;
	switch (cmd) {
	case GETVAL: return s->sem[semnum].val;
	case GETPID: return s->sem[semnum].pid;
	case GETNCNT: return s->sem[semnum].ncnt;
	case GETZCNT: return s->sem[semnum].zcnt;
	case SETVAL: return sem_setval(s, semnum, (int)arg);
	case GETALL: return sem_getall(s, arg);
	case SETALL: return sem_setall(s, arg);
	case IPC_STAT: return sem_stat(s, arg);
	case IPC_SET: {
		struct semid64_ds ds;
		if (copy_from_user(&ds, arg, sizeof(ds)))
			return -EFAULT;
		ipc_perm_set(&s->obj, &ds.sem_perm);
		return 0;
	}
	case IPC_RMID:
		sem_remove(s);
		return 0;
	default:
		return -EINVAL; /* SEM_INFO, SEM_STAT...: not provided */
	}
}

/* The process tgid ends: its adjustments are applied (clamped to 0..SEMVMX, as Linux). */
void sem_exit(int tgid)
{
	for (struct sem_undo **pp = &undos; *pp;) {
		struct sem_undo *u = *pp;
		if (u->tgid != tgid) {
			pp = &u->next;
			continue;
		}
		struct semset *s = u->set;
		for (int i = 0; i < s->nsems; i++) {
			if (!u->adj[i])
				continue;
			int v = s->sem[i].val + u->adj[i];
			s->sem[i].val = v < 0 ? 0 : v > SEMVMX ? SEMVMX : v;
			s->sem[i].pid = tgid;
		}
		waitq_wake_all(&s->wait);
		*pp = u->next;
		kfree(u);
	}
}
