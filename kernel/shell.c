/* shell.c: the kernel's console shell. Owns the prompt "rz# ", splitting a line into
 * words and the built-in commands: help, ls [DIR], cat FILE, echo, mem, poweroff, and
 * net (net/netdiag.c), exec/kexec [-v] [-t [-o FILE]] (a program in ring 3 / ring 0: a new session whose group is
 * the console's foreground; a second ^C within a second kills it, dev/tty.c), ps (with each RING). Unknown commands
 * get one line of error. Does not own line editing (dev/console.c) or the file tree
 * (fs/ramfs.c). Hidden commands for the tests of exception reporting, both fatal (a fault
 * in the kernel ends the machine): "fault-test" reads an unmapped address (#PF);
 * "overflow-test" recurses into the boot stack's guard page, which becomes a #DF handled
 * on the IST1 stack because the #PF cannot be pushed. */
#include "console.h"
#include "fs.h"
#include "lib.h"
#include "mm.h"
#include "netdev.h"
#include "pagecache.h"
#include "power.h"
#include "proc.h"
#include "trace.h"
#include "vm.h"
#include <asm-generic/errno.h>

#define MAXARGS 32

typedef void (*cmd_fn)(int argc, char **argv);
struct cmd {
	const char *name, *args, *help;
	cmd_fn fn;
};
static const struct cmd cmds[];

static void cmd_help(int argc, char **argv);

static void mode_string(uint32_t mode, char out[11])
{
	uint32_t t = mode & S_IFMT;
	out[0] = t == S_IFDIR ? 'd' : t == S_IFLNK ? 'l' : t == S_IFCHR ? 'c' : '-';
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400 >> i)) ? rwx[i] : '-';
	out[10] = 0;
}

static void ls_entry(struct rnode *n, const char *name)
{
	char m[11];
	mode_string(n->mode, m);
	printk("%s %8lu %s%s\n", m, n->size, name, (n->mode & S_IFMT) == S_IFDIR ? "/" : "");
}

static void cmd_ls(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/";
	struct rnode *n = ramfs_lookup(path);
	if (!n) {
		printk("ls: %s: no such file or directory\n", path);
		return;
	}
	if ((n->mode & S_IFMT) != S_IFDIR) {
		ls_entry(n, path);
		return;
	}
	for (struct rnode *c = n->children; c; c = c->next)
		ls_entry(c, c->name);
}

static void cmd_cat(int argc, char **argv)
{
	if (argc < 2) {
		printk("usage: cat FILE...\n");
		return;
	}
	for (int i = 1; i < argc; i++) {
		struct rnode *n = ramfs_lookup(argv[i]);
		if (!n) {
			printk("cat: %s: no such file or directory\n", argv[i]);
			continue;
		}
		if ((n->mode & S_IFMT) == S_IFDIR) {
			printk("cat: %s: is a directory\n", argv[i]);
			continue;
		}
		console_write((const char *)n->data, n->size);
		if (n->size && n->data[n->size - 1] != '\n')
			console_putc('\n'); /* keep the prompt at the start of a line */
	}
}

static void cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printk("%s%s", argv[i], i + 1 < argc ? " " : "");
	printk("\n");
}

/* Clean page-cache copies of initrd files that nothing maps are given back first (they are
 * made again on the next mmap or exec), so the count shows what programs left behind. */
static void cmd_mem(int argc UNUSED, char **argv UNUSED)
{
	pagecache_drop_clean();
	uint64_t f = frames_free(), t = frames_total();
	printk("frames: %lu free / %lu total (%lu KiB free of %lu KiB; RAM %lu MiB)\n", f, t, f * 4, t * 4,
	       mem_ram_bytes() >> 20);
}

static void cmd_poweroff(int argc UNUSED, char **argv UNUSED)
{
	printk("powering off\n");
	machine_poweroff();
}

static const char *const signames[] = {
	"0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
	"SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

static const char *errno_text(int e)
{
	switch (e) {
	case ENOENT: return "no such file or directory";
	case EACCES: return "permission denied";
	case EISDIR: return "is a directory";
	case ENOEXEC: return "not an executable";
	case ENOMEM: return "out of memory";
	case EAGAIN: return "too many processes";
	case E2BIG: return "argument list too long";
	case ENOTDIR: return "not a directory";
	}
	return "error";
}

/* exec [-v] [-t [-o FILE]] PATH [ARG...]: the options, in any order before PATH. */
struct exec_opts {
	bool verbose, trace;
	const char *out;
};

static int exec_options(int argc, char **argv, struct exec_opts *o)
{
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			o->verbose = true;
		else if (!strcmp(argv[i], "-t"))
			o->trace = true;
		else if (!strcmp(argv[i], "-o") && i + 1 < argc && argv[i + 1][0] == '/')
			o->out = argv[++i], o->trace = true;
		else
			return -1;
	}
	return i < argc ? i : -1;
}

/* exec -t: a tracer (the console, or -o's file), made before the process so that a file
 * that cannot be opened starts nothing; NULL after saying why. */
static struct tracer *exec_tracer(const struct exec_opts *o)
{
	long err;
	struct tracer *tr = tracer_new(o->out, &err);
	if (!tr)
		printk("trace: %s: %s\n", o->out, err == -EINVAL ? "not a regular file" : errno_text(-err));
	return tr;
}

/* exec [-v] [-t [-o FILE]] PATH [ARG...] (ring 3) and kexec ... (ring 0): start the
 * program, wait, say how it ended; -v adds one line with the calls it made (with its
 * threads and the children that stayed in its ring): through the ring-0 entry and through
 * the syscall instruction; -t prints each system call of the program and its children as
 * strace does (sys/trace.c), on the console or into FILE with -o. */
static void cmd_exec(int argc, char **argv)
{
	const char *cmd = argv[0];
	struct exec_opts o = {0};
	int first = exec_options(argc, argv, &o);
	if (first < 0) {
		printk("usage: %s [-v] [-t [-o FILE]] PATH [ARG...]\n", cmd);
		return;
	}
	argc -= first - 1;
	argv += first - 1;
	int ring = !strcmp(cmd, "kexec") ? 0 : 3;
	char err[96];
	struct tracer *tr = NULL;
	if (o.trace && !(tr = exec_tracer(&o)))
		return;
	int pid = proc_spawn(argv[1], argc - 1, argv + 1, ring, err, sizeof(err));
	if (pid >= 0 && tr) /* before it first runs; the shell's reference goes, the tasks hold theirs */
		trace_attach(task_find(pid), tr);
	tracer_put(tr);
	if (pid < 0) {
		printk("%s: %s: %s\n", cmd, argv[1], err[0] ? err : errno_text(-pid));
		return;
	}
	foreground_pid = pid;
	int st = 0;
	long r = proc_wait(pid, &st, 0, true);
	uint64_t n_entry = last_reaped_entry, n_insn = last_reaped_insn;
	foreground_pid = 0;
	proc_reap_orphans();
	if (r < 0)
		printk("%s: wait failed (%ld)\n", cmd, r);
	else if (st & 0x7f)
		printk("killed by %s\n", (st & 0x7f) < (int)ARRAY_SIZE(signames) ? signames[st & 0x7f] : "a real-time signal");
	else
		printk("exit %d\n", (st >> 8) & 0xff);
	if (o.verbose && r >= 0)
		printk("calls: %lu through the entry, %lu through the syscall instruction\n", n_entry, n_insn);
}

static void cmd_ps(int argc UNUSED, char **argv UNUSED)
{
	static const char state[] = {'R', 'S', 'Z'};
	printk("  PID  PPID S RING  PAGES  SYSCALLS NAME\n");
	for (struct task *t = all_tasks; t; t = t->next_all)
		printk("%5d %5d %c %4d %6lu %9lu %s\n", t->pid, t->parent ? t->parent->pid : 0, state[t->state],
		       t->ring, t->mm ? t->mm->pages : 0, t->nsyscalls, t->name);
}

static void cmd_fault_test(int argc UNUSED, char **argv UNUSED)
{
	printk("fault-test: reading from an unmapped address\n");
	volatile uint64_t *p = (volatile uint64_t *)0xdead0000ULL; /* lower half: nothing mapped */
	uint64_t v = *p; /* used below, so the load happens while this function's frame exists */
	printk("fault-test: read %#lx, which should not happen\n", v);
}

static int __attribute__((noinline)) recurse(int depth)
{
	volatile char buf[512];
	buf[0] = (char)depth;
	if (depth > 1000000) /* never: 16 KiB of stack run out long before */
		return buf[0];
	return recurse(depth + 1) + buf[0];
}

static void cmd_overflow_test(int argc UNUSED, char **argv UNUSED)
{
	printk("overflow-test: recursing into the stack guard page\n");
	printk("%d\n", recurse(0));
}

static const struct cmd cmds[] = {
	{"help", "", "list the commands", cmd_help},
	{"ls", "[DIR]", "list a directory of the initramfs (default /)", cmd_ls},
	{"cat", "FILE...", "print files", cmd_cat},
	{"echo", "[WORD...]", "print the words", cmd_echo},
	{"mem", "", "free and total physical frames (unmapped clean page-cache copies given back first)", cmd_mem},
	{"exec", "[-v] [-t [-o FILE]] PATH [ARG...]", "run a program in ring 3, wait, say how it ended (-v: its calls; -t: trace them)", cmd_exec},
	{"ps", "", "list the processes", cmd_ps},
	{"kexec", "[-v] [-t [-o FILE]] PATH [ARG...]", "run a trusted program in ring 0, as exec", cmd_exec},
	{"net", "[arp IP [N]|send LEN]", "the network device: MAC, link, counters; an ARP probe", net_shell},
	{"poweroff", "", "turn the machine off", cmd_poweroff},
	{"fault-test", NULL, NULL, cmd_fault_test}, /* hidden: help == NULL */
	{"overflow-test", NULL, NULL, cmd_overflow_test},
};

static void cmd_help(int argc UNUSED, char **argv UNUSED)
{
	printk("commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i].help)
			printk("  %-8s %-14s %s\n", cmds[i].name, cmds[i].args, cmds[i].help);
	printk("while a program runs: ^C sends SIGINT to its foreground group, ^\\ SIGQUIT, ^Z SIGTSTP;\n"
	       "a second ^C within a second of the first sends SIGKILL (ends any program)\n");
}

/* Splits a line into words at blanks; '...' and "..." quote (no escapes inside). */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line;
	while (*p && argc < MAXARGS) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *out = p;
		argv[argc++] = out;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				while (*p && *p != q)
					*out++ = *p++;
				if (*p)
					p++;
			} else {
				*out++ = *p++;
			}
		}
		if (*p)
			p++;
		*out = 0;
	}
	argv[argc] = NULL;
	return argc;
}

void shell_run(void)
{
	static char line[256];
	char *argv[MAXARGS + 1];
	for (;;) {
		proc_reap_orphans(); /* zombies re-parented to the shell */
		printk("rz# ");
		console_readline(line, sizeof(line));
		int argc = split(line, argv);
		if (argc == 0)
			continue;
		size_t i;
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			if (!strcmp(argv[0], cmds[i].name)) {
				cmds[i].fn(argc, argv);
				break;
			}
		if (i == ARRAY_SIZE(cmds))
			printk("%s: unknown command (try help)\n", argv[0]);
	}
}
