/* r0run.c: run an r0cc-built program on stock Linux with an entry pointer.
 *
 *   r0run [--count] PROG ARGS...
 *
 * Loads the static (ET_EXEC) or static-PIE (ET_DYN) program into this process with loader/,
 * builds its initial stack with AT_SYSINFO = forward.S's entry, and jumps to it. Every system
 * call of the program then goes through the forwarder, which performs it and returns: the
 * patched libc is proved on the host with no kernel of ours. --count counts the calls per
 * name, across the program's threads, children and trusted execs, and prints the table when
 * the program ends. It owns options, loading and the report; forward.S owns the entry ABI,
 * reexec.c what execve runs, signals.c the signal context the program sees.
 *
 * Once the program starts, this process's glibc is dead: the program's libc owns the thread
 * pointer. With --count, the report comes from a parent process that only waits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "loader.h"
#include "r0run.h"

#define STACK_SIZE (8ull << 20)
#define COUNT_FD_MIN 100            /* the count table's fd, out of the program's way */

static const char *const syscall_names[R0_NSYSCALLS] = {
#include "syscall_names.h"          /* generated from <asm/unistd_64.h> */
};

uint64_t *r0_counts;
static uint64_t no_counts[R0_NSYSCALLS];

struct options {
	int count;                  /* --count: count, and report at the end */
	int count_fd;               /* --count-fd N: count into an inherited table (trusted execve) */
	const char *argv0;          /* --argv0 NAME: the program's argv[0] (default: PROG) */
	const char *prog;
	char **args;                /* PROG's arguments after argv[0] */
	int nargs;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: r0run [--count] PROG [ARGS...]\n"
		"\n"
		"Runs PROG, a static or static-PIE program built with r0cc, on this Linux kernel with\n"
		"an entry pointer in AT_SYSINFO: every system call of PROG goes through r0run's\n"
		"forwarder, a function call that performs the call and returns (ringzero's ring-0\n"
		"ABI, emulated in user space). An execve of another r0cc-built program runs it under\n"
		"r0run too; anything else is executed plainly.\n"
		"\n"
		"  --count   at the end, print to stderr how many system calls went through the entry,\n"
		"            per name, for PROG, its threads, its children and their r0cc-built execs\n"
		"  --help    this text\n"
		"\n"
		"Exit status: PROG's; 126 when PROG cannot be loaded, 127 when it does not exist.\n");
}

static void die(int status, const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "r0run: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(status);
}

static void parse(int argc, char **argv, struct options *o)
{
	int i = 1;
	o->count_fd = -1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(argv[i], "--count")) {
			o->count = 1;
		} else if (!strcmp(argv[i], "--count-fd") && i + 1 < argc) {
			o->count_fd = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--argv0") && i + 1 < argc) {
			o->argv0 = argv[++i];
		} else {
			fprintf(stderr, "r0run: unknown option '%s'\n", argv[i]);
			usage(stderr);
			exit(2);
		}
	}
	if (i >= argc) {
		usage(stderr);
		exit(2);
	}
	o->prog = argv[i];
	o->args = argv + i + 1;
	o->nargs = argc - i - 1;
	if (!o->argv0)
		o->argv0 = o->prog;
}

/* The program's file, mapped read-only. */
static const void *map_file(const char *path, uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(errno == ENOENT ? 127 : 126, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		die(126, "%s: %s", path, "not a regular file");
	if (st.st_size == 0)
		die(126, "%s: %s", path, "empty file");
	void *p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die(126, "%s: %s", path, strerror(errno));
	close(fd);
	*size = st.st_size;
	return p;
}

/* The address space the loader maps into: this process. The image's whole span is reserved
 * first (PROT_NONE); map() opens pages for writing and remembers the final protection,
 * which finish() applies once everything is copied. */
struct host_as {
	struct { uint64_t va, len; int prot; } region[64];
	int n;
};

static int as_map(void *ctx, uint64_t va, uint64_t len, int prot)
{
	struct host_as *as = ctx;
	if (as->n == 64 || mprotect((void *)va, len, PROT_READ | PROT_WRITE) != 0)
		return -1;
	as->region[as->n].va = va;
	as->region[as->n].len = len;
	as->region[as->n].prot = prot;
	as->n++;
	return 0;
}

static int as_write(void *ctx, uint64_t va, const void *src, uint64_t len)
{
	(void)ctx;
	memcpy((void *)va, src, len);
	return 0;
}

static void as_finish(struct host_as *as)
{
	for (int i = 0; i < as->n; i++) {
		int p = as->region[i].prot;
		int prot = (p & LOADER_PROT_R ? PROT_READ : 0) | (p & LOADER_PROT_W ? PROT_WRITE : 0) |
			   (p & LOADER_PROT_X ? PROT_EXEC : 0);
		if (mprotect((void *)as->region[i].va, as->region[i].len, prot) != 0)
			die(126, "mprotect: %s%s", strerror(errno), "");
	}
}

/* Reserve the image's span and return the bias to load it at: 0 for ET_EXEC (its own
 * addresses, which must be free), else a multiple of the image's largest p_align. */
static uint64_t reserve(const struct options *o, const struct loader_image *img)
{
	uint64_t span = img->hi - img->lo;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
	if (!img->pie) {
		void *p = mmap((void *)img->lo, span, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			die(126, "%s: cannot reserve its addresses: %s", o->prog, strerror(errno));
		return 0;
	}
	uint64_t align = img->align > 4096 ? img->align : 4096;
	uint8_t *p = mmap(NULL, span + align, PROT_NONE, flags, -1, 0);
	if (p == MAP_FAILED)
		die(126, "%s: cannot reserve its addresses: %s", o->prog, strerror(errno));
	uint64_t base = ((uint64_t)p + align - 1) & ~(align - 1);
	if (base > (uint64_t)p)                         /* give back the slack on both sides */
		munmap(p, base - (uint64_t)p);
	munmap((void *)(base + span), (uint64_t)p + align - base);
	return base - img->lo;
}

/* The count table: private without --count, shared (a memfd every process of the program
 * tree maps) with it. Returns the table's fd, or -1. */
static int setup_counts(const struct options *o)
{
	int fd = o->count_fd;
	if (!o->count && fd < 0) {
		r0_counts = no_counts;
		return -1;
	}
	size_t size = R0_NSYSCALLS * sizeof(uint64_t);
	if (fd < 0) {
		int tmp = memfd_create("r0run-counts", 0);
		if (tmp < 0 || ftruncate(tmp, size) < 0)
			die(126, "count table: %s%s", strerror(errno), "");
		fd = fcntl(tmp, F_DUPFD, COUNT_FD_MIN);   /* not close-on-exec: trusted execs */
		close(tmp);
	}
	r0_counts = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (r0_counts == MAP_FAILED)
		die(126, "count table: %s%s", strerror(errno), "");
	return fd;
}

static void report(const char *prog)
{
	uint64_t total = 0;
	int order[R0_NSYSCALLS], n = 0;
	for (int i = 0; i < R0_NSYSCALLS; i++) {
		if (r0_counts[i]) {
			total += r0_counts[i];
			order[n++] = i;
		}
	}
	for (int i = 1; i < n; i++) {   /* by count, descending: insertion sort, n is small */
		int k = order[i], j = i;
		for (; j > 0 && r0_counts[order[j - 1]] < r0_counts[k]; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
	fprintf(stderr, "r0run: %llu system calls through the entry (%s and its children)\n",
		(unsigned long long)total, prog);
	for (int i = 0; i < n; i++) {
		const char *name = syscall_names[order[i]];
		fprintf(stderr, "%10llu  %s", (unsigned long long)r0_counts[order[i]], name ? name : "?");
		if (!name)
			fprintf(stderr, " (%d)", order[i]);
		fputc('\n', stderr);
	}
}

/* With --count: the parent waits for the program, prints the table, and ends as it did. */
static void wait_and_report(pid_t child, const char *prog)
{
	int status;
	signal(SIGINT, SIG_IGN);        /* the terminal's ^C is for the program */
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die(126, "waitpid: %s%s", strerror(errno), "");
	report(prog);
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	int sig = WTERMSIG(status);
	fprintf(stderr, "r0run: %s killed by signal %d (%s)\n", prog, sig, strsignal(sig));
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

int main(int argc, char **argv)
{
	static char self[4096];
	struct options o = {0};
	parse(argc, argv, &o);

	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0)
		die(126, "cannot find my own executable: %s%s", strerror(errno), "");
	r0_self_path = self;

	uint64_t size;
	const void *file = map_file(o.prog, &size);
	struct loader_image img;
	int err = loader_check(file, size, R0_USER_LIMIT, &img);
	if (err != LOADER_OK)
		die(126, "%s: %s", o.prog, loader_strerror(err));
	if (!img.trusted)
		die(126, "%s: %s", o.prog,
		    "no ringzero trust note: not built with r0cc (run it directly)");

	r0_count_fd = setup_counts(&o);
	if (o.count && o.count_fd < 0) {
		pid_t child = fork();
		if (child < 0)
			die(126, "fork: %s%s", strerror(errno), "");
		if (child > 0)
			wait_and_report(child, o.prog);
	}

	struct host_as has = {0};
	struct loader_as as = { .ctx = &has, .map = as_map, .write = as_write };
	uint64_t bias = reserve(&o, &img);
	if (loader_map(file, &img, bias, &as) != LOADER_OK)
		die(126, "%s: %s", o.prog, "cannot map its segments");
	as_finish(&has);

	void *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die(126, "stack: %s%s", strerror(errno), "");
	mprotect(stack, 4096, PROT_NONE);       /* guard page below the stack */
	uint64_t stack_top = (uint64_t)stack + STACK_SIZE;

	const char *args[o.nargs + 2];
	args[0] = o.argv0;
	for (int i = 0; i < o.nargs; i++)
		args[i + 1] = o.args[i];
	args[o.nargs + 1] = NULL;
	int envc = 0;
	while (environ[envc])
		envc++;
	uint8_t random16[16];
	if (getrandom(random16, sizeof random16, 0) != sizeof random16)
		die(126, "getrandom: %s%s", strerror(errno), "");

	r0_program_entry = (uint64_t)(r0_count_fd >= 0 ? r0_entry_count : r0_entry);
	struct loader_stack_info info = {
		.argc = o.nargs + 1, .argv = args,
		.envc = envc, .envp = (const char *const *)environ,
		.execfn = o.prog, .random16 = random16,
		.hwcap = getauxval(AT_HWCAP),
		.sysinfo = r0_program_entry,
		.phdr = img.phdr_vaddr ? img.phdr_vaddr + bias : 0,
		.phent = img.phentsize, .phnum = img.phnum,
		.entry = img.entry + bias,
		.uid = getuid(), .gid = getgid(),
	};
	struct host_as stack_has = {0};
	struct loader_as stack_as = { .ctx = &stack_has, .map = as_map, .write = as_write };
	uint64_t sp;
	err = loader_build_stack(&stack_as, stack_top, STACK_SIZE - 4096, &info, &sp);
	if (err != LOADER_OK)
		die(126, "%s: %s", o.prog, loader_strerror(err));

	munmap((void *)file, size);
	fflush(NULL);
	r0_start(img.entry + bias, sp);
}
