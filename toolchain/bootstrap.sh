#!/bin/sh
# Installs the Debian packages the build needs, and nothing else.
#
# Usage: bootstrap.sh [--check] [GROUP...]
#   GROUP is one of: build (compiler, binutils, make, Linux headers), run (QEMU, cpio, python3),
#   test (busybox-static, strace, xz-utils for qemu's source tarball: the plugin test),
#   bench (gnuplot, bzip2 for busybox's tarball),
#   fresh (debootstrap and util-linux's unshare, for make test-fresh), apps (tclsh for sqlite's
#   amalgamation, bzip2 and xz for the source tarballs, curl to fetch from nginx: make test-apps).
#   Default: all groups but fresh and apps.
#   --check only reports what is missing (exit 1 if anything is).
#
# As root it runs apt-get; otherwise it prints the exact apt-get line and exits 1. It owns the
# list of the project's Debian dependencies; it does not fetch source code (fetch-source.sh does).
set -eu

# "command:package" pairs, a group each. A file path stands for packages without a command.
group_build="gcc:gcc as:binutils ld:binutils objdump:binutils make:make ar:binutils
/usr/include/linux/unistd.h:linux-libc-dev /usr/include/x86_64-linux-gnu/asm/unistd_64.h:linux-libc-dev
apt-get:apt patch:patch /usr/lib/x86_64-linux-gnu/libc.a:libc6-dev"
group_run="qemu-system-x86_64:qemu-system-x86 cpio:cpio python3:python3"
group_test="busybox:busybox-static strace:strace xz:xz-utils"
group_bench="gnuplot:gnuplot-nox bzip2:bzip2"
group_apps="tclsh8.6:tcl8.6 bzip2:bzip2 xz:xz-utils strip:binutils curl:curl"
group_fresh="debootstrap:debootstrap unshare:util-linux tar:tar git:git"

check_only=0
if [ "${1:-}" = "--check" ]; then check_only=1; shift; fi
if [ "${1:-}" = "--help" ]; then sed -n '2,/^[^#]/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0; fi
groups=${*:-build run test bench}

missing=""
for g in $groups; do
	eval "pairs=\${group_$g:?unknown group $g}"
	for pair in $pairs; do
		what=${pair%%:*}; pkg=${pair#*:}
		case $what in
		/*) [ -e "$what" ] && continue ;;
		*) command -v "$what" >/dev/null 2>&1 && continue
		   # busybox-static installs /bin/busybox; strace may live in /usr/bin
		   [ -x "/bin/$what" ] && continue ;;
		esac
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	done
done

[ -z "$missing" ] && exit 0
line="apt-get install -y --no-install-recommends$missing"
if [ "$check_only" = 1 ]; then
	echo "bootstrap: missing Debian packages:$missing" >&2
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "bootstrap: missing Debian packages:$missing" >&2
	echo "bootstrap: run as root:  apt-get update && $line" >&2
	exit 1
fi
echo "bootstrap: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 || { echo "bootstrap: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2 ||
	{ echo "bootstrap: '$line' failed" >&2; exit 1; }
