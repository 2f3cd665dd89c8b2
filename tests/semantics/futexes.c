/* futexes: the futex operations and robust lists real programs rely on (issue 10, item 4).
 * Before: FUTEX_LOCK_PI/UNLOCK_PI/TRYLOCK_PI returned ENOSYS (so musl refused
 * PTHREAD_PRIO_INHERIT), get_robust_list was ENOSYS (so musl refused robust mutexes), a
 * robust lock held by a dying thread or process stayed locked for good, a wake woke every
 * sleeper of a hashed bucket and returned 0, bitsets were ignored and requeue woke everyone.
 *
 * Parts:
 *   pi-mutex       pthread PRIO_INHERIT mutexes: contention between 4 threads, trylock EBUSY,
 *                  EDEADLK for an error-checking one, EPERM to unlock another's
 *   pi-raw         FUTEX_*_PI on a word: owner TID in it, EDEADLK, EPERM, ESRCH for an owner
 *                  that does not exist (with FUTEX_WAITERS set), EAGAIN from trylock,
 *                  ETIMEDOUT, hand-over to the waiter (TID | FUTEX_WAITERS), FUTEX_OWNER_DIED kept
 *   robust-thread  a thread ends holding a robust mutex (pthread_exit, and a raw SYS_exit the
 *                  kernel must clean up, also with the next locker already asleep, also a PI
 *                  one): EOWNERDEAD, pthread_mutex_consistent, then the mutex works
 *   robust-process a process sharing a robust mutex (MAP_SHARED, fork) exits or is killed
 *                  holding it: EOWNERDEAD for the other process
 *   bitset         FUTEX_WAIT_BITSET/WAKE_BITSET wake only matching waiters; absolute
 *                  timeouts on both clocks
 *   requeue        FUTEX_CMP_REQUEUE and FUTEX_REQUEUE move waiters in order and count them,
 *                  EAGAIN when the word changed; pthread_cond_broadcast with 16 waiters
 *   errors         the error codes of direct futex/robust-list calls, as on Linux; hostile
 *                  robust lists (a cycle, a bad offset, a bad pointer) walked safely at exit
 *
 * Usage: futexes */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

/* <linux/futex.h> is not in r0cc's sysroot: the values of the Linux UAPI */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_REQUEUE_PRIVATE (FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static long futex(void *uaddr, int op, unsigned val, const void *ts, void *uaddr2, unsigned val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static int gettid_(void) { return (int)syscall(SYS_gettid); }

static void msleep(int ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

/* --- pi-mutex ----------------------------------------------------------------------- */

static pthread_mutex_t pim;
static long pi_counter;

static void *pi_worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		if (pthread_mutex_lock(&pim))
			return (void *)1;
		long c = pi_counter;
		if (i % 50 == 0)
			sched_yield(); /* hold it across a switch: the others go to FUTEX_LOCK_PI */
		pi_counter = c + 1;
		pthread_mutex_unlock(&pim);
	}
	return NULL;
}

static void *try_other(void *m) { return (void *)(long)pthread_mutex_trylock(m); }
static void *unlock_other(void *m) { return (void *)(long)pthread_mutex_unlock(m); }

static long in_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *r = (void *)-1;
	if (pthread_create(&t, NULL, fn, arg))
		return -1;
	pthread_join(t, &r);
	return (long)r;
}

static void part_pi_mutex(void)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	CHECK_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	CHECK_EQ(pthread_mutex_init(&pim, &a), 0);
	CHECK_EQ(pthread_mutex_lock(&pim), 0);
	CHECK_EQ(pthread_mutex_lock(&pim), EDEADLK);
	CHECK_EQ(in_thread(try_other, &pim), EBUSY);
	CHECK_EQ(in_thread(unlock_other, &pim), EPERM);
	CHECK_EQ(pthread_mutex_unlock(&pim), 0);
	CHECK_EQ(pthread_mutex_unlock(&pim), EPERM);

	pthread_t t[4];
	pi_counter = 0;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, pi_worker, NULL), 0);
	long bad = 0;
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(pi_counter, 8000);
	CHECK_EQ(pthread_mutex_trylock(&pim), 0);
	CHECK_EQ(pthread_mutex_unlock(&pim), 0);
	pthread_mutex_destroy(&pim);
}

/* --- pi-raw --------------------------------------------------------------------------- */

static _Atomic unsigned piw;
static atomic_int waiter_tid, waiter_state;

static void *pi_waiter(void *arg)
{
	(void)arg;
	waiter_tid = gettid_();
	waiter_state = 1;
	long r = futex(&piw, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0); /* main holds it */
	waiter_state = r == 0 ? 2 : -1;
	unsigned seen = piw;
	/* owner = this thread, the waiters bit kept by the hand-over */
	if (seen != ((unsigned)waiter_tid | FUTEX_WAITERS))
		waiter_state = -2;
	if (futex(&piw, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0) != 0)
		waiter_state = -3;
	return NULL;
}

static void *pi_try(void *arg)
{
	(void)arg;
	errno = 0;
	long r = futex(&piw, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0);
	return (void *)(long)(r == -1 ? errno : 0);
}

static void *pi_unlock(void *arg)
{
	(void)arg;
	errno = 0;
	long r = futex(&piw, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0);
	return (void *)(long)(r == -1 ? errno : 0);
}

static void *pi_timed(void *arg)
{
	(void)arg;
	struct timespec at;
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 20 * 1000000L;
	if (at.tv_nsec >= 1000000000L)
		at.tv_sec++, at.tv_nsec -= 1000000000L;
	errno = 0;
	long r = futex(&piw, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, &at, NULL, 0);
	return (void *)(long)(r == -1 ? errno : 0);
}

static void part_pi_raw(void)
{
	int me = gettid_();
	piw = 0;
	CHECK_EQ(futex(&piw, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0), 0);
	CHECK_EQ(piw, (unsigned)me);
	errno = 0;
	CHECK_EQ(futex(&piw, FUTEX_LOCK_PI, 0, NULL, NULL, 0), -1);
	CHECK_EQ(errno, EDEADLK);
	CHECK_EQ(in_thread(pi_try, NULL), EAGAIN);
	CHECK_EQ(piw, (unsigned)me | FUTEX_WAITERS); /* as Linux: set on the way */
	CHECK_EQ(in_thread(pi_unlock, NULL), EPERM);
	CHECK_EQ(in_thread(pi_timed, NULL), ETIMEDOUT);
	CHECK_EQ(futex(&piw, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), 0);
	CHECK_EQ(piw, 0);
	errno = 0;
	CHECK_EQ(futex(&piw, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), -1);
	CHECK_EQ(errno, EPERM);

	/* hand-over: the waiter owns it when it wakes */
	CHECK_EQ(futex(&piw, FUTEX_LOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), 0);
	waiter_state = 0;
	pthread_t t;
	pthread_create(&t, NULL, pi_waiter, NULL);
	while (waiter_state == 0)
		sched_yield();
	for (int i = 0; i < 200 && !(piw & FUTEX_WAITERS); i++)
		msleep(1);
	CHECK_EQ(piw, (unsigned)me | FUTEX_WAITERS);
	msleep(20);
	CHECK_EQ(futex(&piw, FUTEX_UNLOCK_PI | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0), 0);
	pthread_join(t, NULL);
	CHECK_EQ(waiter_state, 2);
	CHECK_EQ(piw, 0);

	/* an owner that does not exist */
	piw = 0x3ffffff0;
	errno = 0;
	CHECK_EQ(futex(&piw, FUTEX_LOCK_PI, 0, NULL, NULL, 0), -1);
	CHECK_EQ(errno, ESRCH);
	CHECK_EQ(piw, 0x3ffffff0u | FUTEX_WAITERS);
	errno = 0;
	CHECK_EQ(futex(&piw, FUTEX_TRYLOCK_PI, 0, NULL, NULL, 0), -1);
	CHECK_EQ(errno, ESRCH);
	/* free but marked: FUTEX_OWNER_DIED stays for the new owner to see */
	piw = FUTEX_OWNER_DIED;
	CHECK_EQ(futex(&piw, FUTEX_LOCK_PI, 0, NULL, NULL, 0), 0);
	CHECK_EQ(piw, (unsigned)me | FUTEX_OWNER_DIED);
	CHECK_EQ(futex(&piw, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), 0);
	CHECK_EQ(piw, 0);
}

/* --- robust-thread -------------------------------------------------------------------- */

static pthread_mutex_t rm;
static atomic_int holder_ready;

static void *hold_and_exit(void *arg)
{
	pthread_mutex_lock(&rm);
	holder_ready = 1;
	if (arg == (void *)2) /* wait until the next locker sleeps in the kernel */
		msleep(50);
	if (arg)
		syscall(SYS_exit, 0); /* no pthread_exit: the kernel walks the robust list */
	return NULL;
}

static void robust_case(int protocol, int how)
{
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	int e = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	CHECK_EQ(e, 0);
	if (protocol)
		CHECK_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
	if (e)
		return; /* not robust: the next lock would wait for good */
	/* musl gives the kernel its robust list for process-shared mutexes only (it cleans up
	 * the others itself in pthread_exit), so the raw exits use one */
	if (how)
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	CHECK_EQ(pthread_mutex_init(&rm, &a), 0);
	holder_ready = 0;
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, hold_and_exit, (void *)(long)how), 0);
	if (how == 0) {
		pthread_join(t, NULL);
	} else {
		while (!holder_ready)
			sched_yield();
		pthread_detach(t); /* it never tells musl it ended */
	}
	CHECK_EQ(pthread_mutex_lock(&rm), EOWNERDEAD);
	CHECK_EQ(pthread_mutex_consistent(&rm), 0);
	CHECK_EQ(pthread_mutex_unlock(&rm), 0);
	CHECK_EQ(pthread_mutex_lock(&rm), 0);
	CHECK_EQ(pthread_mutex_unlock(&rm), 0);
	if (how == 1) {
		/* not made consistent: the next lock finds it unrecoverable */
		holder_ready = 0;
		pthread_create(&t, NULL, hold_and_exit, (void *)1);
		while (!holder_ready)
			sched_yield();
		pthread_detach(t);
		CHECK_EQ(pthread_mutex_lock(&rm), EOWNERDEAD);
		CHECK_EQ(pthread_mutex_unlock(&rm), 0);
		CHECK_EQ(pthread_mutex_lock(&rm), ENOTRECOVERABLE);
	}
}

static void part_robust_thread(void)
{
	void *head = NULL;
	size_t len = 0;
	CHECK_EQ(syscall(SYS_get_robust_list, 0, &head, &len), 0);
	CHECK_EQ(len, 24);
	robust_case(0, 0); /* pthread_exit (musl cleans up itself) */
	robust_case(0, 1); /* raw exit: the kernel */
	robust_case(0, 2); /* raw exit with the next locker asleep in FUTEX_WAIT */
	robust_case(1, 1); /* a PI robust mutex */
	robust_case(1, 2); /* ... with the next locker asleep in FUTEX_LOCK_PI */
	CHECK_EQ(syscall(SYS_get_robust_list, 0, &head, &len), 0);
	CHECK(head != NULL, "the head musl registered");
}

/* --- robust-process ------------------------------------------------------------------- */

static void part_robust_process(void)
{
	pthread_mutex_t *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED, "mmap shared");
	if (m == MAP_FAILED)
		return;
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	int e = pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	CHECK_EQ(e, 0);
	if (e)
		return;
	CHECK_EQ(pthread_mutex_init(m, &a), 0);
	for (int killed = 0; killed < 2; killed++) {
		int p[2];
		pipe(p);
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			pthread_mutex_lock(m);
			write(p[1], "x", 1);
			if (killed)
				for (;;)
					pause();
			msleep(50); /* the parent is asleep on the mutex by then */
			_exit(0);
		}
		char x;
		CHECK_EQ(read(p[0], &x, 1), 1);
		if (killed) {
			CHECK_EQ(pthread_mutex_trylock(m), EBUSY);
			kill(c, SIGKILL);
		}
		CHECK_EQ(pthread_mutex_lock(m), EOWNERDEAD);
		CHECK_EQ(pthread_mutex_consistent(m), 0);
		CHECK_EQ(pthread_mutex_unlock(m), 0);
		int st;
		CHECK_EQ(waitpid(c, &st, 0), c);
		close(p[0]);
		close(p[1]);
	}
	CHECK_EQ(pthread_mutex_lock(m), 0);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	munmap(m, 4096);
}

/* --- bitset --------------------------------------------------------------------------- */

static _Atomic unsigned bsw;
static atomic_int bs_done[2];

static void *bs_waiter(void *arg)
{
	long i = (long)arg;
	long r = futex(&bsw, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 1u << i);
	bs_done[i] = r == 0 ? 1 : -1;
	return NULL;
}

/* Wakes with bitset until one waiter is woken (the waiter may not be asleep yet). */
static long wake_one_bitset(unsigned bitset)
{
	for (int i = 0; i < 1000; i++) {
		long r = futex(&bsw, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 10, NULL, NULL, bitset);
		if (r)
			return r;
		msleep(1);
	}
	return 0;
}

static void part_bitset(void)
{
	pthread_t t[2];
	bsw = 0;
	bs_done[0] = bs_done[1] = 0;
	for (long i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, bs_waiter, (void *)i);
	long r = wake_one_bitset(2);
	CHECK_EQ(r, 1); /* only the second */
	if (r != 1) { /* let both go, so that a kernel without bitsets cannot hang the test */
		bsw = 1;
		futex(&bsw, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0);
	}
	pthread_join(t[1], NULL);
	CHECK_EQ(bs_done[1], 1);
	CHECK_EQ(bs_done[0], 0);
	CHECK_EQ(futex(&bsw, FUTEX_WAKE_BITSET | FUTEX_PRIVATE_FLAG, 10, NULL, NULL, 4), 0);
	CHECK_EQ(wake_one_bitset(0xffffffff), 1);
	pthread_join(t[0], NULL);
	CHECK_EQ(bs_done[0], 1);

	/* absolute timeouts: CLOCK_MONOTONIC by default, CLOCK_REALTIME on request */
	struct timespec at;
	clock_gettime(CLOCK_MONOTONIC, &at);
	at.tv_nsec += 10 * 1000000L;
	if (at.tv_nsec >= 1000000000L)
		at.tv_sec++, at.tv_nsec -= 1000000000L;
	errno = 0;
	CHECK_EQ(futex(&bsw, FUTEX_WAIT_BITSET, 0, &at, NULL, FUTEX_BITSET_MATCH_ANY), -1);
	CHECK_EQ(errno, ETIMEDOUT);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	CHECK(now.tv_sec > at.tv_sec || (now.tv_sec == at.tv_sec && now.tv_nsec >= at.tv_nsec), "not before the deadline");
	clock_gettime(CLOCK_REALTIME, &at);
	at.tv_nsec += 10 * 1000000L;
	if (at.tv_nsec >= 1000000000L)
		at.tv_sec++, at.tv_nsec -= 1000000000L;
	errno = 0;
	CHECK_EQ(futex(&bsw, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &at, NULL, FUTEX_BITSET_MATCH_ANY), -1);
	CHECK_EQ(errno, ETIMEDOUT);
	struct timespec past = {1, 0};
	errno = 0;
	CHECK_EQ(futex(&bsw, FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, 0, &past, NULL, 1), -1);
	CHECK_EQ(errno, ETIMEDOUT);
	errno = 0;
	CHECK_EQ(futex(&bsw, FUTEX_WAIT_BITSET, 1, &past, NULL, 1), -1);
	CHECK_EQ(errno, EAGAIN); /* the value is compared first */
}

/* --- requeue -------------------------------------------------------------------------- */

#define NQ 8
static _Atomic unsigned qa, qb;
static atomic_int q_ready, q_done, q_bad;

static void *q_waiter(void *arg)
{
	(void)arg;
	q_ready++;
	long r = futex(&qa, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	if (r != 0)
		q_bad++;
	q_done++;
	return NULL;
}

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int cv_go, cv_in, cv_out;

static void *cv_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cm);
	cv_in++;
	while (!cv_go)
		pthread_cond_wait(&cv, &cm);
	cv_out++;
	pthread_mutex_unlock(&cm);
	return NULL;
}

static void part_requeue(void)
{
	pthread_t t[NQ];
	qa = qb = 0;
	q_ready = q_done = q_bad = 0;
	for (int i = 0; i < NQ; i++)
		pthread_create(&t[i], NULL, q_waiter, NULL);
	while (q_ready < NQ)
		sched_yield();
	msleep(100); /* every one asleep in FUTEX_WAIT */
	errno = 0;
	CHECK_EQ(futex(&qa, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)100, &qb, 5), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(futex(&qa, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)100, &qb, 0), NQ); /* 1 woken + 7 moved */
	CHECK_EQ(futex(&qa, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0), 0);
	CHECK_EQ(futex(&qb, FUTEX_WAKE_PRIVATE, 3, NULL, NULL, 0), 3);
	CHECK_EQ(futex(&qb, FUTEX_REQUEUE_PRIVATE, 0, (void *)2, &qa, 0), 2);
	CHECK_EQ(futex(&qa, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0), 2);
	CHECK_EQ(futex(&qb, FUTEX_WAKE_PRIVATE, 100, NULL, NULL, 0), 2);
	for (int i = 0; i < NQ; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(q_done, NQ);
	CHECK_EQ(q_bad, 0);

	/* musl's pthread_cond_broadcast requeues the waiters onto the mutex */
	pthread_t c[16];
	for (int i = 0; i < 16; i++)
		pthread_create(&c[i], NULL, cv_waiter, NULL);
	for (;;) {
		pthread_mutex_lock(&cm);
		int in = cv_in;
		pthread_mutex_unlock(&cm);
		if (in == 16)
			break;
		sched_yield();
	}
	pthread_mutex_lock(&cm);
	cv_go = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&cm);
	for (int i = 0; i < 16; i++)
		pthread_join(c[i], NULL);
	CHECK_EQ(cv_out, 16);
}

/* --- errors --------------------------------------------------------------------------- */

#define ERR(call, e) do { errno = 0; CHECK_EQ(call, -1); CHECK_EQ(errno, e); } while (0)

static void part_errors(void)
{
	unsigned w = 0;
	struct timespec bad = {0, 2000000000L}, tiny = {0, 1000};
	ERR(futex(&w, FUTEX_WAIT, 1, NULL, NULL, 0), EAGAIN);
	ERR(futex(&w, FUTEX_WAIT, 0, &tiny, NULL, 0), ETIMEDOUT);
	ERR(futex(&w, FUTEX_WAIT, 0, &bad, NULL, 0), EINVAL);
	ERR(futex(&w, FUTEX_WAIT, 1, &bad, NULL, 0), EINVAL);
	ERR(futex((char *)&w + 1, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
	ERR(futex((void *)8, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
	CHECK_EQ(futex((void *)8, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0); /* a private key reads nothing */
	ERR(futex((void *)8, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), EFAULT);
	struct timespec past = {1, 0}; /* a kernel that ignores the bitset must not wait for good */
	ERR(futex(&w, FUTEX_WAIT_BITSET, 0, &past, NULL, 0), EINVAL);
	ERR(futex(&w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
	ERR(futex(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &tiny, NULL, 0), ENOSYS);
	ERR(futex(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
	ERR(futex(&w, FUTEX_LOCK_PI | FUTEX_CLOCK_REALTIME, 0, NULL, NULL, 0), ENOSYS);
	ERR(futex(&w, 99, 1, NULL, NULL, 0), ENOSYS);
	ERR(futex(&w, FUTEX_CMP_REQUEUE, (unsigned)-1, (void *)1, &w, 0), EINVAL);
	ERR(futex(&w, FUTEX_CMP_REQUEUE, 1, (void *)1, &w, 5), EAGAIN);
	CHECK_EQ(futex(&w, FUTEX_WAKE, 5, NULL, NULL, 0), 0);
	ERR(futex(&w, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0), EPERM);
	ERR(syscall(SYS_set_robust_list, NULL, 23), EINVAL);
	void *h;
	size_t l;
	ERR(syscall(SYS_get_robust_list, 0x3ffffff0, &h, &l), ESRCH);
	ERR(syscall(SYS_get_robust_list, 0, (void *)8, &l), EFAULT);

	/* hostile robust lists are walked safely at exit: a cycle that never comes back to the
	 * head, a futex offset into nothing, a pointer to nowhere */
	for (int kind = 0; kind < 3; kind++) {
		fflush(stdout);
		pid_t c = fork();
		if (c == 0) {
			static struct {
				void *next;
				long off;
				void *pending;
			} head;
			static void *loop[2];
			static unsigned word;
			loop[0] = &loop[1];
			loop[1] = &loop[0];
			head.next = kind == 2 ? (void *)0x10 : (void *)loop;
			head.off = kind == 1 ? 0x7fff00000000L : (long)((char *)&word - (char *)loop);
			head.pending = kind == 1 ? (void *)loop : NULL;
			word = (unsigned)gettid_();
			if (syscall(SYS_set_robust_list, &head, sizeof(head)))
				_exit(2);
			_exit(0);
		}
		int st = -1;
		CHECK_EQ(waitpid(c, &st, 0), c);
		CHECK_EQ(st, 0);
	}
}

int main(void)
{
	r0_start("futexes");
	R0_PART("pi-mutex", part_pi_mutex());
	R0_PART("pi-raw", part_pi_raw());
	R0_PART("robust-thread", part_robust_thread());
	R0_PART("robust-process", part_robust_process());
	R0_PART("bitset", part_bitset());
	R0_PART("requeue", part_requeue());
	R0_PART("errors", part_errors());
	R0_DONE();
}
