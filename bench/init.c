/* init.c: /init of the Linux guest's initramfs (static, built with r0cc).
 *
 * Mounts devtmpfs on /dev (falls back to mknod of console, null and zero), proc and sysfs,
 * takes the console as stdin/stdout/stderr, brings the loopback interface up (a kernel
 * booted without any network configuration has `lo` down, and the TCP cases of lat_sock and
 * bw_sock need 127.0.0.1), prints the time since boot, runs every
 * benchmark in /bin with the labels from the kernel command line, prints the guest's
 * uname and /sys/devices/system/cpu/vulnerabilities files, and powers off.
 *
 * The kernel passes unknown NAME=VALUE parameters of its command line to init as
 * environment variables: rzmode (default linux), rzengine (default tcg), rzscale (default 1),
 * rzcases (optional: only these programs, comma-separated, e.g. "lat_syscall,lat_pipe").
 *
 * Console output (parsed by bench/run.sh):
 *     RZBENCH boot_ns=N                       CLOCK_BOOTTIME when init starts
 *     === RZBENCH CSV BEGIN ===
 *     case,mode,engine,iterations,ns_per_op,ticks_per_op   (one line per case)
 *     # PROGRAM failed: ...                   when a benchmark exits non-zero
 *     # lo: ...                               when the loopback interface could not be brought up
 *     === RZBENCH CSV END ===
 *     === RZBENCH INFO BEGIN ===
 *     uname: SYSNAME RELEASE VERSION MACHINE
 *     cmdline: ...
 *     mem: total_kib=N available_kib=N
 *     vuln NAME: TEXT
 *     === RZBENCH INFO END ===
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>

static const char *const programs[] = {
	"lat_syscall", "lat_mem", "lat_pipe", "lat_ctx", "lat_sig", "lat_proc", "bw_file",
	"app_busybox", "lat_sock", "bw_sock", "app_redis", NULL,
};

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

static void setup_dev(void)
{
	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", 0, NULL) != 0) {
		mknod("/dev/console", S_IFCHR | 0600, makedev(5, 1));
		mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3));
		mknod("/dev/zero", S_IFCHR | 0666, makedev(1, 5));
	}
	int fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mkdir("/tmp", 01777);
}

/* ifconfig lo up: SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP. */
static void loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		printf("# lo: %s\n", strerror(errno));
	} else {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			printf("# lo: SIOCSIFFLAGS: %s\n", strerror(errno));
	}
	if (s >= 0)
		close(s);
}

static int wanted(const char *prog, const char *list)
{
	if (!list)
		return 1;
	size_t n = strlen(prog);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t k = e ? (size_t)(e - p) : strlen(p);
		if (k == n && !strncmp(p, prog, n))
			return 1;
		p += k + (e != NULL);
	}
	return 0;
}

static void run(const char *prog, const char *mode, const char *engine, const char *scale)
{
	char path[64];
	snprintf(path, sizeof path, "/bin/%s", prog);
	char *argv[] = { path, (char *)mode, (char *)engine, (char *)scale, NULL };
	char *envp[] = { "PATH=/bin", NULL };
	pid_t pid = fork();
	if (pid < 0) {
		printf("# %s failed: fork: %s\n", prog, strerror(errno));
		return;
	}
	if (pid == 0) {
		execve(path, argv, envp);
		printf("# %s failed: execve: %s\n", prog, strerror(errno));
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(st))
		printf("# %s failed: signal %d\n", prog, WTERMSIG(st));
	else if (WEXITSTATUS(st) != 0)
		printf("# %s failed: exit status %d\n", prog, WEXITSTATUS(st));
}

static void print_file_line(const char *label, const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, sizeof buf, f)) {
		buf[strcspn(buf, "\n")] = 0;
		printf("%s%s\n", label, buf);
	}
	fclose(f);
}

static void info(void)
{
	struct utsname u;
	if (uname(&u) == 0)
		printf("uname: %s %s %s %s\n", u.sysname, u.release, u.version, u.machine);
	print_file_line("cmdline: ", "/proc/cmdline");
	FILE *f = fopen("/proc/meminfo", "r");
	if (f) {
		char line[128];
		long total = -1, avail = -1;
		while (fgets(line, sizeof line, f)) {
			sscanf(line, "MemTotal: %ld", &total);
			sscanf(line, "MemAvailable: %ld", &avail);
		}
		fclose(f);
		printf("mem: total_kib=%ld available_kib=%ld\n", total, avail);
	}
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	DIR *d = opendir(dir);
	if (!d) {
		printf("vuln: %s not readable\n", dir);
		return;
	}
	/* Sorted output: collect names first. */
	char names[64][256];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64)
		if (e->d_name[0] != '.')
			snprintf(names[n++], sizeof names[0], "%s", e->d_name);
	closedir(d);
	qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < n; i++) {
		char path[320], label[300];
		snprintf(path, sizeof path, "%s/%.200s", dir, names[i]);
		snprintf(label, sizeof label, "vuln %.200s: ", names[i]);
		print_file_line(label, path);
	}
}

int main(void)
{
	setup_dev();
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct timespec bt;
	clock_gettime(CLOCK_BOOTTIME, &bt);
	printf("RZBENCH boot_ns=%lld\n", (long long)bt.tv_sec * 1000000000LL + bt.tv_nsec);
	const char *mode = env_or("rzmode", "linux");
	const char *engine = env_or("rzengine", "tcg");
	const char *scale = env_or("rzscale", "1");
	const char *cases = getenv("rzcases");
	printf("=== RZBENCH CSV BEGIN ===\n");
	loopback_up();
	for (int i = 0; programs[i]; i++)
		if (wanted(programs[i], cases))
			run(programs[i], mode, engine, scale);
	printf("=== RZBENCH CSV END ===\n");
	printf("=== RZBENCH INFO BEGIN ===\n");
	info();
	printf("=== RZBENCH INFO END ===\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}
