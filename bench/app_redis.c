/* app_redis.c: redis requests, whole system, as issue 11's app_redis row measures them.
 *
 *   app_redis MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Starts redis-server (Debian's redis built with r0cc, from the directory this program is
 * in: /bin in the guests, the bench bin directory on the host) on a loopback port and a Unix
 * socket in /tmp, without persistence, then for each case runs redis-benchmark (the same
 * directory) once per repetition with -n ITERATIONS and the case's options, its output
 * discarded. One operation is one request: the time and ticks of the whole redis-benchmark
 * run (its fork, execve and start included, so small runs overstate a request) divided by
 * the requests. Under icount the ticks are every guest instruction in that time: client,
 * server and kernel together.
 *
 * Cases (all -t one command, keys of redis-benchmark's default size):
 *   redis_get, redis_set        GET / SET over TCP loopback, one connection (-c 1)
 *   redis_get_c50               GET over TCP, 50 connections (-c 50)
 *   redis_get_p16               GET over TCP, one connection, 16 requests pipelined (-P 16)
 *   redis_get_unix, redis_set_unix   GET / SET over the Unix socket, -c 1
 *
 * Where the system cannot run the server (no sockets, no epoll: redis-server exits, or never
 * answers on its port within 20 s) every case prints "# unavailable CASE: ..." (sock.h's
 * convention) and the program exits 0; a missing redis-server or redis-benchmark likewise.
 */
#include <fcntl.h>
#include <time.h>
#include "sock.h"

static char dir[256], server[300], benchmark[300], sockpath[64], port[8];
static const char *const *case_args;

static const char *const args_get[] = { "-t", "get", "-c", "1", NULL };
static const char *const args_set[] = { "-t", "set", "-c", "1", NULL };
static const char *const args_get_c50[] = { "-t", "get", "-c", "50", NULL };
static const char *const args_get_p16[] = { "-t", "get", "-c", "1", "-P", "16", NULL };

struct rcase { const char *name; const char *const *args; int unix_socket; long base; };
static const struct rcase cases[] = {
	{ "redis_get", args_get, 0, 500 },
	{ "redis_set", args_set, 0, 500 },
	{ "redis_get_c50", args_get_c50, 0, 1000 },
	{ "redis_get_p16", args_get_p16, 0, 2000 },
	{ "redis_get_unix", args_get, 1, 500 },
	{ "redis_set_unix", args_set, 1, 500 },
};
#define NCASES (sizeof cases / sizeof cases[0])
static int case_unix;

static void unavailable(const char *why)
{
	for (size_t i = 0; i < NCASES; i++)
		if (bench_selected(cases[i].name))
			printf("# unavailable %s: %s\n", cases[i].name, why);
}

static void loop_benchmark(long n)
{
	char count[24];
	snprintf(count, sizeof count, "%ld", n);
	char *argv[24];
	int k = 0;
	argv[k++] = benchmark;
	if (case_unix) {
		argv[k++] = "-s";
		argv[k++] = sockpath;
	} else {
		argv[k++] = "-p";
		argv[k++] = port;
	}
	argv[k++] = "-n";
	argv[k++] = count;
	argv[k++] = "-q";
	for (const char *const *a = case_args; *a; a++)
		argv[k++] = (char *)*a;
	argv[k] = NULL;
	int st;
	pid_t pid = sock_spawn_quiet(argv, 0);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "app_redis: redis-benchmark failed (status %#x)\n", st);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "redis_get redis_set redis_get_c50 redis_get_p16 redis_get_unix redis_set_unix");
	signal(SIGPIPE, SIG_IGN);
	const char *slash = strrchr(argv[0], '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	snprintf(server, sizeof server, "%s/redis-server", dir);
	snprintf(benchmark, sizeof benchmark, "%s/redis-benchmark", dir);
	if (access(server, X_OK) < 0 || access(benchmark, X_OK) < 0) {
		unavailable("no redis-server or redis-benchmark beside the program");
		return 0;
	}
	/* A free port: one the kernel picks for a listener that is closed again at once. */
	struct sockaddr_in addr;
	int l = sock_tcp_listener("app_redis", &addr);
	if (l < 0) {
		unavailable("no TCP on loopback (above)");
		return 0;
	}
	close(l);
	snprintf(port, sizeof port, "%d", ntohs(addr.sin_port));
	snprintf(sockpath, sizeof sockpath, "/tmp/app_redis.%d.sock", (int)getpid());
	char *sargv[] = { server, "--port", port, "--bind", "127.0.0.1", "--unixsocket", sockpath,
			  "--save", "", "--appendonly", "no", "--dir", "/tmp", "--logfile", "",
			  "--loglevel", "warning", NULL };
	pid_t pid = sock_spawn_quiet(sargv, 0);
	if (sock_wait_server(pid, "redis-server", &addr) < 0) {
		unavailable("redis-server did not answer on 127.0.0.1");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 0;
	}
	for (size_t i = 0; i < NCASES; i++) {
		case_args = cases[i].args;
		case_unix = cases[i].unix_socket;
		bench_case(cases[i].name, loop_benchmark, cases[i].base);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	unlink(sockpath);
	return 0;
}
