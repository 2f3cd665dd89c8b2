/* app_nginx.c: nginx serving a small static file, whole system, as issue 11's app_nginx row
 * measures it.
 *
 *   app_nginx MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Starts nginx (Debian's nginx built with r0cc, from the directory this program is in: /bin
 * in the guests, the bench bin directory on the host) in the foreground, one process (no
 * master, no workers, no access log), with its prefix in a fresh directory of /tmp holding
 * the configuration, logs/ and www/small.html (SMALL bytes); it listens on 127.0.0.1 at a
 * port the kernel picked. This program is the client, in the same ring as the server (a
 * marked program started from ring 0 stays in ring 0). One operation is one HTTP/1.1 GET of
 * small.html whose reply is read whole and checked (status 200, the body's length and
 * bytes): under icount the ticks are every guest instruction in that time, client, server
 * and kernel together.
 *
 * Cases:
 *   nginx_small      a new TCP connection per request (connect, GET with "Connection:
 *                    close", read to the end of stream, close)
 *   nginx_small_ka   every request on one kept-alive connection
 *
 * Where the system cannot run the server (no sockets, no epoll: nginx exits or never answers
 * within 20 s) every case prints "# unavailable CASE: ..." (sock.h's convention) and the
 * program exits 0; a missing nginx likewise. As root nginx looks up the user "nobody" even
 * though it never switches to it: the images carry tests/apps/etc/passwd (bench.mk).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include "sock.h"

#define SMALL 612 /* the size of nginx's own index.html */

static char dir[256], nginx[300], prefix[64];
static char body[SMALL];
static struct sockaddr_in addr;
static int ka = -1; /* the kept-alive connection */

struct ncase { const char *name; void (*loop)(long); long base; };

static void unavailable(const char *why);

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		bench_die(path);
	sock_write_full(fd, data, (long)len);
	close(fd);
}

/* The prefix directory: nginx.conf, logs/, www/small.html. */
static void make_prefix(void)
{
	char path[128], conf[1024];
	snprintf(prefix, sizeof prefix, "/tmp/app_nginx.%d", (int)getpid());
	if (mkdir(prefix, 0755) < 0)
		bench_die(prefix);
	snprintf(path, sizeof path, "%s/logs", prefix);
	if (mkdir(path, 0755) < 0)
		bench_die(path);
	snprintf(path, sizeof path, "%s/www", prefix);
	if (mkdir(path, 0755) < 0)
		bench_die(path);
	for (int i = 0; i < SMALL; i++)
		body[i] = (char)(' ' + (i * 7) % 95);
	body[SMALL - 1] = '\n';
	snprintf(path, sizeof path, "%s/www/small.html", prefix);
	write_file(path, body, SMALL);
	int n = snprintf(conf, sizeof conf,
			 "daemon off;\nmaster_process off;\nworker_processes 1;\n"
			 "error_log logs/error.log error;\npid logs/nginx.pid;\n"
			 "events { worker_connections 64; }\n"
			 "http {\n access_log off;\n sendfile on;\n default_type text/html;\n"
			 " keepalive_requests 1000000;\n"
			 " server { listen 127.0.0.1:%d; root www; }\n}\n",
			 ntohs(addr.sin_port));
	snprintf(path, sizeof path, "%s/nginx.conf", prefix);
	write_file(path, conf, (size_t)n);
}

static void remove_prefix(void)
{
	static const char *const files[] = { "nginx.conf", "www/small.html", "logs/error.log",
					     "logs/nginx.pid", "www", "logs", NULL };
	char path[128];
	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", prefix, files[i]);
		if (unlink(path) < 0)
			rmdir(path);
	}
	rmdir(prefix);
}

static const char request_close[] = "GET /small.html HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n";
static const char request_ka[] = "GET /small.html HTTP/1.1\r\nHost: b\r\n\r\n";

/* Reads one whole reply (header and a body of SMALL bytes) into buf, NUL-terminated after
 * the header; returns the body. Only one request is ever outstanding, so nothing of a next
 * reply can be read with it. */
static char *read_reply(int fd, char *buf, long cap)
{
	long n = 0;
	char *end = NULL;
	while (!end || buf + n < end + 4 + SMALL) {
		if (n == cap)
			bench_die("app_nginx: reply too long");
		long r = read(fd, buf + n, cap - n);
		if (r <= 0)
			bench_die("app_nginx: reply");
		n += r;
		buf[n] = 0;
		if (!end)
			end = strstr(buf, "\r\n\r\n");
	}
	if (buf + n != end + 4 + SMALL) {
		fprintf(stderr, "app_nginx: reply of %ld bytes: %.200s\n", n, buf);
		exit(1);
	}
	end[2] = 0;
	return end + 4;
}

static void check_reply(const char *head, const char *got)
{
	if (strncmp(head, "HTTP/1.1 200 ", 13) != 0 || !strstr(head, "Content-Length: 612\r\n")) {
		fprintf(stderr, "app_nginx: unexpected reply: %.200s\n", head);
		exit(1);
	}
	if (memcmp(got, body, SMALL) != 0) {
		fprintf(stderr, "app_nginx: the body differs from small.html\n");
		exit(1);
	}
}

static void loop_close(long n)
{
	char buf[2048];
	for (long i = 0; i < n; i++) {
		int c = sock_tcp_connect("nginx_small", &addr);
		if (c < 0)
			bench_die("app_nginx: connect");
		sock_write_full(c, request_close, sizeof request_close - 1);
		char *got = read_reply(c, buf, sizeof buf - 1);
		check_reply(buf, got);
		if (read(c, buf, 1) != 0)
			bench_die("app_nginx: no end of stream after the reply");
		close(c);
	}
}

static void loop_ka(long n)
{
	char buf[2048];
	for (long i = 0; i < n; i++) {
		sock_write_full(ka, request_ka, sizeof request_ka - 1);
		char *got = read_reply(ka, buf, sizeof buf - 1);
		check_reply(buf, got);
	}
}

static const struct ncase cases[] = {
	{ "nginx_small", loop_close, 300 },
	{ "nginx_small_ka", loop_ka, 500 },
};
#define NCASES (sizeof cases / sizeof cases[0])

static void unavailable(const char *why)
{
	for (size_t i = 0; i < NCASES; i++)
		if (bench_selected(cases[i].name))
			printf("# unavailable %s: %s\n", cases[i].name, why);
}

int main(int argc, char **argv)
{
	bench_init(argc, argv, "nginx_small nginx_small_ka");
	signal(SIGPIPE, SIG_IGN);
	const char *slash = strrchr(argv[0], '/');
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	snprintf(nginx, sizeof nginx, "%s/nginx", dir);
	if (access(nginx, X_OK) < 0) {
		unavailable("no nginx beside the program");
		return 0;
	}
	/* A free port: one the kernel picks for a listener that is closed again at once. */
	int l = sock_tcp_listener("app_nginx", &addr);
	if (l < 0) {
		unavailable("no TCP on loopback (above)");
		return 0;
	}
	close(l);
	make_prefix();
	char pfx[80];
	snprintf(pfx, sizeof pfx, "%s/", prefix);
	char *nargv[] = { nginx, "-p", pfx, "-c", "nginx.conf", "-e", "logs/error.log", NULL };
	pid_t pid = sock_spawn_quiet(nargv, 1);
	if (sock_wait_server(pid, "nginx", &addr) < 0) {
		unavailable("nginx did not answer on 127.0.0.1");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		remove_prefix();
		return 0;
	}
	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].loop == loop_ka && bench_selected(cases[i].name)) {
			ka = sock_tcp_connect("nginx_small_ka", &addr);
			if (ka < 0)
				bench_die("app_nginx: connect");
		}
		bench_case(cases[i].name, cases[i].loop, cases[i].base);
		if (ka >= 0) {
			close(ka);
			ka = -1;
		}
	}
	kill(pid, SIGQUIT);
	waitpid(pid, NULL, 0);
	remove_prefix();
	return 0;
}
