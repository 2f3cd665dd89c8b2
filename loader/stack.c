/* stack.c: loader_build_stack(), Linux's initial process stack for x86_64.
 *
 * Owns: the layout below stack_top, from the top down:
 *     8 zero bytes (end marker)
 *     AT_EXECFN string, envp strings, argv strings (argv[0] lowest), packed
 *     padding to 16, then the 16 AT_RANDOM bytes (16-aligned)
 *     padding so that the final sp is 16-aligned
 *     auxv pairs ... AT_NULL, 0
 *     envp[0..envc-1], NULL
 *     argv[0..argc-1], NULL
 *     argc                      <- sp (16-byte aligned, psABI process entry)
 * Does not own: mapping the stack (the caller maps it first) or choosing the auxv values
 * (struct loader_stack_info carries them). Every size is checked against stack_size
 * before anything is written, so nothing lands below stack_top - stack_size. */
#include "loader.h"

#define MAX_AUX 20

struct aux {
	uint64_t v[2 * MAX_AUX];
	int n;                       /* words used */
};

/* strlen(s)+1, or 0 when it exceeds max bytes (or s is NULL). */
static uint64_t str_size(const char *s, uint64_t max)
{
	if (!s)
		return 0;
	for (uint64_t n = 0; n < max; n++)
		if (s[n] == '\0')
			return n + 1;
	return 0;
}

/* Add the sizes of n strings to *total, keeping it <= max. */
static int add_strings(const char *const *v, int n, uint64_t *total, uint64_t max)
{
	for (int i = 0; i < n; i++) {
		uint64_t len = str_size(v[i], max - *total);
		if (!v[i])
			return LOADER_E_INVAL;
		if (len == 0)
			return LOADER_E_STACK_TOO_BIG;
		*total += len;
	}
	return LOADER_OK;
}

static int put(const struct loader_as *as, uint64_t va, const void *src, uint64_t len)
{
	return as->write(as->ctx, va, src, len) < 0 ? LOADER_E_MAP : LOADER_OK;
}

static int put_word(const struct loader_as *as, uint64_t va, uint64_t w)
{
	return put(as, va, &w, sizeof w);
}

/* Copy n strings (with their NULs) upward from *va, packed; advances *va past them. */
static int put_strings(const struct loader_as *as, const char *const *v, int n, uint64_t *va)
{
	for (int i = 0; i < n; i++) {
		uint64_t len = str_size(v[i], UINT64_MAX);
		int err = put(as, *va, v[i], len);
		if (err)
			return err;
		*va += len;
	}
	return LOADER_OK;
}

/* Store n pointers, to the packed strings starting at str, then NULL, from *va upward. */
static int put_ptrs(const struct loader_as *as, const char *const *v, int n, uint64_t str,
		    uint64_t *va)
{
	for (int i = 0; i < n; i++) {
		int err = put_word(as, *va, str);
		if (err)
			return err;
		str += str_size(v[i], UINT64_MAX);
		*va += 8;
	}
	*va += 8;
	return put_word(as, *va - 8, 0);
}

static void aux_add(struct aux *a, uint64_t tag, uint64_t val)
{
	a->v[a->n++] = tag;
	a->v[a->n++] = val;
}

static void fill_aux(struct aux *a, const struct loader_stack_info *info, uint64_t random_va,
		     uint64_t execfn_va)
{
	a->n = 0;
	if (info->sysinfo)
		aux_add(a, LOADER_AT_SYSINFO, info->sysinfo);
	if (info->sysinfo_ehdr)
		aux_add(a, LOADER_AT_SYSINFO_EHDR, info->sysinfo_ehdr);
	aux_add(a, LOADER_AT_HWCAP, info->hwcap);
	aux_add(a, LOADER_AT_PAGESZ, LOADER_PAGE);
	aux_add(a, LOADER_AT_PHDR, info->phdr);
	aux_add(a, LOADER_AT_PHENT, info->phent);
	aux_add(a, LOADER_AT_PHNUM, info->phnum);
	aux_add(a, LOADER_AT_ENTRY, info->entry);
	aux_add(a, LOADER_AT_UID, info->uid);
	aux_add(a, LOADER_AT_EUID, info->uid);
	aux_add(a, LOADER_AT_GID, info->gid);
	aux_add(a, LOADER_AT_EGID, info->gid);
	aux_add(a, LOADER_AT_SECURE, 0);
	aux_add(a, LOADER_AT_RANDOM, random_va);
	if (info->execfn)
		aux_add(a, LOADER_AT_EXECFN, execfn_va);
	aux_add(a, LOADER_AT_NULL, 0);
}

/* Write the strings block [lo, top): argv, envp, execfn strings, 8 zero bytes. */
static int put_string_block(const struct loader_as *as, const struct loader_stack_info *info,
			    uint64_t lo, uint64_t *execfn_va)
{
	uint64_t va = lo;
	int err = put_strings(as, info->argv, info->argc, &va);
	if (!err)
		err = put_strings(as, info->envp, info->envc, &va);
	*execfn_va = va;
	if (!err && info->execfn)
		err = put_strings(as, &info->execfn, 1, &va);
	if (!err)
		err = put_word(as, va, 0);
	return err;
}

/* Write argc, argv[], envp[] and auxv from sp upward. */
static int put_vectors(const struct loader_as *as, const struct loader_stack_info *info,
		       uint64_t sp, uint64_t strings, const struct aux *a)
{
	uint64_t va = sp;
	int err = put_word(as, va, (uint64_t)info->argc);
	va += 8;
	if (!err)
		err = put_ptrs(as, info->argv, info->argc, strings, &va);
	uint64_t env_str = strings;
	for (int i = 0; i < info->argc; i++)
		env_str += str_size(info->argv[i], UINT64_MAX);
	if (!err)
		err = put_ptrs(as, info->envp, info->envc, env_str, &va);
	if (!err)
		err = put(as, va, a->v, (uint64_t)a->n * 8);
	return err;
}

static int check_args(const struct loader_as *as, uint64_t stack_top, uint64_t stack_size,
		      const struct loader_stack_info *info, uint64_t *sp_out)
{
	if (!as || !as->write || !info || !sp_out || stack_size > stack_top)
		return LOADER_E_INVAL;
	if (info->argc < 0 || info->envc < 0 || (info->argc && !info->argv) ||
	    (info->envc && !info->envp))
		return LOADER_E_INVAL;
	return LOADER_OK;
}

struct layout {
	uint64_t strings;            /* the packed strings block, up to the 16-aligned top */
	uint64_t random_va;          /* the 16 AT_RANDOM bytes */
};

/* Place the strings and the random bytes, and check that all of it plus the vectors (at
 * most MAX_AUX auxv pairs) fits in the stack_size bytes below stack_top. */
static int plan(uint64_t stack_top, uint64_t stack_size, const struct loader_stack_info *info,
		struct layout *l)
{
	uint64_t top = stack_top & ~(uint64_t)15;
	if (stack_size < stack_top - top + 8)
		return LOADER_E_STACK_TOO_BIG;
	uint64_t room = stack_size - (stack_top - top), strsz = 8;   /* 8: the end marker */
	int err;
	if ((err = add_strings(info->argv, info->argc, &strsz, room)) ||
	    (err = add_strings(info->envp, info->envc, &strsz, room)) ||
	    (info->execfn && (err = add_strings(&info->execfn, 1, &strsz, room))))
		return err;
	uint64_t bottom = top - room;
	uint64_t words = 1 + ((uint64_t)info->argc + 1) + ((uint64_t)info->envc + 1) + 2 * MAX_AUX;
	l->strings = top - strsz;
	l->random_va = (l->strings & ~(uint64_t)15) - 16;
	if (l->random_va < bottom || l->random_va > l->strings || words * 8 > l->random_va - bottom)
		return LOADER_E_STACK_TOO_BIG;
	return LOADER_OK;
}

int loader_build_stack(const struct loader_as *as, uint64_t stack_top, uint64_t stack_size,
		       const struct loader_stack_info *info, uint64_t *sp_out)
{
	static const uint8_t zero16[16];
	struct layout l;
	struct aux a;
	uint64_t execfn_va;
	int err;
	if ((err = check_args(as, stack_top, stack_size, info, sp_out)) ||
	    (err = plan(stack_top, stack_size, info, &l)) ||
	    (err = put_string_block(as, info, l.strings, &execfn_va)) ||
	    (err = put(as, l.random_va, info->random16 ? info->random16 : zero16, 16)))
		return err;
	fill_aux(&a, info, l.random_va, execfn_va);
	uint64_t used = 1 + ((uint64_t)info->argc + 1) + ((uint64_t)info->envc + 1) + (uint64_t)a.n;
	uint64_t sp = (l.random_va - used * 8) & ~(uint64_t)15;
	if ((err = put_vectors(as, info, sp, l.strings, &a)))
		return err;
	*sp_out = sp;
	return LOADER_OK;
}
