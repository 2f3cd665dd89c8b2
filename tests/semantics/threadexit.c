/* threadexit: a parent waiting for a multi-threaded child is woken when the child's last
 * thread is gone, however the exit is interleaved (found when app_redis hung in waitpid for
 * redis-server, a zombie whose bio threads had ended: the last thread woke the parent before
 * it became a zombie itself, then gave the CPU away while freeing the address space; the
 * parent looked, saw that thread still alive and slept for good).
 *
 * Parts:
 *   last-thread  the child touches 96 MiB (freeing it spans timer ticks), starts threads
 *                that block, and exits from main (exit_group); the parent, already in
 *                waitpid, must get the status within 20 s, 12 times over.
 *   thread-last  the same with main leaving by pthread_exit first and the last thread
 *                calling exit(3) after main is a zombie.
 *
 * Usage: threadexit */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define ROUNDS 12
#define CHILD_BYTES (96u << 20)
#define THREADS 3

static volatile sig_atomic_t alarmed;

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

static void touch_memory(void)
{
	char *p = mmap(NULL, CHILD_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(90);
	for (size_t i = 0; i < CHILD_BYTES; i += 4096)
		p[i] = 1;
}

static int block_fd[2];

static void *blocker(void *arg)
{
	(void)arg;
	char c;
	read(block_fd[0], &c, 1); /* never answered: exit_group ends it */
	return NULL;
}

static void *last_exiter(void *arg)
{
	(void)arg;
	struct timespec t = {0, 30 * 1000 * 1000};
	nanosleep(&t, NULL); /* main has called pthread_exit by now */
	exit(3);
}

/* how 0: main calls exit(7) with blocked threads; 1: main pthread_exits, a thread exit(3)s */
static void child(int how)
{
	touch_memory();
	if (pipe(block_fd) < 0)
		_exit(91);
	pthread_t t;
	for (int i = 0; i < THREADS; i++)
		if (pthread_create(&t, NULL, blocker, NULL) != 0)
			_exit(92);
	if (how == 1) {
		if (pthread_create(&t, NULL, last_exiter, NULL) != 0)
			_exit(93);
		pthread_exit(NULL);
	}
	struct timespec s = {0, 20 * 1000 * 1000};
	nanosleep(&s, NULL); /* the parent is in waitpid */
	exit(7);
}

static void rounds(int how, int want)
{
	for (int r = 0; r < ROUNDS; r++) {
		pid_t pid = fork();
		if (pid == 0)
			child(how);
		CHECK(pid > 0, "fork");
		if (pid < 0)
			return;
		alarmed = 0;
		alarm(20);
		int st = 0;
		pid_t got = waitpid(pid, &st, 0);
		alarm(0);
		if (got != pid) {
			CHECK(0, "round %d: waitpid returned %d (errno %d%s): the wakeup was lost", r, (int)got,
			      errno, alarmed ? ", after 20 s" : "");
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return;
		}
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == want, "round %d: status %#x, want exit %d", r, st, want);
	}
}

int main(void)
{
	r0_start("threadexit");
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm; /* no SA_RESTART: waitpid returns EINTR */
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
	R0_PART("last-thread", rounds(0, 7));
	R0_PART("thread-last", rounds(1, 3));
	R0_DONE();
}
