#!/bin/sh
# fetch-linux.sh: Debian's stock kernel for the Linux guest, the pinned package, fetched and
# unpacked, never installed.
#
# Usage: fetch-linux.sh CACHE_DIR OUT_DIR PACKAGE VERSION SHA256
#   PACKAGE VERSION SHA256 are the pin (bench/bench.mk: BENCH_LINUX_PKG, _VERSION, _SHA256),
#   e.g. linux-image-6.1.0-56-amd64 6.1.192-2 a86e...; results/ were measured with it.
#
# Fetches PACKAGE=VERSION with `apt-get download` into CACHE_DIR (as root; a .deb already
# there is reused, so a second run needs no network), checks its sha256 against the pin and
# its contents with dpkg-deb (package name, version, a boot/vmlinuz-* member), unpacks it with
# `dpkg-deb -x` and leaves
#     OUT_DIR/vmlinuz        the bzImage QEMU boots with -kernel
#     OUT_DIR/version.txt    package, version, .deb file name and sha256, kernel release
# When the archive no longer has the pinned version (Debian drops superseded kernel ABIs), it
# stops with a message naming the pin and what the archive offers now: a new pin means new
# results, so it is never chosen silently.
set -eu

if [ "${1:-}" = "--help" ]; then sed -n '2,/^[^#]/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0; fi
[ $# -eq 5 ] || { echo "usage: fetch-linux.sh CACHE_DIR OUT_DIR PACKAGE VERSION SHA256" >&2; exit 2; }
cache=$1 out=$2 pkg=$3 ver=$4 sha=$5
mkdir -p "$cache" "$out"

deb=$cache/${pkg}_$(echo "$ver" | sed 's/:/%3a/')_amd64.deb
if [ ! -f "$deb" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "fetch-linux: $deb is missing; as root run: (cd $cache && apt-get download $pkg=$ver)" >&2
		exit 1
	fi
	echo "fetch-linux: apt-get download $pkg=$ver" >&2
	if ! (cd "$cache" && apt-get download "$pkg=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
	   [ ! -f "$deb" ]; then
		now=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }')
		[ -n "$now" ] && now="$now $(apt-cache policy "$now" | awk '$1 == "Candidate:" { print $2 }')"
		echo "fetch-linux: the pinned guest kernel $pkg $ver is not in the archive (any more?)." >&2
		echo "fetch-linux: linux-image-amd64 resolves to: ${now:-nothing (run apt-get update?)}" >&2
		echo "fetch-linux: to move the pin, set BENCH_LINUX_PKG/_VERSION/_SHA256 in bench/bench.mk and measure results/ again" >&2
		exit 1
	fi
fi

got=$(sha256sum "$deb" | cut -d' ' -f1)
if [ "$got" != "$sha" ]; then
	echo "fetch-linux: $deb: sha256 $got, pinned $sha; removed" >&2
	rm -f "$deb"
	exit 1
fi
dpkg-deb --info "$deb" >/dev/null || { echo "fetch-linux: $deb is not a valid .deb" >&2; exit 1; }
name=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
[ "$name" = "$pkg" ] && [ "$version" = "$ver" ] ||
	{ echo "fetch-linux: $deb holds $name $version, not $pkg $ver" >&2; exit 1; }
member=$(dpkg-deb -c "$deb" | awk '{ print $NF }' | grep -E '^\./boot/vmlinuz-' | head -n 1)
[ -n "$member" ] || { echo "fetch-linux: $deb has no boot/vmlinuz-*" >&2; exit 1; }

rm -rf "$out/pkg"
dpkg-deb -x "$deb" "$out/pkg"
cp "$out/pkg/$member" "$out/vmlinuz.tmp"
mv "$out/vmlinuz.tmp" "$out/vmlinuz"
{
	echo "package: $name"
	echo "version: $version"
	echo "deb: $(basename "$deb")"
	echo "sha256: $got"
	echo "release: ${member#./boot/vmlinuz-}"
	echo "vmlinuz_bytes: $(stat -c %s "$out/vmlinuz")"
} > "$out/version.txt"
rm -rf "$out/pkg"     # only vmlinuz is needed; the modules are not (no module is loaded)
echo "fetch-linux: $name $version -> $out/vmlinuz" >&2
