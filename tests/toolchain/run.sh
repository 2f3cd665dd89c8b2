#!/bin/bash
# run.sh: the toolchain test group: r0cc, the patched libc's red-zone rule, r0-check, r0run.
#
# Usage: run.sh RESULTS_FILE     (environment: R0CC R0RUN R0CHECK SYSROOT MUSL_SRC OUT PROGS)
# Writes "PASS name" / "FAIL name: why" lines to RESULTS_FILE and the terminal. Every test
# asserts on output and exit status; none asserts a timing.
set -u
results=$1
: > "$results"
mkdir -p "$OUT"
here=$(cd "$(dirname "$0")" && pwd)

pass() { echo "PASS $1" | tee -a "$results"; }
fail() { echo "FAIL $1: $2" | tee -a "$results"; }
# check NAME COMMAND...: pass when COMMAND succeeds; on failure show its output.
check() {
	local name=$1; shift
	local log; log=$("$@" 2>&1)
	if [ $? -eq 0 ]; then pass "$name"; else fail "$name" "$(echo "$log" | tail -n 5 | tr '\n' ' ')"; fi
}

# expect STATUS OUTFILE COMMAND...: run COMMAND with stdout+stderr to OUTFILE; require STATUS.
expect() {
	local want=$1 out=$2; shift 2
	timeout 20 "$@" > "$out" 2>&1
	local got=$?
	[ "$got" -eq "$want" ] || { echo "exit status $got, expected $want:"; cat "$out"; return 1; }
}

has_note() { readelf -nW "$1" | grep -q 'ringzero .*0x525a0001'; }
elf_type() { readelf -hW "$1" | awk '/Type:/ { print $2 }'; }
no_interp() { ! readelf -lW "$1" | grep -q INTERP; }

# --- r0cc ------------------------------------------------------------------------------
t_r0cc_help() {
	"$R0CC" --help | grep -q '^usage: r0cc' && "$R0CC" --version | grep -q 'musl 1.2.3'
}
t_r0cc_static() {
	"$R0CC" -O2 -o "$OUT/hello" "$here/hello.c" || return 1
	[ "$(elf_type "$OUT/hello")" = EXEC ] || { echo "not ET_EXEC"; return 1; }
	no_interp "$OUT/hello" || { echo "has PT_INTERP"; return 1; }
	has_note "$OUT/hello" || { echo "no trust note"; return 1; }
	expect 3 "$OUT/hello.out" "$OUT/hello" 3 x || return 1
	printf 'argv[0]=%s\nargv[1]=3\nargv[2]=x\n' "$OUT/hello" | diff - "$OUT/hello.out"
}
t_r0cc_static_pie() {
	"$R0CC" -O2 -static-pie -o "$OUT/hello-pie" "$here/hello.c" || return 1
	[ "$(elf_type "$OUT/hello-pie")" = DYN ] || { echo "not ET_DYN"; return 1; }
	no_interp "$OUT/hello-pie" || { echo "has PT_INTERP"; return 1; }
	has_note "$OUT/hello-pie" || { echo "no trust note"; return 1; }
	expect 4 "$OUT/hello-pie.out" "$OUT/hello-pie" 4 || return 1
	grep -qx 'argv\[1\]=4' "$OUT/hello-pie.out"
}
t_r0cc_makefile() {
	rm -rf "$OUT/makeproj" && cp -r "$here/makeproj" "$OUT/makeproj" &&
	make -s -C "$OUT/makeproj" CC="$R0CC" >/dev/null || return 1
	has_note "$OUT/makeproj/prog" || { echo "no trust note"; return 1; }
	[ "$("$OUT/makeproj/prog")" = "hello, makefile" ]
}
# A real autotools package: GNU hello's ./configure and make with CC=r0cc.
t_r0cc_autotools() {
	rm -rf "$OUT/hello-2.10" && tar -xzf "$HELLO_TARBALL" -C "$OUT" || return 1
	(cd "$OUT/hello-2.10" && ./configure -q CC="$R0CC" > configure.log 2>&1 &&
		make -s > make.log 2>&1) || { tail -n 5 "$OUT/hello-2.10"/*.log; return 1; }
	has_note "$OUT/hello-2.10/hello" || { echo "no trust note"; return 1; }
	[ "$(elf_type "$OUT/hello-2.10/hello")" = EXEC ] || { echo "not static"; return 1; }
	[ "$("$OUT/hello-2.10/hello" -g 'ring zero')" = "ring zero" ] &&
	[ "$("$R0RUN" "$OUT/hello-2.10/hello")" = "Hello, world!" ]
}
t_r0cc_no_sysroot() {
	local out; out=$(R0CC_SYSROOT=/nonexistent "$R0CC" -o /dev/null "$here/hello.c" 2>&1)
	[ $? -eq 1 ] && echo "$out" | grep -q 'no patched sysroot'
}

# --- r0cc as a build system sees it (issue 9) -------------------------------------------
# The Linux UAPI headers are in the sysroot, and they are the sysroot's, not the host's.
t_r0cc_uapi() {
	"$R0CC" -O2 -Wall -Wextra -Werror -o "$OUT/uapi" "$here/uapi.c" || return 1
	expect 0 "$OUT/uapi.out" "$OUT/uapi" || return 1
	echo 'KDGKBTYPE=0x4b33 cap=0x20080522 EINVAL=22 MTD_NANDFLASH=4' | diff - "$OUT/uapi.out" || return 1
	"$R0CC" -M "$here/uapi.c" > "$OUT/uapi.deps" || return 1
	for h in linux/kd.h asm/types.h linux/capability.h mtd/mtd-user.h asm-generic/errno-base.h; do
		grep -q "$SYSROOT/include/$h" "$OUT/uapi.deps" || { echo "$h not from the sysroot"; return 1; }
	done
	! grep -q '/usr/include' "$OUT/uapi.deps" || { echo "a host header:"; grep /usr/include "$OUT/uapi.deps"; return 1; }
}
# An AC_SEARCH_LIBS-style probe for a library the sysroot does not have fails cleanly at link
# time, whether or not the host has it (zlib1g-dev may be installed or not).
t_r0cc_lz_probe() {
	rm -f "$OUT/conftest"
	expect 1 "$OUT/conftest-lz.out" "$R0CC" -o "$OUT/conftest" "$here/conftest.c" -lz || return 1
	grep -q 'cannot find -lz' "$OUT/conftest-lz.out" || { cat "$OUT/conftest-lz.out"; return 1; }
	[ ! -e "$OUT/conftest" ] || { echo "an output was linked"; return 1; }
}
# A library the host certainly has (glibc's libanl.a, from libc6-dev, a build package): gcc
# finds it, r0cc must not.
t_r0cc_host_lib() {
	echo 'int main(void) { return 0; }' > "$OUT/empty.c"
	gcc -o "$OUT/empty-gcc" "$OUT/empty.c" -lanl || { echo "control: host gcc does not find -lanl"; return 1; }
	expect 1 "$OUT/anl.out" "$R0CC" -o "$OUT/empty-r0" "$OUT/empty.c" -lanl || return 1
	grep -q 'cannot find -lanl' "$OUT/anl.out"
}
# The link searches the sysroot's lib alone: ld gets -nostdlib and no other -L.
t_r0cc_link_dirs() {
	"$R0CC" -v -o "$OUT/hello-v" "$here/hello.c" > "$OUT/hello-v.out" 2>&1 || { tail -n 3 "$OUT/hello-v.out"; return 1; }
	local line; line=$(grep 'collect2' "$OUT/hello-v.out" | tail -n 1)
	echo "$line" | grep -qw -- '-nostdlib' || { echo "ld without -nostdlib"; return 1; }
	local dirs; dirs=$(echo "$line" | tr ' ' '\n' | grep '^-L' | tr '\n' ' ')
	[ "$dirs" = "-L$SYSROOT/lib " ] || { echo "search dirs: $dirs"; return 1; }
}
t_r0cc_print_search_dirs() {
	local out; out=$("$R0CC" -print-search-dirs) || return 1
	echo "$out" | grep -qx "libraries: =$SYSROOT/lib/" || { echo "$out" | grep libraries; return 1; }
	echo "$out" | grep -q '^install: /' && echo "$out" | grep -q '^programs: ='
}
t_r0cc_print_file_name() {
	local got
	got=$("$R0CC" -print-file-name=libc.a); [ "$got" = "$SYSROOT/lib/libc.a" ] || { echo "libc.a: $got"; return 1; }
	got=$("$R0CC" -print-file-name=libm.a); [ "$got" = "$SYSROOT/lib/libm.a" ] || { echo "libm.a: $got"; return 1; }
	# gcc itself names the host's glibc library; r0cc says "not found" (the bare name)
	gcc -print-file-name=libanl.a | grep -q '^/' || { echo "control: gcc does not find libanl.a"; return 1; }
	got=$("$R0CC" -print-file-name=libanl.a); [ "$got" = libanl.a ] || { echo "libanl.a: $got"; return 1; }
	got=$("$R0CC" -print-file-name=libz.a); [ "$got" = libz.a ] || { echo "libz.a: $got"; return 1; }
	got=$("$R0CC" -print-file-name=libgcc.a); [ -f "$got" ] || { echo "libgcc.a: $got"; return 1; }
	got=$("$R0CC" -print-file-name=include); [ -f "$got/stddef.h" ] || { echo "include: $got"; return 1; }
	got=$("$R0CC" -print-sysroot); [ "$got" = "$SYSROOT" ] || { echo "sysroot: $got"; return 1; }
}
# -M: the rule on stdout, with the system header from the sysroot; -MMD leaves it out.
t_r0cc_dep_M() {
	"$R0CC" -M -I"$here" "$here/deps.c" > "$OUT/deps.M" || return 1
	grep -q '^deps.o: ' "$OUT/deps.M" && grep -q "$here/deps.h" "$OUT/deps.M" &&
	grep -q "$SYSROOT/include/stdio.h" "$OUT/deps.M" || { cat "$OUT/deps.M"; return 1; }
	! grep -q '/usr/include' "$OUT/deps.M"
}
t_r0cc_dep_MD() {
	rm -rf "$OUT/md" && mkdir -p "$OUT/md" || return 1
	"$R0CC" -MD -c -o "$OUT/md/deps.o" "$here/deps.c" || return 1
	[ -f "$OUT/md/deps.o" ] && [ -f "$OUT/md/deps.d" ] || { echo "no .o or .d"; ls "$OUT/md"; return 1; }
	grep -q "^$OUT/md/deps.o: " "$OUT/md/deps.d" && grep -q deps.h "$OUT/md/deps.d" &&
	grep -q "$SYSROOT/include/stdio.h" "$OUT/md/deps.d" || { cat "$OUT/md/deps.d"; return 1; }
	"$R0CC" -MMD -MF "$OUT/md/mmd.d" -c -o "$OUT/md/deps2.o" "$here/deps.c" || return 1
	grep -q deps.h "$OUT/md/mmd.d" && ! grep -q 'stdio.h' "$OUT/md/mmd.d" || { cat "$OUT/md/mmd.d"; return 1; }
}
t_r0cc_compile_only() {
	rm -f "$OUT/deps.o" "$OUT/deps.s" "$OUT/deps.i"
	"$R0CC" -c -o "$OUT/deps.o" "$here/deps.c" || return 1
	[ "$(elf_type "$OUT/deps.o")" = REL ] || { echo "-c: not ET_REL"; return 1; }
	nm "$OUT/deps.o" | grep -q ' T deps_answer$' || { echo "-c: no deps_answer"; return 1; }
	"$R0CC" -S -O2 -o "$OUT/deps.s" "$here/deps.c" || return 1
	grep -q '^deps_answer:' "$OUT/deps.s" && grep -q '\$42' "$OUT/deps.s" || { echo "-S: no deps_answer/42"; return 1; }
	"$R0CC" -E -o "$OUT/deps.i" "$here/deps.c" || return 1
	grep -q "\"$SYSROOT/include/stdio.h\"" "$OUT/deps.i" || { echo "-E: stdio.h not the sysroot's"; return 1; }
	grep -q 'return 42;' "$OUT/deps.i" || { echo "-E: DEPS_ANSWER not expanded"; return 1; }
	# the object links into a marked program
	"$R0CC" -o "$OUT/deps" "$OUT/deps.o" && has_note "$OUT/deps" && [ "$("$OUT/deps")" = 42 ]
}
t_r0cc_shared_refused() {
	rm -f "$OUT/libdeps.so"
	expect 1 "$OUT/shared.out" "$R0CC" -shared -fPIC -o "$OUT/libdeps.so" "$here/deps.c" || return 1
	grep -q '^r0cc: -shared: shared libraries are not supported' "$OUT/shared.out" || { cat "$OUT/shared.out"; return 1; }
	[ ! -e "$OUT/libdeps.so" ]
}
t_r0cc_cxx_refused() {
	cp "$here/deps.c" "$OUT/deps.cc" && cp "$here/deps.c" "$OUT/deps.cpp" || return 1
	local how
	for how in "-c $OUT/deps.cc" "-c $OUT/deps.cpp" "-x c++ -c $here/deps.c" "-xc++ -E $here/deps.c"; do
		rm -f "$OUT/cxx.o"
		# shellcheck disable=SC2086
		expect 1 "$OUT/cxx.out" "$R0CC" -I"$here" -o "$OUT/cxx.o" $how || { echo "($how)"; return 1; }
		grep -q 'C++ is not supported' "$OUT/cxx.out" || { echo "($how)"; cat "$OUT/cxx.out"; return 1; }
		[ ! -e "$OUT/cxx.o" ] || { echo "($how) an output"; return 1; }
	done
	# -x c names the language: a .cc file name alone is then no reason to refuse
	"$R0CC" -x c -I"$here" -c -o "$OUT/cxx.o" "$OUT/deps.cc"
}
# The patched libc's fmaf raises FE_UNDERFLOW as glibc does (and Debian's musl): the libc's
# code generation keeps the order of an addition and fetestexcept (toolchain.mk, MUSL_CFLAGS).
t_fmaf_underflow() {
	gcc -O2 -o "$OUT/fmaf-host" "$here/fmaf.c" -lm || return 1
	"$R0CC" -O2 -g -o "$OUT/fmaf" "$here/fmaf.c" || return 1
	local want='fmaf=0x1p-149 underflow=1 inexact=1'
	[ "$("$OUT/fmaf-host")" = "$want" ] || { echo "host: $("$OUT/fmaf-host")"; return 1; }
	[ "$("$OUT/fmaf")" = "$want" ] || { echo "r0cc: $("$OUT/fmaf")"; return 1; }
	[ "$("$R0RUN" "$OUT/fmaf")" = "$want" ] || { echo "r0run: $("$R0RUN" "$OUT/fmaf")"; return 1; }
}

# --- the red zone (contract 2) ---------------------------------------------------------
t_redzone_build() {
	"$R0CC" -O2 -Wall -Wextra -Werror -I"$MUSL_SRC/arch/x86_64" -o "$OUT/redzone" \
		"$here/../redzone/redzone.c" &&
	"$R0CC" -O2 -Wall -Wextra -Werror -DCONTROL -I"$MUSL_SRC/arch/x86_64" \
		-o "$OUT/redzone-control" "$here/../redzone/redzone.c"
}
# leaf() must really keep data below rsp, or the test proves nothing.
t_redzone_layout() {
	objdump -d --no-show-raw-insn "$OUT/redzone" | awk '/<leaf>:/,/ret/' |
		grep -qE 'mov +%r[a-z0-9]+,-0x[0-9a-f]+\(%rsp'
}
t_redzone_native() { expect 0 "$OUT/rz.out" "$OUT/redzone" 200000 && grep -q ' 0 words lost' "$OUT/rz.out"; }
t_redzone_control() { expect 0 "$OUT/rzc.out" "$OUT/redzone-control" 1000 && grep -q 'words lost' "$OUT/rzc.out"; }
t_redzone_r0run() { expect 0 "$OUT/rzr.out" "$R0RUN" "$OUT/redzone" 200000 && grep -q ' 0 words lost' "$OUT/rzr.out"; }
t_redzone_control_r0run() { expect 0 "$OUT/rzcr.out" "$R0RUN" "$OUT/redzone-control" 1000; }

# --- r0-check --------------------------------------------------------------------------
t_r0check_libc() {
	local out; out=$("$R0CHECK" "$SYSROOT"/lib/libc.a "$SYSROOT"/lib/crt1.o "$SYSROOT"/lib/rcrt1.o \
		"$SYSROOT"/lib/crti.o "$SYSROOT"/lib/crtn.o 2>&1) || { echo "$out"; return 1; }
	# exactly the three designated fallbacks, nothing else
	local sites; sites=$(echo "$out" | grep -o '__syscall_fallback[a-z_]*' | sort | tr '\n' ' ')
	[ "$sites" = "__syscall_fallback __syscall_fallback_clone __syscall_fallback_vfork " ] ||
		{ echo "sites: $sites"; return 1; }
}
t_r0check_binaries() {
	local bins=("$OUT/hello" "$OUT/hello-pie" "$OUT/redzone" "$OUT/makeproj/prog" "$OUT/hello-2.10/hello")
	[ -d "$PROGS" ] && bins+=($(find "$PROGS" -maxdepth 1 -type f -perm -u+x))
	"$R0CHECK" -q "${bins[@]}"
}
t_r0check_finds_raw() {     # an unpatched static binary must be flagged
	local b; b=$(command -v busybox || echo /bin/busybox)
	"$R0CHECK" -q "$b" > "$OUT/r0check-busybox.out" 2>&1
	[ $? -eq 1 ] && grep -q syscall "$OUT/r0check-busybox.out"
}

# --- r0run -----------------------------------------------------------------------------
t_r0run_help() { "$R0RUN" --help | grep -q '^usage: r0run'; }
t_r0run_static() {
	expect 5 "$OUT/r0run-hello.out" "$R0RUN" "$OUT/hello" 5 'a b' || return 1
	printf 'argv[0]=%s\nargv[1]=5\nargv[2]=a b\n' "$OUT/hello" | diff - "$OUT/r0run-hello.out"
}
t_r0run_pie() {
	expect 6 "$OUT/r0run-pie.out" "$R0RUN" "$OUT/hello-pie" 6 && grep -qx 'argv\[1\]=6' "$OUT/r0run-pie.out"
}
t_r0run_count() {
	expect 0 "$OUT/r0run-count.out" "$R0RUN" --count "$OUT/hello" || return 1
	grep -q 'system calls through the entry' "$OUT/r0run-count.out" &&
	grep -qE '^ +1  exit_group$' "$OUT/r0run-count.out"
}
# Every system call the program makes goes through the entry: r0run --count's table equals
# what strace sees of the same program run natively (per name and number). The programs
# chosen make the same calls on every run (no threads racing, no timing loops). strace's
# table has one execve more (the one that started the program) and no exit_group (it does
# not return); both are accounted for.
t_r0run_vs_strace() {
	local prog=$1 name; name=$(basename "$prog")
	local dir="$OUT/strace-$name.d"
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || return 1
	strace -f -qq -c -o "$OUT/strace-$name.txt" "$prog" > /dev/null 2>&1
	awk 'NF >= 5 && $NF ~ /^[a-z_0-9]+$/ && $1 ~ /^[0-9.]+$/ && $NF != "total" {
		n = $4; if ($NF == "execve") n--; if (n > 0) print $(NF), n }' \
		"$OUT/strace-$name.txt" | sort > "$OUT/strace-$name.calls"
	"$R0RUN" --count "$prog" 2> "$OUT/count-$name.txt" > /dev/null
	cd "$OUT" || return 1
	awk '/^ +[0-9]+  [a-z_0-9]+$/ && $2 != "exit_group" { print $2, $1 }' "$OUT/count-$name.txt" |
		sort > "$OUT/count-$name.calls"
	[ -s "$OUT/count-$name.calls" ] || { echo "no counts"; cat "$OUT/count-$name.txt"; return 1; }
	diff "$OUT/strace-$name.calls" "$OUT/count-$name.calls"
}
# Each suite program, run under r0run --count, really calls through the entry (the suite's
# own r0run mode compares output only).
t_r0run_uses_entry() {
	local prog=$1 name; name=$(basename "$prog")
	local dir="$OUT/entry-$name.d"
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || return 1
	RINGZERO_TEST='hello world=1' timeout 20 "$R0RUN" --count "$prog" a b 'c d' > /dev/null 2> "$OUT/entry-$name.txt" < /dev/null
	local st=$?
	cd "$OUT" || return 1
	[ $st -eq 0 ] || { echo "exit status $st"; tail -n 3 "$OUT/entry-$name.txt"; return 1; }
	local total; total=$(awk '/system calls through the entry/ { print $2 }' "$OUT/entry-$name.txt")
	[ "${total:-0}" -ge 5 ] || { echo "only ${total:-0} calls through the entry"; return 1; }
}
t_r0run_unmarked() {
	local b; b=$(command -v busybox || echo /bin/busybox)
	expect 126 "$OUT/r0run-unmarked.out" "$R0RUN" "$b" true && grep -q 'no ringzero trust note' "$OUT/r0run-unmarked.out"
}
t_r0run_missing() { expect 127 "$OUT/r0run-missing.out" "$R0RUN" "$OUT/does-not-exist"; }
t_r0run_malformed() {
	head -c 40 "$OUT/hello" > "$OUT/truncated.elf"
	expect 126 "$OUT/r0run-malformed.out" "$R0RUN" "$OUT/truncated.elf" || return 1
	grep -q 'r0run: .*truncated.elf: ' "$OUT/r0run-malformed.out"
}

for t in r0cc_help r0cc_static r0cc_static_pie r0cc_makefile r0cc_autotools r0cc_no_sysroot \
	r0cc_uapi r0cc_lz_probe r0cc_host_lib r0cc_link_dirs r0cc_print_search_dirs \
	r0cc_print_file_name r0cc_dep_M r0cc_dep_MD r0cc_compile_only r0cc_shared_refused \
	r0cc_cxx_refused fmaf_underflow \
	redzone_build redzone_layout redzone_native redzone_control; do
	check "${t//_/-}" "t_$t"
done
for t in r0check_libc r0check_binaries r0check_finds_raw; do check "${t//_/-}" "t_$t"; done
for t in r0run_help r0run_static r0run_pie r0run_count r0run_unmarked r0run_missing \
	r0run_malformed redzone_r0run redzone_control_r0run; do
	check "${t//_/-}" "t_$t"
done
for p in "$PROGS"/t_*; do check "r0run-uses-entry/$(basename "$p")" t_r0run_uses_entry "$p"; done
for p in "$OUT/hello" "$OUT/makeproj/prog" "$PROGS/t_fileio" "$PROGS/t_stdio" "$PROGS/t_malloc" \
	"$PROGS/t_string"; do
	check "r0run-vs-strace/$(basename "$p")" t_r0run_vs_strace "$p"
done
exit 0
