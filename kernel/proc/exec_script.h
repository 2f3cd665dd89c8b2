/* exec_script.h: `#!` interpreter scripts for execve (exec_script.c). */
#ifndef RZ_EXEC_SCRIPT_H
#define RZ_EXEC_SCRIPT_H
#include "types.h"

#define SCRIPT_BUF       256 /* Linux's BINPRM_BUF_SIZE: how much of the file is looked at */
#define SCRIPT_MAX_DEPTH 5   /* files loaded before the one that must be a program (Linux) */

/* If data (size bytes) starts with "#!", parses its first line as Linux's binfmt_script
 * does into buf (SCRIPT_BUF bytes, the caller's): *name = the interpreter, *arg = the
 * optional argument or NULL, both strings in buf. 1: a script; 0: not a script (no "#!");
 * -ENOEXEC: no interpreter name, or a name cut by the line limit. */
int script_parse(const void *data, uint64_t size, char *buf, const char **name, const char **arg);

#endif
