/* loader.h: ringzero's ELF loader, the interface.
 *
 * A freestanding library (no libc: <stdint.h>, <stddef.h>, <stdbool.h> only) compiled into
 * the kernel and into host tools (r0run) and tests. Three steps, each its own file:
 *   loader_check()        validate a whole ELF64 file in memory, describe it  (check.c)
 *   loader_map()          map its PT_LOAD segments through a loader_as         (map.c)
 *   loader_build_stack()  write Linux's initial process stack                  (stack.c)
 * The loader never allocates, never reads outside [file, file+size), and reaches the
 * target address space only through the two callbacks of struct loader_as. It loads
 * static programs only (ET_EXEC, or ET_DYN as static-PIE); relocation of a static-PIE is the
 * program's own start code's job, as on Linux. */
#ifndef LOADER_LOADER_H
#define LOADER_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum loader_err {
	LOADER_OK = 0,
	LOADER_E_TRUNCATED,         /* file shorter than the ELF header */
	LOADER_E_MAGIC,             /* no \177ELF */
	LOADER_E_CLASS,             /* not ELFCLASS64 */
	LOADER_E_DATA,              /* not little-endian */
	LOADER_E_VERSION,           /* not EV_CURRENT */
	LOADER_E_MACHINE,           /* not EM_X86_64 */
	LOADER_E_TYPE,              /* not ET_EXEC or ET_DYN */
	LOADER_E_PHENTSIZE,         /* e_phentsize != 56 */
	LOADER_E_PHDRS_OUTSIDE,     /* program header table outside the file (or e_phnum == 0) */
	LOADER_E_NO_LOAD,           /* no non-empty PT_LOAD */
	LOADER_E_INTERP,            /* PT_INTERP: dynamic program */
	LOADER_E_FILESZ_GT_MEMSZ,   /* a PT_LOAD with p_filesz > p_memsz */
	LOADER_E_SEG_OUTSIDE_FILE,  /* p_offset + p_filesz beyond the file */
	LOADER_E_WRAP,              /* p_vaddr + p_memsz (page-rounded) wraps around 2^64 */
	LOADER_E_OVERLAP,           /* two PT_LOAD byte ranges overlap */
	LOADER_E_ALIGN,             /* p_offset % 4096 != p_vaddr % 4096 */
	LOADER_E_TOO_BIG,           /* a segment or the whole span exceeds LOADER_MAX_SPAN */
	LOADER_E_ADDR,              /* ET_EXEC below 4096 or reaching past user_limit; ET_DYN span > user_limit */
	LOADER_E_ENTRY,             /* e_entry not inside the file bytes of an executable PT_LOAD */
	LOADER_E_MAP,               /* the address space's map() or write() failed */
	LOADER_E_STACK_TOO_BIG,     /* argv/envp/auxv do not fit in the stack */
	LOADER_E_ORDER,             /* PT_LOAD segments not sorted by p_vaddr */
	LOADER_E_NOTE,              /* a malformed note in a PT_NOTE segment */
	LOADER_E_BIAS,              /* loader_map: bias not page-aligned, or the biased image wraps or passes user_limit */
	LOADER_E_INVAL,             /* bad argument (NULL pointer, negative count) */
	LOADER_NERR
};

/* A short human message for an enum loader_err value (any int is accepted). */
const char *loader_strerror(int err);

#define LOADER_PAGE      4096ull
#define LOADER_MAX_SPAN  (1ull << 30)   /* largest PT_LOAD span (and p_memsz) accepted: 1 GiB */

#define LOADER_PROT_R 1
#define LOADER_PROT_W 2
#define LOADER_PROT_X 4

struct loader_image {            /* filled by loader_check() */
	uint64_t entry;              /* e_entry, not yet biased */
	uint64_t lo, hi;             /* page-aligned span of all PT_LOAD segments (vaddr, unbiased) */
	uint64_t phdr_vaddr;         /* unbiased vaddr of the program headers in memory (PT_PHDR, or
	                                derived from the PT_LOAD that covers e_phoff); 0 if not mapped */
	uint16_t phnum, phentsize;
	bool     pie;                /* ET_DYN (static-PIE): caller chooses a bias */
	bool     trusted;            /* carries the ringzero trust note (note.h) */
	bool     exec_stack;         /* PT_GNU_STACK has X */
	/* additions */
	uint64_t align;              /* largest PT_LOAD p_align (a power of two >= 4096): a PIE's
	                                bias should be a multiple of it */
	uint64_t user_limit;         /* as given to loader_check(); loader_map() checks the bias against it */
	uint64_t phoff;              /* e_phoff (file offset of the program headers) */
};

/* Validate a whole file in memory. user_limit: highest address+1 a segment may reach.
 * ET_EXEC: every PT_LOAD lies in [4096, user_limit). ET_DYN: the span hi-lo is at most
 * user_limit (the bias is checked by loader_map). Returns LOADER_OK or the first error. */
int loader_check(const void *file, uint64_t size, uint64_t user_limit, struct loader_image *img);

struct loader_as {               /* the address space the loader maps into */
	void *ctx;
	/* make [va, va+len) (page-aligned) present, zero-filled, with prot; 0 or a negative
	   error. Called at most once for any page. */
	int (*map)(void *ctx, uint64_t va, uint64_t len, int prot);
	/* copy len bytes into memory already mapped by map(), whatever its prot; 0 or negative */
	int (*write)(void *ctx, uint64_t va, const void *src, uint64_t len);
	/* optional (NULL: copy): map [va, va+len) (page-aligned) from the file's bytes at
	   offset (page-aligned), private copy-on-write, with prot; 0 or negative. Stands for
	   map() of those pages and write() of the file bytes. */
	int (*map_file)(void *ctx, uint64_t va, uint64_t len, int prot, uint64_t offset);
};

/* Map every PT_LOAD of a checked image at vaddr+bias: zero-fill bss, copy file bytes, prot
 * from p_flags. Segments sharing a page: the page's prot is the union. bias must be a
 * multiple of 4096 (0 for ET_EXEC) and keep the image inside [4096, img->user_limit).
 * Returns LOADER_OK, LOADER_E_BIAS (nothing mapped) or LOADER_E_MAP. */
int loader_map(const void *file, const struct loader_image *img, uint64_t bias,
	       const struct loader_as *as);

struct loader_stack_info {
	int argc; const char *const *argv;   /* argv[argc] == NULL */
	int envc; const char *const *envp;
	const char *execfn;                  /* AT_EXECFN string (NULL: no AT_EXECFN) */
	const uint8_t *random16;             /* 16 bytes for AT_RANDOM (NULL: 16 zero bytes) */
	uint64_t hwcap;                      /* AT_HWCAP */
	uint64_t sysinfo;                    /* AT_SYSINFO; 0 = do not put the entry in auxv at all */
	uint64_t sysinfo_ehdr;               /* AT_SYSINFO_EHDR (the vDSO's ELF header); 0 = none */
	uint64_t phdr, phent, phnum, entry;  /* biased values for AT_PHDR, AT_PHENT, AT_PHNUM, AT_ENTRY */
	uint64_t uid, gid;                   /* AT_UID/EUID/GID/EGID */
};

/* Build Linux's initial process stack below stack_top (mapped, writable, stack_size bytes
 * below it, written through as->write): strings, 16 random bytes, padding, auxv, envp,
 * argv, argc, with the final sp 16-byte aligned (x86_64 psABI, process entry).
 * *sp_out = initial rsp. LOADER_E_STACK_TOO_BIG when it does not fit (nothing is written
 * outside [stack_top - stack_size, stack_top)), LOADER_E_MAP when write() fails. */
int loader_build_stack(const struct loader_as *as, uint64_t stack_top, uint64_t stack_size,
		       const struct loader_stack_info *info, uint64_t *sp_out);

/* The auxiliary-vector tags loader_build_stack() writes (Linux values). */
#define LOADER_AT_NULL    0
#define LOADER_AT_PHDR    3
#define LOADER_AT_PHENT   4
#define LOADER_AT_PHNUM   5
#define LOADER_AT_PAGESZ  6
#define LOADER_AT_ENTRY   9
#define LOADER_AT_UID     11
#define LOADER_AT_EUID    12
#define LOADER_AT_GID     13
#define LOADER_AT_EGID    14
#define LOADER_AT_HWCAP   16
#define LOADER_AT_SECURE  23
#define LOADER_AT_RANDOM  25
#define LOADER_AT_EXECFN  31
#define LOADER_AT_SYSINFO 32
#define LOADER_AT_SYSINFO_EHDR 33

#endif
