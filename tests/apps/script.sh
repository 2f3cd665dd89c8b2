# make test-apps: busybox (Debian's source, defconfig, built with r0cc) runs this with its own
# shell (BUSYBOX sh script.sh DIR BUSYBOX) on the host, in ring 3 and in ring 0; the outputs must be
# the same. Many applets, pipes, redirections, subshells and files in DIR (writable).
# Nothing printed depends on the machine (no dates, pids, user names or paths).
set -e
# Every command that is not a shell builtin runs as "$bb APPLET": no PATH lookup, so the host's
# own tools never stand in for busybox's.
bb=${2:?usage: script.sh DIR BUSYBOX}
d=${1:?usage: script.sh DIR BUSYBOX}/bbtest
$bb rm -rf "$d"
$bb mkdir -p "$d/sub/deeper"
cd "$d"

echo "== text"
$bb seq 1 40 | $bb awk '{ s += $1; if ($1 % 7 == 0) printf "%d ", $1 } END { print "sum=" s }'
$bb printf '%s\n' pear apple fig apple banana fig apple > fruit
$bb sort fruit | $bb uniq -c | $bb sort -k1,1nr -k2 | $bb sed 's/^ *//'
$bb tr 'a-z' 'A-Z' < fruit | $bb head -n 3 | $bb tail -n 2
$bb grep -c apple fruit; $bb grep -n '^f' fruit; $bb cut -c1-3 fruit | $bb paste -s -d, -
echo "one two three" | $bb sed -e 's/\(two\)/[\1]/' -e 'y/o/0/'
$bb expr 6 \* 7; echo $(( (1 << 20) % 1000 + 17 / 3 ))
$bb wc -l < fruit; $bb wc -c fruit

echo "== files"
$bb seq 1 2000 > numbers
$bb cp numbers sub/copy; $bb mv sub/copy sub/deeper/moved
$bb cmp numbers sub/deeper/moved && echo same
$bb ln -s ../numbers sub/link; $bb readlink sub/link; $bb cat sub/link | $bb tail -n 1
$bb dd if=numbers of=part bs=100 skip=2 count=3 2>/dev/null; $bb wc -c < part; $bb head -c 12 part; echo
$bb md5sum numbers | $bb cut -d' ' -f1
$bb sha256sum part | $bb cut -d' ' -f1
$bb gzip -9 -c numbers > numbers.gz; $bb gunzip -c numbers.gz | $bb cmp - numbers && echo gzip-ok
$bb bzip2 -c numbers | $bb bunzip2 -c | $bb md5sum | $bb cut -d' ' -f1
$bb tar -cf t.tar fruit sub; $bb mkdir x; $bb tar -xf t.tar -C x; $bb find x | $bb sort
$bb diff -u fruit x/fruit && echo tar-ok
echo extra >> x/fruit; $bb diff fruit x/fruit | $bb tail -n 1 || true
$bb od -A d -t x1 part | $bb head -n 2
$bb echo hello | $bb base64; echo aGVsbG8K | $bb base64 -d
$bb ls sub sub/deeper | $bb cat; $bb basename /a/b/c.txt .txt; $bb dirname /a/b/c.txt
$bb stat -c '%s %F' numbers fruit
$bb touch -d '2020-01-02 03:04:05' fruit && $bb stat -c %Y fruit
$bb chmod 640 fruit && $bb stat -c %a fruit
$bb rm -r x sub; $bb ls | $bb cat

echo "== shell"
f() { local n=$1 acc=1; while [ "$n" -gt 1 ]; do acc=$((acc * n)); n=$((n - 1)); done; echo "$acc"; }
f 10; f 20
for w in alpha beta gamma; do case $w in b*) echo "b-word $w";; *a) echo "ends-a $w";; esac; done
v=$(echo inner | (read x; echo "sub:$x")); echo "$v"
$bb cat <<EOT | $bb xargs -n 2 $bb echo
1 2 3
4 5
EOT
$bb sh -c 'exit 3' || echo "status $?"
$bb false || echo "false failed"
( cd sub 2>/dev/null || echo "no sub" )
$bb test -d "$d" && echo "dir ok"
$bb yes ab | $bb head -n 1000 | $bb sort -u
$bb echo "sleep" && $bb sleep 0 && $bb usleep 1000 && echo slept
echo "done"
