/* r0exec: execve and trust (contract 3), from the program's ring.
 *
 * Each part forks, execve's an image with stdout on a pipe, and checks what the image says
 * about its own ring and its exit status. With R = this program's ring:
 *   trusted          /bin/whereami (r0cc, marked)                      -> ring=R
 *   trusted-pie      /bin/whereami-pie (static PIE, marked)            -> ring=R
 *   untrusted-stripped /bin/whereami-nonote (the note removed)         -> ring=3
 *   untrusted-raw    /bin/rawring (-nostartfiles, raw syscall, no note) -> ring=3, exit 3
 *   ring3-execs-marked /bin/whereami-nonote -x /bin/whereami: an untrusted image (ring 3)
 *                    execve's a marked one, which stays in ring 3     -> ring=3 twice
 *   busybox-sh       /bin/sh -c '/bin/whereami; exit 0' (Debian's busybox, glibc, no note): sh
 *                    runs in ring 3, so the marked whereami it starts runs in ring 3 too
 *   marked-execs-marked   /bin/whereami -x /bin/whereami   -> ring=R twice
 *   marked-execs-unmarked /bin/whereami -x /bin/whereami-nonote -> ring=R, then ring=3
 * Output: "r0exec: ring=N", "r0exec: PART ok" per part, "r0exec: all ok".
 */
#include <sys/wait.h>
#include "r0test.h"

extern char **environ;
static int ring;

/* Runs argv[0] with argv in a child, stdout (and stderr) into out; returns the exit code
 * (1000 + signal when killed). */
static int run(char *const argv[], char *out, size_t n)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		execve(argv[0], argv, environ);
		_exit(126);
	}
	close(p[1]);
	size_t len = 0;
	ssize_t r;
	while (len < n - 1 && (r = read(p[0], out + len, n - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = 0;
	close(p[0]);
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static const char *line_for(int r)
{
	return r == 0 ? "ring=0 sysinfo=yes\n" : "ring=3 sysinfo=no\n";
}

static void expect(char *const argv[], const char *want, int want_code)
{
	char out[512];
	int code = run(argv, out, sizeof out);
	CHECK(!strcmp(out, want), "%s printed '%s', want '%s'", argv[0], out, want);
	CHECK(code == want_code, "%s: exit %d, want %d", argv[0], code, want_code);
}

int main(void)
{
	char both[128];
	ring = r0_start("r0exec");
	R0_PART("trusted", expect((char *[]){"/bin/whereami", NULL}, line_for(ring), 0));
	R0_PART("trusted-pie", expect((char *[]){"/bin/whereami-pie", NULL}, line_for(ring), 0));
	R0_PART("untrusted-stripped", expect((char *[]){"/bin/whereami-nonote", NULL}, line_for(3), 0));
	R0_PART("untrusted-raw", expect((char *[]){"/bin/rawring", NULL}, "rawring: ring=3\n", 3));
	snprintf(both, sizeof both, "%s%s", line_for(3), line_for(3));
	R0_PART("ring3-execs-marked",
		expect((char *[]){"/bin/whereami-nonote", "-x", "/bin/whereami", NULL}, both, 0));
	R0_PART("busybox-sh", expect((char *[]){"/bin/sh", "-c", "/bin/whereami; exit 0", NULL}, line_for(3), 0));
	snprintf(both, sizeof both, "%s%s", line_for(ring), line_for(ring));
	R0_PART("marked-execs-marked",
		expect((char *[]){"/bin/whereami", "-x", "/bin/whereami", NULL}, both, 0));
	snprintf(both, sizeof both, "%s%s", line_for(ring), line_for(3));
	R0_PART("marked-execs-unmarked",
		expect((char *[]){"/bin/whereami", "-x", "/bin/whereami-nonote", NULL}, both, 0));
	R0_DONE();
}
