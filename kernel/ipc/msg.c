/* msg.c: System V message queues: msgget, msgsnd, msgrcv (msgtyp 0: the first message,
 * > 0: the first of that type, or with MSG_EXCEPT the first of another, < 0: the first of
 * the lowest type <= |msgtyp|; MSG_NOERROR truncates, else E2BIG), msgctl (IPC_STAT,
 * IPC_SET, IPC_RMID). A full queue (msg_qbytes, MSGMNB by default) puts senders to sleep, an
 * empty one receivers, unless IPC_NOWAIT (EAGAIN, ENOMSG); IPC_RMID wakes both with EIDRM.
 * Messages are kernel-heap copies, freed when received or when the queue goes. Identifiers
 * and keys are ipc.c's. */
#include "ipc.h"
#include "lib.h"
#include "mm.h"
#include "files.h"
#include "proc.h"
#include "uaccess.h"
#include "syscall.h"
#include "wait.h"
#include <asm-generic/errno.h>
#include <linux/msg.h>

struct kmsg {
	struct kmsg *next;
	long type;
	size_t size;
	char text[];
};

struct msgq {
	struct ipc_obj obj;             /* first: ipc.c's */
	struct kmsg *first, *last;
	uint64_t cbytes, qnum, qbytes;
	int64_t stime, rtime;
	int lspid, lrpid;
	struct waitq readers, writers;
};

static struct ipc_ids msg_ids;

static struct ipc_obj *msgq_create(long arg, long *err)
{
	(void)arg, (void)err;
	struct msgq *q = kzalloc(sizeof(*q));
	if (!q)
		return NULL;
	q->qbytes = MSGMNB;
	waitq_init(&q->readers);
	waitq_init(&q->writers);
	return &q->obj;
}

static long msgq_fits(struct ipc_obj *o, long arg) { (void)o, (void)arg; return 0; }

static void msgq_free(struct msgq *q)
{
	while (q->first) {
		struct kmsg *m = q->first;
		q->first = m->next;
		kfree(m);
	}
	kfree(q);
}

/* Drops a sleeper's hold; true when the queue was removed meanwhile (freed by the last). */
static bool msgq_release(struct msgq *q)
{
	bool gone = q->obj.removed;
	if (--q->obj.refs == 0 && gone)
		msgq_free(q);
	return gone;
}

/* Sleeps on wq with q held; 0 when woken with q still there, else -EIDRM or -EINTR. */
static long msgq_sleep(struct msgq *q, struct waitq *wq)
{
	q->obj.refs++;
	uint64_t f = irq_save();
	long e = waitq_sleep(wq);
	irq_restore(f);
	if (msgq_release(q))
		return -EIDRM;
	return ipc_intr(e);
}

SYSCALL_DEFINE2(msgget, int, key, flags_t, msgflg)
{
	return ipc_get(&msg_ids, key, (int)msgflg, msgq_create, msgq_fits, 0);
}

static struct msgq *msgq_find(int id) { return (struct msgq *)ipc_find(&msg_ids, id); }

SYSCALL_DEFINE4(msgsnd, int, msqid, uptr_t, msgp, size_t, msgsz, flags_t, msgflg)
{
	long type;
	if ((long)msgsz < 0 || msgsz > MSGMAX || msqid < 0)
		return -EINVAL;
	struct msgq *q = msgq_find(msqid);
	if (!q)
		return -EINVAL;
	if (copy_from_user(&type, msgp, sizeof(type)))
		return -EFAULT;
	if (type < 1)
		return -EINVAL;
	struct kmsg *m = kmalloc(sizeof(*m) + msgsz);
	if (!m)
		return -ENOMEM;
	m->next = NULL;
	m->type = type;
	m->size = msgsz;
	if (copy_from_user(m->text, msgp + sizeof(long), msgsz)) {
		kfree(m);
		return -EFAULT;
	}
	while (q->cbytes + msgsz > q->qbytes || q->qnum + 1 > q->qbytes) {
		long e = (msgflg & IPC_NOWAIT) ? -EAGAIN : msgq_sleep(q, &q->writers);
		if (e) {
			kfree(m);
			return e;
		}
	}
	if (q->last)
		q->last->next = m;
	else
		q->first = m;
	q->last = m;
	q->cbytes += msgsz;
	q->qnum++;
	q->lspid = current_tgid();
	q->stime = ipc_now();
	waitq_wake_all(&q->readers);
	return 0;
}

/* The message msgrcv takes for msgtyp (see the header), and the link pointing at it. */
static struct kmsg **msgq_pick(struct msgq *q, long msgtyp, unsigned flags)
{
	struct kmsg **best = NULL;
	for (struct kmsg **pp = &q->first; *pp; pp = &(*pp)->next) {
		long t = (*pp)->type;
		if (msgtyp == 0)
			return pp;
		if (msgtyp > 0 && ((flags & MSG_EXCEPT) ? t != msgtyp : t == msgtyp))
			return pp;
		if (msgtyp < 0 && t <= -msgtyp && (!best || t < (*best)->type))
			best = pp;
	}
	return best;
}

SYSCALL_DEFINE5(msgrcv, int, msqid, uptr_t, msgp, size_t, msgsz, long, msgtyp, flags_t, msgflg)
{
	if ((long)msgsz < 0 || msqid < 0)
		return -EINVAL;
	if (msgflg & MSG_COPY)
		return -ENOSYS; /* CONFIG_CHECKPOINT_RESTORE's; not provided */
	struct msgq *q = msgq_find(msqid);
	if (!q)
		return -EINVAL;
	struct kmsg **pp;
	while (!(pp = msgq_pick(q, msgtyp, msgflg))) {
		long e = (msgflg & IPC_NOWAIT) ? -ENOMSG : msgq_sleep(q, &q->readers);
		if (e)
			return e;
	}
	struct kmsg *m = *pp;
	if (m->size > msgsz && !(msgflg & MSG_NOERROR))
		return -E2BIG;
	size_t n = MIN(m->size, msgsz);
	if (copy_to_user(msgp, &m->type, sizeof(long)) || copy_to_user(msgp + sizeof(long), m->text, n))
		return -EFAULT; /* Linux loses the message here too; we keep it */
	*pp = m->next;
	if (q->last == m) {
		q->last = NULL;
		for (struct kmsg *x = q->first; x; x = x->next)
			q->last = x;
	}
	q->cbytes -= m->size;
	q->qnum--;
	q->lrpid = current_tgid();
	q->rtime = ipc_now();
	kfree(m);
	waitq_wake_all(&q->writers);
	return (long)n;
}

static void msgq_remove(struct msgq *q)
{
	ipc_remove(&msg_ids, &q->obj);
	waitq_wake_all(&q->readers);
	waitq_wake_all(&q->writers);
	if (q->obj.refs == 0)
		msgq_free(q);
}

SYSCALL_DEFINE3(msgctl, int, msqid, int, cmd, uptr_t, buf)
{
	struct msqid64_ds ds;
	cmd = ipc_cmd(cmd);
	if (cmd != IPC_STAT && cmd != IPC_SET && cmd != IPC_RMID)
		return -EINVAL; /* MSG_INFO, MSG_STAT...: not provided */
	struct msgq *q = msgq_find(msqid);
	if (!q)
		return -EINVAL;
	switch (cmd) {
	case IPC_STAT:
		memset(&ds, 0, sizeof(ds));
		ipc_perm_out(&q->obj, &ds.msg_perm);
		ds.msg_stime = q->stime;
		ds.msg_rtime = q->rtime;
		ds.msg_ctime = q->obj.ctime;
		ds.msg_cbytes = q->cbytes;
		ds.msg_qnum = q->qnum;
		ds.msg_qbytes = q->qbytes;
		ds.msg_lspid = q->lspid;
		ds.msg_lrpid = q->lrpid;
		return copy_to_user(buf, &ds, sizeof(ds)) ? -EFAULT : 0;
	case IPC_SET:
		if (copy_from_user(&ds, buf, sizeof(ds)))
			return -EFAULT;
		if (ds.msg_qbytes > 0x7fffffff)
			return -EINVAL;
		ipc_perm_set(&q->obj, &ds.msg_perm);
		q->qbytes = ds.msg_qbytes;
		waitq_wake_all(&q->writers); /* a larger queue may take them now */
		return 0;
	default:
		msgq_remove(q);
		return 0;
	}
}
