# sh.sh: busybox sh through the file layer (run by tests/kfs/test_files.py as
# "exec /bin/sh /etc/kfs/sh.sh"): pipelines, redirections, here-documents, a loop of
# forks, and the writable tree. Each check prints "sh-ok NAME" or "sh-fail NAME".
B=/bin/busybox
check() { if [ "$2" = "$3" ]; then echo "sh-ok $1"; else echo "sh-fail $1: got [$2] want [$3]"; fi; }
check pipe-wc "$(echo a | $B wc -c)" 2
check pipeline-3 "$($B seq 1 2000 | $B sort -rn | $B head -n 2 | $B tr '\n' ' ')" "2000 1999 "
echo first > /tmp/sh.out
echo second >> /tmp/sh.out
check redirect "$($B cat /tmp/sh.out | $B tr '\n' ' ')" "first second "
check wc-l-input "$($B wc -l < /tmp/sh.out)" 2
$B cat > /tmp/sh.here <<HERE
line one
line two
HERE
check here-doc "$($B tail -n 1 /tmp/sh.here)" "line two"
i=0
while [ $i -lt 50 ]; do i=$((i + 1)); $B true; done
check fork-loop "$i" 50
$B mkdir -p /tmp/shd/a/b && $B touch /tmp/shd/a/b/f && $B mv /tmp/shd/a /tmp/shd/z
check mv-tree "$($B find /tmp/shd | $B sort | $B tr '\n' ' ')" "/tmp/shd /tmp/shd/z /tmp/shd/z/b /tmp/shd/z/b/f "
$B ln -s /tmp/shd/z/b /tmp/shd/link
check symlink "$($B readlink /tmp/shd/link)" "/tmp/shd/z/b"
$B rm -rf /tmp/shd /tmp/sh.out /tmp/sh.here
check rm-rf "$($B ls /tmp | $B grep -c sh)" 0
$B dd if=/dev/zero of=/tmp/sh.zero bs=4096 count=64 2>/dev/null
check dd-size "$($B stat -c %s /tmp/sh.zero)" 262144
check md5-zero "$($B md5sum < /tmp/sh.zero | $B cut -c1-8)" "$($B head -c 262144 /dev/zero | $B md5sum | $B cut -c1-8)"
$B rm /tmp/sh.zero
echo sh-done
