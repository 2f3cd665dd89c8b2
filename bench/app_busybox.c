/* app_busybox.c: a real program from Debian's sources, run whole: busybox built with r0cc.
 *
 *   app_busybox MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * One operation is one complete run of busybox (Debian's busybox 1.35.0 source, built by
 * bench/bench.mk with r0cc: only dd and sha256sum, static, carrying the trust note): fork,
 * execve of busybox with its stdout and stderr on /dev/null, the applet's work, exit, and
 * waitpid. A run does the same work at every SCALE (SCALE changes how many runs a
 * repetition times), so the figures of all modes, the host's included, are comparable.
 *
 * Cases:
 *   dd_1b   busybox dd if=/dev/zero of=/dev/null bs=1 count=65536: 64 KiB one byte at a
 *           time, 2 system calls per byte (the system-call-bound program)
 *   sha256  busybox sha256sum of a 1 MiB file that this program writes to /tmp first (read
 *           in 4 KiB blocks: 256 reads; the compute-bound control)
 *
 * Before each case's timing, one run with its output captured checks that busybox did the
 * work (dd's record counts, the file's digest); a failed check ends the program with
 * status 1 and no row for the case.
 *
 * busybox is found at $BENCH_BUSYBOX when set, else as busybox-r0 beside this program
 * (the directory of argv[0]: /bin in the guests, $(BUILD)/bench/bin on the host; /bin when
 * argv[0] has no directory). In
 * ringzero under kexec the busybox image carries the ringzero note, so the fork+execve
 * from ring 0 keeps it in ring 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include "bench.h"

#define DD_BYTES  65536L
#define SHA_BYTES (1L << 20)
/* sha256 of the file: byte i is (i * 131 + (i >> 12)) mod 256, i < SHA_BYTES. */
#define SHA_DIGEST "b3ec1030fd34545c51968083900f297d198391670538ac0326bfa2362c3fdc14"

static char busybox[512];
static char sha_file[64];
static int null_fd = -1;
static char *envp[] = { "PATH=/bin", NULL };
static char dd_count[32];
static char *dd_argv[] = { busybox, "dd", "if=/dev/zero", "of=/dev/null", "bs=1", dd_count, NULL };
static char *sha_argv[] = { busybox, "sha256sum", sha_file, NULL };

/* Runs busybox with argv; its stdout and stderr go to out_fd. Returns the wait status. */
static int run(char **argv, int out_fd)
{
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		if (dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
			_exit(126);
		execve(busybox, argv, envp);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			bench_die("waitpid");
	return st;
}

static void run_quiet(char **argv)
{
	int st = run(argv, null_fd);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "app_busybox: %s %s: %s %d\n", busybox, argv[1],
			WIFEXITED(st) ? "exit status" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		exit(1);
	}
}

/* One run with stdout and stderr captured (up to a few hundred bytes); the check runs. */
static void check(char **argv, const char *want)
{
	int p[2];
	if (pipe(p) < 0)
		bench_die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(126);
		execve(busybox, argv, envp);
		_exit(127);
	}
	close(p[1]);
	char out[512];
	size_t len = 0;
	ssize_t k;
	while ((k = read(p[0], out + len, sizeof out - 1 - len)) != 0) {
		if (k < 0) {
			if (errno == EINTR)
				continue;
			bench_die("read");
		}
		len += k;
		if (len == sizeof out - 1)
			break;
	}
	out[len] = 0;
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			bench_die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !strstr(out, want)) {
		fprintf(stderr, "app_busybox: %s %s: status 0x%x, output \"%s\", expected \"%s\"\n",
			busybox, argv[1], st, out, want);
		exit(1);
	}
}

static void loop_dd(long n)
{
	for (long i = 0; i < n; i++)
		run_quiet(dd_argv);
}

static void loop_sha(long n)
{
	for (long i = 0; i < n; i++)
		run_quiet(sha_argv);
}

static void remove_file(void)
{
	if (sha_file[0])
		unlink(sha_file);
}

static void write_file(void)
{
	snprintf(sha_file, sizeof sha_file, "/tmp/app_busybox.%d", (int)getpid());
	int fd = open(sha_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		bench_die(sha_file);
	atexit(remove_file);
	static unsigned char buf[65536];
	for (long off = 0; off < SHA_BYTES; off += sizeof buf) {
		for (long j = 0; j < (long)sizeof buf; j++) {
			long i = off + j;
			buf[j] = (unsigned char)(i * 131 + (i >> 12));
		}
		if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf)
			bench_die("write");
	}
	if (close(fd) < 0)
		bench_die("close");
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "dd_1b sha256");
	const char *env = getenv("BENCH_BUSYBOX");
	if (env && *env) {
		snprintf(busybox, sizeof busybox, "%s", env);
	} else if (strrchr(argv[0], '/')) {
		int dir = (int)(strrchr(argv[0], '/') - argv[0]);
		snprintf(busybox, sizeof busybox, "%.*s/busybox-r0", dir, argv[0]);
	} else {
		snprintf(busybox, sizeof busybox, "/bin/busybox-r0");
	}
	if (access(busybox, X_OK) != 0) {
		fprintf(stderr, "app_busybox: %s: %s\n", busybox, strerror(errno));
		return 1;
	}
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (null_fd < 0)
		bench_die("open /dev/null");
	snprintf(dd_count, sizeof dd_count, "count=%ld", DD_BYTES);

	if (bench_selected("dd_1b")) {
		char want[64];
		snprintf(want, sizeof want, "%ld+0 records out", DD_BYTES);
		check(dd_argv, want);
		bench_case("dd_1b", loop_dd, 1);
	}
	if (bench_selected("sha256")) {
		write_file();
		check(sha_argv, SHA_DIGEST);
		bench_case("sha256", loop_sha, 1);
	}
	return 0;
}
