/* entryregs: the system-call register promise, exactly (contract 2 and the slow path).
 *
 * usage: entryregs [K]  (K raw syscall instructions, default 10)
 *   entry      getppid through the library's entry (call *__sysinfo) with every register set:
 *              rax = the result, every other register but rcx and r11 (and xmm0..15) as before
 *   entry-df   the same with the direction flag set: still set afterwards
 *   entry-args mmap's six arguments (rdi rsi rdx r10 r8 r9) arrive: a mapping comes back and
 *              is writable; registers as before
 *   raw        K times getppid with the raw `syscall` instruction (in ring 0: the kernel's
 *              slow path, counted by `kexec -v`): right result, registers as before, still in
 *              the same ring afterwards
 * Output: "entryregs: ring=N", "entryregs: PART ok", "entryregs: K raw syscall
 * instructions", "entryregs: all ok".
 */
#include <sys/mman.h>
#include <sys/syscall.h>
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

static void one(long mode)
{
	struct regset in, out;
	regs_fill(&in, (uint64_t)mode * 0x10);
	in.rax = SYS_getppid;
	regs_call(&in, &out, mode);
	CHECK_EQ((long)out.rax, getppid());
	CHECK_EQ(regs_diff(&in, &out, SKIP, report), 0);
	CHECK_EQ(cur_ring(), ring);
	if (mode & REGS_CALL_STD)
		CHECK(out.rflags & RFLAGS_DF, "DF cleared by the call");
	else
		CHECK(!(out.rflags & RFLAGS_DF), "DF set by the call");
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
	int f = r0_failures;
	for (int i = 0; i < k; i++)
		one(i == k - 1 ? (REGS_CALL_RAW | REGS_CALL_STD) : REGS_CALL_RAW);
	r0_part("raw", f);
	printf("entryregs: %d raw syscall instructions\n", k);
	R0_DONE();
}
