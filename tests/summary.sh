#!/bin/sh
# Totals the test groups' result files and prints the closing "N passed, N failed" line.
# Usage: summary.sh RESULTS_DIR GROUP...   (a group without a result file failed to run)
# Exit status: 0 when nothing failed and something passed, 1 otherwise.
dir=$1; shift
passed=0; failed=0
for group in "$@"; do
	file=$dir/$group.txt
	if [ ! -s "$file" ]; then
		echo "FAIL $group (the group did not run to completion: see its output above)"
		failed=$((failed + 1))
		continue
	fi
	p=$(grep -c '^PASS ' "$file"); f=$(grep -c '^FAIL ' "$file")
	passed=$((passed + p)); failed=$((failed + f))
done
if [ "$failed" -gt 0 ]; then
	echo "Failures:"
	for group in "$@"; do grep -h '^FAIL ' "$dir/$group.txt" 2>/dev/null | sed "s/^/  $group: /"; done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
