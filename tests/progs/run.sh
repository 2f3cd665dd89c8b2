#!/bin/sh
# run.sh: runs the r0cc test programs (tests/progs/) and compares each with its expected output.
#
# Usage: run.sh MODE RESULTS_FILE [NAME...]
#   MODE native   run each program directly
#   MODE r0run    run it as "$R0RUN prog args..." (R0RUN: the r0run host loader)
#   NAME...       only these programs (e.g. t_signal t_thread-pie); default: all
# Environment: R0RUN; PROGS_DIR (the built programs, default build/progs of this checkout);
#   PROGS_TIMEOUT (seconds per program, default 10).
#
# For every tests/progs/expected/<name>.out it runs <name> and, when built, <name>-pie (the
# static-PIE copy, same expected output). Each runs in a fresh scratch directory as its cwd,
# with stdin from /dev/null, a fixed environment (PATH, HOME and RINGZERO_TEST='hello world=1')
# and, for t_env only, the arguments: a b 'c d'. A program passes when it exits 0, prints
# exactly the expected lines (stdout and stderr together) and leaves its scratch directory
# empty. Appends "PASS MODE/name" or "FAIL MODE/name: why" to RESULTS_FILE and the terminal.
# Exit status: 0 once every program ran (the failures are in RESULTS_FILE), 2 on bad usage.
set -u
usage() { echo "usage: run.sh native|r0run RESULTS_FILE [NAME...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
mode=$1
case $2 in /*) results=$2 ;; *) results=$(pwd)/$2 ;; esac
shift 2
only=" $* "
here=$(cd "$(dirname "$0")" && pwd)
dir=${PROGS_DIR:-$here/../../build/progs}
limit=${PROGS_TIMEOUT:-10}

case $mode in
native) runner= ;;
r0run)
	runner=${R0RUN:-}
	if [ -z "$runner" ] || [ ! -x "$runner" ]; then
		echo "FAIL r0run/all: R0RUN ('$runner') is not an executable r0run" | tee -a "$2"
		exit 2
	fi
	case $runner in */*) runner=$(cd "$(dirname "$runner")" && pwd)/$(basename "$runner") ;; esac
	;;
*) usage ;;
esac
touch "$results" || exit 2
[ -d "$dir" ] && dir=$(cd "$dir" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/ringzero-progs.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

report() { echo "$1" | tee -a "$results"; }

# run_one NAME BINARY EXPECTED
run_one() {
	name=$1 bin=$2 expected=$3
	if [ ! -x "$bin" ]; then
		report "FAIL $mode/$name: not built ($bin)"
		return
	fi
	scratch=$work/$name
	mkdir -p "$scratch"
	out=$work/$name.out
	set --
	[ "${name%-pie}" = t_env ] && set -- a b 'c d'
	# (the inner sh reports a death by signal on its own stderr, which goes nowhere)
	status=$(cd "$scratch" && sh -c 'out=$1; shift; ("$@" < /dev/null > "$out" 2>&1); echo $?' \
		sh "$out" env -i PATH=/usr/bin:/bin HOME=/ RINGZERO_TEST='hello world=1' \
		timeout -k 2 "$limit" $runner "$bin" "$@" 2>/dev/null)
	status=${status:-255}
	why=
	case $status in
	0) ;;
	124) why="timed out after $limit s" ;;
	137) why="killed by SIGKILL (or timed out after $limit s and ignored SIGTERM)" ;;
	*) if [ "$status" -gt 128 ]; then why="killed by signal $((status - 128))"
	   else why="exit status $status"; fi ;;
	esac
	if ! cmp -s "$expected" "$out"; then
		# the first difference: the first FAIL line if there is one, else the first diff line
		first=$(grep -m 1 '^FAIL ' "$out")
		[ -n "$first" ] || first=$(diff "$expected" "$out" | grep -m 1 '^[<>]')
		why="${why:+$why; }output differs: ${first:-?}"
	fi
	left=$(ls -A "$scratch")
	if [ -n "$left" ]; then
		why="${why:+$why; }left behind: $(echo $left)"
	fi
	if [ -z "$why" ]; then
		report "PASS $mode/$name"
	else
		report "FAIL $mode/$name: $why"
		sed 's/^/    | /' "$out" | tail -n 8
	fi
}

found=0
for expected in "$here"/expected/*.out; do
	[ -f "$expected" ] || continue
	name=$(basename "$expected" .out)
	for n in "$name" "$name-pie"; do
		[ "$n" = "$name" ] || [ -e "$dir/$n" ] || continue
		[ "$only" = "  " ] || case $only in *" $n "*) ;; *) continue ;; esac
		found=1
		run_one "$n" "$dir/$n" "$expected"
	done
done
[ "$found" = 1 ] || report "FAIL $mode/none: no program matched (expected/ or NAME...)"
exit 0
