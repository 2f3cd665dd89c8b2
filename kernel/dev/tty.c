/* tty.c: /dev/console and /dev/tty, the serial console as a terminal. Owns the console's
 * line discipline state (termios, window size, foreground process group), moving received
 * bytes from the console's receive queue (console.c) into the line discipline in the
 * reader's context, and only as many as the reader needs (one line in canonical mode), so
 * that whatever is typed after stays in the queue for the shell's own line editor; the
 * signal characters typed while a program runs in the foreground (taken at interrupt time,
 * pending input discarded, SIGINT/SIGQUIT/SIGTSTP to the foreground group; a second ^C
 * within a second is SIGKILL, with a line saying so; in raw mode, a ^C while the last one
 * is still unread); blocking reads
 * (VMIN/VTIME in raw mode, O_NONBLOCK); output through OPOST/ONLCR; the tty ioctls, with
 * the controlling terminal's (TIOCSCTTY, TIOCNOTTY: which process has the console as its
 * controlling terminal is struct task's ctty, kept by pgrp.c); poll readiness. Does not own the UART (serial.c) or the line editing rules (ldisc.c). */
#include "vfs.h"
#include "tty.h"
#include "console.h"
#include "lib.h"
#include "uaccess.h"
#include <asm/ioctls.h>
#include <asm/termios.h>

#define SIGHUP 1
#define SIGINT 2
#define SIGQUIT 3
#define SIGKILL 9
#define SIGTSTP 20
#define SIGTTIN 21
#define SIGTTOU 22
#define SIGCONT 18
#define SI_KERNEL 0x80

static struct ldisc con;
static bool con_ready;
/* The console's session (the shell's running program leads one) and its foreground group
 * (TIOCSPGRP). */
static int con_sid, con_pgrp;
static struct winsize con_winsize = {.ws_row = 24, .ws_col = 80};

static void con_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	while (n--)
		serial_putc((uint8_t)*s++);
}

void tty_init(void)
{
	if (con_ready)
		return;
	ldisc_init(&con, con_out, NULL);
	con_ready = true;
}

struct ldisc *tty_console_ldisc(void)
{
	tty_init();
	return &con;
}

static uint64_t last_intr_ns; /* the last ^C, for the second one within a second */

/* The console is the caller's controlling terminal: its session owns the console and the
 * caller has not given it up (TIOCNOTTY). */
static bool has_ctty(void)
{
	return con_sid > 0 && current_sid() == con_sid && current_ctty();
}

void tty_set_foreground(int sid, int pgid)
{
	con_sid = sid;
	con_pgrp = pgid;
	last_intr_ns = 0;
}

static int sig_of(int r)
{
	return r == LD_SIGINT ? SIGINT : r == LD_SIGQUIT ? SIGQUIT : SIGTSTP;
}

/* sig to the foreground group; when it has no process left, to the shell's program. With
 * why, a SIGKILL is announced on the console. */
static void send_foreground(int sig, const char *why)
{
	if (con_pgrp > 0 && !pgrp_kill(con_pgrp, sig, SI_KERNEL, 0)) {
		if (why)
			printk("[console] %s: SIGKILL to process group %d\n", why, con_pgrp);
		return;
	}
	int pid = console_foreground_pid();
	if (pid > 0 && !signal_send(pid, sig) && why)
		printk("[console] %s: SIGKILL to pid %d\n", why, pid);
}

/* A second ^C within a second of the first sends SIGKILL instead: no program keeps the
 * console by ignoring or blocking SIGINT. */
static void raise_sig(int r)
{
	int sig = sig_of(r);
	if (sig == SIGINT) {
		uint64_t now = time_monotonic_ns();
		bool twice = last_intr_ns && now - last_intr_ns < 1000000000ULL;
		last_intr_ns = twice ? 0 : now;
		if (twice) {
			send_foreground(SIGKILL, "second ^C within a second");
			return;
		}
	}
	send_foreground(sig, NULL);
}

/* With ISIG off (raw mode) ^C is the program's byte; a second one while the first still
 * waits unread means the program does not read the console: SIGKILL, so that no program
 * keeps the console by turning ISIG off either. A program that reads gets both. */
static bool raw_intr(uint8_t c)
{
	if (c != 0x03 || console_foreground_pid() <= 0)
		return false;
	if (!console_rx_holds(c) && !ldisc_holds(&con, c))
		return false;
	console_rx_flush();
	ldisc_flush(&con);
	send_foreground(SIGKILL, "^C twice, unread (the terminal is in raw mode)");
	return true;
}

bool tty_rx_intercept(uint8_t c)
{
	if (!con_ready || !c)
		return false;
	if (!(con.t.c_lflag & ISIG))
		return raw_intr(c);
	if (c != con.t.c_cc[VINTR] && c != con.t.c_cc[VQUIT] && c != con.t.c_cc[VSUSP])
		return false;
	if (console_foreground_pid() <= 0)
		return false; /* the shell is reading: it gets the byte */
	int r = ldisc_input(&con, c);
	if (!(con.t.c_lflag & NOFLSH))
		console_rx_flush();
	if (r)
		raise_sig(r);
	waitq_wake_all(&console_rx_wq);
	pollhead_wake(&console_pollers);
	return true;
}

/* Feeds received bytes to the line discipline until a read of `want` bytes could be
 * satisfied. Interrupts disabled. */
static void pump(size_t want)
{
	while (ldisc_wants_input(&con, want)) {
		int c = console_rx_pop();
		if (c < 0)
			break;
		int r = ldisc_input(&con, (uint8_t)c);
		if (r)
			raise_sig(r);
	}
}

/* A background group of the console's session reads (sig SIGTTIN) or writes with TOSTOP,
 * changes the terminal's settings or foreground group (SIGTTOU): sig to its group and the
 * call restarts once it is continued. Linux's order (tty_check_change): a caller that
 * ignores or blocks sig goes on (EIO for a read); an orphaned group gets EIO (nobody would
 * continue it). 0: the call goes on. */
static long job_check(int sig)
{
	int pg = current_pgid();
	if (!has_ctty() || pg == con_pgrp || !pgrp_exists(con_pgrp, con_sid))
		return 0;
	if (signal_ignored_or_blocked(sig))
		return sig == SIGTTIN ? -EIO : 0;
	if (pgrp_orphaned(pg))
		return -EIO;
	pgrp_kill(pg, sig, SI_KERNEL, 0);
	return -ERESTARTSYS;
}

static long tty_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	char kbuf[512];
	long bg = job_check(SIGTTIN);
	if (bg)
		return bg;
	if (n == 0)
		return 0;
	n = MIN(n, sizeof(kbuf));
	uint64_t irq = irq_save();
	uint64_t deadline = 0;
	bool timed_out = false;
	for (;;) {
		bool canon = ldisc_canonical(&con);
		size_t vmin = con.t.c_cc[VMIN], vtime = con.t.c_cc[VTIME];
		pump(canon ? 1 : n);
		if (canon) {
			if (ldisc_readable(&con))
				break;
		} else {
			size_t avail = ldisc_avail(&con);
			if (timed_out || (vmin == 0 && vtime == 0) || (vmin == 0 && avail > 0) ||
			    (vmin > 0 && avail >= MIN(vmin, n)))
				break;
			if (vtime && !deadline && (vmin == 0 || avail > 0))
				deadline = time_monotonic_ns() + vtime * 100000000ULL;
		}
		if (f->flags & O_NONBLOCK) {
			irq_restore(irq);
			return -EAGAIN;
		}
		long err = deadline ? waitq_sleep_until(&console_rx_wq, deadline) : waitq_sleep(&console_rx_wq);
		if (err == -ETIMEDOUT || (deadline && time_monotonic_ns() >= deadline)) {
			timed_out = true;
		} else if (err) {
			irq_restore(irq);
			return err;
		}
	}
	size_t k = ldisc_read(&con, kbuf, n);
	irq_restore(irq);
	if (k && copy_to_user(ubuf, kbuf, k))
		return -EFAULT;
	return (long)k;
}

static long tty_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)f, (void)pos;
	char kbuf[256];
	size_t done = 0;
	if (con.t.c_lflag & TOSTOP) {
		long bg = job_check(SIGTTOU);
		if (bg)
			return bg;
	}
	while (done < n) {
		size_t k = MIN(n - done, sizeof(kbuf));
		if (wsrc_copy(kbuf, src, done, k))
			return done ? (long)done : -EFAULT;
		ldisc_output(&con.t, kbuf, k, con_out, NULL);
		done += k;
	}
	return (long)done;
}

static unsigned int tty_poll(struct file *f)
{
	(void)f;
	poll_wait_on(&console_pollers);
	pump(1);
	return (ldisc_readable(&con) ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

/* TIOCSCTTY, Linux's rules: a session leader that has the console already: 0; anyone else
 * but a session leader without a controlling terminal: EPERM; a console that is still
 * another session's (its leader lives): EPERM (Linux lets CAP_SYS_ADMIN take it with
 * arg 1; not done here); else the console becomes the session's, its group in front. */
static long set_ctty(void)
{
	int sid = current_sid();
	bool leader = sid == current_tgid();
	if (leader && con_sid == sid)
		return 0;
	if (!leader)
		return -EPERM;
	if (con_sid > 0 && con_sid != sid && session_leader_alive(con_sid))
		return -EPERM;
	con_sid = sid;
	con_pgrp = current_pgid();
	ctty_set(0, true);
	return 0;
}

/* TIOCNOTTY: the caller gives the console up (ENOTTY when it is not its terminal); when the
 * session leader does, the whole session loses it and the foreground group gets SIGHUP,
 * then SIGCONT (Linux's disassociate_ctty). */
static long give_up_ctty(void)
{
	if (!has_ctty())
		return -ENOTTY;
	if (current_sid() != current_tgid()) {
		ctty_set(0, false);
		return 0;
	}
	int pg = con_pgrp, sid = con_sid;
	con_sid = con_pgrp = 0;
	ctty_set(sid, false);
	if (pg > 0) {
		pgrp_kill(pg, SIGHUP, SI_KERNEL, 0);
		pgrp_kill(pg, SIGCONT, SI_KERNEL, 0);
	}
	return 0;
}

static long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	(void)f;
	switch (cmd) {
	case TCGETS:
		return copy_to_user(arg, &con.t, sizeof(con.t)) ? -EFAULT : 0;
	case TCSETS:
	case TCSETSW:
	case TCSETSF: {
		struct termios t;
		long bg = job_check(SIGTTOU);
		if (bg)
			return bg;
		if (copy_from_user(&t, arg, sizeof(t)))
			return -EFAULT;
		uint64_t irq = irq_save();
		if (cmd == TCSETSF) {
			ldisc_flush(&con);
			console_rx_flush();
		}
		ldisc_set_termios(&con, &t);
		irq_restore(irq);
		waitq_wake_all(&console_rx_wq);
		pollhead_wake(&console_pollers);
		return 0;
	}
	case TIOCGWINSZ:
		return copy_to_user(arg, &con_winsize, sizeof(con_winsize)) ? -EFAULT : 0;
	case TIOCSWINSZ:
		return copy_from_user(&con_winsize, arg, sizeof(con_winsize)) ? -EFAULT : 0;
	case TIOCGPGRP:
	case TIOCGSID: {
		int v = cmd == TIOCGPGRP ? con_pgrp : con_sid;
		if (v <= 0 || !has_ctty())
			return -ENOTTY; /* not the caller's controlling terminal */
		return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
	}
	case TIOCSPGRP: {
		int pg;
		long bg = job_check(SIGTTOU);
		if (bg)
			return bg == -EIO ? -ENOTTY : bg; /* Linux's answer for an orphaned caller */
		if (!has_ctty())
			return -ENOTTY;
		if (copy_from_user(&pg, arg, sizeof(pg)))
			return -EFAULT;
		if (pg < 0)
			return -EINVAL;
		if (!pgrp_exists(pg, 0))
			return -ESRCH;
		if (!pgrp_exists(pg, con_sid))
			return -EPERM;
		con_pgrp = pg;
		return 0;
	}
	case FIONREAD: {
		uint64_t irq = irq_save();
		int n = (int)(ldisc_avail(&con) + console_rx_count());
		irq_restore(irq);
		return copy_to_user(arg, &n, sizeof(n)) ? -EFAULT : 0;
	}
	case TCFLSH: {
		long bg = job_check(SIGTTOU);
		if (bg)
			return bg;
		if (arg == TCIFLUSH || arg == TCIOFLUSH) {
			uint64_t irq = irq_save();
			ldisc_flush(&con);
			console_rx_flush();
			irq_restore(irq);
		} else if (arg != TCOFLUSH) {
			return -EINVAL;
		}
		return 0;
	}
	case TCSBRK:
	case TCXONC:
		return 0; /* nothing to drain or to pause: output is written as it comes */
	case TIOCSCTTY:
		return set_ctty();
	case TIOCNOTTY:
		return give_up_ctty();
	default:
		return -ENOTTY;
	}
}

const struct file_ops tty_fops = {
	.read = tty_read, .write = tty_write, .ioctl = tty_ioctl, .poll = tty_poll,
};
