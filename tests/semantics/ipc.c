/* ipc: POSIX and System V IPC (issue 10 item 6), between processes made with fork.
 * posix-shm: shm_open + ftruncate + mmap(MAP_SHARED) in /dev/shm, seen by a child and back,
 * shm_unlink. posix-sem: a named semaphore (sem_open: a file in /dev/shm mapped shared, and
 * futexes) posted by a child while the parent sleeps in sem_wait; sem_trywait EAGAIN.
 * msg: msgget (IPC_PRIVATE, keys, IPC_CREAT|IPC_EXCL -> EEXIST, ENOENT), message types
 * (msgtyp 0, > 0, < 0, MSG_EXCEPT), IPC_NOWAIT (ENOMSG, EAGAIN on a full queue), E2BIG and
 * MSG_NOERROR, MSGMAX, IPC_STAT/IPC_SET, blocked receivers and senders woken, EIDRM to a
 * waiter at IPC_RMID. sem: semget sets, SETVAL/GETVAL/SETALL/GETALL/GETPID, atomic arrays,
 * IPC_NOWAIT, wait-for-zero with GETZCNT, GETNCNT, SEM_UNDO at exit, semtimedop's timeout,
 * IPC_STAT, EIDRM. shm: shmget (keys, EEXIST, a larger size EINVAL), shmat shared with a
 * child and across fork, SHM_RND, SHM_RDONLY (a store is SIGSEGV), shm_nattch, IPC_RMID
 * after the last detach, shmdt errors. Every object is removed at the end.
 *
 * Usage: ipc */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static int key_base;

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Runs fn in a child; its checks count there and end in its exit status. */
static pid_t child(void (*fn)(long), long arg)
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
	return pid;
}

static int reap(pid_t pid)
{
	int st = -1;
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	return st;
}

static void reap_ok(pid_t pid)
{
	int st = reap(pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

/* --- posix-shm ------------------------------------------------------------------------- */

static void pshm_child(long arg)
{
	(void)arg;
	int fd = shm_open("/rz-ipc-test", O_RDWR, 0);
	CHECK(fd >= 0, "shm_open in the child");
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	CHECK(!strcmp(p, "from the parent"), "child reads %.20s", p);
	strcpy(p + 4096, "from the child");
	munmap(p, 8192);
	close(fd);
}

static void part_posix_shm(void)
{
	shm_unlink("/rz-ipc-test");
	int fd = shm_open("/rz-ipc-test", O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0, "shm_open");
	CHECK_EQ(ftruncate(fd, 8192), 0);
	char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return;
	strcpy(p, "from the parent");
	reap_ok(child(pshm_child, 0));
	CHECK(!strcmp(p + 4096, "from the child"), "parent reads %.20s", p + 4096);
	struct stat st;
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 8192);
	errno = 0;
	CHECK_EQ(shm_open("/rz-ipc-test", O_RDWR | O_CREAT | O_EXCL, 0600), -1);
	CHECK_EQ(errno, EEXIST);
	CHECK_EQ(shm_unlink("/rz-ipc-test"), 0);
	errno = 0;
	CHECK_EQ(shm_open("/rz-ipc-test", O_RDWR, 0), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK(!strcmp(p, "from the parent"), "still mapped after unlink");
	munmap(p, 8192);
	close(fd);
}

/* --- posix-sem ------------------------------------------------------------------------- */

static void psem_child(long arg)
{
	(void)arg;
	sem_t *s = sem_open("/rz-ipc-sem", 0);
	CHECK(s != SEM_FAILED, "sem_open in the child");
	if (s == SEM_FAILED)
		return;
	msleep(50);
	CHECK_EQ(sem_post(s), 0);
	CHECK_EQ(sem_post(s), 0);
	sem_close(s);
}

static void part_posix_sem(void)
{
	sem_unlink("/rz-ipc-sem");
	sem_t *s = sem_open("/rz-ipc-sem", O_CREAT | O_EXCL, 0600, 0);
	CHECK(s != SEM_FAILED, "sem_open");
	if (s == SEM_FAILED)
		return;
	errno = 0;
	CHECK_EQ(sem_trywait(s), -1);
	CHECK_EQ(errno, EAGAIN);
	pid_t pid = child(psem_child, 0);
	CHECK_EQ(sem_wait(s), 0); /* sleeps until the child posts */
	reap_ok(pid);
	int v = -1;
	CHECK_EQ(sem_getvalue(s, &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(sem_trywait(s), 0);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 20000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	errno = 0;
	CHECK_EQ(sem_timedwait(s, &ts), -1);
	CHECK_EQ(errno, ETIMEDOUT);
	CHECK_EQ(sem_close(s), 0);
	CHECK_EQ(sem_unlink("/rz-ipc-sem"), 0);
	errno = 0;
	CHECK(sem_open("/rz-ipc-sem", 0) == SEM_FAILED, "gone after sem_unlink");
	CHECK_EQ(errno, ENOENT);
}

/* --- msg ------------------------------------------------------------------------------- */

struct m {
	long type;
	char text[64];
};

static int msnd(int q, long type, const char *text, int flags)
{
	struct m m = {.type = type};
	strcpy(m.text, text);
	return msgsnd(q, &m, strlen(text) + 1, flags);
}

/* Receives into *m; the byte count, or -1. */
static long mrcv(int q, struct m *m, size_t size, long type, int flags)
{
	memset(m, 0, sizeof(*m));
	return msgrcv(q, m, size, type, flags);
}

static void msg_receiver(long q)
{
	struct m m;
	CHECK_EQ(mrcv((int)q, &m, sizeof(m.text), 7, 0), 6); /* sleeps until the parent sends */
	CHECK(!strcmp(m.text, "hello"), "got %s", m.text);
}

static void msg_idrm(long q)
{
	struct m m;
	errno = 0;
	CHECK_EQ(mrcv((int)q, &m, sizeof(m.text), 0, 0), -1);
	CHECK_EQ(errno, EIDRM);
}

static void msg_drain(long q)
{
	struct m m;
	msleep(50);
	CHECK_EQ(mrcv((int)q, &m, sizeof(m.text), 0, 0), 8);
}

static void part_msg(void)
{
	int key = key_base + 1;
	int q = msgget(IPC_PRIVATE, 0600);
	CHECK(q >= 0, "msgget");
	int k = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(k >= 0 && k != q, "msgget key");
	CHECK_EQ(msgget(key, 0), k);
	CHECK_EQ(msgget(key, IPC_CREAT | 0600), k);
	errno = 0;
	CHECK_EQ(msgget(key, IPC_CREAT | IPC_EXCL | 0600), -1);
	CHECK_EQ(errno, EEXIST);
	errno = 0;
	CHECK_EQ(msgget(key_base + 2, 0), -1);
	CHECK_EQ(errno, ENOENT);

	struct m m;
	errno = 0;
	CHECK_EQ(mrcv(q, &m, sizeof(m.text), 0, IPC_NOWAIT), -1);
	CHECK_EQ(errno, ENOMSG);
	CHECK_EQ(msnd(q, 3, "three", 0), 0);
	CHECK_EQ(msnd(q, 1, "one", 0), 0);
	CHECK_EQ(msnd(q, 2, "two", 0), 0);
	CHECK_EQ(msnd(q, 1, "uno", 0), 0);
	errno = 0;
	CHECK_EQ(msnd(q, 0, "zero", 0), -1);
	CHECK_EQ(errno, EINVAL);
	struct msqid_ds ds;
	CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.msg_qnum, 4);
	CHECK_EQ(ds.msg_cbytes, 6 + 4 + 4 + 4);
	CHECK_EQ(ds.msg_qbytes, 16384);
	CHECK_EQ(ds.msg_lspid, getpid());
	CHECK_EQ(ds.msg_perm.mode & 0777, 0600);
	CHECK_EQ(mrcv(q, &m, sizeof(m.text), 2, 0), 4);      /* that type */
	CHECK(m.type == 2 && !strcmp(m.text, "two"), "type 2: %ld %s", m.type, m.text);
	CHECK_EQ(mrcv(q, &m, sizeof(m.text), -2, 0), 4);     /* the lowest type <= 2 */
	CHECK(m.type == 1 && !strcmp(m.text, "one"), "type -2: %ld %s", m.type, m.text);
	CHECK_EQ(mrcv(q, &m, sizeof(m.text), 1, MSG_EXCEPT), 6);
	CHECK(m.type == 3 && !strcmp(m.text, "three"), "except 1: %ld %s", m.type, m.text);
	errno = 0;
	CHECK_EQ(mrcv(q, &m, 2, 0, 0), -1);                  /* too small: stays queued */
	CHECK_EQ(errno, E2BIG);
	CHECK_EQ(mrcv(q, &m, 2, 0, MSG_NOERROR), 2);         /* truncated */
	CHECK(m.type == 1 && !memcmp(m.text, "un", 2) && !m.text[2], "noerror: %ld %s", m.type, m.text);
	CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.msg_qnum, 0);
	CHECK_EQ(ds.msg_cbytes, 0);
	CHECK_EQ(ds.msg_lrpid, getpid());

	static struct { long type; char text[8193]; } big = {.type = 1};
	errno = 0;
	CHECK_EQ(msgsnd(q, &big, 8193, 0), -1);               /* MSGMAX */
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(msgsnd(q, &big, 8192, 0), 0);
	CHECK_EQ(msgrcv(q, &big, 8192, 0, 0), 8192);

	/* a receiver sleeps until its type arrives */
	pid_t pid = child(msg_receiver, q);
	msleep(50);
	CHECK_EQ(msnd(q, 5, "other", 0), 0);
	CHECK_EQ(msnd(q, 7, "hello", 0), 0);
	reap_ok(pid);
	CHECK_EQ(mrcv(q, &m, sizeof(m.text), 0, 0), 6);
	CHECK_EQ(m.type, 5);

	/* a full queue: IPC_NOWAIT is EAGAIN, a sender sleeps until a receiver makes room */
	CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
	ds.msg_qbytes = 16;
	CHECK_EQ(msgctl(q, IPC_SET, &ds), 0);
	CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.msg_qbytes, 16);
	CHECK_EQ(msnd(q, 1, "1234567", 0), 0);
	CHECK_EQ(msnd(q, 1, "abcdefg", 0), 0);
	errno = 0;
	CHECK_EQ(msnd(q, 1, "x", IPC_NOWAIT), -1);
	CHECK_EQ(errno, EAGAIN);
	pid = child(msg_drain, q);
	CHECK_EQ(msnd(q, 1, "x", 0), 0); /* sleeps until the child takes one */
	reap_ok(pid);
	CHECK_EQ(msgctl(q, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.msg_qnum, 2);

	/* IPC_RMID: a sleeping receiver gets EIDRM; the identifier is gone */
	pid = child(msg_idrm, k);
	msleep(50);
	CHECK_EQ(msgctl(k, IPC_RMID, NULL), 0);
	reap_ok(pid);
	errno = 0;
	CHECK_EQ(msgctl(k, IPC_STAT, &ds), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(msgget(key, 0), -1);
	CHECK_EQ(errno, ENOENT);
	CHECK_EQ(msgctl(q, IPC_RMID, NULL), 0);
	errno = 0;
	CHECK_EQ(msnd(q, 1, "gone", 0), -1);
	CHECK_EQ(errno, EINVAL);
}

/* --- sem ------------------------------------------------------------------------------- */

static int sop(int id, unsigned short num, short op, short flg)
{
	struct sembuf b = {num, op, flg};
	return semop(id, &b, 1);
}

static void sem_zero_waiter(long id)
{
	CHECK_EQ(sop((int)id, 2, 0, 0), 0); /* sleeps until semaphore 2 is zero */
}

static void sem_dec_waiter(long id)
{
	CHECK_EQ(sop((int)id, 1, -2, 0), 0); /* sleeps until semaphore 1 reaches 2 */
}

static void sem_undoer(long id)
{
	CHECK_EQ(sop((int)id, 0, 5, SEM_UNDO), 0);
	CHECK_EQ(sop((int)id, 0, -1, SEM_UNDO), 0);
	CHECK_EQ(semctl((int)id, 0, GETVAL), 5 - 1);
}

static void sem_idrm(long id)
{
	errno = 0;
	CHECK_EQ(sop((int)id, 0, -100, 0), -1);
	CHECK_EQ(errno, EIDRM);
}

static void part_sem(void)
{
	int key = key_base + 3;
	int id = semget(IPC_PRIVATE, 3, 0600);
	CHECK(id >= 0, "semget");
	int k = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(k >= 0, "semget key");
	CHECK_EQ(semget(key, 1, 0), k);
	errno = 0;
	CHECK_EQ(semget(key, 3, 0), -1); /* more than the set has */
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600), -1);
	CHECK_EQ(errno, EEXIST);
	errno = 0;
	CHECK_EQ(semget(key_base + 4, 1, 0), -1);
	CHECK_EQ(errno, ENOENT);

	struct semid_ds ds;
	CHECK_EQ(semctl(id, 0, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.sem_nsems, 3);
	CHECK_EQ(ds.sem_perm.mode & 0777, 0600);
	unsigned short all[3] = {1, 0, 1}, got[3] = {9, 9, 9};
	CHECK_EQ(semctl(id, 0, SETALL, all), 0);
	CHECK_EQ(semctl(id, 0, GETALL, got), 0);
	CHECK(got[0] == 1 && got[1] == 0 && got[2] == 1, "getall %u %u %u", got[0], got[1], got[2]);
	CHECK_EQ(semctl(id, 1, SETVAL, 0), 0);
	CHECK_EQ(semctl(id, 1, GETVAL), 0);
	errno = 0;
	CHECK_EQ(semctl(id, 1, SETVAL, 40000), -1);
	CHECK_EQ(errno, ERANGE);
	errno = 0;
	CHECK_EQ(semctl(id, 3, GETVAL), -1);
	CHECK_EQ(errno, EINVAL);

	/* an array is all or nothing */
	struct sembuf two[2] = {{0, -1, IPC_NOWAIT}, {1, -1, IPC_NOWAIT}};
	errno = 0;
	CHECK_EQ(semop(id, two, 2), -1);
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(semctl(id, 0, GETVAL), 1);
	two[1].sem_op = 1;
	CHECK_EQ(semop(id, two, 2), 0);
	CHECK_EQ(semctl(id, 0, GETVAL), 0);
	CHECK_EQ(semctl(id, 1, GETVAL), 1);
	CHECK_EQ(semctl(id, 0, GETPID), getpid());
	errno = 0;
	CHECK_EQ(sop(id, 3, 1, 0), -1);
	CHECK_EQ(errno, EFBIG);

	/* wait for zero, and wait to decrease */
	pid_t z = child(sem_zero_waiter, id), d = child(sem_dec_waiter, id);
	msleep(50);
	CHECK_EQ(semctl(id, 2, GETZCNT), 1);
	CHECK_EQ(semctl(id, 1, GETNCNT), 1);
	CHECK_EQ(sop(id, 2, -1, 0), 0);
	reap_ok(z);
	CHECK_EQ(semctl(id, 1, GETNCNT), 1);
	CHECK_EQ(sop(id, 1, 1, 0), 0);
	reap_ok(d);
	CHECK_EQ(semctl(id, 1, GETVAL), 0);
	CHECK_EQ(semctl(id, 1, GETNCNT), 0);
	CHECK_EQ(semctl(id, 2, GETZCNT), 0);
	CHECK_EQ(semctl(id, 1, GETPID), d);

	/* SEM_UNDO: a process's adjustments are undone when it exits */
	CHECK_EQ(semctl(id, 0, SETVAL, 0), 0);
	reap_ok(child(sem_undoer, id));
	CHECK_EQ(semctl(id, 0, GETVAL), 0);

	/* semtimedop gives up with EAGAIN */
	struct sembuf w = {0, -1, 0};
	struct timespec ts = {0, 30000000};
	errno = 0;
	CHECK_EQ(semtimedop(id, &w, 1, &ts), -1);
	CHECK_EQ(errno, EAGAIN);
	struct sembuf nw = {0, -1, IPC_NOWAIT};
	struct timespec far = {(time_t)1 << 40, 0}; /* no wrap into an early timeout */
	errno = 0;
	CHECK_EQ(semtimedop(id, &nw, 1, &far), -1);
	CHECK_EQ(errno, EAGAIN);
	errno = 0;
	ts.tv_nsec = 1000000000;
	CHECK_EQ(semtimedop(id, &w, 1, &ts), -1);
	CHECK_EQ(errno, EINVAL);

	/* IPC_RMID: a sleeper gets EIDRM */
	pid_t r = child(sem_idrm, k);
	msleep(50);
	CHECK_EQ(semctl(k, 0, IPC_RMID), 0);
	reap_ok(r);
	errno = 0;
	CHECK_EQ(semctl(k, 0, GETVAL), -1);
	CHECK_EQ(errno, EINVAL);
	CHECK_EQ(semctl(id, 0, IPC_RMID), 0);
	errno = 0;
	CHECK_EQ(sop(id, 0, 1, 0), -1);
	CHECK_EQ(errno, EINVAL);
}

/* --- shm ------------------------------------------------------------------------------- */

static void shm_attacher(long id)
{
	char *p = shmat((int)id, NULL, 0);
	CHECK(p != (void *)-1, "shmat in the child");
	if (p == (void *)-1)
		return;
	CHECK(!strcmp(p, "parent"), "child reads %.10s", p);
	strcpy(p + 100, "child");
	CHECK_EQ(shmdt(p), 0);
}

static void shm_forked(long addr)
{
	char *p = (char *)addr; /* inherited across fork */
	strcpy(p + 200, "forked");
}

static void shm_rdonly(long id)
{
	char *p = shmat((int)id, NULL, SHM_RDONLY);
	CHECK(p != (void *)-1, "shmat SHM_RDONLY");
	if (p == (void *)-1)
		return;
	CHECK(!strcmp(p, "parent"), "read-only reads %.10s", p);
	errno = 0;
	CHECK_EQ(mprotect(p, 4096, PROT_READ | PROT_WRITE), -1); /* never writable */
	CHECK_EQ(errno, EACCES);
	signal(SIGSEGV, SIG_DFL);
	*(volatile char *)p = 'x'; /* SIGSEGV */
	CHECK(0, "a store to a read-only attach succeeded");
}

static void part_shm(void)
{
	int key = key_base + 5;
	int id = shmget(IPC_PRIVATE, 10000, IPC_CREAT | 0600);
	CHECK(id >= 0, "shmget");
	int k = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	CHECK(k >= 0, "shmget key");
	CHECK_EQ(shmget(key, 100, 0), k);
	errno = 0;
	CHECK_EQ(shmget(key, 8192, 0), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600), -1);
	CHECK_EQ(errno, EEXIST);
	errno = 0;
	CHECK_EQ(shmget(key_base + 6, 4096, 0), -1);
	CHECK_EQ(errno, ENOENT);
	errno = 0;
	CHECK_EQ(shmget(IPC_PRIVATE, 0, 0600), -1);
	CHECK_EQ(errno, EINVAL);

	char *p = shmat(id, NULL, 0);
	CHECK(p != (void *)-1, "shmat");
	if (p == (void *)-1)
		return;
	CHECK(p[0] == 0 && p[9999] == 0, "zero-filled");
	strcpy(p, "parent");
	struct shmid_ds ds;
	CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.shm_segsz, 10000);
	CHECK_EQ(ds.shm_nattch, 1);
	CHECK_EQ(ds.shm_cpid, getpid());
	CHECK_EQ(ds.shm_perm.mode & 0777, 0600);

	reap_ok(child(shm_attacher, id));
	CHECK(!strcmp(p + 100, "child"), "parent reads %.10s", p + 100);
	reap_ok(child(shm_forked, (long)p));
	CHECK(!strcmp(p + 200, "forked"), "after fork %.10s", p + 200);
	int st = reap(child(shm_rdonly, id));
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "read-only store: status %#x", st);
	CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.shm_nattch, 1);

	/* a second attach, at an address rounded down (SHM_RND) */
	char *want = mmap(NULL, 3 * 4096 + 16384, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(want != MAP_FAILED, "mmap");
	munmap(want, 3 * 4096 + 16384);
	want += 4096;
	errno = 0;
	CHECK(shmat(id, want + 123, 0) == (void *)-1, "unaligned without SHM_RND");
	CHECK_EQ(errno, EINVAL);
	char *q = shmat(id, want + 123, SHM_RND);
	CHECK(q == want, "SHM_RND: %p for %p", (void *)q, (void *)want);
	if (q != (void *)-1) {
		CHECK(!strcmp(q, "parent"), "second attach reads %.10s", q);
		errno = 0;
		CHECK(shmat(id, q, 0) == (void *)-1, "attach over an attach");
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
		CHECK_EQ(ds.shm_nattch, 2);
		errno = 0;
		CHECK_EQ(shmdt(q + 4096), -1);
		CHECK_EQ(errno, EINVAL);
		CHECK_EQ(shmdt(q), 0);
	}
	CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
	CHECK_EQ(ds.shm_nattch, 1);

	/* IPC_RMID while attached: still there until the last detach */
	CHECK_EQ(shmctl(id, IPC_RMID, NULL), 0);
	CHECK_EQ(shmctl(id, IPC_STAT, &ds), 0);
	CHECK(ds.shm_perm.mode & 01000, "SHM_DEST: mode %#o", (unsigned)ds.shm_perm.mode);
	CHECK_EQ(ds.shm_perm.__key, IPC_PRIVATE);
	strcpy(p + 300, "still");
	CHECK(!strcmp(p, "parent"), "after IPC_RMID");
	CHECK_EQ(shmdt(p), 0);
	errno = 0;
	CHECK_EQ(shmctl(id, IPC_STAT, &ds), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(shmdt(p), -1);
	CHECK_EQ(errno, EINVAL);

	/* detached by munmap: a removed segment goes with its last area */
	char *r = shmat(k, NULL, 0);
	CHECK(r != (void *)-1, "shmat key");
	CHECK_EQ(shmctl(k, IPC_RMID, NULL), 0);
	CHECK_EQ(shmctl(k, IPC_STAT, &ds), 0);
	CHECK_EQ(munmap(r, 4096), 0);
	errno = 0;
	CHECK_EQ(shmctl(k, IPC_STAT, &ds), -1);
	CHECK_EQ(errno, EINVAL);
	errno = 0;
	CHECK_EQ(shmget(key, 4096, 0), -1);
	CHECK_EQ(errno, ENOENT);
}

int main(void)
{
	r0_start("ipc");
	key_base = 0x52300000 + (getpid() & 0xffff) * 16;
	R0_PART("posix-shm", part_posix_shm());
	R0_PART("posix-sem", part_posix_sem());
	R0_PART("msg", part_msg());
	R0_PART("sem", part_sem());
	R0_PART("shm", part_shm());
	R0_DONE();
}
