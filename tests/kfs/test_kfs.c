/* test_kfs.c: host unit tests of the file layer (kernel/fs, kernel/dev minus the UART),
 * built with the shim (shim/) under ASan/UBSan. Each test calls the system calls as a
 * program would (user pointers are host pointers) and prints "PASS name" or
 * "FAIL name: why". Exit status 1 if anything failed. */
#include "shim.h"
#include "vfs.h"
#include "tty.h"
#include "console.h"
#include "lib.h"
#include "syscall.h"
#include <asm/stat.h>
#include <asm/ioctls.h>
#include <asm/termios.h>
#include <stdarg.h>

#ifndef SEEK_DATA
#define SEEK_DATA 3
#define SEEK_HOLE 4
#endif

static int failed_total;
static const char *cur_test;
static int cur_failed;

#define U(p) ((uint64_t)(uintptr_t)(p))
#define S0(name) sys_##name(0, 0, 0, 0, 0, 0)
#define S1(name, a) sys_##name(U(a), 0, 0, 0, 0, 0)
#define S2(name, a, b) sys_##name(U(a), U(b), 0, 0, 0, 0)
#define S3(name, a, b, c) sys_##name(U(a), U(b), U(c), 0, 0, 0)
#define S4(name, a, b, c, d) sys_##name(U(a), U(b), U(c), U(d), 0, 0)
#define S5(name, a, b, c, d, e) sys_##name(U(a), U(b), U(c), U(d), U(e), 0)

#define CHECK(cond, ...)                                                                        \
	do {                                                                                    \
		if (!(cond)) {                                                                  \
			if (!cur_failed)                                                        \
				printf("FAIL %s: ", cur_test);                                  \
			else                                                                    \
				printf("     %s: ", cur_test);                                  \
			printf("line %d: %s: ", __LINE__, #cond);                               \
			printf(__VA_ARGS__);                                                    \
			printf("\n");                                                           \
			cur_failed = 1;                                                         \
		}                                                                               \
	} while (0)
#define EQ(a, b)                                                                                \
	do {                                                                                    \
		long a_ = (long)(a), b_ = (long)(b);                                            \
		if (a_ != b_) {                                                                 \
			printf("%s %s: line %d: %s: got %ld, want %ld\n", cur_failed ? "    " : "FAIL", \
			       cur_test, __LINE__, #a, a_, b_);                                 \
			cur_failed = 1;                                                         \
		}                                                                               \
	} while (0)

static void begin(const char *name)
{
	cur_test = name;
	cur_failed = 0;
}

static void end(void)
{
	if (!cur_failed)
		printf("PASS %s\n", cur_test);
	failed_total += cur_failed;
}

/* A fresh process context for each test: new fds 0-2 on the console, cwd "/". */
static void fresh(void)
{
	if (test_fdt)
		fdtable_put(test_fdt);
	if (test_fs)
		fs_context_put(test_fs);
	test_fdt = fdtable_new_console();
	test_fs = fs_context_new();
	test_sleep_hook = NULL;
	test_sleeps = 0;
	test_sig_count = test_sig_num = test_sig_pid = 0;
	test_fg_pid = 0;
	test_out_len = 0;
	test_out[0] = 0;
	console_set_irq_mode(true);
}

static long openp(const char *p, int flags, int mode) { return S3(open, p, flags, mode); }

static long write_str(int fd, const char *s) { return S3(write, fd, s, strlen(s)); }

static long read_file(const char *path, char *buf, size_t n)
{
	long fd = openp(path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	long r = S3(read, fd, buf, n);
	S1(close, fd);
	if (r >= 0 && (size_t)r < n)
		buf[r] = 0;
	return r;
}

/* --- paths ------------------------------------------------------------------------------ */

static void test_paths(void)
{
	begin("path-lookup");
	fresh();
	EQ(S2(mkdir, "/tmp/p", 0755), 0);
	EQ(S2(mkdir, "/tmp/p/q", 0755), 0);
	long fd = openp("/tmp/p/q/f", O_CREAT | O_WRONLY, 0644);
	CHECK(fd >= 0, "open: %ld", fd);
	EQ(write_str((int)fd, "hello"), 5);
	EQ(S1(close, fd), 0);
	char buf[64];
	EQ(read_file("/tmp//p/./q/../q/f", buf, sizeof buf), 5);
	CHECK(!strcmp(buf, "hello"), "%s", buf);
	EQ(S1(chdir, "/tmp/p"), 0);
	EQ(read_file("q/f", buf, sizeof buf), 5);
	EQ(S2(getcwd, buf, sizeof buf), 7);
	CHECK(!strcmp(buf, "/tmp/p"), "cwd %s", buf);
	EQ(S2(getcwd, buf, 3), -ERANGE);
	EQ(S1(chdir, "q/f"), -ENOTDIR);
	EQ(S1(chdir, "/nonexistent"), -ENOENT);
	EQ(read_file("q/f/", buf, sizeof buf), -ENOTDIR);
	EQ(read_file("q/f/x", buf, sizeof buf), -ENOTDIR);
	EQ(read_file("", buf, sizeof buf), -ENOENT);
	EQ(S1(chdir, "/../.."), 0);
	EQ(S2(getcwd, buf, sizeof buf), 2);
	/* symlinks: relative, absolute, chains, loops, dangling, lstat/readlink */
	EQ(S2(symlink, "q/f", "/tmp/p/rel"), 0);
	EQ(S2(symlink, "/tmp/p/q", "/tmp/p/abs"), 0);
	EQ(S2(symlink, "rel", "/tmp/p/chain"), 0);
	EQ(S2(symlink, "loop2", "/tmp/p/loop1"), 0);
	EQ(S2(symlink, "loop1", "/tmp/p/loop2"), 0);
	EQ(S2(symlink, "nowhere", "/tmp/p/dangling"), 0);
	EQ(read_file("/tmp/p/rel", buf, sizeof buf), 5);
	EQ(read_file("/tmp/p/chain", buf, sizeof buf), 5);
	EQ(read_file("/tmp/p/abs/f", buf, sizeof buf), 5);
	EQ(read_file("/tmp/p/abs/../q/f", buf, sizeof buf), 5); /* ".." of the target, not the link */
	EQ(read_file("/tmp/p/loop1", buf, sizeof buf), -ELOOP);
	EQ(read_file("/tmp/p/dangling", buf, sizeof buf), -ENOENT);
	EQ(openp("/tmp/p/rel", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
	struct stat st;
	EQ(S2(lstat, "/tmp/p/rel", &st), 0);
	CHECK(S_ISLNK(st.st_mode) && st.st_size == 3, "lstat mode %o size %ld", st.st_mode, (long)st.st_size);
	EQ(S2(stat, "/tmp/p/rel", &st), 0);
	CHECK(S_ISREG(st.st_mode) && st.st_size == 5, "stat mode %o", st.st_mode);
	EQ(S3(readlink, "/tmp/p/chain", buf, sizeof buf), 3);
	CHECK(!memcmp(buf, "rel", 3), "readlink");
	EQ(S3(readlink, "/tmp/p/chain", buf, 2), 2);
	EQ(S3(readlink, "/tmp/p/q", buf, sizeof buf), -EINVAL);
	EQ(S3(readlink, "/tmp/p/chain", buf, 0), -EINVAL);
	/* directory symlink with trailing slash */
	EQ(S2(stat, "/tmp/p/abs/", &st), 0);
	CHECK(S_ISDIR(st.st_mode), "abs/ is a dir");
	/* names too long */
	char longname[300];
	memset(longname, 'a', 256);
	longname[0] = '/';
	longname[257] = 0;
	memset(longname + 1, 'a', 256);
	EQ(openp(longname, O_RDONLY, 0), -ENAMETOOLONG);
	char *huge = malloc(5000);
	memset(huge, '/', 4999);
	huge[4999] = 0;
	EQ(openp(huge, O_RDONLY, 0), -ENAMETOOLONG);
	free(huge);
	/* AT_EMPTY_PATH and dirfd-relative lookups */
	long dfd = openp("/tmp/p", O_RDONLY | O_DIRECTORY, 0);
	CHECK(dfd >= 0, "open dir %ld", dfd);
	EQ(S4(newfstatat, dfd, "q/f", &st, 0), 0);
	EQ(st.st_size, 5);
	EQ(S4(newfstatat, dfd, "", &st, AT_EMPTY_PATH), 0);
	CHECK(S_ISDIR(st.st_mode), "empty path gives the dir");
	EQ(S4(newfstatat, dfd, "", &st, 0), -ENOENT);
	EQ(S4(newfstatat, dfd, "rel", &st, AT_SYMLINK_NOFOLLOW), 0);
	CHECK(S_ISLNK(st.st_mode), "nofollow");
	long ffd = openp("/tmp/p/q/f", O_RDONLY, 0);
	EQ(S4(openat, ffd, "x", O_RDONLY, 0), -ENOTDIR);
	EQ(S4(openat, 99, "x", O_RDONLY, 0), -EBADF);
	EQ(S4(openat, 99, "/tmp/p/q/f", O_RDONLY, 0) >= 0, 1); /* absolute ignores dirfd */
	EQ(openp("/tmp/p/q/f", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	EQ(openp("/tmp/p", O_WRONLY, 0), -EISDIR);
	EQ(S1(fchdir, dfd), 0);
	EQ(S2(access, "q/f", 0), 0);
	EQ(S2(access, "q/f", 1), -EACCES); /* 0644: no x bit */
	EQ(S2(access, "q", 1), 0);
	EQ(S2(access, "nope", 0), -ENOENT);
	EQ(S4(faccessat, AT_FDCWD, "q/f", 4, 0), 0);
	end();
}

/* --- names ------------------------------------------------------------------------------ */

static void test_names(void)
{
	begin("create-unlink-rename-rmdir");
	fresh();
	char buf[64];
	struct stat st;
	EQ(S2(mkdir, "/tmp/n", 0700), 0);
	EQ(S2(mkdir, "/tmp/n", 0700), -EEXIST);
	EQ(S2(mkdir, "/tmp/n/", 0700), -EEXIST);
	EQ(S2(mkdir, "/", 0700), -EEXIST);
	EQ(S2(mkdir, "/tmp/nope/x", 0700), -ENOENT);
	long fd = openp("/tmp/n/a", O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK(fd >= 0, "create %ld", fd);
	EQ(openp("/tmp/n/a", O_CREAT | O_EXCL | O_RDWR, 0600), -EEXIST);
	EQ(openp("/tmp/n/newdir/", O_CREAT | O_RDWR, 0600), -EISDIR);
	EQ(S2(mkdir, "/tmp/n/a/b", 0700), -ENOTDIR);
	EQ(write_str((int)fd, "AAAA"), 4);
	EQ(S1(unlink, "/tmp/n"), -EISDIR);
	EQ(S1(rmdir, "/tmp/n"), -ENOTEMPTY);
	EQ(S1(rmdir, "/tmp/n/a"), -ENOTDIR);
	EQ(S1(rmdir, "/tmp/n/."), -EINVAL);
	EQ(S1(rmdir, "/"), -EBUSY);
	EQ(S1(unlink, "/tmp/n/missing"), -ENOENT);
	EQ(S1(unlink, "/tmp/n/a/"), -ENOTDIR);
	/* rename over an existing file: the old target lives on while open */
	long fdb = openp("/tmp/n/b", O_CREAT | O_RDWR, 0600);
	EQ(write_str((int)fdb, "BB"), 2);
	EQ(S2(rename, "/tmp/n/a", "/tmp/n/b"), 0);
	EQ(S2(stat, "/tmp/n/a", &st), -ENOENT);
	EQ(read_file("/tmp/n/b", buf, sizeof buf), 4);
	CHECK(!strcmp(buf, "AAAA"), "%s", buf);
	EQ(S4(pread64, fdb, buf, 10, 0), 2); /* the replaced file is still readable */
	EQ(S2(fstat, fdb, &st), 0);
	EQ(st.st_nlink, 0);
	EQ(S1(close, fdb), 0);
	EQ(S1(close, fd), 0);
	/* rename a file to itself, to a new name, across directories */
	EQ(S2(rename, "/tmp/n/b", "/tmp/n/b"), 0);
	EQ(S2(mkdir, "/tmp/n/d1", 0700), 0);
	EQ(S2(mkdir, "/tmp/n/d1/sub", 0700), 0);
	EQ(S2(rename, "/tmp/n/b", "/tmp/n/d1/c"), 0);
	EQ(read_file("/tmp/n/d1/c", buf, sizeof buf), 4);
	/* directories */
	EQ(S2(rename, "/tmp/n/d1", "/tmp/n/d1/sub/x"), -EINVAL);
	EQ(S2(rename, "/tmp/n/d1", "/tmp/n/d1"), 0);
	EQ(S2(mkdir, "/tmp/n/d2", 0700), 0);
	EQ(S2(rename, "/tmp/n/d2", "/tmp/n/d1"), -ENOTEMPTY);
	EQ(S2(rename, "/tmp/n/d1/c", "/tmp/n/d2"), -EISDIR);
	EQ(S2(rename, "/tmp/n/d2", "/tmp/n/d1/c"), -ENOTDIR);
	EQ(S2(rename, "/tmp/n/missing", "/tmp/n/x"), -ENOENT);
	EQ(S2(rename, "/tmp/n/d1/c", "/tmp/n/d1/c/"), -ENOTDIR);
	EQ(S5(renameat2, AT_FDCWD, "/tmp/n/d1/c", AT_FDCWD, "/tmp/n/d1/sub", RENAME_NOREPLACE), -EEXIST);
	EQ(S2(mkdir, "/tmp/n/d3", 0700), 0);
	EQ(S2(rename, "/tmp/n/d3", "/tmp/n/d2"), 0); /* over an empty directory */
	EQ(S2(stat, "/tmp/n/d3", &st), -ENOENT);
	EQ(S2(rename, "/tmp/n/d2", "/tmp/n/d1/sub/moved"), 0);
	EQ(S1(chdir, "/tmp/n/d1/sub/moved"), 0);
	EQ(S2(getcwd, buf, sizeof buf), (long)strlen("/tmp/n/d1/sub/moved") + 1);
	EQ(S2(mkdir, "../../sub2", 0755), 0);
	EQ(S2(stat, "/tmp/n/d1/sub2", &st), 0);
	/* the cwd removed: getcwd fails, creating in it fails, ".." still works */
	EQ(S1(rmdir, "/tmp/n/d1/sub/moved"), 0);
	EQ(S2(getcwd, buf, sizeof buf), -ENOENT);
	EQ(openp("f", O_CREAT | O_RDWR, 0644), -ENOENT);
	EQ(S1(chdir, ".."), 0);
	EQ(S2(getcwd, buf, sizeof buf), (long)strlen("/tmp/n/d1/sub") + 1);
	/* unlinked while open */
	fd = openp("/tmp/n/tmpfile", O_CREAT | O_RDWR, 0600);
	EQ(S1(unlink, "/tmp/n/tmpfile"), 0);
	EQ(write_str((int)fd, "still here"), 10);
	EQ(S3(lseek, fd, 0, SEEK_SET), 0);
	EQ(S3(read, fd, buf, sizeof buf), 10);
	EQ(S1(close, fd), 0);
	/* unlinkat */
	EQ(S3(unlinkat, AT_FDCWD, "/tmp/n/d1/sub2", 0), -EISDIR);
	EQ(S3(unlinkat, AT_FDCWD, "/tmp/n/d1/sub2", AT_REMOVEDIR), 0);
	EQ(S3(unlinkat, AT_FDCWD, "/tmp/n/d1/c", AT_REMOVEDIR), -ENOTDIR);
	EQ(S3(unlinkat, AT_FDCWD, "/tmp/n/d1/c", 0), 0);
	/* umask applies to creation */
	test_fs->umask = 027;
	fd = openp("/tmp/n/um", O_CREAT | O_RDWR, 0777);
	EQ(S2(fstat, fd, &st), 0);
	EQ(st.st_mode & 07777, 0750);
	EQ(S1(close, fd), 0);
	EQ(S2(chmod, "/tmp/n/um", 04711), 0);
	EQ(S2(stat, "/tmp/n/um", &st), 0);
	EQ(st.st_mode & 07777, 04711);
	end();
}

/* --- file contents ----------------------------------------------------------------------- */

static void test_contents(void)
{
	begin("file-growth-truncate-holes");
	fresh();
	char buf[20000];
	struct stat st;
	long fd = openp("/tmp/g", O_CREAT | O_RDWR | O_TRUNC, 0644);
	EQ(S3(lseek, fd, 10000, SEEK_SET), 10000);
	EQ(write_str((int)fd, "end"), 3);
	EQ(S2(fstat, fd, &st), 0);
	EQ(st.st_size, 10003);
	memset(buf, 'x', sizeof buf);
	EQ(S4(pread64, fd, buf, sizeof buf, 0), 10003);
	int zeros = 1;
	for (int i = 0; i < 10000; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros, "hole is not zero");
	CHECK(!memcmp(buf + 10000, "end", 3), "tail");
	EQ(S3(lseek, fd, 0, SEEK_CUR), 10003); /* pread kept the offset */
	EQ(S2(ftruncate, fd, 5), 0);
	EQ(S2(ftruncate, fd, 100), 0);
	EQ(S4(pread64, fd, buf, sizeof buf, 0), 100);
	zeros = 1;
	for (int i = 0; i < 100; i++)
		zeros &= buf[i] == 0;
	CHECK(zeros, "regrown tail not zero");
	EQ(S4(pwrite64, fd, "abc", 3, 98), 3);
	EQ(S2(fstat, fd, &st), 0);
	EQ(st.st_size, 101);
	EQ(S3(lseek, fd, 0, SEEK_END), 101);
	EQ(S3(lseek, fd, -200, SEEK_END), -EINVAL);
	EQ(S3(lseek, fd, 0, 17), -EINVAL);
	EQ(S3(lseek, fd, 5, SEEK_DATA), 5);
	EQ(S3(lseek, fd, 5, SEEK_HOLE), 101);
	EQ(S3(lseek, fd, 500, SEEK_DATA), -ENXIO);
	EQ(S2(ftruncate, fd, -1), -EINVAL);
	EQ(S1(close, fd), 0);
	/* O_APPEND and O_TRUNC */
	fd = openp("/tmp/g", O_WRONLY | O_APPEND, 0);
	EQ(S3(lseek, fd, 0, SEEK_SET), 0);
	EQ(write_str((int)fd, "Z"), 1);
	EQ(S2(stat, "/tmp/g", &st), 0);
	EQ(st.st_size, 102);
	EQ(S3(read, fd, buf, 1), -EBADF);
	EQ(S1(close, fd), 0);
	fd = openp("/tmp/g", O_RDONLY, 0);
	EQ(write_str((int)fd, "no"), -EBADF);
	EQ(S2(ftruncate, fd, 0), -EINVAL);
	EQ(S1(close, fd), 0);
	fd = openp("/tmp/g", O_RDWR | O_TRUNC, 0);
	EQ(S2(fstat, fd, &st), 0);
	EQ(st.st_size, 0);
	EQ(S1(close, fd), 0);
	EQ(S2(truncate, "/tmp/g", 7), 0);
	EQ(S2(stat, "/tmp/g", &st), 0);
	EQ(st.st_size, 7);
	EQ(S2(truncate, "/tmp", 7), -EISDIR);
	/* a directory read gives EISDIR */
	fd = openp("/tmp", O_RDONLY, 0);
	EQ(S3(read, fd, buf, 10), -EISDIR);
	EQ(S1(close, fd), 0);
	/* copy on first write: an initrd-backed file's data stays untouched */
	static const char initrd_data[] = "original contents";
	struct inode *ip = ramfs_create("/etc/cow", S_IFREG | 0644);
	ip->data = (const uint8_t *)initrd_data;
	ip->size = sizeof(initrd_data) - 1;
	fd = openp("/etc/cow", O_RDWR, 0);
	EQ(S3(read, fd, buf, 8), 8);
	EQ(write_str((int)fd, "!!"), 2);
	EQ(read_file("/etc/cow", buf, sizeof buf), 17);
	CHECK(!strcmp(buf, "original!!ontents"), "%s", buf);
	CHECK(!strcmp(initrd_data, "original contents"), "initrd changed: %s", initrd_data);
	EQ(S1(close, fd), 0);
	/* readv/writev */
	fd = openp("/tmp/v", O_CREAT | O_RDWR, 0644);
	struct kiov {
		uint64_t b, l;
	} iov[3] = {{U("ab"), 2}, {U(""), 0}, {U("cde"), 3}};
	EQ(S3(writev, fd, iov, 3), 5);
	char r1[2], r2[10];
	struct kiov riov[2] = {{U(r1), 2}, {U(r2), 10}};
	EQ(S3(lseek, fd, 0, SEEK_SET), 0);
	EQ(S3(readv, fd, riov, 2), 5);
	CHECK(!memcmp(r1, "ab", 2) && !memcmp(r2, "cde", 3), "readv");
	EQ(S3(writev, fd, iov, 5000), -EINVAL);
	/* hard links: a second name for the same file; it outlives the first */
	EQ(S2(link, "/tmp/nope", "/tmp/v2"), -ENOENT);
	EQ(S2(link, "/tmp/v", "/tmp/g"), -EEXIST);
	EQ(S2(link, "/tmp", "/tmp/d2"), -EPERM);
	EQ(S2(link, "/tmp/v", "/tmp/v2"), 0);
	struct stat lst;
	EQ(S2(stat, "/tmp/v2", &lst), 0);
	EQ(lst.st_nlink, 2);
	EQ(S2(link, "/tmp/v2", "/v3"), 0);
	EQ(S2(stat, "/tmp/v", &lst), 0);
	EQ(lst.st_nlink, 3);
	EQ(S1(unlink, "/tmp/v"), 0);
	EQ(read_file("/v3", buf, sizeof buf), 5);
	CHECK(!memcmp(buf, "abcde", 5), "through the link: %.5s", buf);
	EQ(S2(rename, "/v3", "/tmp/v2"), 0); /* two names of one file: nothing happens */
	EQ(S2(stat, "/v3", &lst), 0);
	EQ(lst.st_nlink, 2);
	EQ(S1(unlink, "/v3"), 0);
	EQ(S2(stat, "/tmp/v2", &lst), 0);
	EQ(lst.st_nlink, 1);
	EQ(S1(unlink, "/tmp/v2"), 0);
	EQ(S2(stat, "/tmp/v2", &lst), -ENOENT);
	int vp[2];
	EQ(S1(pipe, vp), 0);
	EQ(S3(writev, vp[1], iov, 3), 5); /* gathered into one pipe write */
	EQ(S3(read, vp[0], r2, 10), 5);
	CHECK(!memcmp(r2, "abcde", 5), "pipe writev");
	S1(close, vp[0]);
	S1(close, vp[1]);
	EQ(S1(close, fd), 0);
	/* a big file, grown by many small writes */
	fd = openp("/tmp/big", O_CREAT | O_RDWR | O_TRUNC, 0644);
	long ok = 1;
	for (int i = 0; i < 2000; i++) {
		char chunk[100];
		memset(chunk, 'a' + i % 26, sizeof chunk);
		ok &= S3(write, fd, chunk, sizeof chunk) == 100;
	}
	EQ(ok, 1);
	EQ(S4(pread64, fd, buf, 100, 199900), 100);
	CHECK(buf[0] == 'a' + 1999 % 26 && buf[99] == 'a' + 1999 % 26, "big file content");
	EQ(S1(close, fd), 0);
	end();
}

/* --- getdents64 ------------------------------------------------------------------------- */

struct kd {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	char name[];
};

static void test_getdents(void)
{
	begin("getdents64");
	fresh();
	EQ(S2(mkdir, "/tmp/d", 0755), 0);
	char name[64];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof name, "/tmp/d/file-with-a-longish-name-%02d", i);
		long fd = openp(name, O_CREAT | O_WRONLY, 0644);
		S1(close, fd);
	}
	EQ(S2(mkdir, "/tmp/d/subdir", 0755), 0);
	long fd = openp("/tmp/d", O_RDONLY | O_DIRECTORY, 0);
	char buf[64] __attribute__((aligned(8)));
	int seen[40] = {0}, dots = 0, sub = 0, calls = 0, bad = 0;
	long n;
	while ((n = S3(getdents64, fd, buf, sizeof buf)) > 0) {
		calls++;
		for (long off = 0; off < n;) {
			struct kd *d = (struct kd *)(buf + off);
			if (d->reclen % 8 || d->reclen < 20 || off + d->reclen > n)
				bad++;
			if (!strcmp(d->name, ".") || !strcmp(d->name, ".."))
				dots++, bad += d->type != 4;
			else if (!strcmp(d->name, "subdir"))
				sub++, bad += d->type != 4;
			else {
				int i = atoi(d->name + strlen("file-with-a-longish-name-"));
				seen[i]++;
				bad += d->type != 8;
			}
			off += d->reclen;
		}
		/* remove entries already seen: the walk must not skip the others */
		if (calls == 3) {
			EQ(S1(unlink, "/tmp/d/file-with-a-longish-name-00"), 0);
			EQ(S1(unlink, "/tmp/d/file-with-a-longish-name-01"), 0);
		}
	}
	EQ(n, 0);
	EQ(bad, 0);
	EQ(dots, 2);
	EQ(sub, 1);
	int all = 1;
	for (int i = 0; i < 40; i++)
		all &= seen[i] == 1;
	CHECK(all, "every file exactly once");
	CHECK(calls > 10, "small buffer needs many calls (%d)", calls);
	/* at the end: 0 whatever the size; rewind; too small for one record; not a directory */
	EQ(S3(getdents64, fd, buf, 10), 0);
	EQ(S3(lseek, fd, 0, SEEK_SET), 0);
	EQ(S3(getdents64, fd, buf, 10), -EINVAL);
	char big[8192] __attribute__((aligned(8)));
	n = S3(getdents64, fd, big, sizeof big);
	CHECK(n > 0, "after rewind %ld", n);
	struct kd *d = (struct kd *)big;
	CHECK(!strcmp(d->name, ".") && d->off == 1, "first is . with d_off 1");
	EQ(S3(getdents64, fd, 8, sizeof big), 0); /* at the end: nothing to copy */
	EQ(S3(lseek, fd, 0, SEEK_SET), 0);
	EQ(S3(getdents64, fd, 8, sizeof big), -EFAULT);
	EQ(S1(close, fd), 0);
	fd = openp("/tmp/d/subdir/../file-with-a-longish-name-05", O_RDONLY, 0);
	EQ(S3(getdents64, fd, big, sizeof big), -ENOTDIR);
	EQ(S3(getdents64, 77, big, sizeof big), -EBADF);
	end();
}

/* --- /proc ------------------------------------------------------------------------------ */

/* Is name an entry of the directory at path? */
static bool listed(const char *path, const char *name)
{
	char big[4096] __attribute__((aligned(8)));
	long fd = openp(path, O_RDONLY | O_DIRECTORY, 0), n;
	bool found = false;
	while (fd >= 0 && (n = S3(getdents64, fd, big, sizeof big)) > 0)
		for (long off = 0; off < n; off += ((struct kd *)(big + off))->reclen)
			found |= !strcmp(((struct kd *)(big + off))->name, name);
	S1(close, fd);
	return found;
}

extern bool test_proc_alive;

static void test_procfs(void)
{
	begin("procfs");
	fresh();
	test_proc_alive = true;
	char buf[4096], want[4096];
	EQ(S3(readlink, "/proc/self", buf, sizeof buf), 2);
	CHECK(!memcmp(buf, "42", 2), "self -> %.2s", buf);
	CHECK(listed("/proc", "42") && listed("/proc", "self") && listed("/proc", "meminfo"), "/proc entries");
	/* fd/: links to what each descriptor is */
	long f = openp("/tmp/procfile", O_CREAT | O_RDWR, 0644);
	EQ(write_str(f, "hello"), 5);
	int p[2];
	EQ(S1(pipe, p), 0);
	snprintf(want, sizeof want, "%ld", f);
	CHECK(listed("/proc/self/fd", want) && listed("/proc/42/fd", "0"), "fd/ lists the descriptors");
	snprintf(want, sizeof want, "/proc/self/fd/%ld", f);
	long n = S3(readlink, want, buf, sizeof buf);
	CHECK(n == 13 && !memcmp(buf, "/tmp/procfile", 13), "file link %.*s", (int)n, buf);
	long g = openp(want, O_RDONLY, 0); /* the link leads to the file itself */
	EQ(S3(read, g, buf, sizeof buf), 5);
	S1(close, g);
	snprintf(want, sizeof want, "/proc/self/fd/%d", p[0]);
	n = S3(readlink, want, buf, sizeof buf);
	CHECK(n > 6 && !memcmp(buf, "pipe:[", 6) && buf[n - 1] == ']', "pipe link %.*s", (int)n, buf);
	n = S3(readlink, "/proc/self/fd/1", buf, sizeof buf);
	CHECK(n == 12 && !memcmp(buf, "/dev/console", 12), "console link %.*s", (int)n, buf);
	EQ(S1(unlink, "/tmp/procfile"), 0);
	snprintf(want, sizeof want, "/proc/self/fd/%ld", f);
	n = S3(readlink, want, buf, sizeof buf);
	CHECK(n == 23 && !memcmp(buf, "/tmp/procfile (deleted)", 23), "unlinked %.*s", (int)n, buf);
	S1(close, f);
	EQ(S3(readlink, want, buf, sizeof buf), -ENOENT);
	EQ(S3(readlink, "/proc/self/exe", buf, sizeof buf), -ENOENT); /* no program file */
	/* generated files: reads in pieces continue the text; no writing */
	long m = openp("/proc/meminfo", O_RDONLY, 0);
	size_t got = 0;
	while ((n = S3(read, m, buf + got, 100)) > 0)
		got += (size_t)n;
	CHECK(got == 3600 && !memcmp(buf, "line 0000 0\n", 12) && !memcmp(buf + 3588, "line 0299 0\n", 12), "%zu bytes", got);
	EQ(S4(pread64, m, buf, 12, 12), 12);
	CHECK(!memcmp(buf, "line 0001 0\n", 12), "pread");
	S1(close, m);
	long w = openp("/proc/meminfo", O_WRONLY | O_TRUNC, 0); /* as root on Linux: opens, writes fail */
	EQ(S3(write, w, "x", 1), -EIO);
	S1(close, w);
	/* no names made or removed by programs (as Linux: ENOENT, EPERM, EXDEV) */
	EQ(openp("/proc/new", O_CREAT | O_WRONLY, 0644), -ENOENT);
	EQ(openp("/proc/42/new", O_CREAT | O_WRONLY, 0644), -ENOENT);
	EQ(S2(mkdir, "/proc/d", 0755), -ENOENT);
	EQ(S1(unlink, "/proc/meminfo"), -EPERM);
	EQ(S1(rmdir, "/proc/42/fd"), -EPERM);
	EQ(S2(rename, "/proc/meminfo", "/tmp/m"), -EXDEV);
	long made = openp("/tmp/m", O_CREAT | O_WRONLY, 0644);
	S1(close, made);
	EQ(S2(rename, "/tmp/m", "/proc/m"), -EXDEV);
	EQ(S1(unlink, "/tmp/m"), 0);
	long c42 = openp("/proc/42/stat", O_CREAT | O_RDONLY, 0644); /* exists: opened */
	CHECK(c42 >= 0, "O_CREAT of an existing /proc file: %ld", c42);
	S1(close, c42);
	EQ(read_file("/proc/42/stat", buf, sizeof buf), 23);
	CHECK(!strcmp(buf, "42 (kfs-test) R file 0\n"), "stat %s", buf);
	/* the process goes: its directory with it; an open file there reads ESRCH */
	long st = openp("/proc/42/status", O_RDONLY, 0);
	test_proc_alive = false;
	procfs_task_gone(42);
	char sb[256];
	EQ(S2(stat, "/proc/42", sb), -ENOENT);
	CHECK(!listed("/proc", "42"), "gone from the listing");
	EQ(S3(read, st, buf, sizeof buf), -ESRCH);
	S1(close, st);
	S1(close, p[0]);
	S1(close, p[1]);
	test_proc_alive = true;
	end();
}

/* --- descriptors ------------------------------------------------------------------------ */

static void test_fds(void)
{
	begin("fd-table");
	fresh();
	long fd = openp("/tmp/fdt", O_CREAT | O_RDWR, 0644);
	EQ(fd, 3);
	EQ(S1(dup, fd), 4);
	EQ(S2(dup2, fd, 10), 10);
	EQ(S2(dup2, fd, fd), fd);
	EQ(S2(dup2, 99, 5), -EBADF);
	EQ(S2(dup2, fd, 300), -EBADF);
	EQ(S3(dup3, fd, fd, 0), -EINVAL);
	EQ(S3(dup3, fd, 11, O_CLOEXEC), 11);
	EQ(S3(dup3, fd, 12, 1), -EINVAL);
	EQ(S2(fcntl, 11, F_GETFD), FD_CLOEXEC);
	EQ(S2(fcntl, 10, F_GETFD), 0);
	EQ(S3(fcntl, fd, F_DUPFD, 10), 5 + 7); /* 10, 11 taken: 12 */
	EQ(S3(fcntl, fd, F_DUPFD_CLOEXEC, 0), 5);
	EQ(S2(fcntl, 5, F_GETFD), FD_CLOEXEC);
	EQ(S3(fcntl, 5, F_SETFD, 0), 0);
	EQ(S2(fcntl, 5, F_GETFD), 0);
	EQ(S3(fcntl, 10, F_SETFD, FD_CLOEXEC), 0);
	/* shared offset between dups */
	EQ(write_str((int)fd, "0123456789"), 10);
	EQ(S3(lseek, 4, 0, SEEK_CUR), 10);
	EQ(S3(lseek, 4, 2, SEEK_SET), 2);
	char c;
	EQ(S3(read, fd, &c, 1), 1);
	EQ(c, '2');
	/* flags */
	long fl = S2(fcntl, fd, F_GETFL);
	EQ(fl & O_ACCMODE, O_RDWR);
	EQ(S3(fcntl, fd, F_SETFL, O_APPEND | O_NONBLOCK), 0);
	EQ(S2(fcntl, 4, F_GETFL) & (O_APPEND | O_NONBLOCK), O_APPEND | O_NONBLOCK); /* shared */
	EQ(S2(fcntl, 99, F_GETFL), -EBADF);
	EQ(S2(fcntl, fd, 9999), -EINVAL);
	/* fork: a copy sharing the open files */
	struct fdtable *parent = test_fdt;
	struct fdtable *child = fdtable_clone(parent);
	test_fdt = child;
	EQ(S3(lseek, fd, 7, SEEK_SET), 7);
	EQ(S1(close, 4), 0);
	test_fdt = parent;
	EQ(S3(lseek, 4, 0, SEEK_CUR), 7); /* same description; our fd 4 still open */
	/* exec: close-on-exec fds go */
	fdtable_close_on_exec(child);
	EQ(child->fd[10] == NULL && child->fd[11] == NULL && child->fd[5] != NULL && child->fd[3] != NULL, 1);
	fdtable_put(child);
	EQ(S3(lseek, fd, 0, SEEK_CUR), 7);
	/* CLONE_FILES: one more user of the same table */
	struct fdtable *shared = fdtable_get(parent);
	fdtable_put(shared);
	EQ(S1(close, 12), 0);
	EQ(S1(close, 12), -EBADF);
	EQ(S1(close, -1), -EBADF);
	/* EMFILE */
	long last = 0, n = 0;
	for (;;) {
		long r = S1(dup, 0);
		if (r < 0) {
			last = r;
			break;
		}
		n++;
	}
	EQ(last, -EMFILE);
	CHECK(n > 200, "only %ld dups", n);
	EQ(openp("/tmp/fdt", O_RDONLY, 0), -EMFILE);
	int pp[2];
	EQ(S1(pipe, pp), -EMFILE);
	/* close_range */
	EQ(S3(close_range, 3, 1000, 4), 0); /* CLOSE_RANGE_CLOEXEC */
	EQ(S2(fcntl, 3, F_GETFD), FD_CLOEXEC);
	EQ(S3(close_range, 5, 1000, 0), 0);
	EQ(S1(close, 200), -EBADF);
	EQ(S1(dup, 0), 5);
	EQ(S3(close_range, 10, 5, 0), -EINVAL);
	/* fallocate grows, KEEP_SIZE does not */
	EQ(S4(fallocate, fd, 0, 0, 5000), 0);
	struct stat fst;
	EQ(S2(fstat, fd, &fst), 0);
	EQ(fst.st_size, 5000);
	EQ(S4(fallocate, fd, 1, 0, 9000), 0);
	EQ(S2(fstat, fd, &fst), 0);
	EQ(fst.st_size, 5000);
	EQ(S2(flock, fd, 2), 0);
	EQ(S2(flock, fd, 77), -EINVAL);
	/* console fds: 0, 1, 2 are the same tty */
	struct stat st;
	EQ(S2(fstat, 1, &st), 0);
	CHECK(S_ISCHR(st.st_mode) && st.st_rdev == ((5 << 8) | 1), "console %o %lx", st.st_mode, (long)st.st_rdev);
	end();
}

/* --- resource limits and preemption points -------------------------------------------- */

static void test_limits(void)
{
	begin("rlimits-and-resched");
	fresh();
	/* RLIMIT_NOFILE (7): new descriptors below it */
	test_rlimit[7] = 6;
	EQ(S1(dup, 0), 3);
	EQ(openp("/dev/null", O_RDONLY, 0), 4);
	int pp[2];
	EQ(S1(pipe, pp), -EMFILE); /* one slot left */
	EQ(S1(dup, 0), 5);
	EQ(S1(dup, 0), -EMFILE);
	EQ(S2(dup2, 0, 6), -EBADF);
	EQ(S3(fcntl, 0, F_DUPFD, 6), -EINVAL);
	EQ(S3(fcntl, 0, F_DUPFD, 2), -EMFILE);
	test_rlimit[7] = 256;
	EQ(S2(dup2, 0, 6), 6);
	/* RLIMIT_FSIZE (1): cut at the limit, then EFBIG and SIGXFSZ (25) */
	test_rlimit[1] = 100;
	long fd = openp("/tmp/fsz", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[300];
	memset(buf, 'x', sizeof buf);
	EQ(S3(write, fd, buf, 60), 60);
	EQ(S3(write, fd, buf, 60), 40);
	EQ(test_sig_count, 0);
	EQ(S3(write, fd, buf, 1), -EFBIG);
	EQ(test_sig_num, 25);
	EQ(S2(ftruncate, fd, 101), -EFBIG);
	EQ(test_sig_count, 2);
	EQ(S2(ftruncate, fd, 50), 0);
	test_rlimit[1] = ~0ULL;
	/* a long read and write pass preemption points (one every 64 KiB) */
	size_t big = 1 << 20;
	char *m = calloc(1, big);
	test_resched_points = 0;
	EQ(S4(pwrite64, fd, m, big, 0), (long)big);
	CHECK(test_resched_points == 15, "%d points in a 1 MiB write", test_resched_points);
	test_resched_points = 0;
	EQ(S4(pread64, fd, m, big, 0), (long)big);
	CHECK(test_resched_points == 15, "%d points in a 1 MiB read", test_resched_points);
	free(m);
	S1(close, fd);
	EQ(S1(unlink, "/tmp/fsz"), 0);
	end();
}

/* --- pipes ------------------------------------------------------------------------------ */

static int hook_fd = -1;
static long hook_write_once(struct waitq *q)
{
	(void)q;
	long r = S3(write, hook_fd, "late", 4);
	test_sleep_hook = NULL;
	return r == 4 ? 0 : -EIO;
}

static long hook_signal(struct waitq *q)
{
	(void)q;
	return -ERESTARTSYS;
}

static void test_pipes(void)
{
	begin("pipes");
	fresh();
	int p[2];
	EQ(S1(pipe, p), 0);
	EQ(p[0], 3);
	EQ(p[1], 4);
	static uint8_t out[70000], in[70000];
	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (uint8_t)(i * 7 + i / 251);
	/* wrap-around: fill, half drain, refill across the end */
	EQ(S3(write, p[1], out, 60000), 60000);
	EQ(S3(read, p[0], in, 50000), 50000);
	CHECK(!memcmp(in, out, 50000), "first read");
	EQ(S3(write, p[1], out + 60000, 10000), 10000);
	EQ(S3(read, p[0], in, 20000), 20000);
	CHECK(!memcmp(in, out + 50000, 20000), "wrapped read");
	/* nonblocking */
	EQ(S3(fcntl, p[0], F_SETFL, O_NONBLOCK), 0);
	EQ(S3(read, p[0], in, 10), -EAGAIN);
	EQ(S3(fcntl, p[1], F_SETFL, O_NONBLOCK), 0);
	EQ(S3(write, p[1], out, 70000), 65536); /* partial: a big write is not atomic */
	EQ(S3(write, p[1], out, 1), -EAGAIN);
	EQ(S3(read, p[0], in, 100), 100);
	EQ(S3(write, p[1], out, 200), -EAGAIN); /* <= PIPE_BUF: all or nothing */
	EQ(S3(write, p[1], out, 100), 100);
	struct {
		int fd;
		short ev, rev;
	} pf[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
	EQ(S3(poll, pf, 2, 0), 1);
	EQ(pf[0].rev, POLLIN);
	EQ(pf[1].rev, 0);
	/* drain; EOF only after the last writer goes */
	long got = 0, r;
	while ((r = S3(read, p[0], in, sizeof in)) > 0)
		got += r;
	EQ(got, 65536);
	EQ(r, -EAGAIN);
	EQ(S3(poll, pf, 2, 0), 1);
	EQ(pf[1].rev, POLLOUT);
	long w2 = S1(dup, p[1]);
	EQ(S1(close, p[1]), 0);
	EQ(S3(read, p[0], in, 10), -EAGAIN);
	EQ(S1(close, w2), 0);
	EQ(S3(read, p[0], in, 10), 0);
	pf[0].rev = 0;
	EQ(S3(poll, pf, 1, 0), 1);
	EQ(pf[0].rev, POLLHUP);
	EQ(S1(close, p[0]), 0);
	/* EPIPE and SIGPIPE */
	EQ(S2(pipe2, p, O_CLOEXEC), 0);
	EQ(S2(fcntl, p[0], F_GETFD), FD_CLOEXEC);
	EQ(S1(close, p[0]), 0);
	EQ(S3(write, p[1], "x", 1), -EPIPE);
	EQ(test_sig_count, 1);
	EQ(test_sig_num, 13);
	EQ(test_sig_pid, 42);
	EQ(S1(close, p[1]), 0);
	/* blocking read woken by a writer; a signal gives -ERESTARTSYS */
	EQ(S1(pipe, p), 0);
	hook_fd = p[1];
	test_sleep_hook = hook_write_once;
	char b[10] = {0};
	EQ(S3(read, p[0], b, sizeof b), 4);
	CHECK(!memcmp(b, "late", 4), "woken read");
	test_sleep_hook = hook_signal;
	EQ(S3(read, p[0], b, sizeof b), -ERESTARTSYS);
	test_sleep_hook = NULL;
	struct stat st;
	EQ(S2(fstat, p[0], &st), 0);
	CHECK(S_ISFIFO(st.st_mode), "fifo mode");
	EQ(S3(lseek, p[0], 0, SEEK_SET), -ESPIPE);
	EQ(S4(pread64, p[0], b, 1, 0), -ESPIPE);
	EQ(S2(fcntl, p[0], F_GETPIPE_SZ), 65536);
	EQ(S3(write, p[0], "x", 1), -EBADF);
	EQ(S3(read, p[1], b, 1), -EBADF);
	EQ(S2(pipe2, p, 0x40), -EINVAL);
	/* named FIFO */
	EQ(S3(mknod, "/tmp/fifo", S_IFIFO | 0644, 0), 0);
	EQ(openp("/tmp/fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	long rfd = openp("/tmp/fifo", O_RDONLY | O_NONBLOCK, 0);
	CHECK(rfd >= 0, "fifo reader %ld", rfd);
	long wfd = openp("/tmp/fifo", O_WRONLY, 0);
	CHECK(wfd >= 0, "fifo writer %ld", wfd);
	EQ(write_str((int)wfd, "via fifo"), 8);
	EQ(S3(read, rfd, b, sizeof b), 8);
	EQ(S1(close, wfd), 0);
	EQ(S1(close, rfd), 0);
	end();
}

/* --- the tty ---------------------------------------------------------------------------- */

static void type(const char *s)
{
	while (*s)
		console_rx((uint8_t)*s++);
}

static long tty_read_str(char *buf, size_t n)
{
	long r = S3(read, 0, buf, n - 1);
	buf[r > 0 ? r : 0] = 0;
	return r;
}

extern int test_pgrp_kills;
static void test_tty(void)
{
	begin("tty-line-discipline");
	fresh();
	char buf[128];
	/* canonical: echo, erase, kill, CR -> NL, ONLCR on echo */
	type("helo\x7flo\r");
	EQ(tty_read_str(buf, sizeof buf), 6);
	CHECK(!strcmp(buf, "hello\n"), "got '%s'", buf);
	CHECK(!strcmp(test_out, "helo\b \blo\r\n"), "echo '%s'", test_out);
	test_out_len = 0;
	type("junk\x15ok\n");
	EQ(tty_read_str(buf, sizeof buf), 3);
	CHECK(!strcmp(buf, "ok\n"), "kill: '%s'", buf);
	/* small reads take a line piece by piece; only one line per read */
	type("abcdef\nsecond\n");
	EQ(tty_read_str(buf, 4), 3);
	CHECK(!strcmp(buf, "abc"), "%s", buf);
	EQ(tty_read_str(buf, sizeof buf), 4);
	CHECK(!strcmp(buf, "def\n"), "%s", buf);
	/* the second line was not taken from the console's queue yet */
	EQ(console_rx_count(), 7);
	EQ(tty_read_str(buf, sizeof buf), 7);
	/* ^D: pushes a partial line; on an empty line it is end of file */
	type("part\x04");
	EQ(tty_read_str(buf, sizeof buf), 4);
	CHECK(!strcmp(buf, "part"), "%s", buf);
	type("\x04");
	EQ(tty_read_str(buf, sizeof buf), 0);
	/* nothing typed: the read sleeps (the shim says -EAGAIN) */
	EQ(tty_read_str(buf, sizeof buf), -EAGAIN);
	/* ^C with a program in the foreground: signal, the line is discarded */
	test_fg_pid = 77;
	test_out_len = 0;
	type("discard me\x03");
	EQ(test_sig_count, 1);
	EQ(test_sig_pid, 77);
	EQ(test_sig_num, 2);
	CHECK(strstr(test_out, "^C") != NULL, "echo '%s'", test_out);
	type("after\n");
	EQ(tty_read_str(buf, sizeof buf), 6);
	CHECK(!strcmp(buf, "after\n"), "%s", buf);
	/* ^C with no foreground program goes to the queue (the shell's editor ignores it) */
	test_fg_pid = 0;
	type("\x03");
	EQ(console_rx_count(), 1);
	console_rx_flush();
	/* termios: TCGETS, raw mode with VMIN, no echo */
	struct termios t;
	EQ(S3(ioctl, 0, TCGETS, &t), 0);
	CHECK((t.c_lflag & ICANON) && (t.c_lflag & ECHO) && (t.c_oflag & ONLCR), "default termios");
	struct termios raw = t;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	EQ(S3(ioctl, 0, TCSETS, &raw), 0);
	test_out_len = 0;
	type("xy\x03");
	EQ(tty_read_str(buf, 2), 1);
	EQ(buf[0], 'x');
	EQ(tty_read_str(buf, sizeof buf), 2);
	CHECK(buf[0] == 'y' && buf[1] == 3, "raw bytes");
	EQ(test_out_len, 0);
	EQ(test_sig_count, 1); /* ISIG off: no signal */
	/* VMIN 0, VTIME 0: returns at once */
	raw.c_cc[VMIN] = 0;
	EQ(S3(ioctl, 0, TCSETSW, &raw), 0);
	EQ(tty_read_str(buf, sizeof buf), 0);
	/* VMIN 0, VTIME 5: times out */
	raw.c_cc[VTIME] = 5;
	EQ(S3(ioctl, 0, TCSETSF, &raw), 0);
	EQ(tty_read_str(buf, sizeof buf), 0);
	/* nonblocking */
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	EQ(S3(ioctl, 0, TCSETS, &raw), 0);
	EQ(S3(fcntl, 0, F_SETFL, O_NONBLOCK), 0);
	EQ(tty_read_str(buf, sizeof buf), -EAGAIN);
	EQ(S3(fcntl, 0, F_SETFL, 0), 0);
	/* output: ONLCR, and raw output with OPOST off */
	EQ(S3(ioctl, 0, TCSETS, &t), 0);
	test_out_len = 0;
	EQ(write_str(1, "a\nb\n"), 4);
	CHECK(!strcmp(test_out, "a\r\nb\r\n"), "onlcr '%s'", test_out);
	raw.c_oflag &= ~(tcflag_t)OPOST;
	EQ(S3(ioctl, 0, TCSETS, &raw), 0);
	test_out_len = 0;
	EQ(write_str(1, "a\nb"), 3);
	CHECK(!strcmp(test_out, "a\nb"), "raw out '%s'", test_out);
	EQ(S3(ioctl, 0, TCSETS, &t), 0);
	/* window size, process group, ENOTTY elsewhere */
	struct winsize ws;
	EQ(S3(ioctl, 1, TIOCGWINSZ, &ws), 0);
	CHECK(ws.ws_row == 24 && ws.ws_col == 80, "winsize %dx%d", ws.ws_col, ws.ws_row);
	/* the console's session and foreground group (proc/pgrp.c; the shim's process 42
	 * leads group and session 42) */
	int pg = 0;
	tty_set_foreground(42, 42); /* the shell gives the program's session the console */
	EQ(S3(ioctl, 0, TIOCGPGRP, &pg), 0);
	EQ(pg, 42);
	EQ(S3(ioctl, 0, TIOCGSID, &pg), 0);
	EQ(pg, 42);
	pg = 9; /* no such group: ESRCH, as Linux (one of another session would be EPERM) */
	EQ(S3(ioctl, 0, TIOCSPGRP, &pg), -ESRCH);
	pg = 42;
	EQ(S3(ioctl, 0, TIOCSPGRP, &pg), 0);
	EQ(S1(ioctl, 0), -ENOTTY); /* cmd 0: not a terminal request */
	test_fg_pid = 50;
	test_pgrp_kills = 0;
	test_sig_count = 0;
	type("\x03");
	EQ(test_pgrp_kills, 1); /* ^C goes to the foreground group */
	EQ(test_sig_count, 0);
	tty_set_foreground(7, 7); /* another session's terminal: not the caller's */
	EQ(S3(ioctl, 0, TIOCGPGRP, &pg), -ENOTTY);
	tty_set_foreground(0, 0);
	test_fg_pid = 0;
	long fd = openp("/etc", O_RDONLY, 0);
	EQ(S3(ioctl, fd, TCGETS, &t), -ENOTTY);
	EQ(S3(ioctl, 0, TCGETS, 8), -EFAULT);
	/* poll on the console */
	struct {
		int fd;
		short ev, rev;
	} pf = {0, POLLIN, 0};
	EQ(S3(poll, &pf, 1, 0), 0);
	type("line\r");
	EQ(S3(poll, &pf, 1, 0), 1);
	EQ(pf.rev, POLLIN);
	EQ(tty_read_str(buf, sizeof buf), 5);
	/* the shell's own reader shares the queue */
	type("ls /\r");
	char line[64];
	test_out_len = 0;
	EQ(console_readline(line, sizeof line), 4);
	CHECK(!strcmp(line, "ls /"), "readline '%s'", line);
	end();
}

/* --- poll and select --------------------------------------------------------------------- */

static void test_poll(void)
{
	begin("poll-select");
	fresh();
	int p[2];
	EQ(S1(pipe, p), 0);
	long fd = openp("/etc/motd-test", O_CREAT | O_RDWR, 0644);
	struct {
		int fd;
		short ev, rev;
	} pf[3] = {{(int)fd, POLLIN | POLLOUT, 0}, {p[0], POLLIN, 0}, {99, POLLIN, 0}};
	EQ(S3(poll, pf, 3, 0), 2);
	EQ(pf[0].rev, POLLIN | POLLOUT);
	EQ(pf[1].rev, 0);
	EQ(pf[2].rev, POLLNVAL);
	pf[2].fd = -1;
	test_now_ns = 1000;
	EQ(S3(poll, pf + 1, 2, 50), 0); /* times out */
	CHECK(test_now_ns >= 1000 + 50000000, "time passed %lu", (unsigned long)test_now_ns);
	test_sleep_hook = hook_signal;
	EQ(S3(poll, pf + 1, 1, -1), -514); /* -ERESTARTNOHAND: EINTR after a handler */
	test_sleep_hook = NULL;
	EQ(S3(poll, 8, 1, 0), -EFAULT);
	EQ(S3(write, p[1], "x", 1), 1);
	EQ(S3(poll, pf + 1, 1, -1), 1);
	/* select */
	uint64_t r[4] = {0}, w[4] = {0};
	r[0] = 1ULL << p[0] | 1ULL << fd;
	w[0] = 1ULL << p[1];
	EQ(S5(select, 64, r, w, 0, 0), 3);
	EQ(r[0], 1ULL << p[0] | 1ULL << fd);
	EQ(w[0], 1ULL << p[1]);
	char c;
	EQ(S3(read, p[0], &c, 1), 1);
	r[0] = 1ULL << p[0];
	struct {
		long s, us;
	} tv = {0, 0};
	EQ(S5(select, p[0] + 1, r, 0, 0, &tv), 0);
	EQ(r[0], 0);
	r[0] = 1ULL << 60;
	EQ(S5(select, 64, r, 0, 0, &tv), -EBADF);
	EQ(S5(select, -1, r, 0, 0, &tv), -EINVAL);
	struct {
		long long s, ns;
	} ts = {0, 0};
	r[0] = 1ULL << p[0];
	EQ(sys_pselect6(p[0] + 1, U(r), 0, 0, U(&ts), 0), 0);
	EQ(sys_ppoll(U(pf + 1), 1, U(&ts), 0, 8, 0), 0);
	uint64_t mask = 1 << 1, sigarg[2] = {U(&mask), 8};
	EQ(sys_ppoll(U(pf + 1), 1, U(&ts), U(&mask), 8, 0), 0);
	EQ(sys_ppoll(U(pf + 1), 1, U(&ts), U(&mask), 4, 0), -EINVAL);
	EQ(sys_pselect6(p[0] + 1, U(r), 0, 0, U(&ts), U(sigarg)), 0);
	EQ(test_mask_sets, 2);
	EQ(test_mask_restores, 2);
	end();
}

/* --- epoll --------------------------------------------------------------------------------- */

struct kev {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

static long ep_ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct kev e = {events, data};
	return S4(epoll_ctl, ep, op, fd, &e);
}

static void test_epoll(void)
{
	begin("epoll");
	fresh();
	int p[2];
	struct kev ev[4];
	long ep = S1(epoll_create1, 0);
	CHECK(ep >= 0, "epoll_create1 %ld", ep);
	EQ(S1(pipe, p), 0);
	/* level- and edge-triggered on one pipe, through two fds of its read end */
	long d = S1(dup, p[0]);
	EQ(ep_ctl((int)ep, 1, p[0], POLLIN, 7), 0);
	EQ(ep_ctl((int)ep, 1, (int)d, POLLIN | (1u << 31), 8), 0);
	EQ(S4(epoll_wait, ep, ev, 4, 0), 0);
	EQ(S3(write, p[1], "ab", 2), 2);
	EQ(S4(epoll_wait, ep, ev, 4, 0), 2);
	EQ(S4(epoll_wait, ep, ev, 4, 0), 1); /* the edge-triggered one is done */
	EQ(ev[0].data, 7);
	char c;
	EQ(S3(read, p[0], &c, 1), 1);         /* a partial read is no new edge */
	EQ(S4(epoll_wait, ep, ev, 4, 0), 1);
	EQ(ev[0].data, 7);
	/* the epoll is readable through poll; a wait times out and a signal ends one */
	struct {
		int fd;
		short ev, rev;
	} pf = {(int)ep, POLLIN, 0};
	EQ(S3(poll, &pf, 1, 0), 1);
	EQ(S3(read, p[0], &c, 1), 1);
	EQ(S3(poll, &pf, 1, 0), 0);
	test_now_ns = 1000;
	EQ(S4(epoll_wait, ep, ev, 4, 30), 0);
	CHECK(test_now_ns >= 1000 + 30000000, "time passed %lu", (unsigned long)test_now_ns);
	test_sleep_hook = hook_signal;
	EQ(S4(epoll_wait, ep, ev, 4, -1), -EINTR);
	test_sleep_hook = NULL;
	/* a write while asleep wakes the wait */
	hook_fd = p[1];
	test_sleep_hook = hook_write_once;
	EQ(S4(epoll_wait, ep, ev, 4, -1), 2);
	/* errors */
	EQ(S4(epoll_wait, ep, ev, 0, 0), -EINVAL);
	EQ(S4(epoll_wait, ep, 8, 4, 0), -EFAULT);
	EQ(S4(epoll_wait, p[0], ev, 4, 0), -EINVAL);
	EQ(S4(epoll_wait, 99, ev, 4, 0), -EBADF);
	EQ(ep_ctl((int)ep, 1, p[0], POLLIN, 0), -EEXIST);
	EQ(ep_ctl((int)ep, 1, (int)ep, POLLIN, 0), -EINVAL);
	EQ(ep_ctl((int)ep, 3, p[1], POLLIN, 0), -ENOENT);
	EQ(S4(epoll_ctl, ep, 1, p[1], 8), -EFAULT);
	long fd = openp("/tmp/epf", O_CREAT | O_RDWR, 0644);
	EQ(ep_ctl((int)ep, 1, (int)fd, POLLIN, 0), -EPERM);
	/* nested: a cycle is ELOOP; the outer epoll sees the inner one's readiness */
	long outer = S1(epoll_create1, 0);
	EQ(ep_ctl((int)outer, 1, (int)ep, POLLIN, 9), 0);
	EQ(ep_ctl((int)ep, 1, (int)outer, POLLIN, 0), -ELOOP);
	EQ(S4(epoll_wait, outer, ev, 4, 0), 1);
	EQ(ev[0].data, 9);
	/* items go with their file's last reference: closing p[0] keeps the dup's file */
	EQ(S1(close, p[0]), 0);
	EQ(S1(close, d), 0);
	EQ(S4(epoll_wait, ep, ev, 4, 0), 0);
	EQ(S4(epoll_wait, outer, ev, 4, 0), 0);
	EQ(S1(close, ep), 0);                  /* the outer's item on it goes too */
	EQ(S4(epoll_wait, outer, ev, 4, 0), 0);
	EQ(S1(close, outer), 0);
	EQ(S1(close, p[1]), 0);
	EQ(S1(close, fd), 0);
	end();
}

/* --- bad pointers and misc ----------------------------------------------------------------- */

static void test_efault(void)
{
	begin("bad-pointers");
	fresh();
	long fd = openp("/tmp/ef", O_CREAT | O_RDWR, 0644);
	EQ(write_str((int)fd, "data"), 4);
	EQ(S3(lseek, fd, 0, SEEK_SET), 0);
	EQ(S3(read, fd, 8, 4), -EFAULT);
	EQ(S3(read, fd, 0xffff800000001000ULL, 4), -EFAULT);
	EQ(S3(write, fd, 8, 4), -EFAULT);
	EQ(S3(open, 8, O_RDONLY, 0), -EFAULT);
	EQ(S3(open, 0xffffffff80000000ULL, O_RDONLY, 0), -EFAULT);
	EQ(S2(stat, "/tmp/ef", 16), -EFAULT);
	EQ(S2(stat, 16, 16), -EFAULT);
	EQ(S2(fstat, fd, 0x7ffffffffff0ULL), -EFAULT); /* straddles the end of user space */
	EQ(S1(pipe, 8), -EFAULT);
	EQ(S1(dup, 0), 4); /* the failed pipe left no descriptors behind */
	EQ(S3(readv, fd, 8, 1), -EFAULT);
	EQ(S2(getcwd, 8, 100), -EFAULT);
	EQ(S2(mkdir, 8, 0), -EFAULT);
	EQ(S2(rename, "/tmp/ef", 8), -EFAULT);
	EQ(S4(utimensat, AT_FDCWD, "/tmp/ef", 8, 0), -EFAULT);
	struct {
		long long s, ns;
	} times[2] = {{5, 0}, {6, UTIME_OMIT}};
	EQ(S4(utimensat, AT_FDCWD, "/tmp/ef", times, 0), 0);
	struct stat st;
	EQ(S2(stat, "/tmp/ef", &st), 0);
	EQ(st.st_atime, 5);
	CHECK(st.st_mtime > 1000, "mtime kept");
	times[1].ns = 2000000000LL;
	EQ(S4(utimensat, AT_FDCWD, "/tmp/ef", times, 0), -EINVAL);
	/* devices */
	long z = openp("/dev/zero", O_RDONLY, 0), nul = openp("/dev/null", O_RDWR, 0);
	char buf[100];
	memset(buf, 1, sizeof buf);
	EQ(S3(read, z, buf, sizeof buf), 100);
	EQ(buf[0] | buf[99], 0);
	EQ(S3(read, nul, buf, sizeof buf), 0);
	EQ(S3(write, nul, 8, 1000), 1000);
	EQ(S3(read, z, 8, 10), -EFAULT);
	/* statfs */
	uint64_t sf[15];
	EQ(S2(statfs, "/", sf), 0);
	EQ(sf[0], 0x01021994);
	EQ(S2(fstatfs, 99, sf), -EBADF);
	/* sendfile: to a pipe and to a file, with and without an offset */
	int sp[2];
	EQ(S1(pipe, sp), 0);
	long src = openp("/tmp/sf", O_CREAT | O_RDWR, 0644);
	static char sfdata[40000];
	for (size_t i = 0; i < sizeof sfdata; i++)
		sfdata[i] = (char)(i % 251);
	EQ(S3(write, src, sfdata, sizeof sfdata), (long)sizeof sfdata);
	int64_t soff = 39990;
	EQ(S4(sendfile, sp[1], src, &soff, 100), 10);
	EQ(soff, 40000);
	EQ(S3(read, sp[0], buf, sizeof buf), 10);
	CHECK(!memcmp(buf, sfdata + 39990, 10), "sendfile to pipe");
	long dst = openp("/tmp/sf2", O_CREAT | O_RDWR, 0644);
	EQ(S3(lseek, src, 0, SEEK_SET), 0);
	EQ(S4(sendfile, dst, src, 0, 1 << 20), (long)sizeof sfdata);
	EQ(S3(lseek, src, 0, SEEK_CUR), (long)sizeof sfdata);
	static char back[40000];
	EQ(S4(pread64, dst, back, sizeof back, 0), (long)sizeof back);
	CHECK(!memcmp(back, sfdata, sizeof back), "sendfile to file");
	EQ(S4(sendfile, dst, sp[0], 0, 10), -EINVAL);
	EQ(S4(sendfile, src, dst, 8, 10), -EFAULT);
	EQ(S4(sendfile, 99, src, 0, 10), -EBADF);
	/* vfs_file_contents for execve */
	struct inode *ip;
	const void *data;
	uint64_t size;
	EQ(vfs_file_contents("/tmp/ef", &ip, &data, &size), 0);
	CHECK(size == 4 && !memcmp(data, "data", 4), "contents");
	inode_put(ip);
	EQ(vfs_file_contents("/tmp", &ip, &data, &size), -EISDIR);
	EQ(vfs_file_contents("/dev/null", &ip, &data, &size), -EACCES);
	EQ(vfs_file_contents("/none", &ip, &data, &size), -ENOENT);
	EQ(fd_file_contents((int)fd, &ip, &data, &size), 0);
	CHECK(size == 4 && !memcmp(data, "data", 4), "fd contents");
	inode_put(ip);
	EQ(fd_file_contents(1, &ip, &data, &size), -EACCES);
	EQ(fd_file_contents(99, &ip, &data, &size), -EBADF);
	EQ(S3(readlink, "", buf, sizeof buf), -ENOENT);
	end();
}

/* Record locks (fs/lock.c) against a model: two owners (two descriptor tables sharing one
 * open file) set and remove random ranges; each byte of the model holds each owner's lock
 * type, and F_GETLK from the other owner must report, for every byte, that type over the
 * whole run of equal bytes around it (so ranges split and merge exactly as they should).
 * Conflicting requests fail with EAGAIN and change nothing. Under ASan: no leak, no
 * use after free, once everything is closed. */
#define LK_BYTES 48
static char lk_model[2][LK_BYTES];      /* 0, F_RDLCK + 1 or F_WRLCK + 1 */

static long lk_fcntl(int cmd, int type, long start, long len, struct flock *out)
{
	struct flock fl = {.l_type = (short)type, .l_whence = 0, .l_start = start, .l_len = len};
	long r = S3(fcntl, 3, cmd, &fl);
	if (out)
		*out = fl;
	return r;
}

static bool lk_conflicts(int me, int type, int s, int e)
{
	for (int b = s; b <= e; b++) {
		int o = lk_model[!me][b];
		if (o && (o - 1 == F_WRLCK || type == F_WRLCK))
			return true;
	}
	return false;
}

static void lk_verify(struct fdtable *tab[2])
{
	for (int who = 0; who < 2; who++) {
		test_fdt = tab[!who];   /* ask as the other owner */
		for (int b = 0; b < LK_BYTES; b++) {
			struct flock g;
			EQ(lk_fcntl(F_GETLK, F_WRLCK, b, 1, &g), 0);
			int want = lk_model[who][b] ? lk_model[who][b] - 1 : F_UNLCK;
			if (g.l_type != want) {
				EQ(g.l_type, want);
				return;
			}
			if (want == F_UNLCK)
				continue;
			int s = b, e = b;
			while (s > 0 && lk_model[who][s - 1] == lk_model[who][b])
				s--;
			while (e + 1 < LK_BYTES && lk_model[who][e + 1] == lk_model[who][b])
				e++;
			if (g.l_start != s || g.l_len != e - s + 1) {
				EQ(g.l_start, s);
				EQ(g.l_len, e - s + 1);
				return;
			}
		}
	}
}

static void test_locks(void)
{
	begin("record-locks");
	fresh();
	EQ(openp("/tmp/lk", O_CREAT | O_RDWR, 0600), 3);
	struct fdtable *tab[2] = {test_fdt, fdtable_clone(test_fdt)};
	memset(lk_model, 0, sizeof(lk_model));
	uint32_t seed = 12345;
	for (int i = 0; i < 3000 && !cur_failed; i++) {
		seed = seed * 1103515245 + 12345;
		int me = (seed >> 8) & 1, type = (int)((seed >> 9) % 3); /* F_RDLCK, F_WRLCK, F_UNLCK */
		int s = (int)((seed >> 12) % LK_BYTES), len = 1 + (int)((seed >> 20) % 12);
		int e = MIN(s + len, LK_BYTES) - 1;
		test_fdt = tab[me];
		bool conflict = type != F_UNLCK && lk_conflicts(me, type, s, e);
		EQ(lk_fcntl(F_SETLK, type, s, e - s + 1, NULL), conflict ? -EAGAIN : 0);
		if (!conflict)
			for (int b = s; b <= e; b++)
				lk_model[me][b] = type == F_UNLCK ? 0 : (char)(type + 1);
		if (i % 50 == 0)
			lk_verify(tab);
	}
	lk_verify(tab);
	/* closing any descriptor of the file drops that owner's locks, only its own */
	test_fdt = tab[1];
	EQ(S1(dup, 3), 4);
	EQ(S1(close, 4), 0);
	memset(lk_model[1], 0, LK_BYTES);
	lk_verify(tab);
	/* the surviving owner's locks go with its table (exit) */
	fdtable_put(tab[1]);
	test_fdt = tab[0];
	end();
}

/* The descriptors with no name (eventfd.c, timerfd.c, signalfd.c, pidfd.c) through the shim:
 * sleeping with a deadline moves the shim's clock to it, so a blocking timerfd read and a
 * poll that waits for a timer (poll_wake_at) both end at the expiration. */
extern uint64_t test_sig_pending;
extern int test_proc_ended;
static void test_anonfds(void)
{
	begin("anonymous-descriptors");
	fresh();
	uint64_t v = 0;
	/* eventfd */
	long e = S2(eventfd2, 3, O_NONBLOCK);
	CHECK(e >= 0, "eventfd2 %ld", e);
	EQ(S3(read, e, &v, 8), 8);
	EQ(v, 3);
	EQ(S3(read, e, &v, 8), -EAGAIN);
	EQ(S3(read, e, &v, 4), -EINVAL);
	v = ~0ULL;
	EQ(S3(write, e, &v, 8), -EINVAL);
	v = ~0ULL - 1;
	EQ(S3(write, e, &v, 8), 8);
	v = 1;
	EQ(S3(write, e, &v, 8), -EAGAIN);
	struct {
		int fd;
		short ev, rev;
	} pf = {(int)e, POLLIN | POLLOUT, 0};
	EQ(S3(poll, &pf, 1, 0), 1);
	EQ(pf.rev, POLLIN);
	EQ(S2(eventfd2, 0, 8), -EINVAL);
	EQ(S1(close, e), 0);
	/* timerfd: 10 ms then every 5 ms, on the shim's clock */
	test_now_ns = 1000;
	long t = S2(timerfd_create, 1, 0);
	CHECK(t >= 0, "timerfd_create %ld", t);
	struct {
		long long is, ins, vs, vns;
	} its = {0, 5000000, 0, 10000000}, cur;
	EQ(S4(timerfd_settime, t, 0, &its, 0), 0);
	EQ(S2(timerfd_gettime, t, &cur), 0);
	EQ(cur.vns, 10000000);
	EQ(cur.ins, 5000000);
	pf = (__typeof__(pf)){(int)t, POLLIN, 0};
	EQ(S3(poll, &pf, 1, 0), 0);
	EQ(S3(poll, &pf, 1, 1000), 1); /* woken at the expiration, not at the timeout */
	EQ(test_now_ns, 1000 + 10000000);
	EQ(S3(read, t, &v, 8), 8);
	EQ(v, 1);
	test_now_ns += 12000000; /* two more intervals and a bit */
	EQ(S3(read, t, &v, 8), 8);
	EQ(v, 2);
	EQ(S3(read, t, &v, 8), 8); /* blocks until the next one */
	EQ(v, 1);
	EQ(S3(ioctl, t, 0, 0), -ENOTTY);
	EQ(S4(timerfd_settime, 0, 0, &its, 0), -EINVAL); /* not a timerfd */
	EQ(S2(timerfd_create, 42, 0), -EINVAL);
	EQ(S1(close, t), 0);
	/* signalfd: the shim's pending set */
	uint64_t mask = 1ULL << 9 | 1ULL << 11; /* SIGUSR1, SIGUSR2 */
	long sfd = S4(signalfd4, -1, &mask, 8, O_NONBLOCK);
	CHECK(sfd >= 0, "signalfd4 %ld", sfd);
	uint8_t rec[256];
	EQ(S3(read, sfd, rec, sizeof(rec)), -EAGAIN);
	test_sig_pending = 1ULL << 9 | 1ULL << 11 | 1ULL << 1;
	pf = (__typeof__(pf)){(int)sfd, POLLIN, 0};
	EQ(S3(poll, &pf, 1, 0), 1);
	EQ(S3(read, sfd, rec, 100), -EINVAL);
	EQ(S3(read, sfd, rec, sizeof(rec)), 256);
	EQ(rec[0], 10);
	EQ(rec[128], 12);
	EQ(test_sig_pending, 1ULL << 1);
	EQ(S4(signalfd4, 0, &mask, 8, 0), -EINVAL);
	EQ(S4(signalfd4, -1, &mask, 4, 0), -EINVAL);
	test_sig_pending = 0;
	EQ(S1(close, sfd), 0);
	/* pidfd: process 77 of the shim */
	EQ(S2(pidfd_open, 78, 0), -ESRCH);
	EQ(S2(pidfd_open, 77, 1), -EINVAL);
	long pfd = S2(pidfd_open, 77, 0);
	CHECK(pfd >= 0, "pidfd_open %ld", pfd);
	pf = (__typeof__(pf)){(int)pfd, POLLIN, 0};
	test_proc_ended = 0;
	EQ(S3(poll, &pf, 1, 0), 0);
	test_proc_ended = 1;
	EQ(S3(poll, &pf, 1, 0), 1);
	EQ(S3(read, pfd, &v, 8), -EINVAL);
	EQ(S4(pidfd_send_signal, pfd, 15, 0, 0), -ESRCH);
	test_proc_ended = 0;
	EQ(S4(pidfd_send_signal, pfd, 15, 0, 0), 0);
	EQ(S4(pidfd_send_signal, 0, 15, 0, 0), -EBADF);
	EQ(S1(close, pfd), 0);
	end();
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	vfs_init();
	ramfs_create("/tmp", S_IFDIR | 01777);
	ramfs_create("/etc", S_IFDIR | 0755);
	test_paths();
	test_names();
	test_contents();
	test_getdents();
	test_procfs();
	test_fds();
	test_limits();
	test_pipes();
	test_tty();
	test_poll();
	test_epoll();
	test_anonfds();
	test_efault();
	test_locks();
	fdtable_put(test_fdt);
	fs_context_put(test_fs);
	return failed_total ? 1 : 0;
}
