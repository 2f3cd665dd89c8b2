/* shebang: `#!` interpreter scripts (issue 10, item 7).
 *
 * Writes scripts into a fresh directory under /tmp whose interpreter is this program itself
 * (absolute path), runs each one with fork + execve (stdout into a pipe) and compares what
 * the interpreter printed with what Linux gives: argv = [interpreter, optional-arg?,
 * script, argv[1..]] (argv[0] is lost), the whole rest of the line after the name as ONE
 * argument with the blanks around it trimmed, the 255-byte line (the rest ignored, but a
 * name the limit would cut is ENOEXEC), ENOEXEC for an empty interpreter, ENOENT for a
 * missing one, EACCES for a directory, interpreters that are scripts (5 scripts deep at
 * most, then ELOOP), the x bit treated as for an ELF program, and busybox sh as an
 * interpreter. Linux's rules are those of fs/binfmt_script.c since 5.1; the host run of
 * this program is the reference.
 *
 * The ring: every interpreter here but busybox is this (marked) program, so from a ring-0
 * parent it runs in ring 0, and prints it; busybox is not marked, so it runs in ring 3,
 * and the marked program it then executes stays in ring 3 (contract 3).
 *
 * Modes: as an interpreter (environment SHEBANG_ECHO set, or first argument --echo) it
 * prints "ring=R|[argv0][argv1]..." and exits 0. `shebang -w DIR` writes the scripts the
 * QEMU shell test types (tests/qemu/test_semantics.py), `shebang -r DIR` removes them.
 * Everything it writes is removed before it ends. */
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char self[512]; /* this program, absolute */
static char dir[64];   /* the scratch directory */
static int ring;

static int echo_mode(int argc, char **argv)
{
	char out[4096];
	size_t n = (size_t)snprintf(out, sizeof(out), "ring=%d|", cur_ring());
	for (int i = 0; i < argc && n < sizeof(out); i++)
		n += (size_t)snprintf(out + n, sizeof(out) - n, "[%s]", argv[i]);
	if (n < sizeof(out))
		n += (size_t)snprintf(out + n, sizeof(out) - n, "\n");
	if (n > sizeof(out))
		n = sizeof(out);
	return write(1, out, n) == (ssize_t)n ? 0 : 1;
}

/* Writes len bytes of text to path with mode. 0 or -1. */
static int put_file(const char *path, const void *text, size_t len, mode_t mode)
{
	unlink(path);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	int ok = write(fd, text, len) == (ssize_t)len;
	ok &= close(fd) == 0;
	ok &= chmod(path, mode) == 0;
	return ok ? 0 : -1;
}

static int put_script(const char *path, const char *text)
{
	int r = put_file(path, text, strlen(text), 0755);
	CHECK(r == 0, "writing %s", path);
	return r;
}

static char *in_dir(const char *name)
{
	static char bufs[16][128];
	static int next;
	char *b = bufs[next++ % 16];
	snprintf(b, sizeof(bufs[0]), "%s/%s", dir, name);
	return b;
}

/* Runs path with argv (environment: SHEBANG_ECHO=1) in a child, its stdout into out.
 * Returns the output, or "E<errno>" when execve failed. */
static const char *run(const char *path, char *const argv[])
{
	static char out[8192];
	static char *const envp[] = {"SHEBANG_ECHO=1", "PATH=/bin:/usr/bin", NULL};
	int p[2];
	out[0] = 0;
	if (pipe(p)) {
		snprintf(out, sizeof(out), "pipe failed");
		return out;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		close(p[1]);
		execve(path, argv, envp);
		char e[16];
		int n = snprintf(e, sizeof(e), "E%d", errno);
		write(1, e, (size_t)n);
		_exit(127);
	}
	close(p[1]);
	size_t n = 0;
	for (;;) {
		ssize_t r = read(p[0], out + n, sizeof(out) - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = 0;
	close(p[0]);
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		snprintf(out, sizeof(out), "fork/wait failed");
	return out;
}

/* The expected echo of the marked interpreter in ring r: "ring=r|[a][b]...\n". */
static const char *echo_of(int r, const char *const *args)
{
	static char w[8192];
	size_t n = (size_t)snprintf(w, sizeof(w), "ring=%d|", r);
	for (int i = 0; args[i]; i++)
		n += (size_t)snprintf(w + n, sizeof(w) - n, "[%s]", args[i]);
	snprintf(w + n, sizeof(w) - n, "\n");
	return w;
}

#define EXPECT(got, want, what) do { \
	const char *g_ = (got), *w_ = (want); \
	CHECK(!strcmp(g_, w_), "%s: got \"%s\", want \"%s\"", what, g_, w_); \
} while (0)

static char errstr[16];
static const char *err(int e)
{
	snprintf(errstr, sizeof(errstr), "E%d", e);
	return errstr;
}

static void t_argv(void)
{
	char text[600];
	const char *s = in_dir("plain");
	snprintf(text, sizeof(text), "#!%s\nthe rest is for the interpreter\n", self);
	if (put_script(s, text))
		return;
	/* argv[0] is dropped; the script's path replaces it, after the interpreter */
	EXPECT(run(s, (char *[]){"argv-zero", "a", "b c", NULL}), echo_of(ring, (const char *[]){self, s, "a", "b c", NULL}),
	       "no optional argument");
	EXPECT(run(s, (char *[]){"argv-zero", NULL}), echo_of(ring, (const char *[]){self, s, NULL}), "no arguments");
	/* an empty argv: nothing to drop */
	EXPECT(run(s, (char *[]){NULL}), echo_of(ring, (const char *[]){self, s, NULL}), "empty argv");
	/* a relative path is passed as it was given */
	if (chdir(dir) == 0) {
		EXPECT(run("./plain", (char *[]){"x", "y", NULL}), echo_of(ring, (const char *[]){self, "./plain", "y", NULL}),
		       "relative script path");
		CHECK(chdir("/") == 0, "chdir /");
	}
}

static void t_optarg(void)
{
	const char *s = in_dir("opt");
	struct {
		const char *line; /* %s: the interpreter */
		const char *arg;  /* the expected optional argument, NULL: none */
	} cases[] = {
		{"#!%s one\n", "one"},
		{"#!%s  one  two \t \n", "one  two"},  /* one argument, inner blanks kept, ends trimmed */
		{"#! \t%s\targ\n", "arg"},             /* blanks before the name, a tab after it */
		{"#!%s   \t \n", NULL},                /* only blanks after the name: no argument */
		{"#!%s -x -y=\"a b\"\n", "-x -y=\"a b\""}, /* no quoting, no splitting */
		{"#!%s a\r\n", "a\r"},                 /* '\r' is not a blank */
		{"#!%s arg", "arg"},                   /* no newline at all */
		{"#!%s arg  ", "arg  "},               /* no newline: the zero padding ends the line, */
		{"#!%s  ", ""},                        /* the blanks are not trimmed (as Linux) */
		{"#!%s a\0b\n", "a"},                  /* a NUL ends the line's strings */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[600];
		int n = snprintf(text, sizeof(text), cases[i].line, self);
		if (i == sizeof(cases) / sizeof(cases[0]) - 1) { /* the format stopped at its NUL */
			memcpy(text + n, "\0b\n", 3);
			n += 3;
		}
		if (put_file(s, text, (size_t)n, 0755)) {
			CHECK(0, "writing %s", s);
			continue;
		}
		char what[64];
		snprintf(what, sizeof(what), "optional argument, case %zu", i);
		const char *want = cases[i].arg ? echo_of(ring, (const char *[]){self, cases[i].arg, s, "A", NULL})
						: echo_of(ring, (const char *[]){self, s, "A", NULL});
		EXPECT(run(s, (char *[]){"zero", "A", NULL}), want, what);
	}
}

static void t_limit(void)
{
	const char *s = in_dir("long");
	char text[1024], arg[512];
	int head = snprintf(text, sizeof(text), "#!%s ", self);
	CHECK(head < 200, "the interpreter's path is too long for this test (%d)", head);
	if (head >= 200)
		return;
	/* a line of exactly 255 bytes, its '\n' the 256th: all of it */
	int n = head;
	for (; n < 255; n++)
		text[n] = (char)('a' + n % 26);
	text[n++] = '\n';
	memcpy(arg, text + head, (size_t)(255 - head));
	arg[255 - head] = 0;
	if (!put_file(s, text, (size_t)n, 0755))
		EXPECT(run(s, (char *[]){"zero", NULL}), echo_of(ring, (const char *[]){self, arg, s, NULL}), "255-byte line");
	/* 300 bytes then '\n', and 300 bytes with no newline: cut to 255 */
	n = head;
	for (; n < 300; n++)
		text[n] = (char)('a' + n % 26);
	for (int nl = 1; nl >= 0; nl--) {
		int len = n;
		if (nl)
			text[len++] = '\n';
		if (!put_file(s, text, (size_t)len, 0755))
			EXPECT(run(s, (char *[]){"zero", NULL}), echo_of(ring, (const char *[]){self, arg, s, NULL}),
			       nl ? "300-byte line cut at 255" : "300 bytes, no newline, cut at 255");
	}
	/* an interpreter name the limit would cut: ENOEXEC, never a truncated path */
	n = snprintf(text, sizeof(text), "#!/");
	for (; n < 300; n++)
		text[n] = 'p';
	text[n++] = '\n';
	if (!put_file(s, text, (size_t)n, 0755))
		EXPECT(run(s, (char *[]){"zero", NULL}), err(ENOEXEC), "interpreter name longer than the line");
	/* the name ends before the limit, but only blanks follow up to it: runs, no argument */
	n = snprintf(text, sizeof(text), "#!%s", self);
	for (; n < 400; n++)
		text[n] = ' ';
	if (!put_file(s, text, (size_t)n, 0755))
		EXPECT(run(s, (char *[]){"zero", NULL}), echo_of(ring, (const char *[]){self, s, NULL}), "blanks to the limit");
	/* blanks before the name push it past the limit: ENOEXEC */
	n = snprintf(text, sizeof(text), "#!");
	for (; n < 250; n++)
		text[n] = ' ';
	n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\n", self);
	if (!put_file(s, text, (size_t)n, 0755))
		EXPECT(run(s, (char *[]){"zero", NULL}), err(ENOEXEC), "name pushed past the limit by blanks");
}

static void t_errors(void)
{
	const char *s = in_dir("bad");
	struct {
		const char *text;
		int err;
		const char *what;
	} cases[] = {
		{"#!\n", ENOEXEC, "empty interpreter"},
		{"#!  \t \n", ENOEXEC, "blank interpreter"},
		{"#!/nonexistent/interpreter\n", ENOENT, "missing interpreter"},
		{"#!/nonexistent/interpreter with an argument\n", ENOENT, "missing interpreter, argument"},
		{"#!/tmp\n", EACCES, "a directory as interpreter"},
		{"#!", EACCES, "just #! (the interpreter is \"\", the current directory)"},
		{"#/bin/sh\n", ENOEXEC, "# without !"},
		{" #!/bin/sh\n", ENOEXEC, "a blank before #!"},
		{"", ENOEXEC, "an empty file"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (put_script(s, cases[i].text))
			continue;
		EXPECT(run(s, (char *[]){"zero", "A", NULL}), err(cases[i].err), cases[i].what);
	}
	/* the script itself missing, or a directory */
	EXPECT(run(in_dir("nothing-here"), (char *[]){"zero", NULL}), err(ENOENT), "missing script");
	EXPECT(run(dir, (char *[]){"zero", NULL}), err(EACCES), "a directory");
	/* an interpreter that is not a program (nor a script) */
	const char *d = in_dir("data");
	char text[600];
	snprintf(text, sizeof(text), "#!%s\n", d);
	if (!put_script(d, "just text\n") && !put_script(s, text))
		EXPECT(run(s, (char *[]){"zero", NULL}), err(ENOEXEC), "a text file as interpreter");
}

static void t_nested(void)
{
	char text[600], name[16];
	const char *path[8];
	const char *prev = self;
	/* s1 = "#!self x1", s2 = "#!s1 x2", ...: sK runs self with
	 * [self, x1, s1, x2, s2, ..., xK, sK, argv[1..]] */
	for (int k = 1; k <= 6; k++) {
		snprintf(name, sizeof(name), "s%d", k);
		path[k] = in_dir(name);
		snprintf(text, sizeof(text), "#!%s x%d\n", prev, k);
		if (put_script(path[k], text))
			return;
		prev = path[k];
	}
	char xs[8][4];
	for (int k = 1; k <= 5; k++) {
		const char *want[16];
		int n = 0;
		want[n++] = self;
		for (int j = 1; j <= k; j++) {
			snprintf(xs[j], sizeof(xs[j]), "x%d", j);
			want[n++] = xs[j];
			want[n++] = path[j];
		}
		want[n++] = "A";
		want[n] = NULL;
		char what[64];
		snprintf(what, sizeof(what), "%d scripts deep", k);
		EXPECT(run(path[k], (char *[]){"zero", "A", NULL}), echo_of(ring, want), what);
	}
	/* Linux: a script's interpreter may be a script four times over; one more is ELOOP */
	EXPECT(run(path[6], (char *[]){"zero", "A", NULL}), err(ELOOP), "6 scripts deep");
	/* a missing interpreter deep down is still ENOENT */
	const char *m = in_dir("m1"), *m2 = in_dir("m2");
	snprintf(text, sizeof(text), "#!%s\n", m);
	if (!put_script(m, "#!/nonexistent/interpreter\n") && !put_script(m2, text))
		EXPECT(run(m2, (char *[]){"zero", NULL}), err(ENOENT), "missing interpreter, two deep");
}

/* The x bit: a script without one behaves as an ELF program without one does (Linux:
 * EACCES for both; a kernel that ignores x bits runs both). */
static void t_xbit(void)
{
	const char *elf = in_dir("elf-nox"), *s = in_dir("script-nox"), *s2 = in_dir("script-nox-interp");
	int in = open(self, O_RDONLY);
	CHECK(in >= 0, "open %s", self);
	if (in < 0)
		return;
	static char copy[4 << 20];
	ssize_t len = read(in, copy, sizeof(copy));
	close(in);
	CHECK(len > 0 && len < (ssize_t)sizeof(copy), "read %s (%zd bytes)", self, len);
	if (len <= 0 || len >= (ssize_t)sizeof(copy) || put_file(elf, copy, (size_t)len, 0644))
		return;
	char text[600];
	snprintf(text, sizeof(text), "#!%s\n", self);
	if (put_file(s, text, strlen(text), 0644))
		return;
	char *elf_out = strdup(run(elf, (char *[]){"zero", "A", NULL}));
	bool refused = elf_out && !strcmp(elf_out, err(EACCES));
	bool ran = elf_out && !strcmp(elf_out, echo_of(ring, (const char *[]){"zero", "A", NULL}));
	CHECK(refused || ran, "an ELF program without x bit: \"%s\"", elf_out ? elf_out : "?");
	EXPECT(run(s, (char *[]){"zero", "A", NULL}),
	       refused ? err(EACCES) : echo_of(ring, (const char *[]){self, s, "A", NULL}), "a script without x bit");
	/* an interpreter without x bit */
	snprintf(text, sizeof(text), "#!%s\n", elf);
	if (!put_script(s2, text))
		EXPECT(run(s2, (char *[]){"zero", "A", NULL}),
		       refused ? err(EACCES) : echo_of(ring, (const char *[]){elf, s2, "A", NULL}),
		       "an interpreter without x bit");
	free(elf_out);
	unlink(elf);
	unlink(s2);
	unlink(s);
}

/* busybox sh as the interpreter: it runs the script's text, in ring 3 (busybox carries no
 * trust mark), so the marked program it executes stays in ring 3 even from a ring-0
 * parent. */
static void t_busybox(void)
{
	const char *s = in_dir("bb");
	char text[1024], want[2048];
	snprintf(text, sizeof(text),
		 "#!/bin/busybox sh\n"
		 "echo \"sh:$0:$1:$#\"\n"
		 "exec %s from-sh \"$@\"\n", self);
	if (put_script(s, text))
		return;
	snprintf(want, sizeof(want), "sh:%s:a b:2\n%s", s, echo_of(3, (const char *[]){self, "from-sh", "a b", "c", NULL}));
	EXPECT(run(s, (char *[]){"zero", "a b", "c", NULL}), want, "busybox sh as the interpreter");
	/* a script whose interpreter is a script run by busybox sh: argv reaches sh */
	const char *s2 = in_dir("bb2");
	snprintf(text, sizeof(text), "#!%s an arg\n", s);
	if (put_script(s2, text))
		return;
	snprintf(want, sizeof(want), "sh:%s:an arg:3\n%s", s,
		 echo_of(3, (const char *[]){self, "from-sh", "an arg", s2, "z", NULL}));
	EXPECT(run(s2, (char *[]){"zero", "z", NULL}), want, "busybox sh under a script");
}

/* The scripts the QEMU shell test types (the shell passes no environment, so they ask for
 * echo mode with --echo). */
static int write_shell_scripts(const char *d)
{
	char text[600], p[256];
	int bad = 0;
	mkdir(d, 0755);
	snprintf(p, sizeof(p), "%s/marked", d);
	snprintf(text, sizeof(text), "#!%s --echo\n", self);
	bad |= put_file(p, text, strlen(text), 0755);
	snprintf(p, sizeof(p), "%s/nested", d);
	snprintf(text, sizeof(text), "#!%s/marked\n", d);
	bad |= put_file(p, text, strlen(text), 0755);
	snprintf(p, sizeof(p), "%s/unmarked", d);
	snprintf(text, sizeof(text), "#!/bin/busybox sh\necho \"unmarked:$0:$1\"\n");
	bad |= put_file(p, text, strlen(text), 0755);
	snprintf(p, sizeof(p), "%s/missing", d);
	snprintf(text, sizeof(text), "#!/nonexistent/interpreter\n");
	bad |= put_file(p, text, strlen(text), 0755);
	snprintf(p, sizeof(p), "%s/empty", d);
	snprintf(text, sizeof(text), "#!\n");
	bad |= put_file(p, text, strlen(text), 0755);
	printf("shebang: scripts %s\n", bad ? "FAILED" : "written");
	return bad ? 1 : 0;
}

static int remove_dir(const char *d)
{
	static const char *const names[] = {"marked", "nested", "unmarked", "missing", "empty", NULL};
	char p[256];
	for (int i = 0; names[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, names[i]);
		unlink(p);
	}
	int r = rmdir(d);
	printf("shebang: scripts %s\n", r ? "NOT removed" : "removed");
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (getenv("SHEBANG_ECHO") || (argc > 1 && !strcmp(argv[1], "--echo")))
		return echo_mode(argc, argv);
	if (argv[0][0] == '/') {
		snprintf(self, sizeof(self), "%s", argv[0]);
	} else {
		char cwd[256];
		CHECK(getcwd(cwd, sizeof(cwd)) != NULL, "getcwd");
		snprintf(self, sizeof(self), "%s/%s", cwd, argv[0]);
	}
	if (argc > 2 && !strcmp(argv[1], "-w"))
		return write_shell_scripts(argv[2]);
	if (argc > 2 && !strcmp(argv[1], "-r"))
		return remove_dir(argv[2]);

	ring = r0_start("shebang");
	snprintf(dir, sizeof(dir), "/tmp/shebang.%d", (int)getpid());
	CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
	R0_PART("argv", t_argv());
	R0_PART("optional-arg", t_optarg());
	R0_PART("line-limit", t_limit());
	R0_PART("errors", t_errors());
	R0_PART("nested", t_nested());
	R0_PART("x-bit", t_xbit());
	R0_PART("busybox", t_busybox());

	/* leave nothing behind (the semantics group checks the kernel's free frames) */
	static const char *const names[] = {"plain", "opt", "long", "bad", "data", "s1", "s2", "s3", "s4", "s5", "s6",
					    "m1", "m2", "bb", "bb2", NULL};
	for (int i = 0; names[i]; i++)
		unlink(in_dir(names[i]));
	CHECK(rmdir(dir) == 0, "rmdir %s: everything in it removed", dir);
	R0_DONE();
}
