#!/bin/sh
# run.sh: the loader's test group (make test-loader).
# Usage: run.sh RESULTS_FILE BUILD_DIR
#   BUILD_DIR holds test_loader, fuzz_check and the sample-* binaries (loader/loader.mk).
# Writes "PASS name"/"FAIL name" lines to RESULTS_FILE and shows them. A test program that
# dies (a sanitizer report, a crash) adds a FAIL line of its own.
out=$1; dir=$2
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
: > "$out"
# Leak checking needs ptrace-like support that sandboxes lack; the loader allocates nothing.
ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}; export ASAN_OPTIONS
UBSAN_OPTIONS=print_stacktrace=1; export UBSAN_OPTIONS

run() {
	name=$1; shift
	"$@" > "$tmp"
	status=$?
	cat "$tmp" | tee -a "$out"
	# test_loader exits 1 when a test failed (its FAIL lines say which); anything else is a crash
	if [ "$status" -ne 0 ] && ! { [ "$status" -eq 1 ] && grep -q '^FAIL ' "$tmp"; }; then
		echo "FAIL $name (exit status $status)" | tee -a "$out"
	fi
}

files="plain:$dir/sample-static plain:$dir/sample-static-pie"
files="$files trusted:$dir/sample-trusted trusted:$dir/sample-trusted-pie"
[ -f /bin/busybox ] && files="$files plain:/bin/busybox"

run test_loader "$dir/test_loader" $files
run fuzz_check "$dir/fuzz_check" 20000 "$dir/sample-trusted" "$dir/sample-static-pie"
