/* strerror.c: loader_strerror(), one short message per enum loader_err.
 *
 * Owns: the wording users see (r0run and the kernel's exec print it after the path).
 * Does not own: deciding which error applies (check.c, map.c, stack.c). */
#include "loader.h"

static const char *const messages[LOADER_NERR] = {
	[LOADER_OK]                 = "success",
	[LOADER_E_TRUNCATED]        = "file too short for an ELF header",
	[LOADER_E_MAGIC]            = "not an ELF file",
	[LOADER_E_CLASS]            = "not a 64-bit ELF file",
	[LOADER_E_DATA]             = "not a little-endian ELF file",
	[LOADER_E_VERSION]          = "unknown ELF version",
	[LOADER_E_MACHINE]          = "not an x86_64 program",
	[LOADER_E_TYPE]             = "not an executable (ET_EXEC or ET_DYN)",
	[LOADER_E_PHENTSIZE]        = "program header size is not 56",
	[LOADER_E_PHDRS_OUTSIDE]    = "program headers lie outside the file",
	[LOADER_E_NO_LOAD]          = "no loadable segment",
	[LOADER_E_INTERP]           = "dynamic program (PT_INTERP): link it statically",
	[LOADER_E_FILESZ_GT_MEMSZ]  = "segment file size exceeds its memory size",
	[LOADER_E_SEG_OUTSIDE_FILE] = "segment lies outside the file",
	[LOADER_E_WRAP]             = "segment wraps around the address space",
	[LOADER_E_OVERLAP]          = "loadable segments overlap",
	[LOADER_E_ALIGN]            = "segment offset and address disagree modulo the page size",
	[LOADER_E_TOO_BIG]          = "program too big (segments span more than 1 GiB)",
	[LOADER_E_ADDR]             = "segment outside the user address range",
	[LOADER_E_ENTRY]            = "entry point outside the executable segments",
	[LOADER_E_MAP]              = "cannot map the program's memory",
	[LOADER_E_STACK_TOO_BIG]    = "arguments and environment too big for the stack",
	[LOADER_E_ORDER]            = "loadable segments not sorted by address",
	[LOADER_E_NOTE]             = "malformed ELF note",
	[LOADER_E_BIAS]             = "load address (bias) outside the user address range",
	[LOADER_E_INVAL]            = "invalid argument to the loader",
};

const char *loader_strerror(int err)
{
	if (err < 0 || err >= LOADER_NERR || !messages[err])
		return "unknown loader error";
	return messages[err];
}
