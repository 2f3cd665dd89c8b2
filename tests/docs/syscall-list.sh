#!/bin/sh
# syscall-list.sh: the kernel's system calls, from their SYSCALL_DEFINEn lines (the list
# kernel/tools/mksyscalls.py makes for the table), one line of names.
#   tests/docs/syscall-list.sh            prints the sorted list
#   tests/docs/syscall-list.sh --check    checks README.md shows exactly that list (PASS/FAIL)
cd "$(dirname "$0")/../.." || exit 2
names=$(python3 kernel/tools/mksyscalls.py - $(find kernel -name '*.c' | sort)) || exit 2
list=$(echo "$names" | tr '\n' ' ' | sed 's/ $//')
if [ "${1:-}" != "--check" ]; then echo "$list"; exit 0; fi
readme=$(sed -n '/^<!-- syscalls:begin -->$/,/^<!-- syscalls:end -->$/p' README.md | sed '1d;$d' | tr '\n' ' ' | sed 's/`//g; s/  */ /g; s/^ //; s/ $//')
if [ "$readme" = "$list" ]; then
	echo "PASS readme-syscall-list"
else
	echo "FAIL readme-syscall-list: README.md's list differs from the kernel's SYSCALL_DEFINEn lines (regenerate with tests/docs/syscall-list.sh)"
fi
