/* futex.c: fast user-space locking. Owns the futex system call (FUTEX_WAIT/WAKE, their
 * _BITSET forms, REQUEUE/CMP_REQUEUE, LOCK_PI/LOCK_PI2/UNLOCK_PI/TRYLOCK_PI), the queues of
 * tasks waiting on futex words, set_robust_list/get_robust_list, and what a thread leaves
 * behind when it exits or execs (futex_exit): the locks on its robust list and the PI locks
 * it owns with waiters. Does not own sleeping (sched.c, wait.h), user memory (uaccess.h) or
 * CLONE_CHILD_CLEARTID (proc.c, which calls futex_wake_addr).
 *
 * Keys, as on Linux: a futex in a MAP_SHARED mapping is its physical address, so processes
 * sharing the page meet on it (unless FUTEX_PRIVATE_FLAG says it is private); any other
 * futex is (address space, address), marked apart when the operation was not private
 * (Linux's FUT_OFF_MMSHARED: a private and a shared operation on the same word never meet). Each waiter sits in one of 64 hashed lists, in arrival
 * order, with its key and bitset, and sleeps on a wait queue of its own: a wake takes it off
 * the list first, so a wake of n wakes exactly n of the right key and returns how many.
 *
 * PI locks on one CPU: no priorities to inherit, so they are owner-tracked locks. The word
 * holds the owner's TID, FUTEX_WAITERS when someone sleeps in the kernel and
 * FUTEX_OWNER_DIED; UNLOCK_PI hands the lock to the first waiter (its TID | FUTEX_WAITERS
 * written into the word), as Linux does. The kernel is not preemptible and has one CPU, so
 * a read-compare-write of a futex word is atomic against every program. */
#include "proc.h"
#include "lib.h"
#include "syscall.h"
#include "uaccess.h"
#include "vm.h"
#include <asm-generic/errno.h>
#include <linux/futex.h>

#define ERESTARTNOINTR 513
#define NBUCKETS 64

struct fkey {
	uint64_t a, b; /* (mm, address), or (1, physical address) for a shared page */
};

struct futex_waiter {
	struct futex_waiter *next;
	struct fkey key;
	uint32_t bitset;
	bool pi;
	bool woken;      /* taken off its list by a wake, a PI hand-over or its owner's exit */
	bool granted;    /* PI: the unlocker made it the owner */
	int pi_owner;    /* PI: the TID it waits behind */
	bool owner_gone; /* PI: that owner exited holding the lock: take it over */
	struct task *task;
	struct waitq wq;
};

static struct futex_waiter *buckets[NBUCKETS];

static struct futex_waiter **bucket_of(const struct fkey *k)
{
	uint64_t h = (k->a ^ (k->b >> 2)) * 0x9e3779b97f4a7c15ULL;
	return &buckets[h >> 58];
}

static bool key_eq(const struct fkey *x, const struct fkey *y) { return x->a == y->a && x->b == y->b; }

static long get_word(uint64_t uaddr, uint32_t *v) { return copy_from_user(v, uaddr, sizeof(*v)) ? -EFAULT : 0; }
static long put_word(uint64_t uaddr, uint32_t v) { return copy_to_user(uaddr, &v, sizeof(v)) ? -EFAULT : 0; }

/* A private key needs no access to the word (a wake of a bad private address finds nobody,
 * as on Linux); a shared one reads it, which also makes the page present. */
static long get_key(uint64_t uaddr, bool priv, struct fkey *k)
{
	uint32_t v;
	if (uaddr & 3)
		return -EINVAL;
	if (!priv && get_word(uaddr, &v))
		return -EFAULT;
	struct mm *mm = current->mm;
	struct vma *vma = priv ? NULL : vm_find(mm, uaddr);
	uint64_t pa = vma && (vma->flags & VM_SHARED) ? vm_phys(mm, uaddr) : 0;
	*k = pa ? (struct fkey){1, pa} : (struct fkey){(uint64_t)mm | !priv, uaddr};
	return 0;
}

static void enqueue(struct futex_waiter *w)
{
	struct futex_waiter **pp = bucket_of(&w->key);
	while (*pp)
		pp = &(*pp)->next;
	w->next = NULL;
	*pp = w;
}

static void unlink_waiter(struct futex_waiter *w)
{
	struct futex_waiter **pp = bucket_of(&w->key);
	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	w->next = NULL;
}

static void wake_waiter(struct futex_waiter *w)
{
	unlink_waiter(w);
	w->woken = true;
	waitq_wake_all(&w->wq);
}

/* The first waiter of key k (pi: PI waiters only; any: every kind). */
static struct futex_waiter *first_waiter(const struct fkey *k, int pi)
{
	for (struct futex_waiter *w = *bucket_of(k); w; w = w->next)
		if (key_eq(&w->key, k) && (pi < 0 || w->pi == (pi > 0)))
			return w;
	return NULL;
}

/* Sleeps until a wake, the deadline (CLOCK_MONOTONIC ns, 0: none) or a signal. 0 when woken,
 * else -ETIMEDOUT or -ERESTARTSYS, the waiter taken off its list. */
static long futex_sleep(struct futex_waiter *w, uint64_t deadline)
{
	long e = 0;
	uint64_t f = irq_save();
	while (!w->woken && !e)
		e = waitq_sleep_until(&w->wq, deadline);
	irq_restore(f);
	if (w->woken)
		return 0;
	unlink_waiter(w);
	return e;
}

static void waiter_init(struct futex_waiter *w, const struct fkey *k, uint32_t bitset, bool pi)
{
	memset(w, 0, sizeof(*w));
	w->key = *k;
	w->bitset = bitset;
	w->pi = pi;
	w->task = current;
	waitq_init(&w->wq);
}

/* A timespec at utime into a CLOCK_MONOTONIC deadline (never 0): relative, or absolute on
 * CLOCK_REALTIME or CLOCK_MONOTONIC. 0 when utime is NULL. */
static long get_deadline(uint64_t utime, bool absolute, bool realtime, uint64_t *deadline)
{
	int64_t ts[2];
	*deadline = 0;
	if (!utime)
		return 0;
	if (copy_from_user(ts, utime, sizeof(ts)))
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
		return -EINVAL;
	uint64_t ns = (uint64_t)ts[0] * 1000000000ULL + (uint64_t)ts[1], mono = clock_mono_ns();
	if (!absolute) {
		*deadline = mono + ns + 1;
	} else {
		uint64_t now = realtime ? clock_real_ns() : mono;
		*deadline = mono + (ns > now ? ns - now : 0) + 1;
	}
	return 0;
}

/* --- waiting and waking ---------------------------------------------------------------- */

static long futex_wait(uint64_t uaddr, bool priv, uint32_t val, uint64_t deadline, uint32_t bitset)
{
	struct fkey k;
	uint32_t v;
	if (!bitset)
		return -EINVAL;
	long e = get_key(uaddr, priv, &k);
	if (e)
		return e;
	if (get_word(uaddr, &v))
		return -EFAULT;
	if (v != val)
		return -EAGAIN;
	struct futex_waiter w;
	waiter_init(&w, &k, bitset, false);
	enqueue(&w);
	return futex_sleep(&w, deadline);
}

/* Wakes up to n waiters of k whose bitset meets bitset (any: PI waiters too); how many. */
static int wake_key(const struct fkey *k, int n, uint32_t bitset, bool any)
{
	int woken = 0;
	struct futex_waiter *w = *bucket_of(k);
	while (w) {
		struct futex_waiter *next = w->next;
		if (key_eq(&w->key, k) && (w->bitset & bitset) && (any || !w->pi)) {
			wake_waiter(w);
			if (++woken >= n) /* as Linux counts: n <= 0 still wakes one */
				break;
		}
		w = next;
	}
	return woken;
}

static long futex_wake(uint64_t uaddr, bool priv, int n, uint32_t bitset)
{
	struct fkey k;
	if (!bitset)
		return -EINVAL;
	long e = get_key(uaddr, priv, &k);
	if (e)
		return e;
	return wake_key(&k, n, bitset, false);
}

void futex_wake_addr(uint64_t uaddr)
{
	struct fkey k;
	if (!get_key(uaddr, false, &k))
		wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY, false);
}

/* Wakes nr_wake waiters of uaddr and moves up to nr_requeue others to uaddr2, in order;
 * with cmp, only while *uaddr still holds val3 (else EAGAIN). Returns the two counts added. */
static long futex_requeue(uint64_t uaddr, uint64_t uaddr2, bool priv, int nr_wake, int nr_requeue, bool cmp,
			  uint32_t val3)
{
	struct fkey k1, k2;
	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	long e = get_key(uaddr, priv, &k1);
	if (!e)
		e = get_key(uaddr2, priv, &k2);
	if (e)
		return e;
	if (cmp) {
		uint32_t v;
		if (get_word(uaddr, &v))
			return -EFAULT;
		if (v != val3)
			return -EAGAIN;
	}
	int done = nr_wake ? wake_key(&k1, nr_wake, FUTEX_BITSET_MATCH_ANY, false) : 0;
	int moved = 0;
	struct futex_waiter *w;
	while (moved < nr_requeue && (w = first_waiter(&k1, 0))) {
		unlink_waiter(w);
		w->key = k2;
		enqueue(w);
		moved++;
	}
	return done + moved;
}

/* --- PI locks -------------------------------------------------------------------------- */

static long lock_pi(uint64_t uaddr, bool priv, uint64_t deadline, bool trylock)
{
	struct fkey k;
	long e = get_key(uaddr, priv, &k);
	if (e)
		return e;
	int me = current->pid, gone = 0;
	for (;;) {
		uint32_t v;
		if (get_word(uaddr, &v))
			return -EFAULT;
		int owner = (int)(v & FUTEX_TID_MASK);
		if (owner == me)
			return -EDEADLK;
		if (!owner || owner == gone) { /* free (or its owner exited holding it): take it */
			uint32_t n = (uint32_t)me | (v & FUTEX_OWNER_DIED);
			if (first_waiter(&k, 1))
				n |= FUTEX_WAITERS;
			return put_word(uaddr, n);
		}
		/* Linux sets the waiters bit first, whatever it then finds about the owner */
		if (!(v & FUTEX_WAITERS) && put_word(uaddr, v | FUTEX_WAITERS))
			return -EFAULT;
		struct task *o = task_find(owner);
		if (!o || o->state == T_ZOMBIE)
			return -ESRCH;
		if (!o->mm)
			return -EPERM; /* a kernel task */
		if (trylock)
			return -EAGAIN;
		struct futex_waiter w;
		waiter_init(&w, &k, FUTEX_BITSET_MATCH_ANY, true);
		w.pi_owner = owner;
		enqueue(&w);
		e = futex_sleep(&w, deadline);
		if (w.granted)
			return 0;
		if (e == -ERESTARTSYS)
			return -ERESTARTNOINTR; /* Linux restarts LOCK_PI after a handler */
		if (e)
			return e;
		gone = w.owner_gone ? owner : 0; /* woken: look again */
	}
}

static long unlock_pi(uint64_t uaddr, bool priv)
{
	struct fkey k;
	uint32_t v;
	long e = get_key(uaddr, priv, &k);
	if (e)
		return e;
	if (get_word(uaddr, &v))
		return -EFAULT;
	if ((int)(v & FUTEX_TID_MASK) != current->pid)
		return -EPERM;
	struct futex_waiter *w = first_waiter(&k, 1);
	if (!w)
		return put_word(uaddr, 0);
	if (put_word(uaddr, (uint32_t)w->task->pid | FUTEX_WAITERS))
		return -EFAULT;
	w->granted = true;
	wake_waiter(w);
	return 0;
}

/* --- the system calls ------------------------------------------------------------------ */

SYSCALL_DEFINE6(futex, uptr_t, uaddr, int, op, uint32_t, val, uptr_t, utime, uptr_t, uaddr2,
		uint32_t, val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool priv = op & FUTEX_PRIVATE_FLAG, rt = op & FUTEX_CLOCK_REALTIME;
	uint64_t deadline;
	long e;
	if (rt && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		e = get_deadline(utime, cmd == FUTEX_WAIT_BITSET, rt, &deadline);
		if (e)
			return e;
		return futex_wait(uaddr, priv, val, deadline, cmd == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : val3);
	case FUTEX_WAKE:
		return futex_wake(uaddr, priv, (int)val, FUTEX_BITSET_MATCH_ANY);
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, priv, (int)val, val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, uaddr2, priv, (int)val, (int)(uint32_t)utime, cmd == FUTEX_CMP_REQUEUE,
				     val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
		/* LOCK_PI's timeout is absolute on CLOCK_REALTIME; LOCK_PI2's on the clock asked */
		e = get_deadline(utime, true, cmd == FUTEX_LOCK_PI || rt, &deadline);
		if (e)
			return e;
		return lock_pi(uaddr, priv, deadline, false);
	case FUTEX_TRYLOCK_PI:
		return lock_pi(uaddr, priv, 0, true);
	case FUTEX_UNLOCK_PI:
		return unlock_pi(uaddr, priv);
	}
	return -ENOSYS; /* FUTEX_FD, FUTEX_WAKE_OP, the requeue-to-PI operations */
}

SYSCALL_DEFINE2(set_robust_list, uptr_t, head, size_t, len)
{
	if (len != sizeof(struct robust_list_head))
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, pid_t, pid, uptr_t, head_ptr, uptr_t, len_ptr)
{
	struct task *t = pid ? task_find(pid) : current;
	if (!t || t->state == T_ZOMBIE)
		return -ESRCH;
	uint64_t len = sizeof(struct robust_list_head);
	if (copy_to_user(len_ptr, &len, sizeof(len)))
		return -EFAULT;
	return copy_to_user(head_ptr, &t->robust_list, sizeof(t->robust_list)) ? -EFAULT : 0;
}

/* --- exit ------------------------------------------------------------------------------ */

/* One lock of the robust list of t, which is exiting: if t holds it, FUTEX_OWNER_DIED (with
 * the waiters bit kept) and one waiter woken; the pending entry also wakes a waiter when
 * the lock is free (t may have released it before its waiter could see it). */
static void robust_death(struct task *t, uint64_t uaddr, bool pi, bool pending)
{
	uint32_t v;
	struct fkey k;
	if ((uaddr & 3) || get_key(uaddr, false, &k) || get_word(uaddr, &v))
		return;
	if (pending && !pi && !v) {
		wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY, false);
		return;
	}
	if ((int)(v & FUTEX_TID_MASK) != t->pid)
		return;
	if (put_word(uaddr, (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED))
		return;
	if (v & FUTEX_WAITERS)
		wake_key(&k, 1, FUTEX_BITSET_MATCH_ANY, true);
}

/* Walks t's robust list (t is current: it is program memory), at most ROBUST_LIST_LIMIT
 * entries, so a cycle ends. An entry's low bit marks a PI lock; a bad pointer ends the walk. */
static void robust_walk(struct task *t)
{
	struct robust_list_head h;
	uint64_t head = t->robust_list;
	if (!head || copy_from_user(&h, head, sizeof(h)))
		return;
	uint64_t entry = (uint64_t)h.list.next, pending = (uint64_t)h.list_op_pending;
	int64_t off = h.futex_offset;
	for (int n = 0; entry != head && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;
		if (copy_from_user(&next, entry & ~1ULL, sizeof(next)))
			break;
		if (entry != pending)
			robust_death(t, (entry & ~1ULL) + (uint64_t)off, entry & 1, false);
		entry = next;
	}
	if (pending)
		robust_death(t, (pending & ~1ULL) + (uint64_t)off, pending & 1, true);
}

/* t (current) exits or execs: its robust locks are marked dead, and a PI waiter behind it
 * takes over a lock it still holds (Linux gives such a lock to its first waiter). */
void futex_exit(struct task *t)
{
	if (t->mm)
		robust_walk(t);
	t->robust_list = 0;
	for (int i = 0; i < NBUCKETS; i++) {
		struct futex_waiter *w = buckets[i];
		while (w) {
			struct futex_waiter *next = w->next;
			if (w->pi && w->pi_owner == t->pid) {
				w->owner_gone = true;
				wake_waiter(w);
			}
			w = next;
		}
	}
}
