/* test_stack.c: loader_build_stack(): the stack is parsed back the way a C runtime reads
 * it (argc, argv, envp, auxv) and every value, string and alignment is checked; sizes
 * that do not fit give LOADER_E_STACK_TOO_BIG without a write outside the stack. */
#include <string.h>
#include "harness.h"
#include "common.h"
#include "fakeas.h"

#define STACK_BASE  0x7ff000000000ull
#define STACK_PAGES 16

static const uint8_t rnd[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static uint64_t rd64(struct fake_as *f, uint64_t va)
{
	uint64_t v = 0;
	uint8_t *p = fake_ptr(f, va);
	if (!p || !fake_ptr(f, va + 7))
		return 0xbadbadbadull;
	memcpy(&v, p, 8);
	return v;
}

/* The NUL-terminated string at va, or NULL when it is not inside the fake memory. */
static const char *str_at(struct fake_as *f, uint64_t va)
{
	uint8_t *p = fake_ptr(f, va);
	for (uint64_t i = 0; p; i++) {
		uint8_t *c = fake_ptr(f, va + i);
		if (!c)
			return NULL;
		if (*c == 0)
			return (const char *)p;
	}
	return NULL;
}

struct parsed {
	uint64_t argc, aux[64];      /* aux[tag] (tags < 64), present[tag] */
	int present[64], naux;
	int ok;
};

/* Parse the stack at sp and compare argv/envp with what was given. */
static void parse(struct fake_as *f, uint64_t sp, const struct loader_stack_info *in,
		  struct parsed *out)
{
	memset(out, 0, sizeof *out);
	out->ok = 1;
	uint64_t va = sp;
	out->argc = rd64(f, va);
	CHECK(out->argc == (uint64_t)in->argc);
	va += 8;
	for (int i = 0; i < in->argc; i++, va += 8) {
		const char *s = str_at(f, rd64(f, va));
		CHECK(s && strcmp(s, in->argv[i]) == 0);
	}
	CHECK(rd64(f, va) == 0);
	va += 8;
	for (int i = 0; i < in->envc; i++, va += 8) {
		const char *s = str_at(f, rd64(f, va));
		CHECK(s && strcmp(s, in->envp[i]) == 0);
	}
	CHECK(rd64(f, va) == 0);
	va += 8;
	for (;; va += 16) {
		uint64_t tag = rd64(f, va), val = rd64(f, va + 8);
		CHECK(tag < 64);
		if (tag >= 64)
			break;
		CHECK(!out->present[tag]);           /* each tag once */
		out->present[tag] = 1;
		out->aux[tag] = val;
		out->naux++;
		if (tag == LOADER_AT_NULL)
			break;
	}
}

static struct loader_stack_info sample_info(void)
{
	static const char *const argv[] = { "/bin/prog", "-x", "", "a longer argument", NULL };
	static const char *const envp[] = { "HOME=/", "PATH=/bin:/usr/bin", "EMPTY=", NULL };
	struct loader_stack_info in = {
		.argc = 4, .argv = argv, .envc = 3, .envp = envp, .execfn = "/bin/prog",
		.random16 = rnd, .hwcap = 0x178bfbff, .sysinfo = 0xffffffff80123456ull,
		.phdr = 0x400040, .phent = 56, .phnum = 9, .entry = 0x401000, .uid = 1000, .gid = 100,
	};
	return in;
}

/* Build with in at stack_top (inside the fake stack), check everything. */
static void build_and_check(const struct loader_stack_info *in, uint64_t top, uint64_t size)
{
	struct fake_as f;
	fake_init(&f, STACK_BASE, STACK_PAGES);
	fake_map_all(&f, LOADER_PROT_R | LOADER_PROT_W);
	f.wlo = top - size;
	f.whi = top;
	struct loader_as as = fake_as(&f);
	uint64_t sp = 0;
	CHECK_ERR(loader_build_stack(&as, top, size, in, &sp), LOADER_OK);
	CHECK(!f.bad);
	CHECK(sp % 16 == 0);
	CHECK(sp >= top - size && sp < top);
	struct parsed p;
	parse(&f, sp, in, &p);
	CHECK(p.present[LOADER_AT_NULL]);
	CHECK(p.aux[LOADER_AT_PAGESZ] == 4096);
	CHECK(p.aux[LOADER_AT_PHDR] == in->phdr && p.aux[LOADER_AT_PHENT] == in->phent);
	CHECK(p.aux[LOADER_AT_PHNUM] == in->phnum && p.aux[LOADER_AT_ENTRY] == in->entry);
	CHECK(p.aux[LOADER_AT_UID] == in->uid && p.aux[LOADER_AT_EUID] == in->uid);
	CHECK(p.aux[LOADER_AT_GID] == in->gid && p.aux[LOADER_AT_EGID] == in->gid);
	CHECK(p.present[LOADER_AT_SECURE] && p.aux[LOADER_AT_SECURE] == 0);
	CHECK(p.aux[LOADER_AT_HWCAP] == in->hwcap);
	CHECK(p.present[LOADER_AT_SYSINFO] == (in->sysinfo != 0));
	if (in->sysinfo)
		CHECK(p.aux[LOADER_AT_SYSINFO] == in->sysinfo);
	uint8_t *r = fake_ptr(&f, p.aux[LOADER_AT_RANDOM]);
	CHECK(r && p.aux[LOADER_AT_RANDOM] + 16 <= top && p.aux[LOADER_AT_RANDOM] > sp);
	if (r)
		CHECK(memcmp(r, in->random16 ? in->random16 : (const uint8_t[16]){0}, 16) == 0);
	CHECK(p.present[LOADER_AT_EXECFN] == (in->execfn != NULL));
	if (in->execfn) {
		const char *s = str_at(&f, p.aux[LOADER_AT_EXECFN]);
		CHECK(s && strcmp(s, in->execfn) == 0);
	}
	fake_free(&f);
}

static void stack_basic(void)
{
	struct loader_stack_info in = sample_info();
	uint64_t top = STACK_BASE + STACK_PAGES * 4096;
	build_and_check(&in, top, STACK_PAGES * 4096);
	in.sysinfo = 0;                          /* ring 3: no AT_SYSINFO at all */
	build_and_check(&in, top, STACK_PAGES * 4096);
}

static void stack_alignments(void)
{
	/* every residue of stack_top and of the string lengths: sp stays 16-aligned */
	static const char *const argv[] = { "a", "bb", "ccc", "dddd", "eeeee", NULL };
	struct loader_stack_info in = sample_info();
	in.argv = argv;
	uint64_t end = STACK_BASE + STACK_PAGES * 4096;
	for (int argc = 0; argc <= 5; argc++) {
		for (int envc = 0; envc <= 3; envc++) {
			for (uint64_t off = 0; off < 16; off += 3) {
				in.argc = argc;
				in.envc = envc;
				build_and_check(&in, end - off, 8192 - off);
			}
		}
	}
	in.execfn = NULL;
	in.random16 = NULL;
	build_and_check(&in, end, 8192);
}

static int try_build(const struct loader_stack_info *in, uint64_t size, int *bad)
{
	struct fake_as f;
	fake_init(&f, STACK_BASE, STACK_PAGES);
	fake_map_all(&f, LOADER_PROT_R | LOADER_PROT_W);
	uint64_t top = STACK_BASE + STACK_PAGES * 4096;
	f.wlo = top - size;
	f.whi = top;
	struct loader_as as = fake_as(&f);
	uint64_t sp = 0;
	int err = loader_build_stack(&as, top, size, in, &sp);
	*bad = f.bad || (err == LOADER_OK && (sp < top - size || sp % 16));
	fake_free(&f);
	return err;
}

static void stack_too_big(void)
{
	static char big[70000];
	memset(big, 'x', sizeof big - 1);
	const char *argv[] = { big, NULL };
	struct loader_stack_info in = sample_info();
	int bad;
	in.argc = 1;
	in.argv = argv;
	CHECK_ERR(try_build(&in, STACK_PAGES * 4096, &bad), LOADER_E_STACK_TOO_BIG);
	CHECK(!bad);
	/* many small arguments */
	static const char *many[20000];
	for (int i = 0; i < 20000; i++)
		many[i] = "y";
	in.argc = 20000;
	in.argv = many;
	CHECK_ERR(try_build(&in, STACK_PAGES * 4096, &bad), LOADER_E_STACK_TOO_BIG);
	CHECK(!bad);
	/* every size from 0 up: fails cleanly until it fits, then fits at every larger size */
	in = sample_info();
	int fitted = 0;
	for (uint64_t size = 0; size <= 1024; size += 8) {
		int err = try_build(&in, size, &bad);
		CHECK(!bad);
		CHECK(err == LOADER_OK || err == LOADER_E_STACK_TOO_BIG);
		CHECK(!(fitted && err != LOADER_OK));
		fitted |= err == LOADER_OK;
	}
	CHECK(fitted);
}

static void stack_bad_args(void)
{
	struct fake_as f;
	fake_init(&f, STACK_BASE, 1);
	struct loader_as as = fake_as(&f);
	struct loader_stack_info in = sample_info();
	uint64_t sp;
	in.argc = -1;
	CHECK_ERR(loader_build_stack(&as, STACK_BASE + 4096, 4096, &in, &sp), LOADER_E_INVAL);
	in = sample_info();
	CHECK_ERR(loader_build_stack(&as, 4096, 8192, &in, &sp), LOADER_E_INVAL);
	const char *nullarg[] = { "a", NULL, NULL };
	in.argc = 2;
	in.argv = nullarg;
	CHECK_ERR(loader_build_stack(&as, STACK_BASE + 4096, 4096, &in, &sp), LOADER_E_INVAL);
	fake_free(&f);
	/* a failing write is reported */
	fake_init(&f, STACK_BASE, 1);
	fake_map_all(&f, LOADER_PROT_R | LOADER_PROT_W);
	f.fail_write_at = 3;
	as = fake_as(&f);
	in = sample_info();
	CHECK_ERR(loader_build_stack(&as, STACK_BASE + 4096, 4096, &in, &sp), LOADER_E_MAP);
	fake_free(&f);
}

void tests_stack(void)
{
	RUN(stack_basic);
	RUN(stack_alignments);
	RUN(stack_too_big);
	RUN(stack_bad_args);
}
