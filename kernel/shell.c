/* shell.c: the kernel's console shell. Owns the prompt "rz# ", splitting a line into
 * words and the built-in commands: help, ls [DIR], cat FILE, echo, mem, poweroff, and
 * the stubs exec/kexec (programs in ring 3 / ring 0 come with processes). Unknown commands
 * get one line of error. Does not own line editing (dev/console.c) or the file tree
 * (fs/ramfs.c). Hidden commands for the tests of exception reporting, both fatal (a fault
 * in the kernel ends the machine): "fault-test" reads an unmapped address (#PF);
 * "overflow-test" recurses into the boot stack's guard page, which becomes a #DF handled
 * on the IST1 stack because the #PF cannot be pushed. */
#include "console.h"
#include "fs.h"
#include "lib.h"
#include "mm.h"
#include "power.h"

#define MAXARGS 16

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

static void cmd_mem(int argc UNUSED, char **argv UNUSED)
{
	uint64_t f = frames_free(), t = frames_total();
	printk("frames: %lu free / %lu total (%lu KiB free of %lu KiB; RAM %lu MiB)\n", f, t, f * 4, t * 4,
	       mem_ram_bytes() >> 20);
}

static void cmd_poweroff(int argc UNUSED, char **argv UNUSED)
{
	printk("powering off\n");
	machine_poweroff();
}

static void cmd_exec(int argc UNUSED, char **argv)
{
	printk("%s: not implemented yet (needs processes and the ELF loader)\n", argv[0]);
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
	{"mem", "", "free and total physical frames", cmd_mem},
	{"exec", "PATH [ARG...]", "run a program in ring 3 (not implemented yet)", cmd_exec},
	{"kexec", "PATH [ARG...]", "run a trusted program in ring 0 (not implemented yet)", cmd_exec},
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
}

static int split(char *line, char **argv)
{
	int argc = 0;
	char *p = line;
	while (*p && argc < MAXARGS) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (!*p)
			break;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	argv[argc] = NULL;
	return argc;
}

void shell_run(void)
{
	static char line[256];
	char *argv[MAXARGS + 1];
	for (;;) {
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
