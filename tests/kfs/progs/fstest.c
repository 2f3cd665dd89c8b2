/* fstest.c: the file layer seen from a program (musl, static): files, directories,
 * symlinks, descriptors, pipes between processes, SIGPIPE, poll/select, devices, the
 * console's termios, bad pointers. Prints "ok NAME" or "not ok NAME: why" per check and
 * ends with "fstest: N passed, M failed"; exit status 0 when nothing failed.
 * Runs unchanged on Linux (inside a fresh directory given as argv[1], default /tmp). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int passed, failed;

static void check(const char *name, int ok, const char *fmt, ...)
{
	if (ok) {
		passed++;
		printf("ok %s\n", name);
		return;
	}
	failed++;
	printf("not ok %s: ", name);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (errno %d %s)\n", errno, strerror(errno));
}


static char base[256];
static char *P(const char *rel)
{
	static char bufs[4][1024];
	static int i;
	char *b = bufs[i++ % 4];
	snprintf(b, 1024, "%s/%s", base, rel);
	return b;
}

static void files(void)
{
	int fd = open(P("f"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	check("open-create", fd >= 0, "fd %d", fd);
	check("write", write(fd, "hello world", 11) == 11, "");
	check("lseek-end", lseek(fd, 0, SEEK_END) == 11, "");
	char buf[64] = {0};
	check("pread", pread(fd, buf, 5, 6) == 5 && !memcmp(buf, "world", 5), "%s", buf);
	check("pwrite-hole", pwrite(fd, "!", 1, 100) == 1, "");
	struct stat st;
	check("fstat-size", fstat(fd, &st) == 0 && st.st_size == 101 && S_ISREG(st.st_mode), "size %ld", (long)st.st_size);
	check("hole-zero", pread(fd, buf, 10, 50) == 10 && buf[0] == 0 && buf[9] == 0, "");
	check("ftruncate", ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "");
	close(fd);
	fd = open(P("f"), O_WRONLY | O_APPEND);
	check("append", write(fd, "XY", 2) == 2 && stat(P("f"), &st) == 0 && st.st_size == 7, "");
	close(fd);
	FILE *f = fopen(P("f"), "r");
	check("stdio-read", f && fgets(buf, sizeof buf, f) && !strcmp(buf, "helloXY"), "%s", buf);
	if (f)
		fclose(f);
	check("excl", open(P("f"), O_CREAT | O_EXCL | O_WRONLY, 0644) < 0 && errno == EEXIST, "");
	check("enoent", open(P("none"), O_RDONLY) < 0 && errno == ENOENT, "");
	check("enotdir", open(P("f/x"), O_RDONLY) < 0 && errno == ENOTDIR, "");
}

static void dirs(void)
{
	check("mkdir", mkdir(P("d"), 0755) == 0, "");
	check("mkdir-eexist", mkdir(P("d"), 0755) < 0 && errno == EEXIST, "");
	char name[300];
	int ok = 1;
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "d/entry%03d", i);
		int fd = open(P(name), O_CREAT | O_WRONLY, 0600);
		ok &= fd >= 0;
		close(fd);
	}
	check("create-100", ok, "");
	DIR *d = opendir(P("d"));
	int n = 0, dots = 0;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] == '.')
			dots++;
		else
			n++;
	if (d)
		closedir(d);
	check("readdir", n == 100 && dots == 2, "%d entries, %d dots", n, dots);
	check("rmdir-notempty", rmdir(P("d")) < 0 && errno == ENOTEMPTY, "");
	/* remove while reading, as rm -r does */
	d = opendir(P("d"));
	n = 0;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(name, sizeof name, "d/%s", e->d_name);
			n += unlink(P(name)) == 0;
		}
	if (d)
		closedir(d);
	check("unlink-while-reading", n == 100, "%d removed", n);
	check("rmdir", rmdir(P("d")) == 0, "");
	check("mkdir-p", mkdir(P("a"), 0755) == 0 && mkdir(P("a/b"), 0755) == 0, "");
	check("rename-into-self", rename(P("a"), P("a/b/c")) < 0 && errno == EINVAL, "");
	check("rename-dir", rename(P("a"), P("z")) == 0, "");
	char cwd[256];
	check("chdir", chdir(P("z/b")) == 0 && getcwd(cwd, sizeof cwd) && !strcmp(cwd, P("z/b")), "%s", cwd);
	check("symlink", symlink("../b", "lnk") == 0, "");
	char t[64] = {0};
	check("readlink", readlink("lnk", t, sizeof t) == 4 && !strcmp(t, "../b"), "%s", t);
	struct stat st;
	check("stat-through-link", stat("lnk", &st) == 0 && S_ISDIR(st.st_mode), "");
	check("lstat-link", lstat("lnk", &st) == 0 && S_ISLNK(st.st_mode), "");
	check("chdir-back", chdir("/") == 0, "");
}

static void fds(void)
{
	int fd = open(P("out"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	int saved = dup(1);
	fflush(stdout);
	int d = dup2(fd, 1);
	printf("redirected\n");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	check("dup2", d == 1, "");
	char buf[32] = {0};
	check("redirect-content", pread(fd, buf, sizeof buf, 0) == 11 && !strcmp(buf, "redirected\n"), "%s", buf);
	int fl = fcntl(fd, F_GETFD);
	check("cloexec", fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC && fl == 0, "");
	check("dupfd", fcntl(fd, F_DUPFD, 20) == 20, "");
	close(20);
	close(fd);
	check("ebadf", close(fd) < 0 && errno == EBADF, "");
}

static void pipes(void)
{
	int p[2];
	check("pipe", pipe(p) == 0, "");
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		static char chunk[10000];
		for (int i = 0; i < 20; i++) {
			memset(chunk, 'a' + i, sizeof chunk);
			if (write(p[1], chunk, sizeof chunk) != sizeof chunk)
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	long total = 0, r, bad = 0;
	char buf[4096];
	while ((r = read(p[0], buf, sizeof buf)) > 0) {
		for (long i = 0; i < r; i++)
			bad += buf[i] != 'a' + (int)((total + i) / 10000);
		total += r;
	}
	int status = -1;
	waitpid(pid, &status, 0);
	check("pipe-200k-between-processes", total == 200000 && bad == 0 && r == 0, "%ld bytes, %ld bad", total, bad);
	check("pipe-writer-exit-0", WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	close(p[0]);
	/* EPIPE when ignored, death by SIGPIPE by default */
	pipe(p);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	check("epipe", write(p[1], "x", 1) < 0 && errno == EPIPE, "");
	signal(SIGPIPE, SIG_DFL);
	pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	check("sigpipe-kills", WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE, "status %#x", status);
	close(p[1]);
	/* poll and select */
	pipe(p);
	struct pollfd pf = {p[0], POLLIN, 0};
	check("poll-timeout", poll(&pf, 1, 30) == 0, "");
	write(p[1], "y", 1);
	check("poll-ready", poll(&pf, 1, -1) == 1 && pf.revents == POLLIN, "revents %#x", pf.revents);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = {1, 0};
	check("select-ready", select(p[0] + 1, &rs, NULL, NULL, &tv) == 1 && FD_ISSET(p[0], &rs), "");
	/* a reader blocked in read is woken by a child's write */
	char c;
	read(p[0], &c, 1);
	pid = fork();
	if (pid == 0) {
		usleep(20000);
		write(p[1], "z", 1);
		_exit(0);
	}
	check("blocking-read-woken", read(p[0], &c, 1) == 1 && c == 'z', "");
	waitpid(pid, &status, 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	check("eagain", read(p[0], &c, 1) < 0 && errno == EAGAIN, "");
	close(p[0]);
	close(p[1]);
}

static void devices(void)
{
	int z = open("/dev/zero", O_RDONLY), n = open("/dev/null", O_WRONLY);
	char buf[16];
	memset(buf, 1, sizeof buf);
	check("dev-zero", read(z, buf, sizeof buf) == 16 && buf[0] == 0 && buf[15] == 0, "");
	check("dev-null", write(n, buf, sizeof buf) == 16, "");
	close(z);
	close(n);
	struct termios t;
	struct winsize ws;
	check("isatty-stdin", isatty(0) == 1, "");
	check("tcgetattr", tcgetattr(0, &t) == 0 && (t.c_lflag & ICANON) && (t.c_lflag & ECHO), "");
	check("winsize", ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col == 80 && ws.ws_row == 24, "");
	int fd = open(P("f"), O_RDONLY);
	check("not-a-tty", isatty(fd) == 0 && errno == ENOTTY, "");
	close(fd);
}

static volatile unsigned long bad_low = 8, bad_kernel = 0xffffffff80000000UL;

static void badptr(void)
{
	int fd = open(P("f"), O_RDONLY);
	void *low = (void *)bad_low, *kern = (void *)bad_kernel;
	check("read-efault", read(fd, low, 4) < 0 && errno == EFAULT, "");
	check("read-kernel-efault", read(fd, kern, 4) < 0 && errno == EFAULT, "");
	check("open-efault", open((char *)low, O_RDONLY) < 0 && errno == EFAULT, "");
	/* through syscall(): musl's stat() copies from a buffer of its own, faulting in the program */
	check("stat-efault", syscall(SYS_stat, P("f"), low) < 0 && errno == EFAULT, "");
	check("fstat-efault", syscall(SYS_fstat, fd, kern) < 0 && errno == EFAULT, "");
	check("pipe-efault", pipe((int *)low) < 0 && errno == EFAULT, "");
	close(fd);
}

int main(int argc, char **argv)
{
	snprintf(base, sizeof base, "%s/fstest.%d", argc > 1 ? argv[1] : "/tmp", (int)getpid());
	if (mkdir(base, 0755) != 0) {
		perror(base);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	files();
	dirs();
	fds();
	pipes();
	devices();
	badptr();
	printf("fstest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
