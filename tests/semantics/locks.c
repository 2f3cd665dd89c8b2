/* locks: advisory file locks (issue 10 item 1), as Linux has them. fcntl record locks
 * (F_GETLK/F_SETLK/F_SETLKW) seen from another process (type, range, l_pid), ranges split,
 * merged and converted in place, F_SETLKW sleeping until the holder unlocks, release when
 * the process closes any descriptor of the file and at exit; OFD locks (owned by the open
 * file description, l_pid -1, gone with its last descriptor); flock (shared/exclusive per
 * description, LOCK_NB, conversion, independent of fcntl locks, blocking); EDEADLK for a
 * two-process cycle; a signal ending F_SETLKW and flock with EINTR (and SA_RESTART going
 * on waiting). Processes are sequenced with pipes; every other process's checks print their
 * own FAIL lines and end in its exit status, which the parent checks.
 *
 * Usage: locks */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>

static char path[64];

static int open_file(int flags)
{
	int fd = open(path, flags);
	CHECK(fd >= 0, "open %s", path);
	return fd;
}

static int setlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for type over start..len; the answer in *fl. */
static struct flock getlk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	CHECK_EQ(fcntl(fd, cmd, &fl), 0);
	return fl;
}

/* Checks that a test for type over start..len from fd finds want_type over want_start,
 * want_len held by want_pid (or nothing, want_type F_UNLCK). */
#define EXPECT_LOCK(fd, cmd, type, start, len, want_type, want_start, want_len, want_pid) do { \
	struct flock g_ = getlk(fd, cmd, type, start, len); \
	CHECK_EQ(g_.l_type, want_type); \
	if ((want_type) != F_UNLCK) { \
		CHECK_EQ(g_.l_whence, SEEK_SET); \
		CHECK_EQ(g_.l_start, want_start); \
		CHECK_EQ(g_.l_len, want_len); \
		CHECK_EQ(g_.l_pid, want_pid); \
	} \
} while (0)

#define EXPECT_FREE(fd, cmd, type, start, len) EXPECT_LOCK(fd, cmd, type, start, len, F_UNLCK, 0, 0, 0)

/* Runs fn in a child process; its checks count there, and its exit status says whether
 * they passed. Returns the child's pid after it ended (wait), or after it started. */
static pid_t child(void (*fn)(void *), void *arg, bool wait)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		r0_failures = 0;
		fn(arg);
		fflush(stdout);
		_exit(r0_failures ? 1 : 0);
	}
	CHECK(pid > 0, "fork");
	if (wait && pid > 0) {
		int st;
		CHECK_EQ(waitpid(pid, &st, 0), pid);
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
	}
	return pid;
}

static void reap(pid_t pid)
{
	int st;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

static void put(int fd, char c) { CHECK_EQ(write(fd, &c, 1), 1); }

static char get(int fd)
{
	char c = 0;
	CHECK_EQ(read(fd, &c, 1), 1);
	return c;
}

/* Nothing arrives on fd within ms. */
static bool quiet(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 0;
}

static int unlock_all(int fd) { return setlk(fd, F_SETLK, F_UNLCK, 0, 0); }

/* --- getlk: another process sees the locks, with their owner ---------------------------- */

static pid_t parent_pid;

static void getlk_child(void *arg)
{
	int fd = open_file(O_RDWR);
	(void)arg;
	EXPECT_FREE(fd, F_GETLK, F_WRLCK, 0, 10);
	EXPECT_LOCK(fd, F_GETLK, F_WRLCK, 15, 1, F_WRLCK, 10, 20, parent_pid);
	EXPECT_LOCK(fd, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 10, 20, parent_pid);
	EXPECT_FREE(fd, F_GETLK, F_RDLCK, 200, 5);          /* read locks share */
	EXPECT_LOCK(fd, F_GETLK, F_WRLCK, 200, 5, F_RDLCK, 100, 0, parent_pid); /* to EOF: l_len 0 */
	EXPECT_LOCK(fd, F_GETLK, F_WRLCK, 50, 0, F_RDLCK, 45, 10, parent_pid);  /* SEEK_CUR's */
	errno = 0;
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 20, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	errno = 0;
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 29, 2), -1);   /* 29 is write-locked */
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 150, 10), 0);  /* shared with the parent's */
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 30, 10), 0);   /* 30..39 is free */
	close(fd);
}

static void part_getlk(void)
{
	int fd = open_file(O_RDWR);
	parent_pid = getpid();
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 10, 20), 0);   /* 10..29 */
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 100, 0), 0);   /* 100.. */
	/* a range relative to the offset: 50 - 5, 10 bytes: 45..54 */
	CHECK_EQ(lseek(fd, 50, SEEK_SET), 50);
	struct flock cur = {.l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = -5, .l_len = 10};
	CHECK_EQ(fcntl(fd, F_SETLK, &cur), 0);
	/* and one counted backwards from the end (the file has 4 bytes): 0..3, none here */
	struct flock back = {.l_type = F_RDLCK, .l_whence = SEEK_END, .l_start = 0, .l_len = -4};
	CHECK_EQ(fcntl(fd, F_SETLK, &back), 0);
	CHECK_EQ(setlk(fd, F_SETLK, F_UNLCK, 0, 4), 0);
	/* the owner's own locks never conflict with its requests */
	EXPECT_FREE(fd, F_GETLK, F_WRLCK, 0, 0);
	child(getlk_child, NULL, true);
	/* the child's locks went with it */
	EXPECT_FREE(fd, F_GETLK, F_WRLCK, 30, 10);

	/* bad requests */
	struct flock fl = {.l_type = F_UNLCK, .l_whence = SEEK_SET};
	errno = 0;
	CHECK_EQ(fcntl(fd, F_GETLK, &fl), -1);              /* F_GETLK of F_UNLCK */
	CHECK_EQ(errno, EINVAL);
	fl = (struct flock){.l_type = 7, .l_whence = SEEK_SET};
	errno = 0;
	CHECK_EQ(fcntl(fd, F_SETLK, &fl), -1);
	CHECK_EQ(errno, EINVAL);
	fl = (struct flock){.l_type = F_RDLCK, .l_whence = 3};
	errno = 0;
	CHECK_EQ(fcntl(fd, F_SETLK, &fl), -1);
	CHECK_EQ(errno, EINVAL);
	fl = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = -1};
	errno = 0;
	CHECK_EQ(fcntl(fd, F_SETLK, &fl), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(fcntl(fd, F_SETLK, (struct flock *)16), -1);
	CHECK_EQ(errno, EFAULT);
	int ro = open_file(O_RDONLY), wo = open_file(O_WRONLY);
	errno = 0;
	CHECK_EQ(setlk(ro, F_SETLK, F_WRLCK, 0, 1), -1);     /* write lock needs writing */
	CHECK_EQ(errno, EBADF);
	errno = 0;
	CHECK_EQ(setlk(wo, F_SETLK, F_RDLCK, 0, 1), -1);     /* read lock needs reading */
	CHECK_EQ(errno, EBADF);
	close(ro);
	close(wo);
	CHECK_EQ(unlock_all(fd), 0);
	close(fd);
}

/* --- split: ranges split, merge and convert in place ------------------------------------- */

struct expect { short type; off_t start, len, want_start, want_len; short want_type; };

static void split_child(void *arg)
{
	const struct expect *e = arg;
	int fd = open_file(O_RDWR);
	for (; e->type; e++)
		EXPECT_LOCK(fd, F_GETLK, e->type, e->start, e->len, e->want_type, e->want_start, e->want_len, parent_pid);
	close(fd);
}

static void part_split(void)
{
	int fd = open_file(O_RDWR);
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 0, 100), 0);
	CHECK_EQ(setlk(fd, F_SETLK, F_UNLCK, 10, 10), 0);   /* 0..9 and 20..99 */
	static const struct expect hole[] = {
		{F_WRLCK, 10, 10, 0, 0, F_UNLCK}, {F_WRLCK, 5, 1, 0, 10, F_WRLCK},
		{F_RDLCK, 50, 1, 20, 80, F_WRLCK}, {F_WRLCK, 100, 0, 0, 0, F_UNLCK}, {0},
	};
	child(split_child, (void *)hole, true);
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 10, 10), 0);   /* merged back: 0..99 */
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 100, 5), 0);   /* adjacent: 0..104 */
	static const struct expect merged[] = {{F_RDLCK, 50, 1, 0, 105, F_WRLCK}, {0}};
	child(split_child, (void *)merged, true);
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 40, 20), 0);   /* converted: 0..39 W, 40..59 R, 60..104 W */
	static const struct expect conv[] = {
		{F_RDLCK, 45, 1, 0, 0, F_UNLCK}, {F_WRLCK, 45, 1, 40, 20, F_RDLCK},
		{F_WRLCK, 5, 1, 0, 40, F_WRLCK}, {F_WRLCK, 70, 1, 60, 45, F_WRLCK}, {0},
	};
	child(split_child, (void *)conv, true);
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 0, 0), 0);     /* one write lock over everything */
	static const struct expect whole[] = {{F_RDLCK, 1000, 1, 0, 0, F_WRLCK}, {0}};
	child(split_child, (void *)whole, true);
	CHECK_EQ(unlock_all(fd), 0);
	static const struct expect none[] = {{F_WRLCK, 0, 0, 0, 0, F_UNLCK}, {0}};
	child(split_child, (void *)none, true);
	close(fd);
}

/* --- setlkw: sleeping until the holder unlocks; release at exit ------------------------- */

struct pipes { int up[2], down[2]; };

static void setlkw_child(void *arg)
{
	struct pipes *p = arg;
	int fd = open_file(O_RDWR);
	errno = 0;
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 5, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	put(p->up[1], 'w');                                  /* about to wait */
	CHECK_EQ(setlk(fd, F_SETLKW, F_WRLCK, 0, 10), 0);
	put(p->up[1], 'L');                                  /* got it */
	CHECK_EQ(get(p->down[0]), 'x');                      /* exit holding it */
}

static void part_setlkw(void)
{
	int fd = open_file(O_RDWR);
	struct pipes p;
	CHECK(pipe(p.up) == 0 && pipe(p.down) == 0, "pipes");
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 0, 10), 0);
	pid_t pid = child(setlkw_child, &p, false);
	CHECK_EQ(get(p.up[0]), 'w');
	CHECK(quiet(p.up[0], 200), "the child got the lock while the parent held it");
	CHECK_EQ(setlk(fd, F_SETLK, F_UNLCK, 0, 5), 0);      /* half is not enough */
	CHECK(quiet(p.up[0], 100), "the child got the lock while the parent held 5..9");
	CHECK_EQ(setlk(fd, F_SETLK, F_UNLCK, 5, 5), 0);
	CHECK_EQ(get(p.up[0]), 'L');
	EXPECT_LOCK(fd, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, pid);
	put(p.down[1], 'x');
	reap(pid);
	EXPECT_FREE(fd, F_GETLK, F_WRLCK, 0, 0);            /* gone with the process */
	close(p.up[0]), close(p.up[1]), close(p.down[0]), close(p.down[1]);
	close(fd);
}

/* --- close: a process's locks go when it closes any descriptor of the file ------------- */

static void held_child(void *arg)
{
	const struct expect *e = arg;
	int fd = open_file(O_RDWR);
	EXPECT_LOCK(fd, F_GETLK, e->type, e->start, e->len, e->want_type, e->want_start, e->want_len, parent_pid);
	close(fd);
}

static void part_close(void)
{
	static const struct expect held = {F_WRLCK, 0, 1, 0, 10, F_RDLCK};
	static const struct expect free_ = {F_WRLCK, 0, 1, 0, 0, F_UNLCK};
	int fd = open_file(O_RDWR), other = open_file(O_RDONLY);
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 0, 10), 0);
	int d = dup(fd);
	CHECK_EQ(close(d), 0);                               /* a duplicate */
	child(held_child, (void *)&free_, true);
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 0, 10), 0);
	child(held_child, (void *)&held, true);
	/* a child closing its inherited copy releases nothing of the parent's */
	child(held_child, (void *)&held, true);
	CHECK_EQ(close(other), 0);                           /* another open of the same file */
	child(held_child, (void *)&free_, true);
	/* and an unrelated file's close releases nothing */
	CHECK_EQ(setlk(fd, F_SETLK, F_RDLCK, 0, 10), 0);
	int devnull = open("/dev/null", O_RDONLY);
	CHECK_EQ(close(devnull), 0);
	child(held_child, (void *)&held, true);
	close(fd);
	child(held_child, (void *)&free_, true);
}

/* --- ofd: locks of the open file description ------------------------------------------ */

static void ofd_child(void *arg)
{
	int fd1 = *(int *)arg;
	/* the description is shared with the parent: its lock is this process's too */
	CHECK_EQ(setlk(fd1, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
	/* but a POSIX lock of this process is another owner */
	errno = 0;
	CHECK_EQ(setlk(fd1, F_SETLK, F_WRLCK, 0, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	EXPECT_LOCK(fd1, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
}

static void ofd_wait_child(void *arg)
{
	struct pipes *p = arg;
	int fd = open_file(O_RDWR);
	for (int i = 3; i < 64; i++)            /* the inherited copies (fd2 among them) */
		if (i != fd && i != p->up[1])
			close(i);
	errno = 0;
	CHECK_EQ(setlk(fd, F_OFD_SETLK, F_RDLCK, 0, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	put(p->up[1], 'w');
	CHECK_EQ(setlk(fd, F_OFD_SETLKW, F_RDLCK, 0, 1), 0);
	put(p->up[1], 'L');
}

static void part_ofd(void)
{
	int fd1 = open_file(O_RDWR), fd2 = open_file(O_RDWR);
	CHECK_EQ(setlk(fd1, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
	/* another description of the same process conflicts */
	errno = 0;
	CHECK_EQ(setlk(fd2, F_OFD_SETLK, F_RDLCK, 5, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	EXPECT_LOCK(fd2, F_OFD_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
	EXPECT_FREE(fd1, F_OFD_GETLK, F_WRLCK, 0, 0);       /* its own lock */
	/* so does a POSIX lock of the same process */
	EXPECT_LOCK(fd2, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
	errno = 0;
	CHECK_EQ(setlk(fd2, F_SETLK, F_RDLCK, 0, 1), -1);
	CHECK_EQ(errno, EAGAIN);
	/* l_pid must be 0 */
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_pid = 1};
	errno = 0;
	CHECK_EQ(fcntl(fd2, F_OFD_SETLK, &fl), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(fcntl(fd2, F_OFD_GETLK, &fl), -1);
	CHECK_EQ(errno, EINVAL);
	child(ofd_child, &fd1, true);
	/* closing another descriptor of the file does not release it */
	int fd3 = open_file(O_RDONLY);
	CHECK_EQ(close(fd3), 0);
	EXPECT_LOCK(fd2, F_OFD_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
	/* only the last descriptor of the description does */
	int dupfd = dup(fd1);
	CHECK_EQ(close(fd1), 0);
	EXPECT_LOCK(fd2, F_OFD_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
	CHECK_EQ(close(dupfd), 0);
	EXPECT_FREE(fd2, F_OFD_GETLK, F_WRLCK, 0, 0);
	/* F_OFD_SETLKW of another process sleeps until the last descriptor goes */
	CHECK_EQ(setlk(fd2, F_OFD_SETLKW, F_WRLCK, 0, 0), 0);
	struct pipes p;
	CHECK(pipe(p.up) == 0 && pipe(p.down) == 0, "pipes");
	pid_t pid = child(ofd_wait_child, &p, false);
	CHECK_EQ(get(p.up[0]), 'w');
	CHECK(quiet(p.up[0], 200), "the child got the lock while the parent held it");
	close(fd2);          /* the child's copy of fd2 is closed: this was the last one */
	CHECK_EQ(get(p.up[0]), 'L');
	reap(pid);
	close(p.up[0]), close(p.up[1]), close(p.down[0]), close(p.down[1]);
}

/* --- flock ------------------------------------------------------------------------------ */

static void flock_child(void *arg)
{
	struct pipes *p = arg;
	int own = open_file(O_RDONLY);
	errno = 0;
	CHECK_EQ(flock(own, LOCK_SH | LOCK_NB), -1);
	CHECK_EQ(errno, EWOULDBLOCK);
	put(p->up[1], 'w');
	CHECK_EQ(flock(own, LOCK_SH), 0);                    /* sleeps until the parent lets go */
	put(p->up[1], 'L');
	CHECK_EQ(get(p->down[0]), 'x');
}

static void inherited_child(void *arg)
{
	int fd1 = *(int *)arg;
	CHECK_EQ(flock(fd1, LOCK_EX | LOCK_NB), 0);          /* the parent's description */
}

static void part_flock(void)
{
	int fd1 = open_file(O_RDWR), fd2 = open_file(O_RDONLY);
	CHECK_EQ(flock(fd1, LOCK_SH), 0);
	CHECK_EQ(flock(fd2, LOCK_SH | LOCK_NB), 0);          /* shared */
	errno = 0;
	CHECK_EQ(flock(fd2, LOCK_EX | LOCK_NB), -1);         /* two descriptions conflict */
	CHECK_EQ(errno, EWOULDBLOCK);
	/* the failed conversion dropped fd2's shared lock (Linux's flock(2)), so fd1 converts */
	CHECK_EQ(flock(fd1, LOCK_EX | LOCK_NB), 0);
	errno = 0;
	CHECK_EQ(flock(fd2, LOCK_SH | LOCK_NB), -1);
	CHECK_EQ(errno, EWOULDBLOCK);
	CHECK_EQ(flock(fd1, LOCK_EX), 0);                    /* the same lock again */
	/* independent of record locks */
	CHECK_EQ(setlk(fd1, F_SETLK, F_WRLCK, 0, 0), 0);
	CHECK_EQ(setlk(fd1, F_SETLK, F_UNLCK, 0, 0), 0);
	CHECK_EQ(setlk(fd2, F_OFD_SETLK, F_RDLCK, 0, 0), 0);
	CHECK_EQ(setlk(fd2, F_OFD_SETLK, F_UNLCK, 0, 0), 0);
	/* a child shares the description, hence the lock */
	child(inherited_child, &fd1, true);
	/* a child's own open waits until the parent unlocks */
	struct pipes p;
	CHECK(pipe(p.up) == 0 && pipe(p.down) == 0, "pipes");
	pid_t pid = child(flock_child, &p, false);
	CHECK_EQ(get(p.up[0]), 'w');
	CHECK(quiet(p.up[0], 200), "the child got the flock while the parent held it");
	CHECK_EQ(flock(fd1, LOCK_SH), 0);                    /* downgraded: it may share */
	CHECK_EQ(get(p.up[0]), 'L');
	CHECK_EQ(flock(fd2, LOCK_SH | LOCK_NB), 0);
	errno = 0;
	CHECK_EQ(flock(fd2, LOCK_EX | LOCK_NB), -1);
	CHECK_EQ(errno, EWOULDBLOCK);
	put(p.down[1], 'x');
	reap(pid);                                           /* its lock went with its last fd */
	CHECK_EQ(flock(fd1, LOCK_UN), 0);
	CHECK_EQ(flock(fd2, LOCK_EX | LOCK_NB), 0);
	CHECK_EQ(flock(fd2, LOCK_UN), 0);
	CHECK_EQ(flock(fd2, LOCK_UN), 0);                    /* nothing to unlock */
	/* released with the last descriptor of the description */
	CHECK_EQ(flock(fd1, LOCK_EX), 0);
	int d = dup(fd1);
	CHECK_EQ(close(fd1), 0);
	errno = 0;
	CHECK_EQ(flock(fd2, LOCK_SH | LOCK_NB), -1);
	CHECK_EQ(errno, EWOULDBLOCK);
	CHECK_EQ(close(d), 0);
	CHECK_EQ(flock(fd2, LOCK_EX | LOCK_NB), 0);
	errno = 0;
	CHECK_EQ(flock(fd2, 77), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(flock(-1, LOCK_SH), -1);
	CHECK_EQ(errno, EBADF);
	close(fd2);
	close(p.up[0]), close(p.up[1]), close(p.down[0]), close(p.down[1]);
}

/* --- edeadlk: A holds X and waits for Y, B holds Y and asks for X ---------------------- */

static void deadlock_child(void *arg)
{
	struct pipes *p = arg;
	int fd = open_file(O_RDWR);
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 0, 1), 0);      /* X */
	put(p->up[1], 'x');
	errno = 0;
	int r = setlk(fd, F_SETLKW, F_WRLCK, 1, 1);          /* Y: sleeps */
	if (r == -1 && errno == EDEADLK) {
		/* the parent asked for X before this process slept (a loaded host): the cycle
		 * was closed here instead; let go of X and let the parent try again */
		CHECK_EQ(setlk(fd, F_SETLK, F_UNLCK, 0, 1), 0);
		put(p->up[1], 'D');
		return;
	}
	CHECK_EQ(r, 0);
	put(p->up[1], 'y');
	CHECK_EQ(get(p->down[0]), 'q');
}

/* One try: 1 if the parent's F_SETLKW saw EDEADLK, 0 if the child was not asleep yet. */
static int deadlock_try(int fd, int wait_ms)
{
	struct pipes p;
	CHECK(pipe(p.up) == 0 && pipe(p.down) == 0, "pipes");
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 1, 1), 0);      /* Y */
	pid_t pid = child(deadlock_child, &p, false);
	CHECK_EQ(get(p.up[0]), 'x');
	quiet(p.up[0], wait_ms);                             /* the child is asleep by now */
	errno = 0;
	int r = setlk(fd, F_SETLKW, F_WRLCK, 0, 1);          /* X: would close the cycle */
	int done = 1;
	if (r == 0) {
		CHECK_EQ(get(p.up[0]), 'D');
		done = 0;
	} else {
		CHECK_EQ(r, -1);
		CHECK_EQ(errno, EDEADLK);
		/* F_SETLK does not wait, so it cannot deadlock: it just fails */
		errno = 0;
		CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 0, 1), -1);
		CHECK_EQ(errno, EAGAIN);
		CHECK_EQ(setlk(fd, F_SETLK, F_UNLCK, 1, 1), 0);   /* the child gets Y */
		CHECK_EQ(get(p.up[0]), 'y');
		EXPECT_LOCK(fd, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 2, pid);  /* X and Y merged */
		put(p.down[1], 'q');
	}
	reap(pid);
	CHECK_EQ(unlock_all(fd), 0);
	close(p.up[0]), close(p.up[1]), close(p.down[0]), close(p.down[1]);
	return done;
}

static void part_edeadlk(void)
{
	int fd = open_file(O_RDWR);
	int ok = 0;
	for (int i = 1; i <= 3 && !ok; i++)
		ok = deadlock_try(fd, 300 * i);
	CHECK(ok, "the parent never saw EDEADLK");
	close(fd);
}

/* --- eintr: a signal ends the wait --------------------------------------------------- */

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void arm(int ms, int flags)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = {.it_value = {.tv_sec = 0, .tv_usec = ms * 1000}};
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void eintr_child(void *arg)
{
	struct pipes *p = arg;
	int fd = open_file(O_RDWR);
	alarms = 0;
	arm(100, 0);
	errno = 0;
	CHECK_EQ(setlk(fd, F_SETLKW, F_WRLCK, 0, 1), -1);
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(alarms, 1);
	arm(100, 0);
	errno = 0;
	CHECK_EQ(flock(fd, LOCK_EX), -1);
	CHECK_EQ(errno, EINTR);
	CHECK_EQ(alarms, 2);
	/* with SA_RESTART the wait goes on after the handler, until the parent unlocks */
	arm(100, SA_RESTART);
	put(p->up[1], 'w');
	CHECK_EQ(setlk(fd, F_SETLKW, F_WRLCK, 0, 1), 0);
	CHECK_EQ(alarms, 3);
	close(fd);
}

static void part_eintr(void)
{
	int fd = open_file(O_RDWR);
	struct pipes p;
	CHECK(pipe(p.up) == 0 && pipe(p.down) == 0, "pipes");
	CHECK_EQ(setlk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	CHECK_EQ(flock(fd, LOCK_SH), 0);
	pid_t pid = child(eintr_child, &p, false);
	CHECK_EQ(get(p.up[0]), 'w');
	CHECK(quiet(p.up[0], 400), "nothing from the child");
	CHECK_EQ(unlock_all(fd), 0);
	reap(pid);
	close(p.up[0]), close(p.up[1]), close(p.down[0]), close(p.down[1]);
	close(fd);
}

int main(void)
{
	r0_start("locks");
	snprintf(path, sizeof(path), "/tmp/locks.%d", (int)getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create %s", path);
	CHECK_EQ(write(fd, "abcd", 4), 4);
	close(fd);
	parent_pid = getpid();
	alarm(60);                                           /* a lost wake-up ends the test */
	R0_PART("getlk", part_getlk());
	R0_PART("split", part_split());
	R0_PART("setlkw", part_setlkw());
	R0_PART("close", part_close());
	R0_PART("ofd", part_ofd());
	R0_PART("flock", part_flock());
	R0_PART("edeadlk", part_edeadlk());
	R0_PART("eintr", part_eintr());
	unlink(path);
	R0_DONE();
}
