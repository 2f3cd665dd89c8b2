/* transitions.c: a QEMU TCG plugin that counts, inside marked regions of a guest run,
 * the instructions executed and each privileged or serialising event on the path
 * (issue 12 item 1). Built against qemu-plugin.h from Debian's qemu source package for the
 * installed QEMU (bench/plugin/plugin.mk); loaded with
 *
 *     qemu-system-x86_64 ... -plugin file=transitions.so,arg=out=FILE
 *
 * Regions. A region opens at the marker `nopl 0x525a0001(%rax)` (bytes 0f 1f 80 01 00 5a 52)
 * and closes at `nopl 0x525a0002(%rax)` (0f 1f 80 02 00 5a 52): multi-byte NOPs, so the
 * marked program runs unchanged and at no cost on hardware and under other engines
 * (bench/bench.h places them around every timed run). Each closed region is one line of
 * FILE (or of QEMU's log when no out= is given):
 *
 *     region insns=N syscall=N sysret=N ... deliveries=N
 *
 * in the order the regions closed. The marker instructions themselves are not counted.
 * Counts are totals over the region; the harness divides by the iterations.
 *
 * Events are decoded from the instruction bytes (qemu_plugin_insn_data) by decode() below:
 * a small matcher for exactly the opcodes counted, after legacy and REX prefixes.
 *
 * Exception and interrupt deliveries have no hook in the 7.2 plugin API: they are inferred
 * from control flow. For every translation block the plugin records its end address, and,
 * when its last instruction is a direct jump, call or conditional branch, the target. When
 * a block starts executing, the block executed before it on that vCPU must have reached it
 * by falling through (its end address; QEMU also ends blocks at page boundaries and after
 * state-changing instructions, which fall through), by re-executing its last instruction
 * (a rep-string iteration), or by its direct target. If the previous block ended with an
 * instruction that can go anywhere (ret, indirect jmp/call, syscall, sysret, iret, int,
 * ud2, hlt ...), any start is allowed, except an address already learnt as a delivery
 * target: handler entries are never branch targets of ordinary code, so once an address
 * has been seen entered by a delivery, entering it again after an indirect branch also
 * counts. Not seen: the first delivery to a handler that follows an indirect branch, and a
 * delivery whose handler is also the fall-through address (none in practice).
 * A block that faults part-way is counted whole (the count is added when the block starts,
 * as QEMU's plugin callbacks run); the faulting instruction's fault is then a delivery.
 *
 * Per-function profile (syms=FILE, repeatable): FILE is `nm -n` or `nm -n -S` output
 * (ADDR [SIZE] TYPE NAME; only text symbols, types t T w W, are used), e.g. of the kernel's ELF and of the guest
 * program. Then after each region line come its function lines, most instructions first:
 *
 *     fn N NAME
 *
 * N = the region's instructions whose address falls in NAME (from its address to its
 * size's end when nm gave one, else to the next text symbol's; "?" for addresses in no
 * symbol, e.g. the vDSO's when only the kernel's and the program's tables are loaded).
 * Attribution is done once per translation block (runs of instructions of one symbol),
 * so the cost at execution is one add per run. bench/profile.sh prints them per operation.
 *
 * One vCPU is assumed (ringzero and the benchmarks' guests run with one); with more, state
 * would have to be per vCPU.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum event {
	EV_SYSCALL, EV_SYSRET, EV_IRET, EV_SWAPGS, EV_WRMSR, EV_RDMSR, EV_MOVCR3,
	EV_CLI, EV_STI, EV_POPF, EV_LFENCE, EV_MFENCE, EV_STAC, EV_CLAC,
	EV_N,                   /* the instruction events; deliveries are counted apart */
	EV_NONE = EV_N,
};

static const char *const ev_name[EV_N] = {
	"syscall", "sysret", "iret", "swapgs", "wrmsr", "rdmsr", "movcr3",
	"cli", "sti", "popf", "lfence", "mfence", "stac", "clac",
};

/* How control leaves an instruction, for the delivery inference. */
enum flow { FLOW_NEXT, FLOW_DIRECT, FLOW_COND, FLOW_ANY };

enum marker { MARK_NONE, MARK_START, MARK_END };

struct decoded {
	enum event ev;
	enum flow flow;
	enum marker mark;
	int64_t rel;            /* FLOW_DIRECT/FLOW_COND: target - end of instruction */
};

static int32_t rd32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			 (uint32_t)p[3] << 24);
}

static int legacy_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e ||
	       b == 0x36 || b == 0x3e || b == 0x26 || b == 0x64 || b == 0x65;
}

/* Two-byte opcodes (0f xx). */
static void decode_0f(const uint8_t *p, size_t n, uint8_t rex, struct decoded *d)
{
	uint8_t op = p[0];
	uint8_t modrm = n > 1 ? p[1] : 0;
	switch (op) {
	case 0x05: d->ev = EV_SYSCALL; d->flow = FLOW_ANY; return;
	case 0x07: d->ev = EV_SYSRET; d->flow = FLOW_ANY; return;
	case 0x34: case 0x35: d->flow = FLOW_ANY; return;          /* sysenter, sysexit */
	case 0x0b: d->flow = FLOW_ANY; return;                     /* ud2 */
	case 0x30: d->ev = EV_WRMSR; return;
	case 0x32: d->ev = EV_RDMSR; return;
	case 0x22:                                                 /* mov to cr */
		if ((modrm & 0x38) == 0x18 && !(rex & 0x04))
			d->ev = EV_MOVCR3;
		return;
	case 0x01:
		if (modrm == 0xf8) d->ev = EV_SWAPGS;
		else if (modrm == 0xcb) d->ev = EV_STAC;
		else if (modrm == 0xca) d->ev = EV_CLAC;
		return;
	case 0xae:
		if (modrm == 0xe8) d->ev = EV_LFENCE;
		else if (modrm == 0xf0) d->ev = EV_MFENCE;
		return;
	case 0x1f:                                                 /* nopl disp32(%rax): marker? */
		if (n >= 6 && modrm == 0x80) {
			int32_t tag = rd32(p + 2);
			if (tag == 0x525a0001) d->mark = MARK_START;
			else if (tag == 0x525a0002) d->mark = MARK_END;
		}
		return;
	default:
		if (op >= 0x80 && op <= 0x8f && n >= 5) {          /* jcc rel32 */
			d->flow = FLOW_COND;
			d->rel = rd32(p + 1);
		}
		return;
	}
}

static struct decoded decode(const uint8_t *p, size_t n)
{
	struct decoded d = { EV_NONE, FLOW_NEXT, MARK_NONE, 0 };
	uint8_t rex = 0;
	while (n > 0 && legacy_prefix(*p))
		p++, n--;
	if (n > 0 && (*p & 0xf0) == 0x40)
		rex = *p++, n--;
	if (n == 0)
		return d;
	uint8_t op = p[0];
	uint8_t modrm = n > 1 ? p[1] : 0;
	switch (op) {
	case 0x0f: if (n > 1) decode_0f(p + 1, n - 1, rex, &d); break;
	case 0xcf: d.ev = EV_IRET; d.flow = FLOW_ANY; break;
	case 0xfa: d.ev = EV_CLI; break;
	case 0xfb: d.ev = EV_STI; break;
	case 0x9d: d.ev = EV_POPF; break;
	case 0xeb: d.flow = FLOW_DIRECT; d.rel = (int8_t)p[1]; break;
	case 0xe9: if (n >= 5) { d.flow = FLOW_DIRECT; d.rel = rd32(p + 1); } break;
	case 0xe8: if (n >= 5) { d.flow = FLOW_COND; d.rel = rd32(p + 1); } break; /* call: target (or, returned, next) */
	case 0xe0: case 0xe1: case 0xe2: case 0xe3:
		d.flow = FLOW_COND; d.rel = (int8_t)p[1]; break;
	case 0xc2: case 0xc3: case 0xca: case 0xcb:                 /* ret, lret */
	case 0xcc: case 0xcd: case 0xce: case 0xf1: case 0xf4:    /* int3, int, into, int1, hlt */
		d.flow = FLOW_ANY; break;
	case 0xff: {
		int reg = (modrm >> 3) & 7;
		if (reg >= 2 && reg <= 5)                          /* call/jmp indirect, far */
			d.flow = FLOW_ANY;
		break;
	}
	default:
		if (op >= 0x70 && op <= 0x7f && n >= 2) {
			d.flow = FLOW_COND;
			d.rel = (int8_t)p[1];
		}
		break;
	}
	return d;
}

/* What the plugin keeps per translation block (allocated at translation, never freed:
 * QEMU 7.2 has no callback for a block's retranslation, and the count is small). */
/* The profile's symbols (syms=FILE), sorted by address; sym_count[nsyms] is "?". */
struct sym { uint64_t addr, size; char *name; };  /* size 0: up to the next symbol */
static struct sym *syms;
static size_t nsyms, cap_syms;
static uint64_t *sym_count;

/* One run of a block's counted instructions that lie in one symbol. */
struct sym_run { uint32_t sym, n; };

struct tb_info {
	uint64_t start, end, last_insn, target;
	struct sym_run *runs;           /* profile only: the counted instructions by symbol */
	uint32_t nruns;
	enum flow last_flow;
	uint32_t insns;                 /* counted instructions (markers excluded) */
	uint16_t ev[EV_N];
	uint8_t mark;                   /* MARK_START/MARK_END when the block holds a marker:
					 * then insns and ev cover only the part inside the region
					 * (after a start marker, before an end marker) */
	uint8_t done;                   /* an end marker was seen: count no further */
};

struct counts { uint64_t insns, ev[EV_N], deliveries; };

static struct counts region;
static int in_region;
static const struct tb_info *prev;
static FILE *out;

static void put(const char *line);
static void emit_profile(void);

/* Learnt delivery targets: a small open-addressing set of addresses. */
#define HSET 4096
static uint64_t handlers[HSET];

static int handler_known(uint64_t a)
{
	for (unsigned i = (unsigned)(a >> 2) % HSET, k = 0; k < HSET; i = (i + 1) % HSET, k++) {
		if (handlers[i] == a) return 1;
		if (handlers[i] == 0) return 0;
	}
	return 0;
}

static void handler_learn(uint64_t a)
{
	for (unsigned i = (unsigned)(a >> 2) % HSET, k = 0; k < HSET; i = (i + 1) % HSET, k++)
		if (handlers[i] == a || handlers[i] == 0) { handlers[i] = a; return; }
}

static int is_delivery(const struct tb_info *p, uint64_t start)
{
	if (start == p->end || start == p->last_insn)
		return 0;
	switch (p->last_flow) {
	case FLOW_NEXT: return 1;
	case FLOW_DIRECT: case FLOW_COND: return start != p->target;
	case FLOW_ANY: return handler_known(start);
	}
	return 0;
}

static void emit(void)
{
	char line[512];
	int k = snprintf(line, sizeof line, "region insns=%" PRIu64, region.insns);
	for (int e = 0; e < EV_N && k < (int)sizeof line; e++)
		k += snprintf(line + k, sizeof line - k, " %s=%" PRIu64, ev_name[e], region.ev[e]);
	if (k < (int)sizeof line)
		snprintf(line + k, sizeof line - k, " deliveries=%" PRIu64 "\n", region.deliveries);
	put(line);
	if (sym_count)
		emit_profile();
	if (out)
		fflush(out);
}

static void add_block(const struct tb_info *t)
{
	region.insns += t->insns;
	for (int e = 0; e < EV_N; e++)
		region.ev[e] += t->ev[e];
	for (uint32_t i = 0; i < t->nruns; i++)
		sym_count[t->runs[i].sym] += t->runs[i].n;
}

/* The symbol holding address a (nsyms when none). */
static uint32_t sym_of(uint64_t a)
{
	size_t lo = 0, hi = nsyms;             /* the last symbol with addr <= a */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (syms[mid].addr <= a) lo = mid + 1;
		else hi = mid;
	}
	if (lo == 0 || (syms[lo - 1].size && a - syms[lo - 1].addr >= syms[lo - 1].size))
		return (uint32_t)nsyms;        /* before every symbol, or past a sized one's end */
	return (uint32_t)(lo - 1);
}

static int cmp_count_desc(const void *a, const void *b)
{
	uint64_t x = sym_count[*(const uint32_t *)a], y = sym_count[*(const uint32_t *)b];
	return x < y ? 1 : x > y ? -1 : 0;
}

static void put(const char *line)
{
	if (out)
		fputs(line, out);
	else
		qemu_plugin_outs(line);
}

/* The region's function lines, most instructions first. */
static void emit_profile(void)
{
	uint32_t *idx = malloc((nsyms + 1) * sizeof *idx);
	size_t n = 0;
	if (!idx)
		return;
	for (uint32_t i = 0; i <= nsyms; i++)
		if (sym_count[i])
			idx[n++] = i;
	qsort(idx, n, sizeof *idx, cmp_count_desc);
	for (size_t i = 0; i < n; i++) {
		char line[320];
		snprintf(line, sizeof line, "fn %" PRIu64 " %.256s\n", sym_count[idx[i]],
			 idx[i] == nsyms ? "?" : syms[idx[i]].name);
		put(line);
	}
	free(idx);
}

static int cmp_sym(const void *a, const void *b)
{
	uint64_t x = ((const struct sym *)a)->addr, y = ((const struct sym *)b)->addr;
	return x < y ? -1 : x > y;
}

/* Reads `nm -n` output: ADDR TYPE NAME, text symbols only. */
static int load_syms(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512], type, name[400];
	unsigned long long addr;
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		unsigned long long size = 0;
		if (sscanf(line, "%llx %llx %c %399s", &addr, &size, &type, name) != 4 &&
		    (size = 0, sscanf(line, "%llx %c %399s", &addr, &type, name) != 3))
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (nsyms == cap_syms) {
			cap_syms = cap_syms ? 2 * cap_syms : 1024;
			syms = realloc(syms, cap_syms * sizeof *syms);
			if (!syms) {
				fclose(f);
				return -1;
			}
		}
		syms[nsyms].addr = addr;
		syms[nsyms].size = size;
		syms[nsyms].name = strdup(name);
		nsyms++;
	}
	fclose(f);
	return 0;
}

static void tb_exec(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	const struct tb_info *t = udata;
	if (prev && is_delivery(prev, t->start)) {
		handler_learn(t->start);
		if (in_region)
			region.deliveries++;
	}
	prev = t;
	if (t->mark == MARK_START) {
		memset(&region, 0, sizeof region);
		if (sym_count)
			memset(sym_count, 0, (nsyms + 1) * sizeof *sym_count);
		in_region = 1;
		add_block(t);
		return;
	}
	if (t->mark == MARK_END) {
		if (in_region) {
			add_block(t);
			emit();
		}
		in_region = 0;
		return;
	}
	if (in_region)
		add_block(t);
}

/* Counts one instruction of symbol s in t's runs (at most n runs: one per instruction). */
static void add_run(struct tb_info *t, uint32_t s, size_t n)
{
	if (t->nruns && t->runs[t->nruns - 1].sym == s) {
		t->runs[t->nruns - 1].n++;
		return;
	}
	if (!t->runs && !(t->runs = calloc(n, sizeof *t->runs)))
		return;
	t->runs[t->nruns].sym = s;
	t->runs[t->nruns].n = 1;
	t->nruns++;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	struct tb_info *t = calloc(1, sizeof *t);
	if (!t)
		return;
	size_t n = qemu_plugin_tb_n_insns(tb);
	t->start = qemu_plugin_tb_vaddr(tb);
	t->last_flow = FLOW_NEXT;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		size_t sz = qemu_plugin_insn_size(insn);
		uint64_t va = qemu_plugin_insn_vaddr(insn);
		struct decoded d = decode(qemu_plugin_insn_data(insn), sz);
		if (d.mark == MARK_START && t->mark == MARK_NONE) {
			t->mark = MARK_START;               /* the region begins here */
			t->insns = 0;
			t->nruns = 0;
			memset(t->ev, 0, sizeof t->ev);
		} else if (d.mark == MARK_END && t->mark != MARK_END) {
			t->mark = MARK_END;                 /* and ends here */
			t->done = 1;
		} else if (!t->done) {
			t->insns++;
			if (d.ev != EV_NONE)
				t->ev[d.ev]++;
			if (sym_count)
				add_run(t, sym_of(va), n);
		}
		t->last_insn = va;
		t->end = va + sz;
		t->last_flow = d.flow;
		t->target = t->end + d.rel;
	}
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, t);
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id, (void)p;
	if (out)
		fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out = fopen(argv[i] + 4, "w");
			if (!out) {
				perror(argv[i] + 4);
				return -1;
			}
		} else if (!strncmp(argv[i], "syms=", 5)) {
			if (load_syms(argv[i] + 5) < 0)
				return -1;
		} else {
			fprintf(stderr, "transitions: unknown argument %s (known: out=FILE syms=FILE)\n", argv[i]);
			return -1;
		}
	}
	if (nsyms) {
		qsort(syms, nsyms, sizeof *syms, cmp_sym);
		sym_count = calloc(nsyms + 1, sizeof *sym_count);
		if (!sym_count)
			return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
