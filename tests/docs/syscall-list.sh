#!/bin/sh
# syscall-list.sh: the kernel's system calls, from the table's fragments, one line of names.
#   tests/docs/syscall-list.sh            prints the sorted list
#   tests/docs/syscall-list.sh --check    checks README.md shows exactly that list (PASS/FAIL)
cd "$(dirname "$0")/../.." || exit 2
list=$(sed -n 's/^SYSCALL\(_LEAF\)\{0,1\}(\([a-z0-9_]*\)).*/\2/p' kernel/proc/syscalls.inc kernel/fs/syscalls.inc | sort -u | tr '\n' ' ' | sed 's/ $//')
if [ "${1:-}" != "--check" ]; then echo "$list"; exit 0; fi
readme=$(sed -n '/^<!-- syscalls:begin -->$/,/^<!-- syscalls:end -->$/p' README.md | sed '1d;$d' | tr '\n' ' ' | sed 's/`//g; s/  */ /g; s/^ //; s/ $//')
if [ "$readme" = "$list" ]; then
	echo "PASS readme-syscall-list"
else
	echo "FAIL readme-syscall-list: README.md's list differs from kernel/*/syscalls.inc (regenerate with tests/docs/syscall-list.sh)"
fi
