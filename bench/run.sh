#!/bin/sh
# run.sh: the benchmark harness (make bench runs it after building what it needs).
#
#   bench/run.sh [--quick] [--build DIR] [--results DIR] [--kernel ELF] [--rz-initrd CPIO]
#                [--engines tcg,icount,kvm] [--modes ring0,ring3,linux,linux-nomitig,host]
#
# Runs every benchmark in $BUILD/bench/bin in each mode under each engine that works here,
# prints progress lines, and writes results/latency.csv, results/README.md,
# results/latency.svg and results/machine.txt. The work is done by bench/bench_harness.py
# (python3, standard library only); see its header for the details.
exec python3 "$(dirname "$0")/bench_harness.py" "$@"
