# servers.sh: make test-apps' servers (issue 11): redis and nginx from Debian's sources, built
# with r0cc, each started in the background, driven by clients, stopped. Run by busybox's
# shell (built with r0cc too) on the host and, once the kernel has epoll, in ring 3 and in
# ring 0; every line printed must be the same everywhere (tests/qemu/test_servers.py
# compares them with servers.expected): nothing printed depends on the machine.
#
#   BUSYBOX sh servers.sh DIR BIN APPS BUSYBOX REDIS_PORT NGINX_PORT
#
# DIR: a writable directory (the redis Unix socket, nginx's prefix, the outputs); BIN: where
# redis-server, redis-cli, redis-benchmark and nginx are; APPS: redis.cli, redis.expected,
# redis.pipe, nginx.conf and www/. Every other command runs as "$bb APPLET" (no PATH
# lookup, so the host's own tools never stand in). No server outlives the script (the EXIT
# trap kills what is still running).
set -u
d=${1:?usage: servers.sh DIR BIN APPS BUSYBOX REDIS_PORT NGINX_PORT}
bin=${2:?}; apps=${3:?}; bb=${4:?}; rport=${5:?}; nport=${6:?}
cli="$bin/redis-cli -p $rport"
sock=$d/redis.sock
pids=""
trap 'for p in $pids; do $bb kill -9 $p 2>/dev/null; done' EXIT

# ready WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds (at most 200 times).
ready() {
	what=$1; shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -ge 200 ]; then echo "$what: not ready"; return 1; fi
		$bb sleep 0.1
	done
	echo "$what: ready"
}

# same NAME FILE EXPECTED: one line, ok or the first difference.
same() {
	if $bb cmp -s "$2" "$3"; then echo "$1: ok"; else echo "$1: differs"; $bb diff "$3" "$2" | $bb head -n 8; fi
}

# bench NAME ARGS...: redis-benchmark's CSV; prints the tests that reported requests/s > 0.
bench() {
	name=$1; shift
	$bin/redis-benchmark "$@" -n 200 -t set,get --csv > "$d/bench.csv" 2>&1
	st=$?
	echo "$name: exit $st, $($bb awk -F'"' '($2 == "SET" || $2 == "GET") && $4 + 0 > 0 { printf "%s ", $2 }' "$d/bench.csv")"
}

echo "== redis"
$bb rm -f "$sock"
$bin/redis-server --port "$rport" --bind 127.0.0.1 --unixsocket "$sock" --unixsocketperm 700 \
	--save "" --appendonly no --dir "$d" --logfile "$d/redis-server.log" --daemonize no &
rpid=$!; pids="$pids $rpid"
if ready "redis-server" $cli ping && ready "redis-server unix socket" $bb test -S "$sock"; then
	$cli < "$apps/redis.cli" > "$d/tcp.out" 2>&1; same "redis-cli script over tcp" "$d/tcp.out" "$apps/redis.expected"
	$bin/redis-cli -s "$sock" < "$apps/redis.cli" > "$d/unix.out" 2>&1
	same "redis-cli script over unix socket" "$d/unix.out" "$apps/redis.expected"
	$cli FLUSHALL
	$cli --pipe < "$apps/redis.pipe" 2>&1 | $bb tail -n 1
	echo "pipelined: pipecounter $($cli GET pipecounter), pipelist $($cli LLEN pipelist) ending $($cli LINDEX pipelist -1)"
	bench "redis-benchmark tcp" -p "$rport"
	bench "redis-benchmark tcp -P 16" -p "$rport" -P 16
	bench "redis-benchmark unix -c 5" -s "$sock" -c 5
	$cli SHUTDOWN NOSAVE > /dev/null 2>&1
fi
wait $rpid; echo "redis-server: exit $?"
pids=""

echo "== nginx"
n=$d/nginx
$bb rm -rf "$n" && $bb mkdir -p "$n/logs" && $bb cp -R "$apps/www" "$n/www"
$bb sed "s/127\.0\.0\.1:8080/127.0.0.1:$nport/" "$apps/nginx.conf" > "$n/nginx.conf"
# 300 KiB of binary (the start of the nginx program: zero bytes and every other value; the
# same everywhere, and more than one socket buffer), and an empty file.
$bb head -c 307200 "$bin/nginx" > "$n/www/blob.bin"
: > "$n/www/empty"
$bin/nginx -p "$n/" -c nginx.conf -e logs/error.log &
npid=$!; pids="$pids $npid"
url=http://127.0.0.1:$nport
if ready "nginx" $bb wget -q -O /dev/null "$url/index.html"; then
	for f in index.html blob.bin empty; do
		$bb rm -f "$d/got"
		$bb wget -q -O "$d/got" "$url/$f"; echo "wget $f: exit $?"
		same "nginx $f" "$d/got" "$n/www/$f"
	done
	$bb wget -q -O "$d/got" "$url/no-such-file" 2>/dev/null; echo "wget no-such-file: exit $? (404)"
	$bb kill -QUIT $npid
fi
wait $npid; echo "nginx: exit $?"
pids=""
echo "nginx error.log: $($bb grep -c -E '\[(emerg|alert|crit)\]' "$n/logs/error.log") emerg/alert/crit lines"
echo "nginx access.log: $($bb wc -l < "$n/logs/access.log") requests"
echo "== done"
