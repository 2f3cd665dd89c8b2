/* devrw: read and write through a descriptor, the cases the short paths of issue 12 item 3
 * must keep (kernel/fs/sys_rw.c's f->rw bits, dev/devices.c's in-place /dev/zero read).
 *
 * Parts: `zero-partial`: a /dev/zero (and /dev/full) read into a buffer that runs into an
 * unmapped page returns the bytes before it and writes exactly those, -EFAULT when not one
 * byte could be written, for short reads, quadword-sized ones, misaligned ones and one
 * longer than the kernel's 64 KiB chunk (Linux: clear_user, exact); `checks`: EBADF for -1, a
 * large fd, a closed fd, O_PATH, the wrong access mode; EINVAL for a file with no read or
 * write operation (an epoll descriptor); EISDIR for a directory; the MAX_RW clamp (a write
 * of 2^31 bytes to /dev/null returns 0x7ffff000); a dup2'd and an inherited descriptor
 * keep their rights; a read on a regular file advances the offset. */
#define _GNU_SOURCE
#include "../ring0/r0test.h"
#include <stdbool.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <string.h>

#define PG 4096

static char *two_pages_second_gone(size_t first)
{
	char *p = mmap(NULL, first + PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(p != MAP_FAILED, "mmap");
	if (p == MAP_FAILED)
		return NULL;
	CHECK(munmap(p + first, PG) == 0, "munmap");
	memset(p, 0xaa, first);
	return p;
}

/* read(fd, p + off, n) must return want and zero exactly the bytes [off, off+want). */
static void zero_at(int fd, char *p, size_t size, size_t off, size_t n, long want)
{
	memset(p, 0xaa, size);
	errno = 0;
	long r = read(fd, p + off, n);
	if (want < 0) {
		CHECK(r == -1 && errno == EFAULT, "read(%zu, %zu) = %ld, want EFAULT", off, n, r);
		return;
	}
	CHECK(r == want, "read(off %zu, n %zu) = %ld, want %ld", off, n, r, want);
	size_t bad = 0;
	for (size_t i = 0; i < size; i++) {
		bool zero = i >= off && i < off + (size_t)want;
		if (p[i] != (zero ? 0 : (char)0xaa))
			bad++;
	}
	CHECK(bad == 0, "read(off %zu, n %zu): %zu bytes wrong", off, n, bad);
}

static void part_zero_partial(void)
{
	int z = open("/dev/zero", O_RDONLY), full = open("/dev/full", O_RDONLY);
	CHECK(z >= 0 && full >= 0, "open /dev/zero, /dev/full");
	char *p = two_pages_second_gone(PG);
	if (!p)
		return;
	zero_at(z, p, PG, 0, 8192, PG);
	zero_at(z, p, PG, 100, 8192, PG - 100);
	zero_at(z, p, PG, 4000, 96, 96);          /* exactly to the end */
	zero_at(z, p, PG, 4000, 200, 96);
	zero_at(z, p, PG, 4095, 20, 1);
	zero_at(z, p, PG, 4089, 200, 7);          /* misaligned, quadword-sized count */
	zero_at(z, p, PG, 4088, 16, 8);
	zero_at(z, p, PG, 3, 1, 1);
	zero_at(z, p, PG, 0, 0, 0);
	zero_at(full, p, PG, 4001, 4096, 95);
	errno = 0;
	CHECK(read(z, p + PG, 10) == -1 && errno == EFAULT, "read into the unmapped page");
	errno = 0;
	CHECK(read(z, p + PG + 7, 100) == -1 && errno == EFAULT, "read into the unmapped page, misaligned");
	munmap(p, PG);
	/* longer than a chunk: the count is exact there too */
	size_t big = 20 * PG;
	p = two_pages_second_gone(big);
	if (!p)
		return;
	zero_at(z, p, big, 0, big, (long)big);
	zero_at(z, p, big, 5, 200000, (long)big - 5);
	zero_at(full, p, big, 1, 100000, (long)big - 1);
	munmap(p, big);
	close(z);
	close(full);
}

static void part_checks(void)
{
	char b[16] = "x";
	int nul = open("/dev/null", O_RDWR), ro = open("/dev/null", O_RDONLY), wo = open("/dev/null", O_WRONLY);
	int path = open("/dev/null", O_PATH), dir = open("/", O_RDONLY | O_DIRECTORY), ep = epoll_create1(0);
	CHECK(nul >= 0 && ro >= 0 && wo >= 0 && path >= 0 && dir >= 0 && ep >= 0, "opens");
	errno = 0;
	CHECK(read(-1, b, 1) == -1 && errno == EBADF, "read -1");
	errno = 0;
	CHECK(write(100000, b, 1) == -1 && errno == EBADF, "write 100000");
	errno = 0;
	CHECK(write(path, b, 1) == -1 && errno == EBADF, "write O_PATH");
	errno = 0;
	CHECK(read(path, b, 1) == -1 && errno == EBADF, "read O_PATH");
	errno = 0;
	CHECK(write(ro, b, 1) == -1 && errno == EBADF, "write O_RDONLY");
	errno = 0;
	CHECK(read(wo, b, 1) == -1 && errno == EBADF, "read O_WRONLY");
	errno = 0;
	CHECK(read(ep, b, 1) == -1 && errno == EINVAL, "read epoll");
	errno = 0;
	CHECK(write(ep, b, 1) == -1 && errno == EINVAL, "write epoll");
	errno = 0;
	CHECK(read(dir, b, 1) == -1 && errno == EISDIR, "read a directory");
	CHECK_EQ(write(wo, b, 1), 1);
	CHECK_EQ(read(ro, b, 1), 0);
	/* MAX_RW: a 2 GiB buffer (reserved, never touched: /dev/null reads nothing) */
	size_t huge = 0x80000000UL;
	char *h = mmap(NULL, huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	CHECK(h != MAP_FAILED, "mmap 2 GiB");
	if (h != MAP_FAILED) {
		CHECK_EQ(write(nul, h, huge), 0x7ffff000L);
		munmap(h, huge);
	}
	int d = dup2(wo, 50);
	CHECK_EQ(d, 50);
	CHECK_EQ(write(50, b, 3), 3);
	errno = 0;
	CHECK(read(50, b, 1) == -1 && errno == EBADF, "read a dup2 of O_WRONLY");
	close(50);
	errno = 0;
	CHECK(write(50, b, 1) == -1 && errno == EBADF, "write a closed fd");
	pid_t c = fork();
	if (c == 0)
		_exit(write(wo, b, 2) == 2 && read(wo, b, 1) == -1 && errno == EBADF ? 0 : 1);
	int st = -1;
	CHECK(c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child's inherited fd");
	int f = open("/proc/self/exe", O_RDONLY);
	CHECK(f >= 0, "open /proc/self/exe");
	char m[8];
	CHECK_EQ(read(f, m, 4), 4);
	CHECK_EQ(lseek(f, 0, SEEK_CUR), 4);
	close(f);
	close(nul), close(ro), close(wo), close(path), close(dir), close(ep);
}

int main(void)
{
	r0_start("devrw");
	R0_PART("zero-partial", part_zero_partial());
	R0_PART("checks", part_checks());
	R0_DONE();
}
