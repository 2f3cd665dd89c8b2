# servers-cross.sh: the servers with their clients in the other ring (issue 11 item 3): one
# step per run, so that tests/qemu/test_servers_cross.py can type each step at the kernel
# shell with `exec` (ring 3) or `kexec` (ring 0). A start step leaves its server running in
# the background (busybox sh's `&`, stdin from /dev/null, output to a log in DIR; the kernel
# shell reaps it once it is an orphan) and returns when it answers; a client step drives it
# from wherever the step runs and stops it. Every line printed is the same whatever the rings
# (the test compares them with servers-cross.expected).
#
#   BUSYBOX sh servers-cross.sh STEP DIR BIN APPS BUSYBOX PORT
#
# STEP: redis-start (redis-server on 127.0.0.1:PORT and the Unix socket DIR/redis.sock),
# redis-client (redis-cli's script over TCP and the Unix socket, a pipeline, MULTI/EXEC in the
# script, a short redis-benchmark over each; then SHUTDOWN NOSAVE), nginx-start (nginx
# listening on every address at PORT, serving DIR/nginx/www: index.html, a 300 KiB blob),
# nginx-client (both files fetched with busybox wget from 127.0.0.1:PORT, compared byte for
# byte), nginx-stop (SIGQUIT, waits until the port is closed). DIR, BIN, APPS as servers.sh.
set -u
step=${1:?usage: servers-cross.sh STEP DIR BIN APPS BUSYBOX PORT}
d=${2:?}; bin=${3:?}; apps=${4:?}; bb=${5:?}; port=${6:?}
cli="$bin/redis-cli -p $port"
sock=$d/redis.sock
n=$d/nginx
url=http://127.0.0.1:$port

# until_ok WHAT COMMAND...: runs COMMAND every 0.1 s until it succeeds (at most 300 times).
until_ok() {
	what=$1; shift
	i=0
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -ge 300 ]; then echo "$what: no"; return 1; fi
		$bb sleep 0.1
	done
	echo "$what: yes"
}

# redis_gone, nginx_gone: true once the server no longer answers.
redis_gone() { ! $cli ping; }
nginx_gone() { ! $bb wget -q -T 2 -O /dev/null "$url/index.html"; }

same() {
	if $bb cmp -s "$2" "$3"; then echo "$1: ok"; else echo "$1: differs"; $bb diff "$3" "$2" | $bb head -n 8; fi
}

bench() {
	name=$1; shift
	$bin/redis-benchmark "$@" -n 200 -t set,get --csv > "$d/bench.csv" 2>&1
	st=$?
	echo "$name: exit $st, $($bb awk -F'"' '($2 == "SET" || $2 == "GET") && $4 + 0 > 0 { printf "%s ", $2 }' "$d/bench.csv")"
}

case $step in
redis-start)
	$bb rm -f "$sock"
	$bin/redis-server --port "$port" --bind 127.0.0.1 --unixsocket "$sock" --unixsocketperm 700 \
		--save "" --appendonly no --dir "$d" --logfile "$d/redis-server.log" --daemonize no \
		< /dev/null > "$d/redis-server.out" 2>&1 &
	echo $! > "$d/redis-server.pid"
	until_ok "redis-server answers" $cli ping && until_ok "redis unix socket" $bb test -S "$sock"
	;;
redis-client)
	$cli < "$apps/redis.cli" > "$d/tcp.out" 2>&1; same "redis-cli script over tcp" "$d/tcp.out" "$apps/redis.expected"
	$bin/redis-cli -s "$sock" < "$apps/redis.cli" > "$d/unix.out" 2>&1
	same "redis-cli script over unix socket" "$d/unix.out" "$apps/redis.expected"
	$cli FLUSHALL
	$cli --pipe < "$apps/redis.pipe" 2>&1 | $bb tail -n 1
	echo "pipelined: pipecounter $($cli GET pipecounter), pipelist $($cli LLEN pipelist) ending $($cli LINDEX pipelist -1)"
	bench "redis-benchmark tcp" -p "$port"
	bench "redis-benchmark tcp -P 16" -p "$port" -P 16
	bench "redis-benchmark unix -c 5" -s "$sock" -c 5
	$cli SHUTDOWN NOSAVE > /dev/null 2>&1
	until_ok "redis-server stopped" redis_gone
	;;
nginx-start)
	$bb rm -rf "$n" && $bb mkdir -p "$n/logs" && $bb cp -R "$apps/www" "$n/www"
	$bb sed "s/127\.0\.0\.1:8080/$port/" "$apps/nginx.conf" > "$n/nginx.conf"
	$bb head -c 307200 "$bin/nginx" > "$n/www/blob.bin"
	$bin/nginx -p "$n/" -c nginx.conf -e logs/error.log < /dev/null > "$n/nginx.out" 2>&1 &
	until_ok "nginx answers" $bb wget -q -O /dev/null "$url/index.html"
	;;
nginx-client)
	for f in index.html blob.bin; do
		$bb rm -f "$d/got"
		$bb wget -q -O "$d/got" "$url/$f"; echo "wget $f: exit $?"
		same "nginx $f" "$d/got" "$n/www/$f"
	done
	;;
nginx-stop)
	$bb kill -QUIT "$($bb cat "$n/logs/nginx.pid")"
	until_ok "nginx stopped" nginx_gone
	echo "nginx error.log: $($bb grep -c -E '\[(emerg|alert|crit)\]' "$n/logs/error.log") emerg/alert/crit lines"
	;;
*)
	echo "servers-cross.sh: unknown step $step"; exit 2
	;;
esac
