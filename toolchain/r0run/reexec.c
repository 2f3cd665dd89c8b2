/* reexec.c: what execve means for a program running under r0run.
 *
 * The host emulation of DESIGN.md contract 3: an image carrying the ringzero trust note runs
 * on through r0run (so it gets an entry again, and --count keeps counting into the same
 * table); any other image is executed plainly and runs natively. It owns only that decision
 * and the new argument list; forward.S calls it, r0run.c parses the options it writes.
 *
 * It runs inside the program, after the program's libc has taken over the thread pointer:
 * no glibc functions here (errno and friends live in glibc's TLS), only raw system calls,
 * and it is built with -mgeneral-regs-only so that it leaves the vector registers alone. It
 * may run on a small stack (posix_spawn's child): keep frames small.
 */
#include <stddef.h>
#include <stdint.h>
#include <asm/unistd_64.h>
#include "loader.h"
#include "r0run.h"

/* Set by r0run.c before the program starts. */
const char *r0_self_path;       /* r0run's own executable */
int r0_count_fd = -1;           /* the shared count table's fd, with --count */

#define O_RDONLY_CLOEXEC 02000000   /* O_RDONLY | O_CLOEXEC */
#define PROT_READ_ 1
#define MAP_PRIVATE_ 2
#define STAT_SIZE_OFFSET 48         /* st_size in the x86_64 struct stat */

/* Does PATH name a file loader_check accepts as a trusted image? Errors mean "no": the
 * plain execve that follows reports them properly. */
static int image_is_trusted(const char *path)
{
	long fd = r0_syscall6(__NR_open, (long)path, O_RDONLY_CLOEXEC, 0, 0, 0, 0);
	if (fd < 0)
		return 0;
	uint64_t st[18];            /* struct stat is 144 bytes on x86_64 */
	int trusted = 0;
	if (r0_syscall6(__NR_fstat, fd, (long)st, 0, 0, 0, 0) == 0) {
		int64_t size = (int64_t)st[STAT_SIZE_OFFSET / 8];
		long map = size > 0 ? r0_syscall6(__NR_mmap, 0, size, PROT_READ_, MAP_PRIVATE_, fd, 0) : -1;
		if (map > 0 || map < -4095) {
			struct loader_image img;
			if (loader_check((const void *)map, (uint64_t)size, R0_USER_LIMIT, &img) == LOADER_OK)
				trusted = img.trusted;
			r0_syscall6(__NR_munmap, map, size, 0, 0, 0, 0);
		}
	}
	r0_syscall6(__NR_close, fd, 0, 0, 0, 0, 0);
	return trusted;
}

/* Decimal digits of a small non-negative number, into buf (at least 12 bytes). */
static const char *decimal(int n, char *buf)
{
	char *p = buf + 11;
	*p = 0;
	do {
		*--p = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	return p;
}

long r0_execve(const char *path, char *const argv[], char *const envp[])
{
	if (!image_is_trusted(path))
		return r0_syscall6(__NR_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);

	size_t argc = 0;
	while (argv && argv[argc])
		argc++;
	/* r0run [--count-fd N] --argv0 ARGV0 -- PATH ARGV[1..] */
	const char *args[argc + 8];
	char fdbuf[12];
	size_t n = 0;
	args[n++] = r0_self_path;
	if (r0_count_fd >= 0) {
		args[n++] = "--count-fd";
		args[n++] = decimal(r0_count_fd, fdbuf);
	}
	args[n++] = "--argv0";
	args[n++] = argc ? argv[0] : "";
	args[n++] = "--";
	args[n++] = path;
	for (size_t i = 1; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	return r0_syscall6(__NR_execve, (long)r0_self_path, (long)args, (long)envp, 0, 0, 0);
}
