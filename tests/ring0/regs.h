/* regs.h: the register probes of regs.S and helpers to fill and compare register sets. */
#ifndef REGS_H
#define REGS_H
#include <stdint.h>
#include <string.h>

struct regset {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15; /* 0..112 */
	uint64_t rflags;                                                                    /* 120 */
	uint8_t xmm[16][16];                                                                /* 128 */
};
_Static_assert(sizeof(struct regset) == 384, "regset layout is fixed by regs.S");

#define REGS_CALL_ENTRY   0   /* call *__sysinfo (the library's way) */
#define REGS_CALL_RAW     1   /* the syscall instruction */
#define REGS_CALL_STD     2   /* with the direction flag set */
#define RFLAGS_DF         0x400UL

void regs_call(const struct regset *in, struct regset *out, long mode);
void regs_spin(const struct regset *in, struct regset *out);
extern volatile int r0_spin_flag;
extern char r0_spin_loop[], r0_spin_end[];

static const char *const regs_names[15] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* Distinct patterns in every register (rax and the arguments are set by the caller). */
static inline void regs_fill(struct regset *r, uint64_t seed)
{
	uint64_t *g = &r->rax;
	for (int i = 0; i < 15; i++)
		g[i] = (0x0101010101010101ULL * (uint64_t)(0x11 + i)) ^ seed;
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 16; j++)
			r->xmm[i][j] = (uint8_t)(0xa0 + i * 3 + j * 7 + seed);
	r->rflags = 0;
}

/* Counts the registers of `got` that differ from `want`, skipping those in the `skip` mask
 * (bit i = register i of regs_names), and reports each one through report(name). */
static inline int regs_diff(const struct regset *want, const struct regset *got, unsigned skip,
			    void (*report)(const char *name, uint64_t want, uint64_t got))
{
	const uint64_t *w = &want->rax, *g = &got->rax;
	int bad = 0;
	for (int i = 0; i < 15; i++)
		if (!(skip & (1u << i)) && w[i] != g[i]) {
			bad++;
			if (report)
				report(regs_names[i], w[i], g[i]);
		}
	for (int i = 0; i < 16; i++)
		if (memcmp(want->xmm[i], got->xmm[i], 16)) {
			bad++;
			if (report)
				report("xmm", (uint64_t)i, 0);
		}
	return bad;
}

#define REG_BIT(name) (1u << REGS_##name)
enum { REGS_rax, REGS_rbx, REGS_rcx, REGS_rdx, REGS_rsi, REGS_rdi, REGS_rbp, REGS_r8, REGS_r9,
       REGS_r10, REGS_r11, REGS_r12, REGS_r13, REGS_r14, REGS_r15 };
#endif
