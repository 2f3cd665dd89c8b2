#!/bin/sh
# mksyscalls-check.sh: the build-time check of kernel/tools/mksyscalls.py refuses what it must.
# Feeds it small sources: a typed definition (accepted, listed), a raw `long sys_x(` function
# (the table and the tracer would not see it: refused), a call defined twice (refused).
# Prints PASS/FAIL lines.
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
gen=kernel/tools/mksyscalls.py

printf 'SYSCALL_DEFINE3(read, fd_t, fd, uptr_t, buf, size_t, count)\n{\n}\nSYSCALL_LEAF_DEFINE0(getpid) { return 1; }\n' > "$tmp/good.c"
if python3 $gen "$tmp/out.inc" "$tmp/good.c" 2>"$tmp/err" &&
   grep -qx 'SYSCALL(read)' "$tmp/out.inc" && grep -qx 'SYSCALL_LEAF(getpid)' "$tmp/out.inc"; then
	echo "PASS mksyscalls-lists-typed-definitions"
else
	echo "FAIL mksyscalls-lists-typed-definitions: $(cat "$tmp/err")"
fi

printf 'long sys_write(SYSCALL_RAW_ARGS)\n{\n}\n' > "$tmp/raw.c"
if python3 $gen "$tmp/raw.inc" "$tmp/good.c" "$tmp/raw.c" 2>"$tmp/err"; then
	echo "FAIL mksyscalls-refuses-raw-definition: a raw sys_write was accepted"
elif grep -q 'raw.c:1: sys_write is not written with SYSCALL_DEFINEn' "$tmp/err" && [ ! -e "$tmp/raw.inc" ]; then
	echo "PASS mksyscalls-refuses-raw-definition"
else
	echo "FAIL mksyscalls-refuses-raw-definition: unexpected message: $(cat "$tmp/err")"
fi

printf 'SYSCALL_DEFINE1(close, fd_t, fd) { return 0; }\n' > "$tmp/a.c"
cp "$tmp/a.c" "$tmp/b.c"
if python3 $gen "$tmp/dup.inc" "$tmp/a.c" "$tmp/b.c" 2>"$tmp/err"; then
	echo "FAIL mksyscalls-refuses-duplicate: close defined twice was accepted"
elif grep -q 'sys_close is defined twice' "$tmp/err"; then
	echo "PASS mksyscalls-refuses-duplicate"
else
	echo "FAIL mksyscalls-refuses-duplicate: unexpected message: $(cat "$tmp/err")"
fi

# The tree itself: no system call written the old way.
if grep -rn 'SYSCALL_ARGS\|SYSCALL_UNUSED' kernel tests/kfs >"$tmp/old" 2>/dev/null; then
	echo "FAIL no-untyped-syscalls: $(head -3 "$tmp/old" | tr '\n' ' ')"
else
	echo "PASS no-untyped-syscalls"
fi
