/* t_vfork: vfork children that use a lot of stack, then exec or _exit; posix_spawn, system,
 * popen. The parent's own stack must come through intact. */
#define _GNU_SOURCE
#include "check.h"
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;
static char *self;
static volatile int child_ran = -1; /* shared with the vfork child, which runs first */

/* Lots of stack, in non-inlined calls: they overwrite whatever lies below main's frame. */
__attribute__((noinline)) static long deep(int n)
{
	volatile char area[600];
	for (int i = 0; i < 600; i++)
		area[i] = (char)(n + i);
	if (n == 0)
		return area[599];
	return deep(n - 1) + area[n];
}

__attribute__((noinline, noreturn)) static void vchild(int do_exec, int tag)
{
	char line[1024];
	long sum = deep(40);
	int n = snprintf(line, sizeof line, "vfork child %d: deep=%ld %s\n", tag, sum,
			 do_exec ? "exec" : "_exit");
	write(1, line, n);
	child_ran = tag;
	if (do_exec) {
		char tagstr[16];
		snprintf(tagstr, sizeof tagstr, "%d", tag);
		char *args[] = {self, "vexec", tagstr, NULL};
		execve(self, args, environ);
		_exit(126);
	}
	_exit(7);
}

static void vfork_cases(void)
{
	for (int round = 0; round < 4; round++) {
		volatile long canary[8];
		volatile double d = 3.25 * round;
		volatile int r = round;
		for (int i = 0; i < 8; i++)
			canary[i] = 0x1111111111111111L * i + round;
		pid_t pid = vfork();
		if (pid == 0)
			vchild(round % 2, round); /* never returns */
		CHECK(pid > 0);
		int status = -1;
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		for (int i = 0; i < 8; i++)
			CHECK_EQ(canary[i], 0x1111111111111111L * i + round);
		CHECK(d == 3.25 * round);
		CHECK_EQ(r, round);
		CHECK_EQ(child_ran, round);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), round % 2 ? 11 : 7);
	}
	printf("vfork: parent stack intact\n");
}

static void spawn_cases(void)
{
	int p[2];
	CHECK_EQ(pipe(p), 0);
	posix_spawn_file_actions_t fa;
	CHECK_EQ(posix_spawn_file_actions_init(&fa), 0);
	CHECK_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 1), 0);
	CHECK_EQ(posix_spawn_file_actions_addclose(&fa, p[0]), 0);
	pid_t pid;
	char *args[] = {self, "spawned", "over a pipe", NULL};
	CHECK_EQ(posix_spawn(&pid, self, &fa, NULL, args, environ), 0);
	CHECK_EQ(posix_spawn_file_actions_destroy(&fa), 0);
	CHECK_EQ(close(p[1]), 0);
	char buf[128];
	size_t got = 0;
	ssize_t n;
	while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	CHECK_EQ(n, 0);
	buf[got] = '\0';
	CHECK_EQ(close(p[0]), 0);
	printf("posix_spawn read back: %s", buf);
	CHECK_STR(buf, "spawned: over a pipe\n");
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 4);
	char *none[] = {"/nonexistent/prog", NULL};
	CHECK_EQ(posix_spawn(&pid, none[0], NULL, NULL, none, environ), ENOENT);
	CHECK_ERR(waitpid(-1, &status, WNOHANG), ECHILD); /* nothing left over */

	CHECK(system(NULL) != 0);
	status = system("exit 3");
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 3);
	printf("system(\"exit 3\"): %d\n", WEXITSTATUS(status));

	FILE *f = popen("echo hi", "r");
	CHECK(f != NULL);
	CHECK(fgets(buf, sizeof buf, f) != NULL);
	CHECK_STR(buf, "hi\n");
	CHECK(fgets(buf, sizeof buf, f) == NULL);
	CHECK_EQ(pclose(f), 0);
	f = popen("read x; exit ${#x}", "w");
	CHECK(f != NULL);
	CHECK(fputs("hello\n", f) >= 0);
	status = pclose(f);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 5);
	printf("popen: read \"hi\", wrote \"hello\"\n");
}

/* A handler installed before posix_spawn with POSIX_SPAWN_SETSIGDEF must still run in the
 * parent afterwards: the spawned child resets its own actions to SIG_DFL while it shares the
 * parent's memory (CLONE_VM|CLONE_VFORK). Under r0run, whose handler table lives in that
 * memory, the child once overwrote the parent's entry and the parent then called address 0. */
static volatile sig_atomic_t usr1_count;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void sigdef_cases(void)
{
	struct sigaction sa = {.sa_handler = on_usr1};
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	posix_spawnattr_t attr;
	CHECK_EQ(posix_spawnattr_init(&attr), 0);
	sigset_t def;
	sigemptyset(&def);
	sigaddset(&def, SIGUSR1);
	CHECK_EQ(posix_spawnattr_setsigdefault(&attr, &def), 0);
	CHECK_EQ(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF), 0);
	pid_t pid;
	char *args[] = {self, "sigdef", NULL};
	CHECK_EQ(posix_spawn(&pid, self, NULL, &attr, args, environ), 0);
	CHECK_EQ(posix_spawnattr_destroy(&attr), 0);
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 5);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(usr1_count, 1);
	FILE *f = popen("exit 0", "r"); /* popen's child resets handlers the same way */
	CHECK(f != NULL);
	CHECK_EQ(pclose(f), 0);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(usr1_count, 2);
	struct sigaction old;
	CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	CHECK(old.sa_handler == on_usr1);
	printf("posix_spawn SETSIGDEF: parent's handler kept\n");
}

int main(int argc, char **argv)
{
	check_init();
	self = argv[0];
	if (argc == 3 && !strcmp(argv[1], "vexec")) {
		printf("exec'd from vfork child %s\n", argv[2]);
		return 11;
	}
	if (argc == 3 && !strcmp(argv[1], "spawned")) {
		printf("spawned: %s\n", argv[2]);
		return 4;
	}
	if (argc == 2 && !strcmp(argv[1], "sigdef")) {
		struct sigaction old;
		CHECK_EQ(sigaction(SIGUSR1, NULL, &old), 0);
		CHECK(old.sa_handler == SIG_DFL); /* the spawn reset it in the child */
		return 5;
	}
	vfork_cases();
	spawn_cases();
	sigdef_cases();
	CHECK_DONE("t_vfork");
}
