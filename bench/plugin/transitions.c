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
struct tb_info {
	uint64_t start, end, last_insn, target;
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
	if (out) {
		fputs(line, out);
		fflush(out);
	} else {
		qemu_plugin_outs(line);
	}
}

static void add_block(const struct tb_info *t)
{
	region.insns += t->insns;
	for (int e = 0; e < EV_N; e++)
		region.ev[e] += t->ev[e];
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
			memset(t->ev, 0, sizeof t->ev);
		} else if (d.mark == MARK_END && t->mark != MARK_END) {
			t->mark = MARK_END;                 /* and ends here */
			t->done = 1;
		} else if (!t->done) {
			t->insns++;
			if (d.ev != EV_NONE)
				t->ev[d.ev]++;
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
		} else {
			fprintf(stderr, "transitions: unknown argument %s (known: out=FILE)\n", argv[i]);
			return -1;
		}
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
