/* t_cancel: cancelling a thread blocked in read(), in pthread_cond_wait and in nanosleep;
 * cancellation disabled, then enabled again. */
#define _GNU_SOURCE
#include "check.h"
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

static int pipefd[2];
static sem_t started;
static volatile int cleanups, reached;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void cleanup(void *arg)
{
	cleanups += (int)(long)arg;
}

static void unlock(void *arg)
{
	pthread_mutex_unlock(arg);
	cleanups += 10;
}

static void *reader(void *arg)
{
	char c;
	(void)arg;
	pthread_cleanup_push(cleanup, (void *)1);
	sem_post(&started);
	read(pipefd[0], &c, 1); /* blocks: nobody writes */
	reached = 1;            /* not reached */
	pthread_cleanup_pop(0);
	return NULL;
}

static void *waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock, &lock);
	sem_post(&started);
	for (;;)
		pthread_cond_wait(&never, &lock);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *sleeper(void *arg)
{
	struct timespec ts = {30, 0};
	(void)arg;
	sem_post(&started);
	nanosleep(&ts, NULL);
	reached = 2;
	return NULL;
}

static void *reluctant(void *arg)
{
	int old;
	char buf[8];
	(void)arg;
	CHECK_EQ(pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old), 0);
	CHECK_EQ(old, PTHREAD_CANCEL_ENABLE);
	sem_post(&started);
	/* The cancel request arrives meanwhile; this read is a cancellation point, but
	 * cancellation is disabled, so it returns the byte the main thread writes. */
	CHECK_EQ(read(pipefd[0], buf, 1), 1);
	pthread_testcancel();
	reached = 3;
	CHECK_EQ(pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old), 0);
	CHECK_EQ(old, PTHREAD_CANCEL_DISABLE);
	pthread_testcancel(); /* acts on the pending request */
	reached = 4;
	return NULL;
}

static void cancel_and_join(void *(*fn)(void *), const char *what)
{
	pthread_t t;
	void *ret = NULL;
	CHECK_EQ(pthread_create(&t, NULL, fn, NULL), 0);
	CHECK_EQ(sem_wait(&started), 0);
	struct timespec ts = {0, 20000000}; /* let it block */
	nanosleep(&ts, NULL);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	printf("cancelled in %s: joined with PTHREAD_CANCELED\n", what);
}

int main(void)
{
	check_init();
	CHECK_EQ(pipe(pipefd), 0);
	CHECK_EQ(sem_init(&started, 0, 0), 0);

	cancel_and_join(reader, "read()");
	CHECK_EQ(cleanups, 1);
	CHECK_EQ(reached, 0);

	cancel_and_join(waiter, "pthread_cond_wait()");
	CHECK_EQ(cleanups, 11);
	CHECK_EQ(pthread_mutex_trylock(&lock), 0); /* the cleanup handler unlocked it */
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);

	cancel_and_join(sleeper, "nanosleep()");
	CHECK_EQ(reached, 0);

	pthread_t t;
	void *ret = NULL;
	CHECK_EQ(pthread_create(&t, NULL, reluctant, NULL), 0);
	CHECK_EQ(sem_wait(&started), 0);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(write(pipefd[1], "x", 1), 1);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	CHECK_EQ(reached, 3);
	printf("cancel while disabled: acted on once enabled\n");

	/* Without a cancel request the same thread runs to its end. */
	CHECK_EQ(pthread_create(&t, NULL, reluctant, NULL), 0);
	CHECK_EQ(sem_wait(&started), 0);
	CHECK_EQ(write(pipefd[1], "y", 1), 1);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == NULL);
	CHECK_EQ(reached, 4);
	CHECK_DONE("t_cancel");
}
