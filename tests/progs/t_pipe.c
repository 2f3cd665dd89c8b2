/* t_pipe: pipes, EOF, a large transfer, dup2 onto stdout, EPIPE with and without SIGPIPE. */
#define _GNU_SOURCE
#include "check.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

static int wait_status(pid_t pid)
{
	int status = -1;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

int main(void)
{
	check_init();
	int p[2];
	char buf[256];
	CHECK_EQ(pipe(p), 0);
	CHECK(p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
	CHECK_EQ(write(p[1], "abc", 3), 3);
	CHECK_EQ(write(p[1], "de", 2), 2);
	CHECK_EQ(read(p[0], buf, sizeof buf), 5);
	CHECK(memcmp(buf, "abcde", 5) == 0);
	CHECK_ERR(write(p[0], "x", 1), EBADF); /* wrong ends */
	CHECK_ERR(read(p[1], buf, 1), EBADF);
	CHECK_EQ(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK_EQ(fcntl(p[0], F_SETFL, 0), 0);
	CHECK_EQ(close(p[1]), 0);
	CHECK_EQ(read(p[0], buf, sizeof buf), 0); /* EOF once the writer is gone */
	CHECK_EQ(close(p[0]), 0);
	printf("pipe: read, write, EOF\n");

	/* 1 MiB from a child, much more than the pipe holds, with a checksum. */
	CHECK_EQ(pipe(p), 0);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		static unsigned char out[4096];
		for (int k = 0; k < 256; k++) {
			for (int i = 0; i < 4096; i++)
				out[i] = (unsigned char)(k * 7 + i);
			for (size_t off = 0; off < sizeof out;) {
				ssize_t n = write(p[1], out + off, sizeof out - off);
				if (n <= 0)
					_exit(2);
				off += n;
			}
		}
		_exit(0);
	}
	CHECK_EQ(close(p[1]), 0);
	static unsigned char in[5000];
	long total = 0, bad = 0;
	ssize_t n;
	while ((n = read(p[0], in, sizeof in)) > 0) {
		for (ssize_t i = 0; i < n; i++, total++)
			if (in[i] != (unsigned char)((total / 4096) * 7 + total % 4096))
				bad++;
	}
	CHECK_EQ(n, 0);
	CHECK_EQ(total, 1 << 20);
	CHECK_EQ(bad, 0);
	CHECK_EQ(wait_status(pid), 0);
	CHECK_EQ(close(p[0]), 0);
	printf("pipe: 1 MiB through, in order\n");

	/* A child whose stdout is the pipe. */
	CHECK_EQ(pipe(p), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) != 1)
			_exit(2);
		close(p[1]);
		printf("to stdout from the child\n");
		exit(0);
	}
	CHECK_EQ(close(p[1]), 0);
	size_t got = 0;
	while ((n = read(p[0], buf + got, sizeof buf - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	CHECK_STR(buf, "to stdout from the child\n");
	CHECK_EQ(wait_status(pid), 0);
	CHECK_EQ(close(p[0]), 0);
	printf("dup2: got \"%.24s\"\n", buf);

	/* Writing to a pipe nobody reads: SIGPIPE kills by default. */
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(close(p[0]), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		write(p[1], "x", 1);
		_exit(3);
	}
	int status = wait_status(pid);
	CHECK(WIFSIGNALED(status));
	CHECK_EQ(WTERMSIG(status), SIGPIPE);
	printf("no reader: killed by SIGPIPE\n");

	/* With SIGPIPE ignored, write fails with EPIPE instead. */
	CHECK(signal(SIGPIPE, SIG_IGN) != SIG_ERR);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	CHECK_EQ(close(p[1]), 0);
	printf("no reader, SIGPIPE ignored: EPIPE\n");

	/* dup2 onto an open descriptor closes it first; dup2 of a bad one fails. */
	CHECK_EQ(pipe(p), 0);
	int extra = dup(p[1]);
	CHECK(extra > p[1]);
	CHECK_EQ(dup2(p[0], extra), extra);
	CHECK_EQ(write(p[1], "q", 1), 1);
	CHECK_EQ(read(extra, buf, 1), 1);
	CHECK_EQ(buf[0], 'q');
	CHECK_ERR(dup2(1000, extra), EBADF);
	CHECK_EQ(close(extra), 0);
	CHECK_EQ(close(p[0]), 0);
	CHECK_EQ(close(p[1]), 0);
	CHECK_DONE("t_pipe");
}
