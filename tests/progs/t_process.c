/* t_process: fork, exit codes through wait4/waitpid, death by signal, pids, execve of itself. */
#define _GNU_SOURCE
#include "check.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

/* Run as "t_process child WORDS PID": show the arguments, check that the pid survived exec. */
static int child_mode(int argc, char **argv)
{
	printf("child: argc=%d argv[1]=%s argv[2]=%s\n", argc, argv[1], argv[2]);
	CHECK_EQ(argc, 4);
	CHECK_EQ(atol(argv[3]), getpid());
	CHECK(argv[4] == NULL);
	fflush(stdout);
	return 5;
}

int main(int argc, char **argv)
{
	check_init();
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_mode(argc, argv);
	pid_t me = getpid(), parent = getppid();
	CHECK(me > 0 && parent > 0 && me != parent);
	CHECK_EQ(getpid(), me);

	/* Exit codes, collected with waitpid and with wait4. */
	static const int codes[] = {0, 1, 42, 255};
	for (int i = 0; i < 4; i++) {
		pid_t pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(codes[i]);
		CHECK(pid != me);
		int status = -1;
		if (i % 2)
			CHECK_EQ(waitpid(pid, &status, 0), pid);
		else {
			struct rusage ru;
			CHECK_EQ(wait4(pid, &status, 0, &ru), pid);
		}
		CHECK(WIFEXITED(status) && !WIFSIGNALED(status));
		CHECK_EQ(WEXITSTATUS(status), codes[i]);
	}
	printf("exit codes: 0 1 42 255\n");

	/* The child sees its parent and a pid of its own; exit() flushes its stdio. */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_EQ(getppid(), me);
		CHECK(getpid() != me);
		printf("in the child: ppid matches\n");
		exit(getpid() == me ? 1 : 0);
	}
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);

	/* Death by signal, from kill() to itself, with and without a handler left default. */
	static const int sigs[] = {SIGTERM, SIGKILL, SIGUSR1};
	for (int i = 0; i < 3; i++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			kill(getpid(), sigs[i]);
			_exit(99);
		}
		CHECK_EQ(wait(&status), pid);
		CHECK(WIFSIGNALED(status) && !WIFEXITED(status));
		CHECK_EQ(WTERMSIG(status), sigs[i]);
	}
	printf("killed by: SIGTERM SIGKILL SIGUSR1\n");

	/* WNOHANG on a running child, which exits when the parent closes the pipe. */
	int p[2];
	CHECK_EQ(pipe(p), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 3 : 4); /* returns at EOF */
	}
	close(p[0]);
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	CHECK_EQ(close(p[1]), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 3);
	CHECK_ERR(waitpid(-1, &status, 0), ECHILD);
	CHECK_ERR(waitpid(pid, &status, WNOHANG), ECHILD);
	printf("WNOHANG and ECHILD: ok\n");

	/* execve of this very program (argv[0]) in a child: same pid, new image, exit 5. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char pidstr[24];
		snprintf(pidstr, sizeof pidstr, "%ld", (long)getpid());
		char *args[] = {argv[0], "child", "two words", pidstr, NULL};
		execve(argv[0], args, environ);
		printf("FAIL execve %s (errno %d)\n", argv[0], errno);
		_exit(1);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 5);
	char *none[] = {"/nonexistent/prog", NULL};
	CHECK_ERR(execve(none[0], none, environ), ENOENT);
	printf("execve: ok\n");
	CHECK_DONE("t_process");
}
