/* entryregs: the system-call register promise, exactly (contract 2 and the slow path).
 *
 * usage: entryregs [K]  (K raw syscall instructions, default 10)
 *   entry      getppid through the library's entry (call *__sysinfo) with every register set:
 *              rax = the result, every other register but rcx and r11 (and xmm0..15) as before
 *              (in ring 0, getppid takes the entry's leaf path)
 *   entry-df   the same with the direction flag set: still set afterwards
 *   full, full-df  the same for umask (in ring 0: the entry's full path, with a trapframe)
 *   leaf-write clock_gettime (a leaf call) with DF clear and with DF set (in ring 0 that one
 *              takes the full path) into a page not yet touched (the kernel's write faults it
 *              in): the timespec is written, nothing around it, registers and DF come back
 *   lite, lite-df  read of 16 bytes of /dev/zero into the middle of a buffer (in ring 0: the
 *              entry's lite path, whose frame is filled lazily; with DF set: its full path):
 *              16 zeros, nothing around them, registers and DF as before
 *   entry-args mmap's six arguments (rdi rsi rdx r10 r8 r9) arrive: a mapping comes back and
 *              is writable; registers as before
 *   raw        K times getppid with the raw `syscall` instruction (in ring 0: the kernel's
 *              slow path, counted by `kexec -v`): right result, registers as before, still in
 *              the same ring afterwards
 * Output: "entryregs: ring=N", "entryregs: PART ok", "entryregs: K raw syscall
 * instructions", "entryregs: all ok".
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include "r0test.h"
#include "regs.h"

static int ring;

static void report(const char *name, uint64_t want, uint64_t got)
{
	printf("FAIL entryregs: register %s: want %#llx got %#llx\n", name, (unsigned long long)want,
	       (unsigned long long)got);
	r0_failures++;
}

#define SKIP (REG_BIT(rax) | REG_BIT(rcx) | REG_BIT(r11))

static void call_checked(long mode, long nr, long want)
{
	struct regset in, out;
	regs_fill(&in, (uint64_t)mode * 0x10 + (uint64_t)nr);
	in.rax = nr;
	if (nr == SYS_umask)
		in.rdi = 022;
	regs_call(&in, &out, mode);
	CHECK_EQ((long)out.rax, want);
	CHECK_EQ(regs_diff(&in, &out, SKIP, report), 0);
	CHECK_EQ(cur_ring(), ring);
	if (mode & REGS_CALL_STD)
		CHECK(out.rflags & RFLAGS_DF, "DF cleared by the call");
	else
		CHECK(!(out.rflags & RFLAGS_DF), "DF set by the call");
}

static void one(long mode) { call_checked(mode, SYS_getppid, getppid()); }

static void leaf_write(long mode)
{
	/* the timespec on a page nobody has touched yet: the kernel's write demand-faults it in,
	 * inside the leaf path (interrupts off, no trapframe) */
	unsigned char *page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(page != MAP_FAILED, "mmap failed");
	if (page == MAP_FAILED)
		return;
	struct timespec *ts = (struct timespec *)(page + 64);
	struct regset in, out;
	regs_fill(&in, 0x77);
	in.rax = SYS_clock_gettime;
	in.rdi = CLOCK_MONOTONIC;
	in.rsi = (uint64_t)ts;
	regs_call(&in, &out, mode);
	CHECK_EQ((long)out.rax, 0);
	CHECK_EQ(regs_diff(&in, &out, SKIP, report), 0);
	CHECK(!(out.rflags & RFLAGS_DF) == !(mode & REGS_CALL_STD), "DF changed by the call");
	CHECK(ts->tv_sec > 0 || ts->tv_nsec > 0, "no time written");
	CHECK(ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000, "tv_nsec %ld", (long)ts->tv_nsec);
	int outside = 0;
	for (size_t i = 0; i < 4096; i++)
		outside += (i < 64 || i >= 64 + sizeof(*ts)) && page[i] != 0;
	CHECK_EQ(outside, 0);
	munmap(page, 4096);
}

static void lite_read(long mode)
{
	int fd = open("/dev/zero", O_RDONLY);
	CHECK(fd >= 0, "open /dev/zero");
	if (fd < 0)
		return;
	unsigned char buf[64];
	memset(buf, 'x', sizeof(buf));
	struct regset in, out;
	regs_fill(&in, 0x66);
	in.rax = SYS_read;
	in.rdi = (uint64_t)fd;
	in.rsi = (uint64_t)(buf + 8);
	in.rdx = 16;
	regs_call(&in, &out, mode);
	CHECK_EQ((long)out.rax, 16);
	CHECK_EQ(regs_diff(&in, &out, SKIP, report), 0);
	CHECK(!(out.rflags & RFLAGS_DF) == !(mode & REGS_CALL_STD), "DF changed by the call");
	int wrong = 0;
	for (size_t i = 0; i < sizeof(buf); i++)
		wrong += buf[i] != (i >= 8 && i < 24 ? 0 : 'x');
	CHECK_EQ(wrong, 0);
	close(fd);
}

static void part_args(void)
{
	struct regset in, out;
	regs_fill(&in, 0x99);
	in.rax = SYS_mmap;
	in.rdi = 0;
	in.rsi = 8192;
	in.rdx = PROT_READ | PROT_WRITE;
	in.r10 = MAP_PRIVATE | MAP_ANONYMOUS;
	in.r8 = (uint64_t)-1;
	in.r9 = 0;
	regs_call(&in, &out, REGS_CALL_ENTRY);
	long r = (long)out.rax;
	CHECK(r > 0 && (r & 4095) == 0, "mmap returned %ld", r);
	CHECK_EQ(regs_diff(&in, &out, SKIP, report), 0);
	if (r > 0 && (r & 4095) == 0) {
		memset((void *)r, 'm', 8192);
		CHECK_EQ(munmap((void *)r, 8192), 0);
	}
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 10;
	ring = r0_start("entryregs");
	R0_PART("entry", one(REGS_CALL_ENTRY));
	R0_PART("entry-df", one(REGS_CALL_ENTRY | REGS_CALL_STD));
	R0_PART("entry-args", part_args());
	umask(022); /* so that umask(022) through the entry returns 022 */
	R0_PART("full", call_checked(REGS_CALL_ENTRY, SYS_umask, 022));
	R0_PART("full-df", call_checked(REGS_CALL_ENTRY | REGS_CALL_STD, SYS_umask, 022));
	R0_PART("lite", lite_read(REGS_CALL_ENTRY));
	R0_PART("lite-df", lite_read(REGS_CALL_ENTRY | REGS_CALL_STD));
	R0_PART("leaf-write", (leaf_write(REGS_CALL_ENTRY), leaf_write(REGS_CALL_ENTRY | REGS_CALL_STD)));
	int f = r0_failures;
	for (int i = 0; i < k; i++)
		one(i == k - 1 ? (REGS_CALL_RAW | REGS_CALL_STD) : REGS_CALL_RAW);
	r0_part("raw", f);
	printf("entryregs: %d raw syscall instructions\n", k);
	R0_DONE();
}
