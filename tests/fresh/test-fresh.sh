#!/usr/bin/env bash
# test-fresh.sh: runs the README's two commands (make run, make test) on a fresh Debian 12
# root, to prove they work the first time on a machine that has only what Debian ships.
#
# Usage: tests/fresh/test-fresh.sh [--keep] [--new-root] [--help]
#   --keep      keep the run's root directory under BUILD/test-fresh/root (also: KEEP=1)
#   --new-root  build the cached Debian root again with debootstrap
#
# Steps (each prints a progress line with its elapsed time):
#   1. the Debian root: `debootstrap --variant=minbase bookworm` with gcc, make, git, python3 and
#      ca-certificates only (the stated baseline; the project's bootstrap installs the rest),
#      cached as CACHE/fresh-root-bookworm.tar after the first time;
#   2. unpack it into a fresh BUILD/test-fresh/root, with this machine's Debian apt sources
#      (main suite, -updates, -security), its archive access settings and resolv.conf;
#   3. inside `unshare --mount --pid --fork` + chroot (own /proc, a minimal /dev): `git clone`
#      of the committed HEAD (a git bundle; the working tree is not used), `make run` fed at
#      its console (waits for `rz# `, types `poweroff`, checks the exit), then `make -j2 test`;
#   4. prints the inner `N passed, N failed` line and the time of each phase; logs in
#      BUILD/test-fresh/*.log. Exit status 0 only if both commands succeeded.
#
# Needs root (debootstrap, chroot, unshare) and the network (Debian's archive: debootstrap, the
# project's apt-get and Debian source packages). The mirror is derived at run time from this
# machine's apt sources (/etc/apt/sources.list, sources.list.d/*.list and *.sources).
# Environment: BUILD (build), CACHE (cache), KEEP=1, RUN_TIMEOUT and TEST_TIMEOUT (seconds for
# `make run` up to the prompt and for `make test`, default 3600 each).
set -euo pipefail

SUITE=bookworm
BUILD=${BUILD:-build}
CACHE=${CACHE:-cache}
KEEP=${KEEP:-0}
new_root=0

# --- inside the namespaces: mounts, chroot, the inner run --------------------------------------
if [ "${1:-}" = --in-namespace ]; then
	root=$2
	# Everything mounted here belongs to this private mount namespace: it disappears with the
	# namespace's last process, whatever way the run ends.
	mount --make-rprivate /
	mount -t proc proc "$root/proc"
	mount -t tmpfs -o mode=755,nosuid dev "$root/dev"
	mknod -m 666 "$root/dev/null" c 1 3
	mknod -m 666 "$root/dev/zero" c 1 5
	mknod -m 666 "$root/dev/full" c 1 7
	mknod -m 666 "$root/dev/random" c 1 8
	mknod -m 666 "$root/dev/urandom" c 1 9
	mknod -m 666 "$root/dev/tty" c 5 0
	mkdir -m 1777 "$root/dev/shm"
	mkdir "$root/dev/pts"
	mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
	ln -s pts/ptmx "$root/dev/ptmx"
	ln -s /proc/self/fd "$root/dev/fd"
	ln -s /proc/self/fd/0 "$root/dev/stdin"
	ln -s /proc/self/fd/1 "$root/dev/stdout"
	ln -s /proc/self/fd/2 "$root/dev/stderr"
	exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		RUN_TIMEOUT="${RUN_TIMEOUT:-3600}" TEST_TIMEOUT="${TEST_TIMEOUT:-3600}" \
		/bin/sh -c 'set -e; cd /root; mkdir -p logs
		git -c advice.detachedHead=false clone -q ringzero.bundle ringzero
		echo "inner: cloned $(git -C ringzero log -1 --format="%h %s")"
		cd ringzero && exec python3 tests/fresh/inner.py /root/logs'
fi

usage() { sed -n '2,/^[^#]/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case $1 in
	--help|-h) usage; exit 0 ;;
	--keep) KEEP=1 ;;
	--new-root) new_root=1 ;;
	*) echo "test-fresh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
	shift
done

start=$(date +%s)
phase_start=$start
say() { printf 'test-fresh: [%4ds] %s\n' "$(( $(date +%s) - start ))" "$*"; }
phase() { phase_start=$(date +%s); say "$*"; }
took() { echo $(( $(date +%s) - phase_start )); }
die() { echo "test-fresh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, unshare); run it as root"
for tool in debootstrap unshare chroot git tar mknod; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing: run toolchain/bootstrap.sh fresh (as root)"
done
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || die "not inside a git checkout"
cd "$repo"
head=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	say "note: the working tree has uncommitted changes; testing the committed HEAD $head only"
fi

mkdir -p "$BUILD" "$CACHE"
out=$(cd "$BUILD" && pwd)/test-fresh
cache=$(cd "$CACHE" && pwd)
tarball=$cache/fresh-root-$SUITE.tar
root=$out/root

# --- this machine's Debian apt sources for $SUITE, as one-line entries ---------------------------
# Only entries whose suite is $SUITE, $SUITE-updates or $SUITE-security (Debian's archive and
# its security archive); other repositories the machine may have are not a fresh machine's.
derive_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v c="$SUITE" '$1 == "deb" {
			i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			s = $(i+1)
			if (s == c || s == c "-updates" || s == c "-security" || s == c "/updates") print }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v c="$SUITE" 'BEGIN { RS = "" }
		{ types = uris = suites = comps = signed = ""; enabled = 1
		  n = split($0, line, "\n")
		  for (i = 1; i <= n; i++) {
		      l = line[i]; if (l ~ /^#/) continue
		      k = tolower(substr(l, 1, index(l, ":") - 1)); v = substr(l, index(l, ":") + 1)
		      gsub(/^[ \t]+|[ \t]+$/, "", v)
		      if (k == "types") types = v; else if (k == "uris") uris = v
		      else if (k == "suites") suites = v; else if (k == "components") comps = v
		      else if (k == "signed-by") signed = v
		      else if (k == "enabled" && tolower(v) == "no") enabled = 0 }
		  if (!enabled || (" " types " ") !~ / deb /) next
		  opt = (signed != "" && signed !~ /BEGIN/) ? "[signed-by=" signed "] " : ""
		  nu = split(uris, u, /[ \t]+/); ns = split(suites, s, /[ \t]+/)
		  for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++)
		      if (s[b] == c || s[b] == c "-updates" || s[b] == c "-security")
		          print "deb " opt u[a] " " s[b] " " comps }' "$f"
	done
}
sources=$(derive_sources)
# debootstrap's mirror: the URI of the first entry for the suite itself.
mirror=$(printf '%s\n' "$sources" | awk -v c="$SUITE" '{
	i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
	if ($(i+1) == c) { print $i; exit } }')
[ -n "$mirror" ] || die "no Debian '$SUITE' entry in this machine's apt sources (/etc/apt/sources.list*): cannot tell which archive to use"
say "archive from this machine's apt sources: $mirror ($(printf '%s\n' "$sources" | wc -l) entries for $SUITE)"

# --- 1. the cached pristine root ---------------------------------------------------------------
if [ "$new_root" = 1 ] || [ ! -s "$tarball" ]; then
	phase "debootstrap $SUITE (minbase + gcc make git python3 ca-certificates) into the cache; takes minutes, log: $out/debootstrap.log"
	mkdir -p "$out"
	staging=$cache/fresh-root-$SUITE.staging
	rm -rf "$staging" "$tarball.tmp"
	if ! debootstrap --variant=minbase --include=gcc,make,git,python3,ca-certificates \
		"$SUITE" "$staging" "$mirror" > "$out/debootstrap.log" 2>&1; then
		tail -n 20 "$out/debootstrap.log" >&2
		rm -rf "$staging"
		die "debootstrap failed (log: $out/debootstrap.log)"
	fi
	# The image a user starts from has no package lists or downloaded .debs left over.
	rm -rf "$staging"/var/cache/apt/archives/*.deb "$staging"/var/lib/apt/lists/*_* 
	tar -C "$staging" --numeric-owner -cf "$tarball.tmp" .
	mv "$tarball.tmp" "$tarball"
	rm -rf "$staging"
	t_debootstrap=$(took)
	say "debootstrap done in ${t_debootstrap}s: $tarball ($(du -m "$tarball" | cut -f1) MiB)"
else
	say "reusing the cached root $tarball (--new-root builds it again)"
fi

# --- 2. a fresh root for this run --------------------------------------------------------------
cleanup() {
	local st=$?
	trap - EXIT INT TERM
	if [ -n "${ns_pid:-}" ]; then
		say "stopping the inner run"
		kill -KILL "$ns_pid" 2>/dev/null || true
		wait "$ns_pid" 2>/dev/null || true
	fi
	# Mounts live only in the private namespace; refuse to delete anything still mounted.
	if grep -q " $root[/ ]" /proc/self/mountinfo 2>/dev/null; then
		echo "test-fresh: something is still mounted under $root; not deleting it" >&2
	elif [ "$KEEP" = 1 ]; then
		say "kept the root: $root"
	else
		rm -rf "$root"
	fi
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

phase "unpacking the root into $root"
if grep -q " $root[/ ]" /proc/self/mountinfo; then die "something is mounted under $root"; fi
rm -rf "$root" && mkdir -p "$root"
tar -C "$root" --numeric-owner -xf "$tarball"
# apt inside sees the same archive as this machine: its sources, their keyrings, and its
# settings for reaching the archive (proxy, validity checks of a snapshot's Release files).
rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
printf '# from the host'"'"'s apt sources, by tests/fresh/test-fresh.sh\n%s\n' "$sources" > "$root/etc/apt/sources.list"
for key in $(printf '%s\n' "$sources" | sed -n 's/.*signed-by=\([^] ]*\).*/\1/p' | sort -u); do
	[ -f "$key" ] && [ ! -e "$root$key" ] && mkdir -p "$root$(dirname "$key")" && cp "$key" "$root$key"
done
apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy|https?::proxy|ftp::Proxy) ' \
	> "$root/etc/apt/apt.conf.d/50host-archive-access" || true
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
git bundle create "$root/root/ringzero.bundle" HEAD 2>/dev/null || die "git bundle of HEAD failed"
say "unpacked in $(took)s; committed HEAD $head bundled for the clone"

# --- 3. the README's commands, inside ----------------------------------------------------------
phase "inside the root (unshare + chroot): git clone, make run, make -j2 test"
# In the background, so that Ctrl-C or a TERM reaches the traps at once; cleanup then kills
# unshare, and with it (--kill-child, the PID namespace) everything that ran inside.
unshare --mount --pid --fork --kill-child -- "$0" --in-namespace "$root" &
ns_pid=$!
set +e
wait "$ns_pid"
inner=$?
set -e
ns_pid=
t_inner=$(took)
rm -f "$out"/run.log "$out"/test.log "$out"/times.txt
cp "$root"/root/logs/*.log "$root"/root/logs/times.txt "$out"/ 2>/dev/null || true

# --- 4. what it printed ------------------------------------------------------------------------
echo
say "inner run took ${t_inner}s; logs: $out/run.log, $out/test.log"
if [ -n "${t_debootstrap:-}" ]; then printf '  %-40s %ss\n' "debootstrap (first time)" "$t_debootstrap"; fi
if [ -f "$out/times.txt" ]; then sed 's/^/  /' "$out/times.txt"; fi
# test.log's lines start with "[seconds] ".
summary=$(sed -n 's/^\[ *[0-9.]*\] \([0-9]* passed, [0-9]* failed\)$/\1/p' "$out/test.log" 2>/dev/null | tail -n 1 || true)
if [ -n "$summary" ]; then
	say "inner make test: $summary"
else
	say "inner make test: no 'N passed, N failed' line (see $out/test.log)"
fi
if [ "$inner" = 0 ]; then say "PASS: make run and make test work on a fresh Debian $SUITE root"
else say "FAIL: the inner run failed (status $inner); see the logs above"; fi
exit "$inner"
