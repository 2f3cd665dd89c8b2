/* r0vfork: vfork in the program's ring, and what the library builds on it.
 *
 *   vfork-exit     the child calls several functions that use lots of stack (overwriting the
 *                  stack it shares with the parent), then _exit; the parent's volatile locals
 *                  and its return path are intact, the exit code arrives
 *   vfork-execve   the same, then execve of /bin/whereami (trusted) with stdout on a pipe:
 *                  it reports the parent's ring; the parent resumes intact
 *   vfork-execve-fail  execve of a missing file in the child, then _exit(127)
 *   posix_spawn    /bin/whereami through posix_spawn with a dup2 file action: the parent's ring
 *   system         system("exit 3") gives status 3 (/bin/sh is busybox: ring 3)
 *   popen-r        popen("echo hi", "r") reads "hi"
 *   popen-w        popen("read x; exit ${#x}", "w") given "abcd\n": pclose status 4
 *   popen-untrusted-parent  popen("/bin/whereami") from a shell: sh runs in ring 3 (busybox is
 *                  not marked), so whereami, though marked, runs in ring 3 too (contract 3)
 * Output: "r0vfork: ring=N", "r0vfork: PART ok" per part, "r0vfork: all ok".
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <sys/wait.h>
#include "r0test.h"

extern char **environ;
static int ring;

static int wait_code(pid_t pid)
{
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/* Stack-hungry helpers, not inlined, so each has its own big frame on the shared stack. */
__attribute__((noinline)) static long deep(int n, long seed)
{
	volatile long buf[256];
	for (int i = 0; i < 256; i++)
		buf[i] = seed * 31 + i + n;
	long s = n > 0 ? deep(n - 1, seed + 1) : 0;
	for (int i = 0; i < 256; i++)
		s += buf[i];
	return s;
}

__attribute__((noinline)) static long scribble(long seed)
{
	volatile char big[16384];
	memset((char *)big, (int)(seed & 0xff), sizeof big);
	return big[seed & 1023] + big[16383];
}

__attribute__((noinline)) static long child_work(long seed)
{
	return deep(12, seed) + scribble(seed) + deep(6, seed * 3);
}

/* Reads one line from fd (at most n-1 bytes, without the newline). */
static int read_line(int fd, char *buf, int n)
{
	int i = 0;
	char c;
	while (i < n - 1 && read(fd, &c, 1) == 1 && c != '\n')
		buf[i++] = c;
	buf[i] = 0;
	return i;
}

static void expect_whereami_line(const char *got, int want_ring)
{
	char want[32];
	snprintf(want, sizeof want, "ring=%d sysinfo=%s", want_ring, want_ring == 0 ? "yes" : "no");
	CHECK(!strcmp(got, want), "whereami said '%s', want '%s'", got, want);
}

__attribute__((noinline)) static void part_vfork(int how)
{
	volatile long a = 0x1111, b = 0x2222, c[8];
	for (int i = 0; i < 8; i++)
		c[i] = 0x3330 + i;
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t pid = vfork();
	if (pid == 0) {
		volatile long r = child_work(pid + 7);
		(void)r;
		if (how == 0)
			_exit(9);
		if (how == 1) {
			dup2(p[1], 1);
			char *argv[] = {"/bin/whereami", NULL};
			execve(argv[0], argv, environ);
			_exit(126);
		}
		char *argv[] = {"/bin/no-such-program", NULL};
		execve(argv[0], argv, environ);
		_exit(127);
	}
	CHECK(pid > 0, "vfork");
	CHECK_EQ(a, 0x1111);
	CHECK_EQ(b, 0x2222);
	for (int i = 0; i < 8; i++)
		CHECK_EQ(c[i], 0x3330 + i);
	close(p[1]);
	if (how == 1) {
		char line[64];
		read_line(p[0], line, sizeof line);
		expect_whereami_line(line, ring);
	}
	CHECK_EQ(wait_code(pid), how == 0 ? 9 : how == 1 ? 0 : 127);
	close(p[0]);
}

static void part_posix_spawn(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	pid_t pid = -1;
	char *argv[] = {"/bin/whereami", NULL};
	volatile long guard = 0x5150;
	CHECK_EQ(posix_spawn(&pid, argv[0], &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	char line[64];
	read_line(p[0], line, sizeof line);
	expect_whereami_line(line, ring);
	CHECK_EQ(wait_code(pid), 0);
	CHECK_EQ(guard, 0x5150);
	close(p[0]);
}

static void part_system(void)
{
	int st = system("exit 3");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 3, "system status %#x", st);
}

static void part_popen_r(void)
{
	FILE *f = popen("echo hi", "r");
	CHECK(f != NULL, "popen");
	char line[32] = "";
	if (f) {
		CHECK(fgets(line, sizeof line, f) != NULL, "fgets");
		CHECK(!strcmp(line, "hi\n"), "popen read '%s'", line);
		CHECK_EQ(pclose(f), 0);
	}
}

static void part_popen_w(void)
{
	FILE *f = popen("read x; exit ${#x}", "w");
	CHECK(f != NULL, "popen");
	if (f) {
		fputs("abcd\n", f);
		int st = pclose(f);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 4, "pclose status %#x", st);
	}
}

static void part_popen_untrusted(void)
{
	FILE *f = popen("/bin/whereami", "r");
	CHECK(f != NULL, "popen");
	char line[64] = "";
	if (f) {
		CHECK(fgets(line, sizeof line, f) != NULL, "fgets");
		line[strcspn(line, "\n")] = 0;
		expect_whereami_line(line, 3);
		CHECK_EQ(pclose(f), 0);
	}
}

int main(void)
{
	ring = r0_start("r0vfork");
	R0_PART("vfork-exit", part_vfork(0));
	R0_PART("vfork-execve", part_vfork(1));
	R0_PART("vfork-execve-fail", part_vfork(2));
	R0_PART("posix_spawn", part_posix_spawn());
	R0_PART("system", part_system());
	R0_PART("popen-r", part_popen_r());
	R0_PART("popen-w", part_popen_w());
	R0_PART("popen-untrusted-parent", part_popen_untrusted());
	R0_DONE();
}
