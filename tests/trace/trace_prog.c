/* trace_prog: known system calls for the tracer's tests (tests/trace/): exec -t and
 * kexec -t print them, tests/trace/expected.txt is what they must print, and strace -f on
 * the host must print the same lines for the calls both see. Each call is made through
 * libc's thin wrapper so that the call is exactly the one written here. No stdio: its
 * buffering would add calls (ioctl, writev) that differ between hosts.
 *
 *   trace_prog [DIR]    works in DIR (default /tmp): creates, writes and reads DIR/trace.txt;
 *                       its child execs `trace_prog child`, which writes "child" and exits 3
 *   trace_prog leafcost prints "leafcost N": TSC ticks per getppid (instructions under
 *                       -icount), to show that a traced run leaves the leaf path as it was */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char text[] = "hello, trace\n\t0123456789abcdefghijklmnopqrstuvwxyz\n";

extern char **environ;
static volatile sig_atomic_t got;

static void on_usr1(int sig) { got = sig; }

static unsigned long long ticks(void)
{
	unsigned lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
	return (unsigned long long)hi << 32 | lo;
}

static int leafcost(void)
{
	char line[32] = "leafcost ";
	char digits[20];
	unsigned long long t0 = ticks();
	for (int i = 0; i < 1000; i++)
		getppid();
	unsigned long long n = (ticks() - t0) / 1000;
	int k = 0;
	do
		digits[k++] = (char)('0' + n % 10);
	while ((n /= 10) && k < 19);
	size_t len = strlen(line);
	while (k)
		line[len++] = digits[--k];
	line[len++] = '\n';
	return write(1, line, len) == (ssize_t)len ? 0 : 1;
}

/* vfork, the child exits at once: its exit status, or -1 (a function of its own: nothing
 * of the caller's frame is live across the vfork) */
__attribute__((noinline)) static int vfork_exit(int code)
{
	int st = 0;
	pid_t pid = vfork();
	if (pid == 0)
		_exit(code);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	char buf[128];
	int bad = 0;
	if (argc > 1 && !strcmp(argv[1], "leafcost"))
		return leafcost();
	if (argc > 1 && !strcmp(argv[1], "child")) {
		write(1, "child\n", 6);
		return 3;
	}
	if (chdir(argc > 1 ? argv[1] : "/tmp") != 0)
		return 10;
	/* a flag set: create and truncate, mode 0644; then a status flag with fcntl */
	int fd = openat(AT_FDCWD, "trace.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 11;
	bad |= fcntl(fd, F_SETFL, O_NONBLOCK) != 0;
	bad |= write(fd, text, sizeof(text) - 1) != (ssize_t)(sizeof(text) - 1); /* > 32 bytes: "..." */
	struct iovec wv[2] = {{(void *)"ab", 2}, {(void *)"cde", 3}};
	bad |= writev(fd, wv, 2) != 5;
	bad |= write(fd, "x\0" "1\001z\377", 6) != 6; /* octal escapes: "x\0001\1z\377" */
	bad |= close(fd) != 0;
	/* a successful open and read of a known file, into a user buffer */
	fd = openat(AT_FDCWD, "trace.txt", O_RDONLY);
	if (fd < 0)
		return 12;
	bad |= read(fd, buf, 13) != 13;
	bad |= memcmp(buf, "hello, trace\n", 13) != 0;
	/* a bad pointer: EFAULT, the address printed as 0x1 */
	bad |= read(fd, (void *)1, 16) != -1 || errno != EFAULT;
	/* iovecs: readv fills 4 + 5 of 4 + 8 bytes (strace shows only what was filled) */
	struct iovec iov[2] = {{buf, 4}, {buf + 64, 8}};
	bad |= lseek(fd, -3 - 6, SEEK_END) < 0; /* writev's last 3 bytes, then the octal line's 6 */
	bad |= readv(fd, iov, 2) != 9;
	struct stat sb; /* a struct out-argument: strace's abbreviation */
	bad |= fstat(fd, &sb) != 0 || sb.st_size != 62;
	bad |= stat("/dev/null", &sb) != 0 || !S_ISCHR(sb.st_mode);
	bad |= close(fd) != 0;
	/* a failing open */
	bad |= openat(AT_FDCWD, "/nonexistent/file", O_RDONLY) != -1 || errno != ENOENT;
	/* memory: PROT_* and MAP_* by name, the address as a result */
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bad |= p == MAP_FAILED;
	bad |= mprotect(p, 4096, PROT_READ) != 0;
	bad |= munmap(p, 8192) != 0;
	bad |= getpid() <= 0; /* a leaf call: traced tasks take the full path */
	/* a signal with a handler: kill, its delivery, rt_sigreturn */
	bad |= signal(SIGUSR1, on_usr1) == SIG_ERR;
	bad |= kill(getpid(), SIGUSR1) != 0 || got != SIGUSR1;
	/* a number with no system call (all six arguments given, so all are known) */
	bad |= syscall(499, 1, 2, 3, 4, 5, 6) != -1 || errno != ENOSYS;
	/* a child, traced as well, through its execve */
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = {argv[0], "child", NULL};
		execve(argv[0], args, environ);
		_exit(127);
	}
	int st = 0;
	bad |= pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 3;
	/* vfork (the parent waits for the child's exit) and a raw clone, traced too */
	bad |= vfork_exit(4) != 4;
	pid = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0)
		_exit(5);
	bad |= pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 5;
	bad |= unlink("trace.txt") != 0;
	write(1, bad ? "trace_prog: FAIL\n" : "trace_prog: ok\n", bad ? 17 : 15);
	return bad;
}
