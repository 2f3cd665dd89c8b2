/* bw_file.c: copying from /dev/zero to /dev/null, system-call-bound against copy-bound.
 *
 *   bw_file MODE ENGINE [SCALE [CASE...]]        (see bench.h)
 *
 * Cases: copy_1b (read and write 1 byte at a time), copy_4k (4 KiB at a time). The figure
 * printed is the time (and ticks) to copy 16 MiB. A repetition copies `iterations` bytes
 * (a 16 MiB copy one byte at a time is 32 Mi system calls, far too long under TCG at the
 * default scale), and the per-byte cost is multiplied by 16 MiB.
 */
#include <fcntl.h>
#include "bench.h"

#define MIB (1024L * 1024)
static int zero_fd, null_fd;
static char buf[4096];

static void copy(long n, long chunk)
{
	while (n > 0) {
		long k = n < chunk ? n : chunk;
		if (read(zero_fd, buf, k) != k || write(null_fd, buf, k) != k)
			bench_die("copy");
		n -= k;
	}
}

static void loop_1b(long n) { copy(n, 1); }
static void loop_4k(long n) { copy(n, 4096); }

int main(int argc, char **argv)
{
	bench_init(argc, argv, "copy_1b copy_4k");
	zero_fd = open("/dev/zero", O_RDONLY);
	null_fd = open("/dev/null", O_WRONLY);
	if (zero_fd < 0 || null_fd < 0)
		bench_die("open /dev/zero or /dev/null");
	bench_case_scaled("copy_1b", loop_1b, 16384, 1.0, 16.0 * MIB);
	bench_case_scaled("copy_4k", loop_4k, 4 * MIB, 1.0, 16.0 * MIB);
	return 0;
}
