/* t_thread: create/join with results, a mutex-protected counter, a condition-variable queue,
 * detached threads, _Thread_local storage, thread ids. */
#define _GNU_SOURCE
#include "check.h"
#include <pthread.h>
#include <stdint.h>

static _Thread_local int tl_init = 5;     /* from the TLS image */
static _Thread_local long tl_zero[64];    /* TLS bss */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static pid_t tids[4];
static pthread_t selfs[4];

static void *worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	CHECK_EQ(tl_init, 5);
	for (int i = 0; i < 64; i++)
		CHECK_EQ(tl_zero[i], 0);
	tl_init = 100 + id;
	tl_zero[id] = id;
	tids[id] = gettid();
	selfs[id] = pthread_self();
	for (int i = 0; i < 10000; i++) {
		CHECK_EQ(pthread_mutex_lock(&lock), 0);
		counter++;
		CHECK_EQ(pthread_mutex_unlock(&lock), 0);
		if (i % 1000 == 0)
			sched_yield();
		CHECK_EQ(tl_init, 100 + id); /* nobody else's */
	}
	CHECK_EQ(tl_zero[id], id);
	return (void *)(intptr_t)(id * 11);
}

enum { QSIZE = 4, ITEMS = 1000 };
static int queue[QSIZE], qhead, qcount;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER, not_full = PTHREAD_COND_INITIALIZER;

static void *producer(void *arg)
{
	(void)arg;
	for (int v = 1; v <= ITEMS; v++) {
		pthread_mutex_lock(&lock);
		while (qcount == QSIZE)
			pthread_cond_wait(&not_full, &lock);
		queue[(qhead + qcount++) % QSIZE] = v;
		pthread_cond_signal(&not_empty);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0;
	int last = 0;
	(void)arg;
	for (int n = 0; n < ITEMS; n++) {
		pthread_mutex_lock(&lock);
		while (qcount == 0)
			pthread_cond_wait(&not_empty, &lock);
		int v = queue[qhead];
		qhead = (qhead + 1) % QSIZE;
		qcount--;
		pthread_cond_signal(&not_full);
		pthread_mutex_unlock(&lock);
		CHECK_EQ(v, last + 1); /* in order */
		last = v;
		sum += v;
	}
	return (void *)sum;
}

static int detached_done;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;

static void *detached(void *arg)
{
	char big[32 * 1024]; /* some stack in a thread */
	memset(big, (int)(intptr_t)arg, sizeof big);
	pthread_mutex_lock(&lock);
	detached_done += big[sizeof big - 1];
	pthread_cond_signal(&done_cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(void)
{
	check_init();
	pthread_t t[4];
	tl_init = 1;
	for (int i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i), 0);
	for (int i = 0; i < 4; i++) {
		void *ret;
		CHECK_EQ(pthread_join(t[i], &ret), 0);
		CHECK_EQ((intptr_t)ret, i * 11);
		CHECK(pthread_equal(selfs[i], t[i]));
		CHECK(!pthread_equal(selfs[i], pthread_self()));
	}
	CHECK_EQ(counter, 40000);
	CHECK_EQ(tl_init, 1); /* main's own copy was left alone */
	pid_t me = getpid();
	CHECK_EQ(gettid(), me);
	for (int i = 0; i < 4; i++) {
		CHECK(tids[i] > 0 && tids[i] != me);
		for (int j = 0; j < i; j++)
			CHECK(tids[i] != tids[j]);
	}
	printf("4 threads x 10000 increments: %ld, return values and tids distinct\n", counter);

	pthread_t p, c;
	void *sum;
	CHECK_EQ(pthread_create(&c, NULL, consumer, NULL), 0);
	CHECK_EQ(pthread_create(&p, NULL, producer, NULL), 0);
	CHECK_EQ(pthread_join(p, NULL), 0);
	CHECK_EQ(pthread_join(c, &sum), 0);
	printf("producer/consumer: sum %ld\n", (long)sum);
	CHECK_EQ((long)sum, ITEMS * (ITEMS + 1) / 2);

	pthread_attr_t attr;
	CHECK_EQ(pthread_attr_init(&attr), 0);
	CHECK_EQ(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
	CHECK_EQ(pthread_attr_setstacksize(&attr, 128 * 1024), 0);
	for (int i = 1; i <= 3; i++)
		CHECK_EQ(pthread_create(&t[i], &attr, detached, (void *)(intptr_t)i), 0);
	CHECK_EQ(pthread_attr_destroy(&attr), 0);
	CHECK_EQ(pthread_create(&t[0], NULL, detached, (void *)(intptr_t)4), 0);
	CHECK_EQ(pthread_detach(t[0]), 0);
	pthread_mutex_lock(&lock);
	while (detached_done != 1 + 2 + 3 + 4)
		pthread_cond_wait(&done_cond, &lock);
	pthread_mutex_unlock(&lock);
	printf("detached threads: done\n");

	CHECK_EQ(pthread_mutex_trylock(&lock), 0);
	CHECK_EQ(pthread_mutex_trylock(&lock), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	CHECK_DONE("t_thread");
}
