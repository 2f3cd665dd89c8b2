/* trace.c: the system-call tracer of `exec -t` and `kexec -t` (issue 13 item 2), for
 * programs in either ring.
 *
 * Owns: struct tracer (where the lines of one traced process tree go: the console or a file
 * of the in-memory tree, written through the file layer) and its reference counting over
 * fork/vfork/clone and exit; the line of each call, in strace's format with the ring and
 * pid in front ("[pid 7 r0] openat(AT_FDCWD, "/etc/motd", O_RDONLY) = 3"): arguments read
 * at entry (user memory may change, execve replaces it), out-arguments (read's buffer,
 * wait4's status, pipe's fds) and the result at exit; decoding by the parameter kinds of
 * each call's descriptor (syscall.h), by call for flags and commands (open flags, PROT_*,
 * MAP_*, fcntl, wait options, signals, iovecs...), the table of errno names and messages;
 * the lines of signal deliveries ("--- SIGSEGV {...} ---") and of the end ("+++ exited
 * with 0 +++").
 *
 * Does not own: the traced branch's place in the dispatch, the leaf bitmap and ring-0 call
 * table that traced tasks run with (sys/syscall_table.c, called from the context switch in
 * proc/sched.c), the calls of the hooks (proc.c: fork, exit; signal.c: delivery), the
 * shell's options (shell.c), the descriptors themselves (SYSCALL_DEFINEn). */
#include "trace.h"
#include "syscall.h"
#include "proc.h"
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"
#include <asm-generic/errno.h>
#include <asm/unistd_64.h>
#include <linux/fcntl.h>
#include <asm/mman.h> /* PROT_*, MAP_* (asm-generic/mman.h, mman-common.h) */
#include <linux/mman.h>

#define STR_MAX 32      /* strace's -s default: string bytes shown before "..." */
#define PATH_SHOWN 256  /* a path is shown whole up to this length */
#define LINE_CAP 1536
#define ARGV_SHOWN 16   /* execve: argv elements shown before "..." */

struct tracer {
	int refs;
	struct file *out;   /* NULL: the console */
};

/* One call being traced: its number, raw arguments and the line built so far. */
struct call {
	const struct syscall_desc *d;
	uint64_t nr;
	uint64_t a[6];
	long r;
	size_t len;
	char buf[LINE_CAP];
};

/* --- tracers ----------------------------------------------------------------------- */

/* -o FILE: an existing regular file is truncated, a missing one created (0644); anything
 * else (a directory, a device) is refused. ramfs_create would retype an existing node, so
 * it is used only for a path that does not exist yet. */
static struct file *open_out(const char *path, long *err)
{
	struct inode *ip = ramfs_lookup(path);
	if (!ip)
		ip = ramfs_create(path, S_IFREG | 0644);
	if (!ip || !S_ISREG(ip->mode)) {
		*err = ip ? -EINVAL : -ENOENT;
		return NULL;
	}
	return vfs_open_inode(ip, O_WRONLY | O_TRUNC, err);
}

struct tracer *tracer_new(const char *path, long *err)
{
	*err = 0;
	struct tracer *tr = kzalloc(sizeof(*tr));
	if (!tr) {
		*err = -ENOMEM;
		return NULL;
	}
	tr->refs = 1;
	if (path && !(tr->out = open_out(path, err))) {
		kfree(tr);
		return NULL;
	}
	return tr;
}

void tracer_put(struct tracer *tr)
{
	if (!tr || --tr->refs > 0)
		return;
	if (tr->out)
		file_put(tr->out);
	kfree(tr);
}

void trace_attach(struct task *t, struct tracer *tr)
{
	tr->refs++;
	t->traced = tr;
}

void trace_fork(struct task *parent, struct task *child)
{
	if (parent->traced)
		trace_attach(child, parent->traced);
}

void trace_drop(struct task *t)
{
	tracer_put(t->traced);
	t->traced = NULL;
}

static void emit(struct tracer *tr, const char *s, size_t n)
{
	if (!tr->out) {
		printk("%s", s);
		return;
	}
	struct wsrc src = {.addr = (uint64_t)s, .kernel = true};
	tr->out->ops->write(tr->out, src, n, &tr->out->pos);
}

/* --- building a line ----------------------------------------------------------------- */

static void put(struct call *c, const char *s)
{
	while (*s && c->len < LINE_CAP - 2)
		c->buf[c->len++] = *s++;
	c->buf[c->len] = 0;
}

/* The end of a line: put keeps room for it, so a line cut at LINE_CAP still ends. */
static void put_newline(struct call *c)
{
	c->buf[c->len++] = '\n';
	c->buf[c->len] = 0;
}

static void putf(struct call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct call *c, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(c, tmp);
}

static void put_octal(struct call *c, uint64_t v)
{
	char tmp[24];
	int i = sizeof(tmp) - 1;
	tmp[i] = 0;
	do {
		tmp[--i] = (char)('0' + (v & 7));
		v >>= 3;
	} while (v);
	put(c, tmp + i);
}

/* A file mode as strace shows it: 0644, and 000 for none. */
static void put_mode(struct call *c, uint64_t v)
{
	put(c, v ? "0" : "00");
	put_octal(c, v);
}

static void put_addr(struct call *c, uint64_t v)
{
	if (v)
		putf(c, "0x%lx", v);
	else
		put(c, "NULL");
}

/* A byte inside quotes: C escapes, octal for the rest (3 digits when a digit follows). */
static void put_char(struct call *c, unsigned char ch, unsigned char next)
{
	static const char esc[] = "\n n\t t\r r\v v\f f\" \"\\ \\";
	for (const char *e = esc; *e; e += 3)
		if ((unsigned char)e[0] == ch) {
			char s[3] = {'\\', e[2], 0};
			put(c, s);
			return;
		}
	if (ch >= 0x20 && ch < 0x7f) {
		char s[2] = {(char)ch, 0};
		put(c, s);
	} else if (next >= '0' && next <= '7') {
		putf(c, "\\%c%c%c", '0' + (ch >> 6), '0' + ((ch >> 3) & 7), '0' + (ch & 7));
	} else {
		put(c, "\\");
		put_octal(c, ch);
	}
}

static void put_quoted(struct call *c, const char *s, size_t n, bool more)
{
	put(c, "\"");
	for (size_t i = 0; i < n; i++)
		put_char(c, (unsigned char)s[i], i + 1 < n ? (unsigned char)s[i + 1] : 0);
	put(c, more ? "\"..." : "\"");
}

/* A NUL-terminated user string, shown up to max bytes; a bad pointer as its address. */
static void put_ustr(struct call *c, uint64_t u, size_t max)
{
	char s[PATH_SHOWN + 2];
	long n = u ? strncpy_from_user(s, u, max + 2) : -EFAULT;
	if (n == -EFAULT) {
		put_addr(c, u);
		return;
	}
	bool more = n < 0 || (size_t)n > max;
	put_quoted(c, s, more ? max : (size_t)n, more);
}

/* n bytes of a user buffer (read's, write's): the first STR_MAX of them, quoted. */
static void put_ubuf(struct call *c, uint64_t u, uint64_t n)
{
	char s[STR_MAX];
	size_t k = n < STR_MAX ? n : STR_MAX;
	if (copy_from_user(s, u, k)) {
		put_addr(c, u);
		return;
	}
	put_quoted(c, s, k, n > STR_MAX);
}

/* --- names of numbers and bits -------------------------------------------------------- */

struct name {
	uint64_t v;
	const char *s;
};
#define N(x) {x, #x}

/* v's bits by name (the table in the order shown, multi-bit values first), the rest in
 * hex; zero as zero_name. */
static void put_bits(struct call *c, uint64_t v, const struct name *t, size_t n, const char *zero_name)
{
	bool any = false;
	for (size_t i = 0; i < n; i++)
		if (t[i].v && (v & t[i].v) == t[i].v) {
			put(c, any ? "|" : "");
			put(c, t[i].s);
			any = true;
			v &= ~t[i].v;
		}
	if (v)
		putf(c, any ? "|0x%lx" : "0x%lx", v);
	else if (!any)
		put(c, zero_name);
}

static const char *name_of(uint64_t v, const struct name *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].v == v)
			return t[i].s;
	return NULL;
}

static void put_enum(struct call *c, uint64_t v, const struct name *t, size_t n)
{
	const char *s = name_of(v, t, n);
	if (s)
		put(c, s);
	else
		putf(c, "0x%lx", v);
}

static const struct name open_bits[] = {
	N(O_WRONLY), N(O_RDWR), N(O_CREAT), N(O_EXCL), N(O_NOCTTY), N(O_TRUNC), N(O_APPEND),
	N(O_NONBLOCK), {__O_SYNC | O_DSYNC, "O_SYNC"}, N(O_DSYNC), N(FASYNC), N(O_DIRECT),
	N(O_LARGEFILE), {__O_TMPFILE | O_DIRECTORY, "O_TMPFILE"}, N(O_DIRECTORY), N(O_NOFOLLOW),
	N(O_NOATIME), N(O_CLOEXEC), N(O_PATH),
};

/* open(2)'s flags: the access mode always by name, then the other bits. */
static void put_open_flags(struct call *c, uint64_t v)
{
	static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
	put(c, acc[v & O_ACCMODE]);
	v &= ~(uint64_t)O_ACCMODE;
	if (v) {
		put(c, "|");
		put_bits(c, v, open_bits + 2, ARRAY_SIZE(open_bits) - 2, "");
	}
}

static const struct name prot_bits[] = {N(PROT_READ), N(PROT_WRITE), N(PROT_EXEC), N(PROT_SEM),
					N(PROT_GROWSDOWN), N(PROT_GROWSUP)};
static const struct name map_bits[] = {
	{MAP_SHARED | MAP_PRIVATE, "MAP_SHARED_VALIDATE"}, N(MAP_SHARED), N(MAP_PRIVATE), N(MAP_FIXED),
	N(MAP_ANONYMOUS), N(MAP_GROWSDOWN), N(MAP_DENYWRITE), N(MAP_EXECUTABLE), N(MAP_LOCKED),
	N(MAP_NORESERVE), N(MAP_POPULATE), N(MAP_NONBLOCK), N(MAP_STACK), N(MAP_HUGETLB),
	N(MAP_FIXED_NOREPLACE),
};
static const struct name fcntl_cmds[] = {
	N(F_DUPFD), N(F_GETFD), N(F_SETFD), N(F_GETFL), N(F_SETFL), N(F_GETLK), N(F_SETLK),
	N(F_SETLKW), N(F_SETOWN), N(F_GETOWN), N(F_SETSIG), N(F_GETSIG), N(F_DUPFD_CLOEXEC),
	N(F_SETPIPE_SZ), N(F_GETPIPE_SZ), N(F_ADD_SEALS), N(F_GET_SEALS), N(F_OFD_GETLK),
	N(F_OFD_SETLK), N(F_OFD_SETLKW),
};
static const struct name fd_bits[] = {N(FD_CLOEXEC)};
static const struct name at_bits[] = {N(AT_SYMLINK_NOFOLLOW), N(AT_REMOVEDIR), N(AT_SYMLINK_FOLLOW),
				      N(AT_NO_AUTOMOUNT), N(AT_EMPTY_PATH)};
static const struct name access_bits[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}};
static const struct name seek_names[] = {{0, "SEEK_SET"}, {1, "SEEK_CUR"}, {2, "SEEK_END"},
					 {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}};
static const struct name wait_bits[] = {{1, "WNOHANG"}, {2, "WUNTRACED"}, {4, "WEXITED"},
					{8, "WCONTINUED"}, {0x1000000, "WNOWAIT"},
					{0x20000000, "__WNOTHREAD"}, {0x40000000, "__WALL"},
					{0x80000000, "__WCLONE"}};
static const struct name clone_bits[] = {
	{0x100, "CLONE_VM"}, {0x200, "CLONE_FS"}, {0x400, "CLONE_FILES"}, {0x800, "CLONE_SIGHAND"},
	{0x1000, "CLONE_PIDFD"}, {0x2000, "CLONE_PTRACE"}, {0x4000, "CLONE_VFORK"},
	{0x8000, "CLONE_PARENT"}, {0x10000, "CLONE_THREAD"}, {0x20000, "CLONE_NEWNS"},
	{0x40000, "CLONE_SYSVSEM"}, {0x80000, "CLONE_SETTLS"}, {0x100000, "CLONE_PARENT_SETTID"},
	{0x200000, "CLONE_CHILD_CLEARTID"}, {0x400000, "CLONE_DETACHED"}, {0x1000000, "CLONE_CHILD_SETTID"},
};
static const struct name sigmask_how[] = {{0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}};
static const struct name ioctl_cmds[] = {
	{0x5401, "TCGETS"}, {0x5402, "TCSETS"}, {0x5403, "TCSETSW"}, {0x5404, "TCSETSF"},
	{0x540f, "TIOCGPGRP"}, {0x5410, "TIOCSPGRP"}, {0x5413, "TIOCGWINSZ"}, {0x5414, "TIOCSWINSZ"},
	{0x541b, "FIONREAD"}, {0x5421, "FIONBIO"}, {0x5451, "FIOCLEX"}, {0x5450, "FIONCLEX"},
};
static const struct name arch_prctl_codes[] = {{0x1001, "ARCH_SET_GS"}, {0x1002, "ARCH_SET_FS"},
					       {0x1003, "ARCH_GET_FS"}, {0x1004, "ARCH_GET_GS"}};

static const char *const signames[32] = {
	NULL, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
	"SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
	"SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

static void put_signal(struct call *c, uint64_t s)
{
	if (s > 0 && s < 32)
		put(c, signames[s]);
	else if (s >= 32 && s <= 64)
		putf(c, "SIGRT_%lu", s - 32);
	else
		putf(c, "%ld", (long)s);
}

/* --- errno names and messages --------------------------------------------------------- */

#define ERESTARTSYS 512
#define ERESTARTNOINTR 513
#define ERESTARTNOHAND 514
#define ENOIOCTLCMD 515
#define ERESTART_RESTARTBLOCK 516

struct errname {
	const char *name, *text;
};
#define E(e, text) [e] = {#e, text}
static const struct errname errnames[] = {
	E(EPERM, "Operation not permitted"), E(ENOENT, "No such file or directory"),
	E(ESRCH, "No such process"), E(EINTR, "Interrupted system call"), E(EIO, "Input/output error"),
	E(ENXIO, "No such device or address"), E(E2BIG, "Argument list too long"),
	E(ENOEXEC, "Exec format error"), E(EBADF, "Bad file descriptor"), E(ECHILD, "No child processes"),
	E(EAGAIN, "Resource temporarily unavailable"), E(ENOMEM, "Cannot allocate memory"),
	E(EACCES, "Permission denied"), E(EFAULT, "Bad address"), E(ENOTBLK, "Block device required"),
	E(EBUSY, "Device or resource busy"), E(EEXIST, "File exists"), E(EXDEV, "Invalid cross-device link"),
	E(ENODEV, "No such device"), E(ENOTDIR, "Not a directory"), E(EISDIR, "Is a directory"),
	E(EINVAL, "Invalid argument"), E(ENFILE, "Too many open files in system"),
	E(EMFILE, "Too many open files"), E(ENOTTY, "Inappropriate ioctl for device"),
	E(ETXTBSY, "Text file busy"), E(EFBIG, "File too large"), E(ENOSPC, "No space left on device"),
	E(ESPIPE, "Illegal seek"), E(EROFS, "Read-only file system"), E(EMLINK, "Too many links"),
	E(EPIPE, "Broken pipe"), E(EDOM, "Numerical argument out of domain"),
	E(ERANGE, "Numerical result out of range"), E(EDEADLK, "Resource deadlock avoided"),
	E(ENAMETOOLONG, "File name too long"), E(ENOLCK, "No locks available"),
	E(ENOSYS, "Function not implemented"), E(ENOTEMPTY, "Directory not empty"),
	E(ELOOP, "Too many levels of symbolic links"), E(ENOMSG, "No message of desired type"),
	E(EIDRM, "Identifier removed"), E(ECHRNG, "Channel number out of range"),
	E(EL2NSYNC, "Level 2 not synchronized"), E(EL3HLT, "Level 3 halted"), E(EL3RST, "Level 3 reset"),
	E(ELNRNG, "Link number out of range"), E(EUNATCH, "Protocol driver not attached"),
	E(ENOCSI, "No CSI structure available"), E(EL2HLT, "Level 2 halted"), E(EBADE, "Invalid exchange"),
	E(EBADR, "Invalid request descriptor"), E(EXFULL, "Exchange full"), E(ENOANO, "No anode"),
	E(EBADRQC, "Invalid request code"), E(EBADSLT, "Invalid slot"), E(EBFONT, "Bad font file format"),
	E(ENOSTR, "Device not a stream"), E(ENODATA, "No data available"), E(ETIME, "Timer expired"),
	E(ENOSR, "Out of streams resources"), E(ENONET, "Machine is not on the network"),
	E(ENOPKG, "Package not installed"), E(EREMOTE, "Object is remote"),
	E(ENOLINK, "Link has been severed"), E(EADV, "Advertise error"), E(ESRMNT, "Srmount error"),
	E(ECOMM, "Communication error on send"), E(EPROTO, "Protocol error"),
	E(EMULTIHOP, "Multihop attempted"), E(EDOTDOT, "RFS specific error"), E(EBADMSG, "Bad message"),
	E(EOVERFLOW, "Value too large for defined data type"), E(ENOTUNIQ, "Name not unique on network"),
	E(EBADFD, "File descriptor in bad state"), E(EREMCHG, "Remote address changed"),
	E(ELIBACC, "Can not access a needed shared library"),
	E(ELIBBAD, "Accessing a corrupted shared library"), E(ELIBSCN, ".lib section in a.out corrupted"),
	E(ELIBMAX, "Attempting to link in too many shared libraries"),
	E(ELIBEXEC, "Cannot exec a shared library directly"),
	E(EILSEQ, "Invalid or incomplete multibyte or wide character"),
	E(ERESTART, "Interrupted system call should be restarted"), E(ESTRPIPE, "Streams pipe error"),
	E(EUSERS, "Too many users"), E(ENOTSOCK, "Socket operation on non-socket"),
	E(EDESTADDRREQ, "Destination address required"), E(EMSGSIZE, "Message too long"),
	E(EPROTOTYPE, "Protocol wrong type for socket"), E(ENOPROTOOPT, "Protocol not available"),
	E(EPROTONOSUPPORT, "Protocol not supported"), E(ESOCKTNOSUPPORT, "Socket type not supported"),
	E(EOPNOTSUPP, "Operation not supported"), E(EPFNOSUPPORT, "Protocol family not supported"),
	E(EAFNOSUPPORT, "Address family not supported by protocol"),
	E(EADDRINUSE, "Address already in use"), E(EADDRNOTAVAIL, "Cannot assign requested address"),
	E(ENETDOWN, "Network is down"), E(ENETUNREACH, "Network is unreachable"),
	E(ENETRESET, "Network dropped connection on reset"),
	E(ECONNABORTED, "Software caused connection abort"), E(ECONNRESET, "Connection reset by peer"),
	E(ENOBUFS, "No buffer space available"), E(EISCONN, "Transport endpoint is already connected"),
	E(ENOTCONN, "Transport endpoint is not connected"),
	E(ESHUTDOWN, "Cannot send after transport endpoint shutdown"),
	E(ETOOMANYREFS, "Too many references: cannot splice"), E(ETIMEDOUT, "Connection timed out"),
	E(ECONNREFUSED, "Connection refused"), E(EHOSTDOWN, "Host is down"),
	E(EHOSTUNREACH, "No route to host"), E(EALREADY, "Operation already in progress"),
	E(EINPROGRESS, "Operation now in progress"), E(ESTALE, "Stale file handle"),
	E(EUCLEAN, "Structure needs cleaning"), E(ENOTNAM, "Not a XENIX named type file"),
	E(ENAVAIL, "No XENIX semaphores available"), E(EISNAM, "Is a named type file"),
	E(EREMOTEIO, "Remote I/O error"), E(EDQUOT, "Disk quota exceeded"),
	E(ENOMEDIUM, "No medium found"), E(EMEDIUMTYPE, "Wrong medium type"),
	E(ECANCELED, "Operation canceled"), E(ENOKEY, "Required key not available"),
	E(EKEYEXPIRED, "Key has expired"), E(EKEYREVOKED, "Key has been revoked"),
	E(EKEYREJECTED, "Key was rejected by service"), E(EOWNERDEAD, "Owner died"),
	E(ENOTRECOVERABLE, "State not recoverable"), E(ERFKILL, "Operation not possible due to RF-kill"),
	E(EHWPOISON, "Memory page has hardware error"),
	E(ERESTARTSYS, "To be restarted if SA_RESTART is set"), E(ERESTARTNOINTR, "To be restarted"),
	E(ERESTARTNOHAND, "To be restarted if no handler"), E(ENOIOCTLCMD, "Inappropriate ioctl for device"),
	E(ERESTART_RESTARTBLOCK, "Interrupted by signal"),
};

static void put_error(struct call *c, long e)
{
	const struct errname *n = e < (long)ARRAY_SIZE(errnames) ? &errnames[e] : NULL;
	bool restart = e >= ERESTARTSYS && e <= ERESTART_RESTARTBLOCK && e != ENOIOCTLCMD;
	put(c, restart ? " = ? " : " = -1 ");
	if (n && n->name)
		putf(c, "%s (%s)", n->name, n->text);
	else
		putf(c, "errno %ld", e);
}

/* --- arguments ------------------------------------------------------------------------ */

static bool named(const struct call *c, const char *name) { return c->d && !strcmp(c->d->name, name); }

static bool is_mode_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n >= 4 && !strcmp(s + n - 4, "mode");
}

/* An argument by its kind alone. */
static void put_by_kind(struct call *c, int i)
{
	uint64_t v = c->a[i];
	switch (c->d->arg_kinds[i]) {
	case SA_INT: putf(c, "%ld", (long)v); break;
	case SA_UINT: putf(c, "%lu", v); break;
	case SA_FD: (int)v == AT_FDCWD ? put(c, "AT_FDCWD") : putf(c, "%d", (int)v); break;
	case SA_PTR: put_addr(c, v); break;
	case SA_STR: put_ustr(c, v, STR_MAX); break;
	case SA_PATH: put_ustr(c, v, PATH_SHOWN); break;
	case SA_FLAGS:
		if (is_mode_name(c->d->arg_names[i]))
			put_mode(c, v);
		else
			put_bits(c, v, NULL, 0, "0");
		break;
	}
}

/* --- arguments decoded by call -------------------------------------------------------- */

static void dec_open_flags(struct call *c, int i) { put_open_flags(c, c->a[i]); }
static void dec_mode(struct call *c, int i) { put_mode(c, c->a[i]); }
static void dec_prot(struct call *c, int i) { put_bits(c, c->a[i], prot_bits, ARRAY_SIZE(prot_bits), "PROT_NONE"); }
static void dec_map(struct call *c, int i) { put_bits(c, c->a[i], map_bits, ARRAY_SIZE(map_bits), "0"); }
static void dec_fcntl_cmd(struct call *c, int i) { put_enum(c, c->a[i], fcntl_cmds, ARRAY_SIZE(fcntl_cmds)); }
static void dec_wait_opts(struct call *c, int i) { put_bits(c, c->a[i], wait_bits, ARRAY_SIZE(wait_bits), "0"); }
static void dec_access(struct call *c, int i) { put_bits(c, c->a[i], access_bits, ARRAY_SIZE(access_bits), "F_OK"); }
static void dec_seek(struct call *c, int i) { put_enum(c, c->a[i], seek_names, ARRAY_SIZE(seek_names)); }
static void dec_at(struct call *c, int i) { put_bits(c, c->a[i], at_bits, ARRAY_SIZE(at_bits), "0"); }
static void dec_signal(struct call *c, int i) { put_signal(c, c->a[i]); }
static void dec_how(struct call *c, int i) { put_enum(c, c->a[i], sigmask_how, ARRAY_SIZE(sigmask_how)); }
static void dec_ioctl(struct call *c, int i) { put_enum(c, c->a[i], ioctl_cmds, ARRAY_SIZE(ioctl_cmds)); }
static void dec_arch(struct call *c, int i) { put_enum(c, c->a[i], arch_prctl_codes, ARRAY_SIZE(arch_prctl_codes)); }
static void dec_fd_flags(struct call *c, int i) { put_bits(c, c->a[i], open_bits + 2, ARRAY_SIZE(open_bits) - 2, "0"); }
static void dec_write_buf(struct call *c, int i) { put_ubuf(c, c->a[i], c->a[i + 1]); }

static void dec_fcntl_arg(struct call *c, int i)
{
	if (c->a[1] == F_SETFL)
		put_open_flags(c, c->a[i]);
	else if (c->a[1] == F_SETFD)
		put_bits(c, c->a[i], fd_bits, ARRAY_SIZE(fd_bits), "0");
	else
		putf(c, "%ld", (long)c->a[i]);
}

static void dec_clone(struct call *c, int i)
{
	uint64_t v = c->a[i];
	put_bits(c, v & ~0xffULL, clone_bits, ARRAY_SIZE(clone_bits), "");
	if (v & 0xff) {
		put(c, v & ~0xffULL ? "|" : "");
		put_signal(c, v & 0xff);
	} else if (!(v & ~0xffULL)) {
		put(c, "0");
	}
}

/* futex's operation: FUTEX_WAIT_PRIVATE, FUTEX_WAKE, ... (|FUTEX_CLOCK_REALTIME). */
static void dec_futex_op(struct call *c, int i)
{
	static const char *const ops[] = {"FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE",
					  "FUTEX_CMP_REQUEUE", "FUTEX_WAKE_OP", "FUTEX_LOCK_PI",
					  "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI", "FUTEX_WAIT_BITSET",
					  "FUTEX_WAKE_BITSET"};
	uint64_t op = c->a[i], cmd = op & 127;
	if (cmd >= ARRAY_SIZE(ops) || (op & ~(uint64_t)(127 | 128 | 256))) {
		putf(c, "%ld", (long)op);
		return;
	}
	put(c, ops[cmd]);
	put(c, op & 128 ? "_PRIVATE" : "");
	put(c, op & 256 ? "|FUTEX_CLOCK_REALTIME" : "");
}

/* At exit: the bytes the call returned (read's buffer). */
static void dec_read_buf(struct call *c, int i)
{
	if (c->r < 0)
		put_addr(c, c->a[i]);
	else
		put_ubuf(c, c->a[i], (uint64_t)c->r);
}

/* At exit: wait4's status as strace shows it. */
static void dec_wait_status(struct call *c, int i)
{
	int st;
	if (c->r <= 0 || !c->a[i] || copy_from_user(&st, c->a[i], sizeof(st))) {
		put_addr(c, c->a[i]);
		return;
	}
	if (st & 0x7f) {
		put(c, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		put_signal(c, st & 0x7f);
		put(c, st & 0x80 ? " && WCOREDUMP(s)}]" : "}]");
	} else {
		putf(c, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (st >> 8) & 0xff);
	}
}

/* At exit: pipe's two descriptors. */
static void dec_pipe(struct call *c, int i)
{
	int fds[2];
	if (c->r < 0 || copy_from_user(fds, c->a[i], sizeof(fds)))
		put_addr(c, c->a[i]);
	else
		putf(c, "[%d, %d]", fds[0], fds[1]);
}

/* execve's argv: ["prog", "arg", ...]; a bad array as its address. */
static void dec_argv(struct call *c, int i)
{
	uint64_t u = c->a[i], p;
	if (!u || copy_from_user(&p, u, sizeof(p))) {
		put_addr(c, u);
		return;
	}
	put(c, "[");
	for (int k = 0; p; k++) {
		if (k == ARGV_SHOWN) {
			put(c, ", ...");
			break;
		}
		put(c, k ? ", " : "");
		put_ustr(c, p, STR_MAX);
		if (copy_from_user(&p, u + 8 * (k + 1), sizeof(p)))
			break;
	}
	put(c, "]");
}

/* execve's envp: its address and how many variables. */
static void dec_envp(struct call *c, int i)
{
	uint64_t u = c->a[i], p = 1;
	int n = 0;
	put_addr(c, u);
	while (u && n < 4096 && !copy_from_user(&p, u + 8 * (uint64_t)n, sizeof(p)) && p)
		n++;
	if (u)
		putf(c, " /* %d var%s */", n, n == 1 ? "" : "s");
}

/* An iovec array: [{iov_base="...", iov_len=N}, ...]; with a budget (readv's result) only
 * the bytes the call filled are shown, as strace does. */
static void put_iovec(struct call *c, uint64_t u, uint64_t n, bool budgeted, uint64_t budget)
{
	struct { uint64_t base, len; } v;
	put(c, "[");
	for (uint64_t k = 0; k < n; k++) {
		if (k == ARGV_SHOWN) {
			put(c, ", ...");
			break;
		}
		if (copy_from_user(&v, u + 16 * k, sizeof(v))) {
			put(c, k ? ", ...]" : "");
			if (!k)
				put_addr(c, u);
			return;
		}
		uint64_t show = budgeted ? (v.len < budget ? v.len : budget) : v.len;
		budget -= show;
		put(c, k ? ", {iov_base=" : "{iov_base=");
		put_ubuf(c, v.base, show);
		putf(c, ", iov_len=%lu}", v.len);
	}
	put(c, "]");
}

static void dec_writev(struct call *c, int i) { put_iovec(c, c->a[i], c->a[i + 1], false, 0); }

/* At exit: readv's buffers, filled with the bytes it returned. */
static void dec_readv(struct call *c, int i)
{
	if (c->r < 0)
		put_addr(c, c->a[i]);
	else
		put_iovec(c, c->a[i], c->a[i + 1], true, (uint64_t)c->r);
}

/* At exit: a struct stat as strace abbreviates it, {st_mode=S_IFREG|0644, st_size=N, ...}
 * (x86_64's layout: st_mode at 24, st_rdev at 40, st_size at 48). */
static void dec_stat(struct call *c, int i)
{
	static const struct name types[] = {{0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"}, {0100000, "S_IFREG"},
					    {0060000, "S_IFBLK"}, {0040000, "S_IFDIR"}, {0020000, "S_IFCHR"},
					    {0010000, "S_IFIFO"}};
	struct { uint32_t mode, uid, gid, pad; uint64_t rdev, size; } st;
	if (c->r < 0 || copy_from_user(&st, c->a[i] + 24, sizeof(st))) {
		put_addr(c, c->a[i]);
		return;
	}
	put(c, "{st_mode=");
	put_enum(c, st.mode & 0170000, types, ARRAY_SIZE(types));
	put(c, "|");
	put_mode(c, st.mode & 07777);
	if ((st.mode & 0170000) == 0020000 || (st.mode & 0170000) == 0060000)
		putf(c, ", st_rdev=makedev(0x%lx, 0x%lx), ...}", (st.rdev >> 8) & 0xfff, (st.rdev & 0xff) | ((st.rdev >> 12) & ~0xffUL));
	else
		putf(c, ", st_size=%lu, ...}", st.size);
}

typedef void (*argfn)(struct call *c, int i);
struct argdec {
	const char *call;
	int8_t arg;
	bool at_exit; /* an out-argument: shown after the call, with the ones after it */
	argfn fn;
};

static const struct argdec decs[] = {
	{"open", 1, false, dec_open_flags}, {"open", 2, false, dec_mode},
	{"openat", 2, false, dec_open_flags}, {"openat", 3, false, dec_mode},
	{"creat", 1, false, dec_mode}, {"mkdir", 1, false, dec_mode}, {"mkdirat", 2, false, dec_mode},
	{"chmod", 1, false, dec_mode}, {"fchmod", 1, false, dec_mode}, {"fchmodat", 2, false, dec_mode},
	{"mknod", 1, false, dec_mode}, {"mknodat", 2, false, dec_mode}, {"umask", 0, false, dec_mode},
	{"read", 1, true, dec_read_buf}, {"pread64", 1, true, dec_read_buf},
	{"write", 1, false, dec_write_buf}, {"pwrite64", 1, false, dec_write_buf},
	{"writev", 1, false, dec_writev}, {"pwritev", 1, false, dec_writev},
	{"readv", 1, true, dec_readv}, {"preadv", 1, true, dec_readv},
	{"stat", 1, true, dec_stat}, {"lstat", 1, true, dec_stat}, {"fstat", 1, true, dec_stat},
	{"newfstatat", 2, true, dec_stat}, {"newfstatat", 3, true, dec_at},
	{"mmap", 2, false, dec_prot}, {"mmap", 3, false, dec_map}, {"mprotect", 2, false, dec_prot},
	{"fcntl", 1, false, dec_fcntl_cmd}, {"fcntl", 2, false, dec_fcntl_arg},
	{"wait4", 1, true, dec_wait_status}, {"wait4", 2, true, dec_wait_opts},
	{"access", 1, false, dec_access}, {"faccessat", 2, false, dec_access},
	{"faccessat2", 2, false, dec_access}, {"faccessat2", 3, false, dec_at},
	{"lseek", 2, false, dec_seek}, {"unlinkat", 2, false, dec_at},
	{"linkat", 4, false, dec_at}, {"utimensat", 3, false, dec_at}, {"fchownat", 4, false, dec_at},
	{"statx", 2, false, dec_at}, {"kill", 1, false, dec_signal}, {"tkill", 1, false, dec_signal},
	{"tgkill", 2, false, dec_signal}, {"rt_sigaction", 0, false, dec_signal},
	{"rt_sigprocmask", 0, false, dec_how}, {"futex", 1, false, dec_futex_op},
	{"ioctl", 1, false, dec_ioctl}, {"arch_prctl", 0, false, dec_arch},
	{"pipe", 0, true, dec_pipe}, {"pipe2", 0, true, dec_pipe}, {"pipe2", 1, true, dec_fd_flags},
	{"dup3", 2, false, dec_fd_flags}, {"execve", 1, false, dec_argv}, {"execve", 2, false, dec_envp},
};

static const struct argdec *dec_of(const struct call *c, int i)
{
	for (size_t k = 0; k < ARRAY_SIZE(decs); k++)
		if (decs[k].arg == i && named(c, decs[k].call))
			return &decs[k];
	return NULL;
}

/* How many arguments strace shows: open's mode only with O_CREAT, fcntl's third only for
 * the commands that take one. */
static int shown_args(const struct call *c)
{
	if (!c->d)
		return 6;
	if (named(c, "openat") || named(c, "open")) {
		int fl = named(c, "open") ? 1 : 2;
		return (c->a[fl] & (O_CREAT | __O_TMPFILE)) ? fl + 2 : fl + 1;
	}
	if (named(c, "fcntl")) {
		uint64_t cmd = c->a[1];
		bool noarg = cmd == F_GETFD || cmd == F_GETFL || cmd == F_GETOWN || cmd == F_GETSIG ||
			     cmd == F_GETPIPE_SZ || cmd == F_GET_SEALS;
		return noarg ? 2 : 3;
	}
	if (named(c, "futex")) { /* wait: addr, op, val, timeout; wake: addr, op, val */
		uint64_t cmd = c->a[1] & 127;
		return cmd == 0 ? 4 : cmd == 1 ? 3 : c->d->nargs;
	}
	return c->d->nargs;
}

/* The first argument shown at exit (out-arguments and what follows them). */
static int split_of(const struct call *c)
{
	int n = shown_args(c);
	for (int i = 0; i < n; i++) {
		const struct argdec *d = dec_of(c, i);
		if (d && d->at_exit)
			return i;
	}
	return n;
}

static void put_arg(struct call *c, int i)
{
	put(c, i ? ", " : "");
	const struct argdec *d = c->d ? dec_of(c, i) : NULL;
	if (d)
		d->fn(c, i);
	else if (c->d)
		put_by_kind(c, i);
	else
		c->a[i] ? putf(c, "0x%lx", c->a[i]) : put(c, "0");
}

static void put_args(struct call *c, int from, int to)
{
	for (int i = from; i < to; i++)
		put_arg(c, i);
}

/* clone's arguments as strace shows them, by name: child_stack and flags at entry, then
 * parent_tid (the tid written, at exit), tls and child_tidptr when the flags use them. */
static void put_clone_entry(struct call *c)
{
	put(c, "child_stack=");
	put_addr(c, c->a[1]);
	put(c, ", flags=");
	dec_clone(c, 0);
}

static void put_clone_exit(struct call *c)
{
	uint64_t f = c->a[0];
	int tid;
	if (f & 0x100000) { /* CLONE_PARENT_SETTID */
		put(c, ", parent_tid=");
		if (c->r > 0 && !copy_from_user(&tid, c->a[2], sizeof(tid)))
			putf(c, "[%d]", tid);
		else
			put_addr(c, c->a[2]);
	}
	if (f & 0x80000) /* CLONE_SETTLS */
		putf(c, ", tls=0x%lx", c->a[4]);
	if (f & (0x1000000 | 0x200000)) { /* CLONE_CHILD_SETTID, CLONE_CHILD_CLEARTID */
		put(c, ", child_tidptr=");
		put_addr(c, c->a[3]);
	}
}

/* The arguments shown at entry, and the rest after the call. */
static void put_entry_args(struct call *c)
{
	if (named(c, "clone"))
		put_clone_entry(c);
	else
		put_args(c, 0, split_of(c));
}

static void put_exit_args(struct call *c)
{
	if (named(c, "clone"))
		put_clone_exit(c);
	else
		put_args(c, split_of(c), shown_args(c));
}

/* --- the result ----------------------------------------------------------------------- */

static void put_result(struct call *c)
{
	long r = c->r;
	if (r < 0 && r >= -4095) {
		put_error(c, -r);
	} else if (named(c, "mmap") || named(c, "brk") || named(c, "mremap")) {
		putf(c, " = 0x%lx", (uint64_t)r);
	} else if (named(c, "fcntl") && (c->a[1] == F_GETFL || c->a[1] == F_GETFD) && r > 0) {
		putf(c, " = 0x%lx (flags ", (uint64_t)r);
		if (c->a[1] == F_GETFL)
			put_open_flags(c, (uint64_t)r);
		else
			put_bits(c, (uint64_t)r, fd_bits, ARRAY_SIZE(fd_bits), "0");
		put(c, ")");
	} else {
		putf(c, " = %ld", r);
	}
}

/* --- one call --------------------------------------------------------------------------- */

static void call_begin(struct call *c, const struct trapframe *tf)
{
	c->nr = tf->rax;
	c->a[0] = tf->rdi, c->a[1] = tf->rsi, c->a[2] = tf->rdx;
	c->a[3] = tf->r10, c->a[4] = tf->r8, c->a[5] = tf->r9;
	c->d = syscall_desc_of(c->nr);
	c->len = 0;
	c->r = 0;
	putf(c, "[pid %d r%d] ", current->pid, current->ring);
	if (c->d)
		put(c, c->d->name);
	else
		putf(c, "syscall_0x%lx", c->nr); /* as strace names a number it does not know */
	put(c, "(");
	put_entry_args(c);
}

static void call_end(struct call *c)
{
	put_exit_args(c);
	put(c, ")");
	put_result(c);
	put_newline(c);
}

long trace_syscall(struct trapframe *tf)
{
	struct tracer *tr = current->traced;
	struct call *c = kmalloc(sizeof(*c));
	if (!c)
		return syscall_call(tf);
	call_begin(c, tf);
	if (c->nr == __NR_exit || c->nr == __NR_exit_group) { /* no return: "= ?" now */
		put_exit_args(c);
		put(c, ") = ?");
		put_newline(c);
		emit(tr, c->buf, c->len);
		kfree(c);
		return syscall_call(tf);
	}
	c->r = syscall_call(tf);
	call_end(c);
	emit(tr, c->buf, c->len);
	long r = c->r;
	kfree(c);
	return r;
}

/* --- signals ------------------------------------------------------------------------ */

static bool is_fault(int sig) { return sig == 4 || sig == 5 || sig == 7 || sig == 8 || sig == 11; }

/* si_code by name: the senders' codes, and per signal the codes of faults and children. */
static void put_si_code(struct call *c, int sig, int code)
{
	static const struct name any[] = {{0, "SI_USER"}, {0x80, "SI_KERNEL"}, {(uint64_t)-1, "SI_QUEUE"},
					  {(uint64_t)-6, "SI_TKILL"}};
	static const char *const per_sig[32][3] = {
		[4] = {"ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR"}, [5] = {"TRAP_BRKPT", "TRAP_TRACE", NULL},
		[7] = {"BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"}, [8] = {"FPE_INTDIV", "FPE_INTOVF", "FPE_FLTDIV"},
		[11] = {"SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR"}, [17] = {"CLD_EXITED", "CLD_KILLED", "CLD_DUMPED"},
	};
	const char *s = code >= 1 && code <= 3 && sig < 32 ? per_sig[sig][code - 1] : NULL;
	if (s)
		put(c, s);
	else if ((s = name_of((uint64_t)(int64_t)code, any, ARRAY_SIZE(any))))
		put(c, s);
	else
		putf(c, "%d", code);
}

/* The signal t is about to take: "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR,
 * si_addr=NULL} ---", as strace shows a delivery. */
void trace_signal(struct task *t, int sig, const struct sigrec *r)
{
	struct call *c = kmalloc(sizeof(*c));
	if (!c)
		return;
	int code = r->code, pid = r->pid;
	c->len = 0;
	putf(c, "[pid %d r%d] --- ", t->pid, t->ring);
	put_signal(c, (uint64_t)sig);
	put(c, " {si_signo=");
	put_signal(c, (uint64_t)sig);
	put(c, ", si_code=");
	put_si_code(c, sig, code);
	if (is_fault(sig) && code > 0) {
		put(c, ", si_addr=");
		put_addr(c, r->data);
	} else if (sig == 17 && code >= 1 && code <= 3) {
		putf(c, ", si_pid=%d, si_uid=%d, si_status=", pid, r->uid);
		code == 1 ? putf(c, "%d", r->status) : put_signal(c, (uint64_t)r->status);
		put(c, ", si_utime=0, si_stime=0");
	} else if (code <= 0) {
		putf(c, ", si_pid=%d, si_uid=%d", pid, r->uid);
	}
	put(c, "} ---");
	put_newline(c);
	emit(t->traced, c->buf, c->len);
	kfree(c);
}

void trace_exit(struct task *t, int status)
{
	if (!t->traced)
		return;
	char line[96];
	int n;
	if (status & 0x7f)
		n = snprintf(line, sizeof(line), "[pid %d r%d] +++ killed by %s%s +++\n", t->pid, t->ring,
			     (status & 0x7f) < 32 ? signames[status & 0x7f] : "a real-time signal",
			     status & 0x80 ? " (core dumped)" : "");
	else
		n = snprintf(line, sizeof(line), "[pid %d r%d] +++ exited with %d +++\n", t->pid, t->ring,
			     (status >> 8) & 0xff);
	emit(t->traced, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	trace_drop(t);
}
