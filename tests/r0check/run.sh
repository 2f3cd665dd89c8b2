#!/bin/sh
# Tests for toolchain/r0-check, the raw system-call checker.
# Usage: tests/r0check/run.sh RESULTS_FILE
# Builds tiny objects (gcc -c / as, from assembly written here), runs r0-check on them and
# writes "PASS name" / "FAIL name" lines to RESULTS_FILE, echoing them; a failure also shows
# what r0-check printed. Exit status: 0 when every test passed, 1 otherwise.

results=${1:?usage: tests/r0check/run.sh RESULTS_FILE}
here=$(cd "$(dirname "$0")" && pwd) || exit 1
R0CHECK=$(cd "$here/../.." && pwd)/toolchain/r0-check
mkdir -p "$(dirname "$results")" && : >"$results" || exit 1
results=$(cd "$(dirname "$results")" && pwd)/$(basename "$results") || exit 1
w=$(mktemp -d "${TMPDIR:-/tmp}/r0check-test.XXXXXX") || exit 1
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
failed=0

# verdict NAME: PASS when the previous command (a chain of checks) succeeded.
verdict() {
	if [ $? -eq 0 ]; then
		echo "PASS $1" | tee -a "$results"
	else
		echo "FAIL $1" | tee -a "$results"
		failed=1
		{
			echo "  --- r0-check $cmd (exit status $rc)"
			sed 's/^/  out: /' out
			sed 's/^/  err: /' err
		} >&2
	fi
}
# run ARGS...: r0-check with ARGS; stdout in ./out, stderr in ./err, status in $rc.
run() { cmd=$*; "$R0CHECK" "$@" >out 2>err; rc=$?; }
rc_is() { [ "$rc" -eq "$1" ]; }
line() { grep -qxF -- "$1" out; }                # stdout has exactly this line
noline() { ! grep -qF -- "$1" out; }             # stdout has no line containing this
err_has() { grep -qF -- "$1" err; }
nlines() { [ "$(wc -l <out)" -eq "$1" ]; }
# build NAME.o from assembly on stdin (with gcc -c, or as when $1 is "as" / "as32")
build() {
	cat >"$1.s"
	case ${2:-gcc} in
	gcc) gcc -c -o "$1.o" "$1.s" ;;
	as) as -o "$1.o" "$1.s" ;;
	as32) as --32 -o "$1.o" "$1.s" ;;
	esac || { echo "r0check tests: cannot assemble $1.s" >&2; exit 1; }
}

# --- objects --------------------------------------------------------------------------
cat >clean.c <<'EOF'
int add(int a, int b) { return a + b; }
EOF
gcc -O2 -c clean.c -o clean.o || exit 1

build fallback <<'EOF'
	.text
	.globl __syscall_fallback
	.hidden __syscall_fallback
	.type __syscall_fallback, @function
__syscall_fallback:
	syscall
	ret
	.size __syscall_fallback, .-__syscall_fallback
EOF

build fallback_cp as <<'EOF'
	.text
	.globl __syscall_fallback_cp
	.type __syscall_fallback_cp, @function
__syscall_fallback_cp:
	mov %rdi, %rax
	.globl __cp_begin
__cp_begin:
	mov (%rsi), %eax
	syscall
	.globl __cp_end
__cp_end:
	ret
	.size __syscall_fallback_cp, .-__syscall_fallback_cp
EOF

# foo: nop (1 byte), mov %edi,%eax (2 bytes), so the syscall is at foo+0x3.
build foo <<'EOF'
	.text
	.globl foo
	.type foo, @function
foo:
	nop
	mov %edi, %eax
	syscall
	ret
	.size foo, .-foo
EOF

build sysenter <<'EOF'
	.text
	.globl enter32
	.type enter32, @function
enter32:
	push %rbp
	sysenter
	.size enter32, .-enter32
EOF

build int80 <<'EOF'
	.text
	.globl old_abi
	.type old_abi, @function
old_abi:
	int3
	int $0x81
	int $0x80
	ret
	.size old_abi, .-old_abi
EOF

build int80_32 as32 <<'EOF'
	.text
	.globl old32
	.type old32, @function
old32:
	mov $1, %eax
	int $0x80
	.size old32, .-old32
EOF

# 0f 05 / 0f 34 / cd 80 as bytes of immediates and displacements, never as instructions.
build imm <<'EOF'
	.text
	.globl imm
	.type imm, @function
imm:
	mov $0x050f, %eax
	movabs $0x050f050f050f050f, %rax
	mov $0x340f, %ecx
	mov $0x80cd, %edx
	lea 0x050f(%rip), %rsi
	jmp 1f
	.skip 0x50f - 0x30, 0x90
1:	ret
	.size imm, .-imm
EOF

# A system call just past the end of the fallback's sized symbol is not in the fallback.
build pastend <<'EOF'
	.text
	.globl __syscall_fallback
	.type __syscall_fallback, @function
__syscall_fallback:
	syscall
	ret
	.size __syscall_fallback, .-__syscall_fallback
	syscall
EOF

build prefixed <<'EOF'
	.text
	.globl pfx
	.type pfx, @function
pfx:
	.byte 0x48, 0x0f, 0x05
	ret
	.size pfx, .-pfx
EOF

build othersec <<'EOF'
	.section .text.unlikely, "ax", @progbits
	.globl cold
	.type cold, @function
cold:
	xor %eax, %eax
	syscall
	.size cold, .-cold
	.section .data
	.byte 0x0f, 0x05
EOF

build raw <<'EOF'
	.text
	.globl my_raw_exit
	.type my_raw_exit, @function
my_raw_exit:
	mov $60, %eax
	syscall
	.size my_raw_exit, .-my_raw_exit
EOF

# A static executable: _start calls bad (syscall at bad+0x5) and __syscall_fallback.
cat >prog.s <<'EOF'
	.text
	.globl _start
_start:
	call bad
	call __syscall_fallback
	hlt
	.type bad, @function
bad:
	mov $39, %eax
	syscall
	ret
	.size bad, .-bad
	.type __syscall_fallback, @function
__syscall_fallback:
	syscall
	ret
	.size __syscall_fallback, .-__syscall_fallback
EOF
gcc -nostdlib -static -o prog prog.s && strip -o prog.stripped prog || exit 1

# A shared object exporting the fallback: stripped, its dynamic symbols still name it.
cat >so.s <<'EOF'
	.text
	.globl __syscall_fallback
	.type __syscall_fallback, @function
__syscall_fallback:
	syscall
	ret
	.size __syscall_fallback, .-__syscall_fallback
EOF
gcc -nostdlib -shared -fPIC -o libfb.so so.s && strip -o libfb.stripped.so libfb.so || exit 1

ar rc lib.a fallback.o foo.o clean.o || exit 1
printf 'just text\n' >notelf.txt
: >empty
mkdir adir

# --- tests ----------------------------------------------------------------------------
run clean.o
rc_is 0 && line "r0-check: clean.o: no system-call instructions" && nlines 1
verdict clean

run -q clean.o
rc_is 0 && nlines 0 && [ ! -s err ]
verdict clean-quiet

run fallback.o
rc_is 0 && line "fallback.o: .text: __syscall_fallback+0x0: syscall   [designated fallback]" &&
	line "r0-check: fallback.o: 1 site, all designated"
verdict fallback

run -q fallback.o
rc_is 0 && nlines 0
verdict fallback-quiet

# The inner label __cp_begin is objdump's label; the sized symbol around it is designated.
run fallback_cp.o
rc_is 0 && line "fallback_cp.o: .text: __syscall_fallback_cp+0x5: syscall   [designated fallback]"
verdict fallback-cp-inner-label

run foo.o
rc_is 1 && line "foo.o: .text: foo+0x3: syscall" &&
	line "r0-check: foo.o: 1 site, 1 outside the designated fallback"
verdict syscall-in-foo

run -q foo.o
rc_is 1 && line "foo.o: .text: foo+0x3: syscall" && nlines 1
verdict syscall-in-foo-quiet

run sysenter.o
rc_is 1 && line "sysenter.o: .text: enter32+0x1: sysenter"
verdict sysenter

run int80.o
rc_is 1 && line "int80.o: .text: old_abi+0x3: int \$0x80" && nlines 2 && noline "0x81"
verdict int80

run int80_32.o
rc_is 1 && line "int80_32.o: .text: old32+0x5: int \$0x80"
verdict int80-elf32

# The bytes are there, in operands; no instruction is a system call.
od -An -tx1 -v imm.o | tr -d '\n' | grep -q '0f 05' &&
	od -An -tx1 -v imm.o | tr -d '\n' | grep -q '0f 34' &&
	od -An -tx1 -v imm.o | tr -d '\n' | grep -q 'cd 80'
verdict immediate-bytes-present
run imm.o
rc_is 0 && line "r0-check: imm.o: no system-call instructions"
verdict immediate-not-reported

run pastend.o
rc_is 1 && line "pastend.o: .text: __syscall_fallback+0x0: syscall   [designated fallback]" &&
	line "pastend.o: .text: __syscall_fallback+0x3: syscall   [past the end of __syscall_fallback (size 0x3)]"
verdict past-end-of-fallback

run prefixed.o
rc_is 1 && line "prefixed.o: .text: pfx+0x0: rex.W syscall"
verdict prefixed-syscall

run othersec.o
rc_is 1 && line "othersec.o: .text.unlikely: cold+0x2: syscall" && nlines 2
verdict other-exec-section

run lib.a
rc_is 1 && line "lib.a(fallback.o): .text: __syscall_fallback+0x0: syscall   [designated fallback]" &&
	line "lib.a(foo.o): .text: foo+0x3: syscall" &&
	line "r0-check: lib.a: 2 sites, 1 outside the designated fallback (3 members)"
verdict archive

run -q lib.a
rc_is 1 && line "lib.a(foo.o): .text: foo+0x3: syscall" && nlines 1
verdict archive-quiet

run prog
rc_is 1 && line "prog: .text: bad+0x5: syscall" &&
	line "prog: .text: __syscall_fallback+0x0: syscall   [designated fallback]"
verdict executable

# Stripped: names are objdump's nearest labels, so neither site can be shown designated.
run prog.stripped
rc_is 1 && [ "$(grep -c ': syscall   \[stripped: nearest label\]$' out)" -eq 2 ] &&
	line "r0-check: prog.stripped: 2 sites, 2 outside the designated fallback"
verdict stripped-executable

run -q libfb.stripped.so
rc_is 0 && nlines 0
verdict stripped-shared-object-dynsym
run libfb.stripped.so
line "libfb.stripped.so: .text: __syscall_fallback+0x0: syscall   [designated fallback]   [stripped: nearest label]"
verdict stripped-shared-object-line

run notelf.txt
rc_is 2 && err_has "r0-check: notelf.txt: not an ELF file or ar archive" && nlines 0
verdict not-elf

run empty
rc_is 2 && err_has "r0-check: empty: not an ELF file or ar archive"
verdict empty-file

run no-such-file.o
rc_is 2 && err_has "r0-check: no-such-file.o: no such file"
verdict missing-file

run adir
rc_is 2 && err_has "r0-check: adir: is a directory"
verdict directory

# An ELF file for another machine (e_machine patched to AArch64).
cp foo.o arm.o && printf '\267' | dd of=arm.o bs=1 seek=18 conv=notrunc 2>/dev/null
run arm.o
rc_is 2 && err_has "r0-check: arm.o: unsupported object format"
verdict not-x86

cp lib.a badlib.a && ar r badlib.a notelf.txt
run badlib.a
rc_is 2 && err_has "notelf.txt" && err_has "the check is incomplete" &&
	line "badlib.a(foo.o): .text: foo+0x3: syscall"
verdict archive-with-non-object

run raw.o
rc_is 1 && line "raw.o: .text: my_raw_exit+0x5: syscall"
verdict allow-without

run --allow my_raw raw.o
rc_is 0 && line "raw.o: .text: my_raw_exit+0x5: syscall   [designated fallback]"
verdict allow

run --allow=my_raw -q raw.o foo.o --allow foo
rc_is 0 && nlines 0
verdict allow-repeated

run --allow raw raw.o
rc_is 1
verdict allow-is-a-prefix

run fallback.o foo.o
rc_is 1 && line "r0-check: fallback.o: 1 site, all designated" &&
	line "r0-check: foo.o: 1 site, 1 outside the designated fallback"
verdict several-files

run foo.o notelf.txt fallback.o
rc_is 2 && line "foo.o: .text: foo+0x3: syscall" && line "r0-check: fallback.o: 1 site, all designated"
verdict error-wins-and-goes-on

cp foo.o ./-dash.o
run -- -dash.o
rc_is 1 && line "-dash.o: .text: foo+0x3: syscall"
verdict dash-file-name

run
rc_is 2 && err_has "no FILE given"
verdict usage-no-file

run -z foo.o
rc_is 2 && err_has "unknown option '-z'" && nlines 0
verdict usage-bad-option

run foo.o --allow
rc_is 2 && err_has "--allow needs an argument"
verdict usage-allow-argument

run --help
rc_is 0 && grep -q '^Usage: r0-check' out && grep -q '^Exit status:' out &&
	grep -q 'designated' out && grep -q 'tripped' out
verdict help

# A large archive (1500 members) in a few seconds.
set --
i=0
while [ $i -lt 1499 ]; do set -- "$@" clean.o; i=$((i + 1)); done
ar qc big.a "$@" fallback.o
start=$(date +%s)
run big.a
end=$(date +%s)
rc_is 0 && line "r0-check: big.a: 1 site, all designated (1500 members)" &&
	[ $((end - start)) -le 10 ]
verdict large-archive
echo "  (large archive: $((end - start)) s)"

exit $failed
