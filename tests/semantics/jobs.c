/* jobs: process groups, sessions and job control (issue 10, item 9). The test runs in a
 * child that starts its own session, so the host's and ringzero's starting points agree.
 *
 *   ids        getpgid/getsid/getpgrp of the caller and of other pids (ESRCH for none);
 *              fork inherits group and session; setpgid's rules: EINVAL for a negative
 *              group, ESRCH for a process that is not the caller or its child, EPERM for a
 *              session leader, a group of another session, a child in another session,
 *              EACCES for a child that ran execve; setsid is EPERM for a group leader, a
 *              new session otherwise
 *   kill-group kill(-pgid) reaches exactly the processes of the group, kill(0) exactly the
 *              caller's group (the caller too), kill(-1, 0) succeeds, an empty group ESRCH;
 *              waitpid(-pgid), waitpid(0) and waitid(P_PGID) choose by group
 *   stop-cont  SIGSTOP/SIGTSTP stop a child (it does not run), wait4 with WUNTRACED reports
 *              0x7f | sig << 8 once, SIGCONT resumes it (WCONTINUED: 0xffff), the parent's
 *              SIGCHLD says CLD_STOPPED/CLD_CONTINUED (none with SA_NOCLDSTOP), waitid
 *              reports CLD_STOPPED; SIGCONT discards a pending stop signal and a stop
 *              signal a pending SIGCONT
 *   kill-stopped SIGKILL ends a stopped child
 *   orphan     orphaned process groups, as Linux: SIGTSTP/SIGTTIN/SIGTTOU to a process of an
 *              orphaned group (the test's own: it leads its session) are discarded, not
 *              left pending, SIGSTOP still stops it; a group left orphaned by its link's
 *              exit (the parent of its leader, then a member whose parent is outside the
 *              group) with a stopped member: each member gets SIGHUP, then SIGCONT (which
 *              ends the stop); a group left orphaned with no stopped member gets nothing
 *
 * The console modes, for tests/qemu/test_jobs.py (and the host in a pseudo-terminal): the
 * program must lead its session with the terminal as its controlling one (the kernel shell
 * gives every program that), and someone types what it asks for:
 *   jobs --console     a small job-control shell's steps: a child in the foreground stopped
 *                      by ^Z (SIGTSTP, WUNTRACED), continued in the foreground (SIGCONT,
 *                      WCONTINUED) and ended by ^C (SIGINT: status 130); a background read
 *                      stops the reader (SIGTTIN), one ignoring SIGTTIN gets EIO, and so does
 *                      a reader in an orphaned group; a background write stops the writer
 *                      (SIGTTOU) with TOSTOP only, unless it ignores SIGTTOU, a background
 *                      tcsetpgrp always; TIOCSCTTY from the session leader that
 *                      already has the terminal 0, from another process EPERM; TIOCGPGRP and
 *                      TIOCGSID; TIOCNOTTY from a member (only it loses the terminal) and
 *                      from the leader (SIGHUP and SIGCONT to the foreground group, the
 *                      session loses it), then TIOCSCTTY takes it back; each step prints
 *                      "jobs: console: STEP ok"
 *   jobs --ignore-int  ignores SIGINT and echoes each line read ("jobs: still here: LINE")
 *                      until killed: the kernel's double ^C must end it
 *   jobs --block-int   the same with SIGINT blocked (sigprocmask) instead
 *   jobs --raw         turns ISIG off (raw mode), prints each byte read ("jobs: raw: byte N")
 *                      until q, then reads no more: two unread ^C make the kernel kill it
 *
 * Usage: jobs            the test
 *        jobs --pause    (after execve, for EACCES) sleeps until killed */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

static const char *self;

static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void sleeper(void)
{
	for (;;)
		pause();
}

/* A child that pauses until a signal ends it; in group pgid (-1: stays in ours). */
static pid_t spawn_in(pid_t pgid)
{
	pid_t p = fork();
	if (p == 0) {
		if (pgid >= 0)
			setpgid(0, pgid);
		sleeper();
	}
	if (p > 0 && pgid >= 0)
		setpgid(p, pgid ? pgid : p); /* both sides, as shells do: no race */
	return p;
}

static int reap(pid_t p)
{
	int st = -1;
	CHECK(waitpid(p, &st, 0) == p, "waitpid %d", p);
	return st;
}

static void ids(void)
{
	pid_t me = getpid();
	CHECK_EQ(getsid(0), me);
	CHECK_EQ(getpgid(0), me);
	CHECK_EQ(getpgrp(), me);
	CHECK_EQ(getpgid(me), me);
	errno = 0;
	CHECK(getpgid(0x3ffffff0) == -1 && errno == ESRCH, "getpgid of nobody");
	errno = 0;
	CHECK(getsid(0x3ffffff0) == -1 && errno == ESRCH, "getsid of nobody");
	errno = 0;
	CHECK(setsid() == -1 && errno == EPERM, "setsid of a group leader");
	errno = 0;
	CHECK(setpgid(0, 0) == -1 && errno == EPERM, "setpgid of a session leader");
	errno = 0;
	CHECK(setpgid(0, -5) == -1 && errno == EINVAL, "negative group");
	errno = 0;
	CHECK(setpgid(1, 0) == -1 && errno == ESRCH, "setpgid of a non-child");
	errno = 0;
	CHECK(setpgid(0x3ffffff0, 0) == -1 && errno == ESRCH, "setpgid of nobody");

	int pp[2], qq[2];
	CHECK(pipe(pp) == 0 && pipe(qq) == 0, "pipe");
	pid_t c = fork();
	if (c == 0) { /* a child: inherits, may make its own group, then cannot setsid */
		char b;
		int bad = getpgrp() != me || getsid(0) != me;
		bad |= setpgid(0, 0) != 0 || getpgrp() != getpid();
		bad |= setsid() != -1 || errno != EPERM;
		bad |= write(pp[1], "x", 1) != 1;
		bad |= read(qq[0], &b, 1) != 1; /* the parent has moved us back */
		bad |= getpgrp() != me;
		_exit(bad);
	}
	char b;
	CHECK(read(pp[0], &b, 1) == 1, "child ready");
	CHECK_EQ(getpgid(c), c);
	CHECK_EQ(getsid(c), me);
	errno = 0;
	CHECK(setpgid(c, 0x3ffffff0) == -1 && errno == EPERM, "a group that does not exist");
	CHECK(setpgid(c, me) == 0, "moving a child into our group");
	CHECK_EQ(getpgid(c), me);
	CHECK(write(qq[1], "y", 1) == 1, "go");
	CHECK_EQ(reap(c), 0);
	close(pp[0]);
	close(pp[1]);
	close(qq[0]);
	close(qq[1]);

	/* a child in a session of its own: setsid works, setpgid by the parent EPERM */
	CHECK(pipe(pp) == 0, "pipe");
	c = fork();
	if (c == 0) {
		int bad = setsid() != getpid() || getsid(0) != getpid() || getpgrp() != getpid();
		bad |= write(pp[1], "x", 1) != 1;
		sleeper();
	}
	CHECK(read(pp[0], &b, 1) == 1, "child ready");
	CHECK_EQ(getsid(c), c);
	errno = 0;
	CHECK(setpgid(c, c) == -1 && errno == EPERM, "a child in another session");
	errno = 0;
	CHECK(setpgid(c, me) == -1 && errno == EPERM, "a child in another session");
	kill(c, SIGKILL);
	reap(c);
	close(pp[0]);
	close(pp[1]);

	/* a child that ran execve: EACCES (the pipe closes at its execve) */
	CHECK(pipe2(pp, O_CLOEXEC) == 0, "pipe");
	c = fork();
	if (c == 0) {
		execl(self, self, "--pause", (char *)0);
		_exit(127);
	}
	close(pp[1]);
	CHECK(read(pp[0], &b, 1) == 0, "child execve'd");
	errno = 0;
	CHECK(setpgid(c, c) == -1 && errno == EACCES, "setpgid after execve");
	kill(c, SIGKILL);
	reap(c);
	close(pp[0]);
}

static volatile sig_atomic_t usr2_seen, chld_code, chld_status, chld_count;

static void on_usr2(int s) { (void)s; usr2_seen++; }

static void kill_group(void)
{
	usr2_seen = 0;
	signal(SIGUSR2, on_usr2);
	pid_t a = spawn_in(0);
	pid_t b = spawn_in(a);
	pid_t other = spawn_in(-1);
	CHECK_EQ(getpgid(a), a);
	CHECK_EQ(getpgid(b), a);
	CHECK_EQ(getpgid(other), getpid());
	CHECK(kill(-a, SIGUSR1) == 0, "kill(-pgid)");
	int st = -1, got = 0;
	for (int i = 0; i < 2; i++) {
		pid_t w = waitpid(-a, &st, 0);
		CHECK(w == a || w == b, "waitpid(-pgid) %d", w);
		CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "status %#x", st);
		got |= w == a ? 1 : w == b ? 2 : 0;
	}
	CHECK_EQ(got, 3);
	errno = 0;
	CHECK(waitpid(-a, &st, WNOHANG) == -1 && errno == ECHILD, "the group has no child left");
	CHECK_EQ(waitpid(other, &st, WNOHANG), 0); /* not reached */
	errno = 0;
	CHECK(kill(-a, 0) == -1 && errno == ESRCH, "an empty group");
	CHECK(kill(-1, 0) == 0, "kill(-1, 0)");

	/* kill(0): a child leading a group of three signals its group; we are not in it */
	pid_t d = fork();
	if (d == 0) {
		setpgid(0, 0);
		signal(SIGUSR2, SIG_DFL); /* the children die of it */
		pid_t e = spawn_in(-1), f = spawn_in(-1);
		signal(SIGUSR2, on_usr2);
		usr2_seen = 0;
		int bad = kill(0, SIGUSR2) != 0;
		for (int i = 0; i < 200 && !usr2_seen; i++)
			nap(5);
		bad |= usr2_seen != 1;
		for (int i = 0; i < 2; i++) {
			int s2 = 0;
			pid_t w = waitpid(0, &s2, 0); /* our group */
			bad |= (w != e && w != f) || !WIFSIGNALED(s2) || WTERMSIG(s2) != SIGUSR2;
		}
		_exit(bad);
	}
	setpgid(d, d);
	CHECK_EQ(reap(d), 0);
	CHECK_EQ(usr2_seen, 0);

	/* waitid(P_PGID) takes only the group's children */
	pid_t g = spawn_in(0);
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PGID, g, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0, "nothing ended yet");
	kill(other, SIGTERM);
	kill(g, SIGTERM);
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PGID, g, &si, WEXITED) == 0 && si.si_pid == g, "waitid P_PGID %d", si.si_pid);
	CHECK_EQ(reap(other), SIGTERM);
	signal(SIGUSR2, SIG_DFL);
}

static void on_chld(int s, siginfo_t *si, void *uc)
{
	(void)s, (void)uc;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_count++;
}

static void catch_chld(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | flags;
	sigaction(SIGCHLD, &sa, NULL);
	chld_count = chld_code = chld_status = 0;
}

static void wait_chld(int n)
{
	for (int i = 0; i < 400 && chld_count < n; i++)
		nap(5);
}

static void stop_cont(void)
{
	volatile long *counter = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(counter != MAP_FAILED, "mmap");
	if (counter == MAP_FAILED)
		return;
	catch_chld(0);
	pid_t c = fork(); /* in a group of its own: Linux drops SIGTSTP in an orphaned group */
	if (c == 0) {
		setpgid(0, 0);
		for (;;)
			(*counter)++;
	}
	setpgid(c, c);
	nap(50);
	CHECK(kill(c, SIGSTOP) == 0, "SIGSTOP");
	int st = -1;
	CHECK(waitpid(c, &st, WUNTRACED) == c, "wait for the stop");
	CHECK_EQ(st, 0x7f | SIGSTOP << 8);
	CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "status %#x", st);
	wait_chld(1);
	CHECK_EQ(chld_code, CLD_STOPPED);
	CHECK_EQ(chld_status, SIGSTOP);
	CHECK_EQ(waitpid(c, &st, WUNTRACED | WNOHANG), 0); /* reported once */
	long before = *counter;
	nap(100);
	CHECK(*counter == before, "a stopped child ran: %ld -> %ld", before, *counter);
	CHECK(kill(c, SIGCONT) == 0, "SIGCONT");
	st = -1;
	CHECK(waitpid(c, &st, WCONTINUED) == c, "wait for the continue");
	CHECK_EQ(st, 0xffff);
	CHECK(WIFCONTINUED(st), "status %#x", st);
	wait_chld(2);
	CHECK_EQ(chld_code, CLD_CONTINUED);
	CHECK_EQ(chld_status, SIGCONT);
	nap(100);
	CHECK(*counter != before, "the continued child does not run");

	/* SIGTSTP, seen through waitid */
	CHECK(kill(c, SIGTSTP) == 0, "SIGTSTP");
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, c, &si, WSTOPPED) == 0, "waitid WSTOPPED");
	CHECK(si.si_pid == c && si.si_code == CLD_STOPPED && si.si_status == SIGTSTP, "code %d status %d",
	      si.si_code, si.si_status);
	kill(c, SIGCONT);
	memset(&si, 0, sizeof(si));
	CHECK(waitid(P_PID, c, &si, WCONTINUED) == 0, "waitid WCONTINUED");
	CHECK(si.si_code == CLD_CONTINUED && si.si_status == SIGCONT, "code %d status %d", si.si_code, si.si_status);

	/* SA_NOCLDSTOP: the stop is reported by wait, but no SIGCHLD comes */
	catch_chld(SA_NOCLDSTOP);
	kill(c, SIGSTOP);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st), "stop %#x", st);
	nap(50);
	CHECK_EQ(chld_count, 0);
	kill(c, SIGCONT);
	CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "continue %#x", st);
	kill(c, SIGKILL);
	CHECK_EQ(reap(c), SIGKILL);
	signal(SIGCHLD, SIG_DFL);
	munmap((void *)counter, 4096);

	/* pending stop signals and SIGCONT discard each other */
	pid_t d = fork();
	if (d == 0) {
		sigset_t set, p;
		sigemptyset(&set);
		sigaddset(&set, SIGTSTP);
		sigaddset(&set, SIGCONT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		kill(getpid(), SIGTSTP);
		sigpending(&p);
		int bad = !sigismember(&p, SIGTSTP);
		kill(getpid(), SIGCONT);
		sigpending(&p);
		bad |= sigismember(&p, SIGTSTP) ? 2 : 0;
		bad |= !sigismember(&p, SIGCONT) ? 4 : 0;
		kill(getpid(), SIGTSTP);
		sigpending(&p);
		bad |= sigismember(&p, SIGCONT) ? 8 : 0;
		_exit(bad);
	}
	st = -1;
	CHECK(waitpid(d, &st, 0) == d && WIFEXITED(st) && WEXITSTATUS(st) == 0, "discarding: %#x", st);
}

static void kill_stopped(void)
{
	pid_t c = spawn_in(0);
	int st = -1;
	kill(c, SIGTSTP);
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "stop %#x", st);
	kill(c, SIGTERM); /* stays pending while stopped */
	nap(50);
	CHECK_EQ(waitpid(c, &st, WNOHANG), 0);
	kill(c, SIGKILL);
	CHECK_EQ(reap(c), SIGKILL);
}

static int answer_fd;

/* Whether sig is pending for the caller. */
static int is_pending(int sig)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, sig);
}

/* Whether a terminal stop signal is pending, written to answer_fd: the answer to a real-time
 * signal, which comes after the lower-numbered stop signals. */
static void on_rt(int s)
{
	(void)s;
	char r = is_pending(SIGTSTP) || is_pending(SIGTTIN) || is_pending(SIGTTOU) ? 'p' : 'k';
	if (write(answer_fd, &r, 1) != 1)
		_exit(3);
}

/* The test's group is orphaned (it leads its session; its parent is in another): a child in
 * it takes no terminal stop signal, and none stays pending. */
static void orphan_stops(void)
{
	int pp[2];
	CHECK(pipe(pp) == 0, "pipe");
	pid_t c = fork();
	if (c == 0) {
		answer_fd = pp[1];
		signal(SIGRTMIN + 1, on_rt);
		if (write(pp[1], "r", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	char ready = 0;
	CHECK(read(pp[0], &ready, 1) == 1 && ready == 'r', "child ready");
	int stops[] = {SIGTSTP, SIGTTIN, SIGTTOU};
	for (int i = 0; i < 3; i++) {
		CHECK(kill(c, stops[i]) == 0, "kill %d", stops[i]);
		CHECK(kill(c, SIGRTMIN + 1) == 0, "kill SIGRTMIN+1");
		struct pollfd pf = {pp[0], POLLIN, 0};
		char r = 0;
		/* 10 s: only a stopped child (the failure) would take that long */
		CHECK(poll(&pf, 1, 10000) == 1 && read(pp[0], &r, 1) == 1, "signal %d in an orphaned group: no answer (stopped?)",
		      stops[i]);
		CHECK(r == 'k', "signal %d left pending in an orphaned group (%c)", stops[i], r);
		int st = 0;
		CHECK_EQ(waitpid(c, &st, WUNTRACED | WNOHANG), 0);
	}
	kill(c, SIGCONT); /* (a kernel that stopped it: a new stop to report, not a hang) */
	CHECK(kill(c, SIGSTOP) == 0, "SIGSTOP");
	int st = -1;
	CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "SIGSTOP still stops: %#x",
	      st);
	kill(c, SIGKILL);
	CHECK_EQ(reap(c), SIGKILL);
	close(pp[0]);
	close(pp[1]);
}

/* What a member of the group got: H (SIGHUP), C (SIGCONT), in the order of the letters (the
 * order the handlers run in is not what is checked: Linux sets up both frames at once, so
 * SIGCONT's handler runs first, inside SIGHUP's). */
struct seen {
	volatile int hup[2], cont[2];
	volatile pid_t pid[2];
};
static struct seen *seen;
static int seen_slot;

static void on_hupcont(int s)
{
	if (s == SIGHUP)
		seen->hup[seen_slot]++;
	else
		seen->cont[seen_slot]++;
}

static void got(int slot, char *out)
{
	int k = 0;
	for (int i = 0; i < seen->hup[slot] && k < 6; i++)
		out[k++] = 'H';
	for (int i = 0; i < seen->cont[slot] && k < 6; i++)
		out[k++] = 'C';
	out[k] = 0;
}

static void member(int slot)
{
	seen_slot = slot;
	seen->pid[slot] = getpid();
	signal(SIGHUP, on_hupcont);
	signal(SIGCONT, on_hupcont);
}

/* A group G = {C, D}, D a child of C, C a child of P in the test's group: P links G to the
 * session. how 0: P ends (with stop, once C stopped itself); how 1: C ends (with stop, once D
 * stopped itself), and with it G's last link. want_c, want_d: what each logs (C's empty when
 * it is gone). */
static void orphan_case(int how, int stop, const char *want_c, const char *want_d)
{
	memset((void *)seen, 0, sizeof(*seen));
	pid_t p = fork();
	if (p == 0) { /* P, in the test's group */
		pid_t c = fork();
		if (c == 0) { /* C: leads G */
			setpgid(0, 0);
			member(0);
			pid_t d = fork();
			if (d == 0) { /* D */
				member(1);
				if (how == 1 && stop)
					kill(getpid(), SIGSTOP);
				for (;;)
					pause();
			}
			int st;
			if (how == 1 && stop)
				waitpid(d, &st, WUNTRACED);
			while (!seen->pid[1])
				nap(1);
			if (how == 1)
				_exit(0); /* G orphaned: D's parent is now outside the session */
			if (stop)
				kill(getpid(), SIGSTOP);
			for (;;)
				pause();
		}
		setpgid(c, c);
		int st = 0;
		if (how == 1)
			_exit(waitpid(c, &st, 0) != c || st != 0);
		if (stop)
			waitpid(c, &st, WUNTRACED);
		while (!seen->pid[1])
			nap(1);
		_exit(0); /* G orphaned: C's parent is gone, D's is in G */
	}
	int st = -1;
	CHECK(waitpid(p, &st, 0) == p && st == 0, "P: %#x", st);
	char c_got[8], d_got[8];
	for (int i = 0; i < 500; i++) {
		got(0, c_got);
		got(1, d_got);
		if (strlen(c_got) >= strlen(want_c) && strlen(d_got) >= strlen(want_d))
			break;
		nap(10);
	}
	if (!*want_c && !*want_d)
		nap(200); /* nothing should come: give it the chance to */
	got(0, c_got);
	got(1, d_got);
	CHECK(!strcmp(c_got, want_c), "case %d%s: C got '%s', not '%s'", how, stop ? " stopped" : "", c_got, want_c);
	CHECK(!strcmp(d_got, want_d), "case %d%s: D got '%s', not '%s'", how, stop ? " stopped" : "", d_got, want_d);
	if (seen->pid[1] > 0)
		kill(-seen->pid[0], SIGKILL); /* G's id is C's pid */
}

static void orphan(void)
{
	orphan_stops();
	seen = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(seen != MAP_FAILED, "mmap");
	if (seen == MAP_FAILED)
		return;
	/* P, the parent of C, leaves: G orphaned with C stopped: SIGHUP, SIGCONT to C and D */
	orphan_case(0, 1, "HC", "HC");
	/* the same without a stopped member: nothing */
	orphan_case(0, 0, "", "");
	/* C (the member whose parent is outside G) leaves, D stopped: SIGHUP, SIGCONT to D */
	orphan_case(1, 1, "", "HC");
	munmap(seen, 4096);
}

/* --- the console modes ------------------------------------------------------------------- */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("jobs: console: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static int con_fail, step_fail;

/* "STEP ok" when nothing failed since the last step, else "STEP FAILED". */
static void step_done(const char *step)
{
	say("%s %s", step, con_fail == step_fail ? "ok" : "FAILED");
	step_fail = con_fail;
}
#define CON_CHECK(cond, ...) do { if (!(cond)) { con_fail++; say("FAIL line %d: " #cond, __LINE__); say(__VA_ARGS__); } } while (0)

/* A child in a group of its own (both sides set it, as shells do). */
static pid_t job(void (*body)(void))
{
	pid_t c = fork();
	if (c == 0) {
		setpgid(0, 0);
		/* as a shell does for a job: the defaults, whatever we inherited ignored (a
		 * background make ignores SIGINT) */
		int sigs[] = {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
		for (int i = 0; i < 5; i++)
			signal(sigs[i], SIG_DFL);
		body();
		_exit(0);
	}
	setpgid(c, c);
	return c;
}

static void body_pause(void)
{
	for (;;)
		pause();
}

static void body_read(void)
{
	char b[16];
	_exit(read(0, b, sizeof(b)) < 0 ? 10 + errno % 100 : 1);
}

static void body_read_ignoring(void)
{
	signal(SIGTTIN, SIG_IGN);
	body_read();
}

static void body_write(void)
{
	_exit(write(1, "jobs: console: (a background write)\n", 36) == 36 ? 0 : 10 + errno % 100);
}

static void body_write_ignoring(void)
{
	signal(SIGTTOU, SIG_IGN);
	body_write();
}

static void body_setpgrp(void)
{
	_exit(tcsetpgrp(0, getpgrp()) == 0 ? 0 : 10 + errno % 100);
}

/* A job that must stop with sig: it is, and is killed. */
static void stops_with(void (*body)(void), int sig, const char *what)
{
	int st = -1;
	pid_t c = job(body);
	CON_CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == sig, "%s: status %#x", what, st);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
}

static void exits_with(void (*body)(void), int code, const char *what)
{
	int st = -1;
	pid_t c = job(body);
	CON_CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == code, "%s: status %#x", what, st);
}

/* D, a child of a job's leader that ends at once: D's group is then orphaned. */
static void body_orphan_read(void)
{
	pid_t leader = getpid();
	pid_t d = fork();
	if (d == 0) {
		while (getppid() == leader)
			nap(5);
		char b[16];
		char r = read(0, b, sizeof(b)) < 0 && errno == EIO ? 'E' : 'x';
		_exit(write(answer_fd, &r, 1) != 1);
	}
	_exit(0);
}

static volatile sig_atomic_t hups, conts;
static void on_hupcont_count(int s)
{
	if (s == SIGHUP)
		hups++;
	else
		conts++;
}

static void console(void)
{
	pid_t me = getpid();
	signal(SIGTTOU, SIG_IGN); /* a shell's tcsetpgrp from the background */
	int v = -1;
	CON_CHECK(ioctl(0, TIOCGSID, &v) == 0 && v == me, "TIOCGSID %d (session %d)", v, me);
	CON_CHECK(tcgetpgrp(0) == me, "tcgetpgrp %d", tcgetpgrp(0));
	CON_CHECK(ioctl(0, TIOCSCTTY, 0) == 0, "TIOCSCTTY of our own terminal: errno %d", errno);
	step_done("ids");

	/* ^Z stops the foreground job; it is continued in the foreground; ^C ends it */
	pid_t c = job(body_pause);
	CON_CHECK(tcsetpgrp(0, c) == 0, "tcsetpgrp: errno %d", errno);
	CON_CHECK(tcgetpgrp(0) == c, "tcgetpgrp %d", tcgetpgrp(0));
	say("type ^Z");
	int st = -1;
	CON_CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "status %#x", st);
	CON_CHECK(tcsetpgrp(0, me) == 0, "tcsetpgrp back: errno %d", errno);
	say("stopped by SIGTSTP");
	CON_CHECK(tcsetpgrp(0, c) == 0 && kill(-c, SIGCONT) == 0, "fg: errno %d", errno);
	CON_CHECK(waitpid(c, &st, WCONTINUED) == c && WIFCONTINUED(st), "status %#x", st);
	say("continued; type ^C");
	CON_CHECK(waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "status %#x", st);
	tcsetpgrp(0, me);
	say("ended by SIGINT, status %d", WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st));
	step_done("fg");

	/* a background read: SIGTTIN stops the reader; ignoring it, EIO */
	c = job(body_read);
	CON_CHECK(waitpid(c, &st, WUNTRACED) == c && WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN, "status %#x", st);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	c = job(body_read_ignoring);
	CON_CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 10 + EIO, "status %#x", st);
	step_done("ttin");

	/* SIGTTOU: a background write with TOSTOP (not without), a background tcsetpgrp or
	 * tcsetattr (always); one that ignores SIGTTOU goes on */
	struct termios t, t0;
	CON_CHECK(tcgetattr(0, &t0) == 0, "tcgetattr: errno %d", errno);
	exits_with(body_write, 0, "a background write without TOSTOP");
	t = t0;
	t.c_lflag |= TOSTOP;
	CON_CHECK(tcsetattr(0, TCSANOW, &t) == 0, "TOSTOP: errno %d", errno);
	stops_with(body_write, SIGTTOU, "a background write with TOSTOP");
	exits_with(body_write_ignoring, 0, "a background write with TOSTOP, SIGTTOU ignored");
	CON_CHECK(tcsetattr(0, TCSANOW, &t0) == 0, "no TOSTOP: errno %d", errno);
	stops_with(body_setpgrp, SIGTTOU, "a background tcsetpgrp");
	step_done("ttou");

	/* a background read from an orphaned group: EIO */
	int pp[2];
	CON_CHECK(pipe(pp) == 0, "pipe");
	answer_fd = pp[1];
	c = job(body_orphan_read);
	close(pp[1]);
	CON_CHECK(waitpid(c, &st, 0) == c && st == 0, "status %#x", st);
	char r = 0;
	CON_CHECK(read(pp[0], &r, 1) == 1 && r == 'E', "the orphaned reader's read: %c (E: EIO)", r);
	close(pp[0]);
	step_done("orphan");

	/* TIOCSCTTY from a process that does not lead its session */
	pid_t k = fork();
	if (k == 0)
		_exit(ioctl(0, TIOCSCTTY, 0) == -1 && errno == EPERM ? 0 : 1);
	CON_CHECK(waitpid(k, &st, 0) == k && st == 0, "TIOCSCTTY from a non-leader: %#x", st);
	step_done("sctty");

	/* TIOCNOTTY from a process that does not lead the session: only it loses the terminal */
	k = fork();
	if (k == 0) {
		int bad = ioctl(0, TIOCNOTTY) != 0;
		errno = 0;
		bad |= (tcgetpgrp(0) != -1 || errno != ENOTTY) << 1;
		_exit(bad);
	}
	CON_CHECK(waitpid(k, &st, 0) == k && st == 0, "TIOCNOTTY from a non-leader: %#x", st);
	CON_CHECK(tcgetpgrp(0) == me, "the leader's terminal after a member's TIOCNOTTY: %d", tcgetpgrp(0));
	/* from the leader: the session loses it, the foreground group (ours) gets SIGHUP and
	 * SIGCONT; TIOCSCTTY takes it back */
	signal(SIGHUP, on_hupcont_count);
	signal(SIGCONT, on_hupcont_count);
	CON_CHECK(ioctl(0, TIOCNOTTY) == 0, "TIOCNOTTY: errno %d", errno);
	CON_CHECK(hups == 1 && conts == 1, "after TIOCNOTTY: %d SIGHUP, %d SIGCONT", hups, conts);
	errno = 0;
	CON_CHECK(tcgetpgrp(0) == -1 && errno == ENOTTY, "tcgetpgrp without a terminal: errno %d", errno);
	CON_CHECK(ioctl(0, TIOCSCTTY, 0) == 0, "TIOCSCTTY again: errno %d", errno);
	CON_CHECK(tcgetpgrp(0) == me, "tcgetpgrp after TIOCSCTTY: %d", tcgetpgrp(0));
	signal(SIGHUP, SIG_DFL);
	signal(SIGCONT, SIG_DFL);
	step_done("notty");
	say(con_fail ? "FAILED" : "all ok");
}

int main(int argc, char **argv)
{
	self = argv[0];
	if (argc == 2 && !strcmp(argv[1], "--pause"))
		sleeper();
	if (argc == 2 && !strcmp(argv[1], "--console")) {
		console();
		return con_fail != 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--raw")) {
		/* raw mode: reads bytes ("byte N") until q, then stops reading */
		struct termios t;
		tcgetattr(0, &t);
		t.c_lflag &= ~(ISIG | ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &t);
		printf("jobs: raw: reading\n");
		fflush(stdout);
		unsigned char b;
		while (read(0, &b, 1) == 1 && b != 'q') {
			printf("jobs: raw: byte %d\n", b);
			fflush(stdout);
		}
		printf("jobs: raw: not reading\n");
		fflush(stdout);
		sleeper();
	}
	if (argc == 2 && (!strcmp(argv[1], "--ignore-int") || !strcmp(argv[1], "--block-int"))) {
		int block = argv[1][2] == 'b';
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGINT);
		if (block)
			sigprocmask(SIG_BLOCK, &set, NULL);
		else
			signal(SIGINT, SIG_IGN);
		char line[128];
		printf("jobs: %s SIGINT\n", block ? "blocking" : "ignoring");
		fflush(stdout);
		while (fgets(line, sizeof(line), stdin)) {
			line[strcspn(line, "\n")] = 0;
			printf("jobs: still here: %s\n", line);
			fflush(stdout);
		}
		return 0;
	}
	fflush(stdout);
	pid_t t = fork();
	if (t > 0) { /* the test runs in a session of its own */
		int st = -1;
		waitpid(t, &st, 0);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
	}
	if (setsid() < 0) {
		printf("jobs: setsid failed (errno %d)\n", errno);
		return 1;
	}
	r0_start("jobs");
	R0_PART("ids", ids());
	R0_PART("kill-group", kill_group());
	R0_PART("stop-cont", stop_cont());
	R0_PART("kill-stopped", kill_stopped());
	R0_PART("orphan", orphan());
	R0_DONE();
}
