#!/bin/sh
# bench/profile.sh CASE[,CASE...] RING [PROG]: the per-function instruction profile of
# benchmark cases, per operation, under icount (deterministic): builds what is needed with
# make bench-profile, which runs bench/profile.py. RING is ring0 or ring3; PROG defaults
# to lat_syscall. Example: bench/profile.sh read,write ring0
set -e
[ $# -ge 2 ] || { echo "usage: $0 CASE[,CASE...] ring0|ring3 [PROG]" >&2; exit 2; }
cd "$(dirname "$0")/.."
exec make --no-print-directory bench-profile PROFILE_CASES="$1" PROFILE_RING="$2" PROFILE_PROG="${3:-lat_syscall}"
