/* r0thread: threads (clone with a new stack) in the program's ring.
 *
 *   create-join    8 threads return values through pthread_join; each runs in the program's ring
 *   tid-at-start   40 threads, each reading at its very first instruction of C its own tid:
 *                  from the kernel (gettid) and from libc's thread structure (which the kernel
 *                  fills through CLONE_PARENT_SETTID before the child may run); both non-zero
 *                  and equal, and pthread_kill(pthread_self()) right at start reaches the
 *                  thread (musl skips the signal when the cached tid is 0: seed 000's bug)
 *   mutex          4 threads x 10000 increments under a mutex
 *   condvar        a producer and a consumer through a condition variable (1000 items)
 *   detach         4 detached threads finish (counted under a mutex, waited with a condvar)
 *   futex          SYS_futex: FUTEX_WAIT with a wrong value gives EAGAIN; with a 20 ms timeout
 *                  ETIMEDOUT after at least 20 ms; a waiter is woken by FUTEX_WAKE from
 *                  another thread
 *   cleartid       a raw clone (CLONE_VM|..|CLONE_THREAD|CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID
 *                  on a malloc'd stack): the child sees ctid set to its tid, and its exit
 *                  clears ctid and wakes a FUTEX_WAIT on it
 *   tls            _Thread_local values are per thread, and %fs:0 is pthread_self() in each
 * Output: "r0thread: ring=N", "r0thread: PART ok" per part, "r0thread: all ok".
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include "r0test.h"

static int ring;

#define FUTEX_WAIT 0   /* <linux/futex.h>: not in the r0cc sysroot */
#define FUTEX_WAKE 1

/* musl 1.2.3's struct pthread: self, dtv, prev, next, sysinfo, canary, then int tid. */
#define MUSL_TID_OFFSET 48
static int libc_tid(pthread_t t) { return *(volatile int *)((char *)t + MUSL_TID_OFFSET); }
static long sys_gettid(void) { return syscall(SYS_gettid); }

static void *ret_ring(void *arg)
{
	return (void *)((long)arg * 100 + cur_ring());
}

static void part_create_join(void)
{
	pthread_t t[8];
	for (long i = 0; i < 8; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, ret_ring, (void *)i), 0);
	for (long i = 0; i < 8; i++) {
		void *r = NULL;
		CHECK_EQ(pthread_join(t[i], &r), 0);
		CHECK_EQ((long)r, i * 100 + ring);
	}
}

static volatile int usr1_hits;
static void on_usr1(int sig) { (void)sig; __atomic_fetch_add(&usr1_hits, 1, __ATOMIC_SEQ_CST); }

struct tidrec { int libc, kernel, ring; };
static struct tidrec tids[40];

static void *tid_start(void *arg)
{
	struct tidrec *r = arg;
	r->libc = libc_tid(pthread_self());     /* first thing: before anything can wait */
	r->kernel = (int)sys_gettid();
	r->ring = cur_ring();
	pthread_kill(pthread_self(), SIGUSR1);  /* uses the cached tid */
	return NULL;
}

static void part_tid_at_start(void)
{
	CHECK_EQ(libc_tid(pthread_self()), sys_gettid()); /* the offset is right (main thread) */
	signal(SIGUSR1, on_usr1);
	usr1_hits = 0;
	pthread_t t[40];
	for (int i = 0; i < 40; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, tid_start, &tids[i]), 0);
	for (int i = 0; i < 40; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	int zero = 0, differ = 0, wrong_ring = 0;
	for (int i = 0; i < 40; i++) {
		zero += tids[i].libc == 0 || tids[i].kernel == 0;
		differ += tids[i].libc != tids[i].kernel;
		wrong_ring += tids[i].ring != ring;
	}
	CHECK_EQ(zero, 0);
	CHECK_EQ(differ, 0);
	CHECK_EQ(wrong_ring, 0);
	CHECK_EQ(usr1_hits, 40);
	signal(SIGUSR1, SIG_DFL);
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter;

static void *incr(void *arg)
{
	(void)arg;
	for (int i = 0; i < 10000; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		if ((i & 1023) == 0)
			sched_yield();
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void part_mutex(void)
{
	pthread_t t[4];
	counter = 0;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, incr, NULL), 0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, 40000);
}

static int queue[16], qhead, qtail, qcount;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= 1000; i++) {
		pthread_mutex_lock(&mu);
		while (qcount == 16)
			pthread_cond_wait(&cv, &mu);
		queue[qtail] = i;
		qtail = (qtail + 1) % 16;
		qcount++;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void part_condvar(void)
{
	pthread_t t;
	qhead = qtail = qcount = 0;
	CHECK_EQ(pthread_create(&t, NULL, producer, NULL), 0);
	long sum = 0;
	int last = 0, order_bad = 0;
	for (int n = 0; n < 1000; n++) {
		pthread_mutex_lock(&mu);
		while (qcount == 0)
			pthread_cond_wait(&cv, &mu);
		int v = queue[qhead];
		qhead = (qhead + 1) % 16;
		qcount--;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		order_bad += v != last + 1;
		last = v;
		sum += v;
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(sum, 500500);
	CHECK_EQ(order_bad, 0);
}

static int detached_done, detached_bad;

static void *detached(void *arg)
{
	(void)arg;
	int bad = cur_ring() != ring;
	pthread_mutex_lock(&mu);
	detached_done++;
	detached_bad += bad;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void part_detach(void)
{
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	detached_done = detached_bad = 0;
	for (int i = 0; i < 4; i++) {
		pthread_t t;
		CHECK_EQ(pthread_create(&t, &a, detached, NULL), 0);
	}
	pthread_t t2;
	CHECK_EQ(pthread_create(&t2, NULL, ret_ring, NULL), 0);
	CHECK_EQ(pthread_detach(t2), 0);
	pthread_mutex_lock(&mu);
	while (detached_done < 4)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	CHECK_EQ(detached_bad, 0);
	pthread_attr_destroy(&a);
}

static long futex(volatile int *addr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

static volatile int fword;
static volatile int waiter_result = -100;

static void *futex_waiter(void *arg)
{
	(void)arg;
	struct timespec ts = {5, 0};
	long r = 0;
	while (fword == 0 && r == 0)
		r = futex(&fword, FUTEX_WAIT, 0, &ts);
	waiter_result = fword == 1 ? 0 : (int)(r ? errno : -1);
	return NULL;
}

static void part_futex(void)
{
	fword = 5;
	errno = 0;
	CHECK(futex(&fword, FUTEX_WAIT, 4, NULL) == -1 && errno == EAGAIN, "wait on a changed value");
	struct timespec ts = {0, 20 * 1000000L}, a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	errno = 0;
	CHECK(futex(&fword, FUTEX_WAIT, 5, &ts) == -1 && errno == ETIMEDOUT, "wait with a timeout");
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	CHECK(ms >= 19, "timed out after %ld ms", ms);
	fword = 0;
	pthread_t t;
	CHECK_EQ(pthread_create(&t, NULL, futex_waiter, NULL), 0);
	struct timespec nap = {0, 10 * 1000000L};
	nanosleep(&nap, NULL);
	fword = 1;
	CHECK(futex(&fword, FUTEX_WAKE, 1, NULL) >= 0, "wake");
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(waiter_result, 0);
}

static volatile int ctid = -1;
static volatile int child_saw_tid, child_ring = -1;

static int raw_child(void *arg)
{
	(void)arg;
	/* No libc calls that need this thread's own TLS: it shares the parent's. */
	long t;
	__asm__ volatile("" ::: "memory");
	t = ctid;
	child_saw_tid = (int)t;
	child_ring = cur_ring();
	return 0; /* clone()'s trampoline calls SYS_exit: the kernel clears ctid and wakes */
}

static void part_cleartid(void)
{
	size_t sz = 64 * 1024;
	char *stack = malloc(sz);
	CHECK(stack != NULL, "malloc");
	int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
		    CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID;
	ctid = -1;
	int tid = clone(raw_child, stack + sz, flags, NULL, NULL, NULL, &ctid);
	CHECK(tid > 0, "clone %d", tid);
	if (tid <= 0)
		return;
	struct timespec ts = {5, 0};
	int spins = 0;
	for (;;) {
		int v = ctid;
		if (v == 0)
			break;
		long r = futex(&ctid, FUTEX_WAIT, v, &ts);
		if (r == -1 && errno == ETIMEDOUT) {
			CHECK(0, "ctid never cleared");
			break;
		}
		if (++spins > 1000) {
			CHECK(0, "ctid not cleared after 1000 wakeups");
			break;
		}
	}
	CHECK_EQ(ctid, 0);
	CHECK_EQ(child_saw_tid, tid);
	CHECK_EQ(child_ring, ring);
	free(stack);
}

static _Thread_local long tls_value = 7;

struct tlsres { long before, after; int fs_ok; };

static void *tls_thread(void *arg)
{
	struct tlsres *r = arg;
	uintptr_t fs0;
	r->before = tls_value;
	tls_value = 1000 + (long)((uintptr_t)r & 0xff);
	for (int i = 0; i < 20; i++)
		sched_yield();
	r->after = tls_value == 1000 + (long)((uintptr_t)r & 0xff);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(fs0));
	r->fs_ok = fs0 == (uintptr_t)pthread_self();
	return NULL;
}

static void part_tls(void)
{
	uintptr_t fs0;
	struct tlsres res[4];
	pthread_t t[4];
	tls_value = 99;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, tls_thread, &res[i]), 0);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(res[i].before, 7);
		CHECK_EQ(res[i].after, 1);
		CHECK_EQ(res[i].fs_ok, 1);
	}
	CHECK_EQ(tls_value, 99);
	__asm__ volatile("mov %%fs:0, %0" : "=r"(fs0));
	CHECK(fs0 == (uintptr_t)pthread_self(), "%%fs:0 is not pthread_self() in the main thread");
}

int main(void)
{
	ring = r0_start("r0thread");
	R0_PART("create-join", part_create_join());
	R0_PART("tid-at-start", part_tid_at_start());
	R0_PART("mutex", part_mutex());
	R0_PART("condvar", part_condvar());
	R0_PART("detach", part_detach());
	R0_PART("futex", part_futex());
	R0_PART("cleartid", part_cleartid());
	R0_PART("tls", part_tls());
	R0_DONE();
}
