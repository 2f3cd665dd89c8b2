/* t_fileio: open flags, read/write/lseek, pread/pwrite, stat, directories, rename, errors. */
#define _GNU_SOURCE
#include "check.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#define DIR_ "t_fileio.tmp"

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(write(fd, path, strlen(path)), strlen(path));
	CHECK_EQ(close(fd), 0);
}

static void files(void)
{
	char buf[64];
	struct stat st;
	int fd = open(DIR_ "/f", O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	CHECK_ERR(open(DIR_ "/f", O_RDWR | O_CREAT | O_EXCL, 0600), EEXIST);
	CHECK_EQ(write(fd, "hello world", 11), 11);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
	CHECK_EQ(lseek(fd, 6, SEEK_SET), 6);
	CHECK_EQ(read(fd, buf, sizeof buf), 5);
	CHECK(memcmp(buf, "world", 5) == 0);
	CHECK_EQ(read(fd, buf, sizeof buf), 0); /* end of file */
	CHECK_EQ(lseek(fd, -5, SEEK_CUR), 6);
	CHECK_EQ(lseek(fd, 0, SEEK_END), 11);
	CHECK_ERR(lseek(fd, -100, SEEK_SET), EINVAL);
	CHECK_EQ(lseek(fd, 20, SEEK_END), 31); /* a hole up to 31 */
	CHECK_EQ(write(fd, "!", 1), 1);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 32);
	CHECK(S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode));
	CHECK_EQ(st.st_mode & 0777, 0600);
	CHECK_EQ(pread(fd, buf, 21, 11), 21);
	for (int i = 0; i < 20; i++)
		CHECK_EQ(buf[i], 0);
	CHECK_EQ(buf[20], '!');
	CHECK_EQ(pwrite(fd, "HELLO", 5, 0), 5);
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 32); /* pread/pwrite leave the offset alone */
	CHECK_EQ(pread(fd, buf, 11, 0), 11);
	CHECK(memcmp(buf, "HELLO world", 11) == 0);
	CHECK_EQ(close(fd), 0);
	CHECK_ERR(close(fd), EBADF);
	CHECK_ERR(read(fd, buf, 1), EBADF);
	CHECK_ERR(write(fd, buf, 1), EBADF);
	CHECK_ERR(fstat(fd, &st), EBADF);

	fd = open(DIR_ "/f", O_WRONLY | O_APPEND);
	CHECK(fd >= 0);
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	CHECK_EQ(write(fd, "+tail", 5), 5); /* appended anyway */
	CHECK_EQ(lseek(fd, 0, SEEK_CUR), 37);
	CHECK_ERR(read(fd, buf, 1), EBADF); /* write-only */
	CHECK_EQ(close(fd), 0);
	CHECK_EQ(stat(DIR_ "/f", &st), 0);
	CHECK_EQ(st.st_size, 37);

	fd = open(DIR_ "/f", O_RDWR | O_TRUNC);
	CHECK(fd >= 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(write(fd, "abc", 3), 3);
	int fd2 = dup(fd);
	CHECK(fd2 > fd);
	CHECK_EQ(lseek(fd2, 0, SEEK_CUR), 3); /* dup shares the offset */
	CHECK_EQ(ftruncate(fd, 2), 0);
	CHECK_EQ(fstat(fd2, &st), 0);
	CHECK_EQ(st.st_size, 2);
	CHECK_EQ(close(fd2), 0);
	CHECK_EQ(close(fd), 0);
	printf("open/read/write/lseek/pread/pwrite/stat: ok\n");

	CHECK_EQ(rename(DIR_ "/f", DIR_ "/g"), 0);
	CHECK_ERR(stat(DIR_ "/f", &st), ENOENT);
	CHECK_EQ(stat(DIR_ "/g", &st), 0);
	CHECK_EQ(st.st_size, 2);
	touch(DIR_ "/h");
	CHECK_EQ(rename(DIR_ "/h", DIR_ "/g"), 0); /* replaces g */
	CHECK_EQ(stat(DIR_ "/g", &st), 0);
	CHECK_EQ(st.st_size, strlen(DIR_ "/h"));
	CHECK_EQ(unlink(DIR_ "/g"), 0);
	CHECK_ERR(unlink(DIR_ "/g"), ENOENT);
	CHECK_ERR(open(DIR_ "/nothere", O_RDONLY), ENOENT);
	CHECK_ERR(open(DIR_ "/no/such/dir", O_RDWR | O_CREAT, 0600), ENOENT);
	CHECK_ERR(rename(DIR_ "/nothere", DIR_ "/x"), ENOENT);
	printf("rename/unlink/errors: ok\n");
}

static void directories(void)
{
	struct stat st;
	CHECK_EQ(mkdir(DIR_ "/d", 0755), 0);
	CHECK_ERR(mkdir(DIR_ "/d", 0755), EEXIST);
	CHECK_EQ(stat(DIR_ "/d", &st), 0);
	CHECK(S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode));
	const char *names[] = {"zeta", "alpha", "mid", "b2", "b10"};
	char path[128];
	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof path, DIR_ "/d/%s", names[i]);
		touch(path);
	}
	CHECK_EQ(mkdir(DIR_ "/d/sub", 0755), 0);
	CHECK_ERR(rmdir(DIR_ "/d"), ENOTEMPTY);

	DIR *d = opendir(DIR_ "/d");
	CHECK(d != NULL);
	char *seen[16];
	int n = 0, dots = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
			continue;
		}
		CHECK(n < 16);
		if (!strcmp(e->d_name, "sub"))
			CHECK(e->d_type == DT_DIR || e->d_type == DT_UNKNOWN);
		else
			CHECK(e->d_type == DT_REG || e->d_type == DT_UNKNOWN);
		seen[n++] = strdup(e->d_name);
	}
	CHECK_EQ(closedir(d), 0);
	CHECK_EQ(dots, 2);
	qsort(seen, n, sizeof seen[0], cmp_name);
	printf("readdir:");
	for (int i = 0; i < n; i++)
		printf(" %s", seen[i]);
	printf("\n");
	CHECK_EQ(n, 6);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, DIR_ "/d/%s", seen[i]);
		CHECK_EQ(strcmp(seen[i], "sub") ? unlink(path) : rmdir(path), 0);
		free(seen[i]);
	}
	CHECK_ERR(opendir(DIR_ "/nothere") ? 0 : -1, ENOENT);
	CHECK_ERR(rmdir(DIR_ "/d/sub"), ENOENT);
	CHECK_EQ(rmdir(DIR_ "/d"), 0);
	CHECK_ERR(stat(DIR_ "/d", &st), ENOENT);
	printf("mkdir/readdir/rmdir: ok\n");
}

int main(void)
{
	check_init();
	umask(022);
	struct stat st;
	if (stat(DIR_, &st) == 0) /* left over by an earlier failed run */
		CHECK_EQ(system("rm -rf " DIR_), 0);
	CHECK_EQ(mkdir(DIR_, 0700), 0);
	files();
	directories();
	CHECK_EQ(rmdir(DIR_), 0);
	CHECK_DONE("t_fileio");
}
