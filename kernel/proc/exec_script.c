/* exec_script.c: the first line of a `#!` interpreter script, parsed as Linux's
 * binfmt_script does (Linux 5.1 and later; execve(2), "Interpreter scripts"). Owns the
 * parse only; exec_core (proc.c) rewrites argv, loads the interpreter, counts the depth
 * (SCRIPT_MAX_DEPTH, then ELOOP) and picks the ring from the interpreter's trust note.
 *
 * The rules, byte for byte those of Linux (a test compares with the host):
 *   * Only the first SCRIPT_BUF (256) bytes of the file are looked at, zero-padded when the
 *     file is shorter. The line ends at the first '\n' among them; with no '\n' it is the
 *     first 255 bytes (Linux writes its terminating NUL over the last byte of the buffer):
 *     the rest is ignored ("characters beyond the limit are ignored"), the interpreter can
 *     re-read its script. But an interpreter name the limit may have cut (no blank or NUL
 *     after it within the 256 bytes) is ENOEXEC, never a truncated path.
 *   * Blanks (space, tab) after "#!" and at the end of the line are skipped.
 *   * The interpreter's name ends at the first blank or NUL; nothing (only blanks) left:
 *     ENOEXEC ("#!\n", "#!   \n").
 *   * Everything after the blanks that follow the name, up to the trimmed end of the line,
 *     is ONE optional argument, inner blanks included ("#!/bin/x a  b" gives "a  b").
 * Consequences of the zero padding that Linux shows too: a file of just "#!" has "" as its
 * interpreter (exec_core answers EACCES, as Linux's lookup of "" finds a directory), and at
 * a line with no newline the padding, not a blank, ends the line, so trailing blanks stay:
 * "#!/bin/x a  " gives "a  ", "#!/bin/x  " an empty argument. A '\r' is not a blank: a CRLF
 * script passes "a\r" (or asks for "/bin/sh\r").
 *
 * Chosen among the execve(2) variants: the Linux 5.1+ limit and its truncation (the man
 * page's "255 characters" after "#!" is, in the code, 255 bytes of line including "#!"),
 * not the older 127-byte limit; ENOEXEC rather than a truncated interpreter path. */
#include "exec_script.h"
#include "lib.h"
#include <asm-generic/errno.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The first non-blank in [first, last], or NULL. */
static char *skip_blanks(char *first, const char *last)
{
	for (; first <= last; first++)
		if (!blank(*first))
			return first;
	return NULL;
}

/* The first blank or NUL in [first, last], or NULL. */
static char *find_end_of_word(char *first, const char *last)
{
	for (; first <= last; first++)
		if (blank(*first) || !*first)
			return first;
	return NULL;
}

int script_parse(const void *data, uint64_t size, char *buf, const char **name, const char **arg)
{
	const char *d = data;
	if (size < 2 || d[0] != '#' || d[1] != '!')
		return 0;
	memset(buf, 0, SCRIPT_BUF);
	memcpy(buf, d, MIN(size, (uint64_t)SCRIPT_BUF));
	char *buf_end = buf + SCRIPT_BUF - 1, *end = NULL;
	for (char *p = buf; p <= buf_end && !end; p++)
		if (*p == '\n')
			end = p;
	if (!end) {
		/* no newline: the line is cut at the limit, unless that would cut the name */
		end = skip_blanks(buf + 2, buf_end);
		if (!end || !find_end_of_word(end, buf_end))
			return -ENOEXEC;
		end = buf_end;
	}
	while (blank(end[-1])) /* stops at the '!' at worst */
		end--;
	char *i_name = skip_blanks(buf + 2, end);
	if (!i_name || i_name == end)
		return -ENOEXEC;
	char *i_arg = NULL, *sep = find_end_of_word(i_name, end);
	if (sep && *sep)
		i_arg = skip_blanks(sep, end);
	*end = 0;
	if (i_arg)
		*sep = 0;
	*name = i_name;
	*arg = i_arg;
	return 1;
}
