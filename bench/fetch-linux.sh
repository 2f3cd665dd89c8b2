#!/bin/sh
# fetch-linux.sh: Debian's stock kernel for the Linux guest, fetched and unpacked, never
# installed.
#
# Usage: fetch-linux.sh CACHE_DIR OUT_DIR
#
# Resolves the dependency of the metapackage linux-image-amd64 (linux-image-6.1.0-N-amd64)
# with apt-cache, fetches that .deb with `apt-get download` into CACHE_DIR (as root; a .deb
# already there for the same package and version is reused, so a second run needs no
# network), checks it with dpkg-deb (package name, version, a boot/vmlinuz-* member),
# unpacks it with `dpkg-deb -x` into OUT_DIR/pkg and leaves
#     OUT_DIR/vmlinuz        the bzImage QEMU boots with -kernel
#     OUT_DIR/version.txt    package, version, .deb file name and sha256, kernel release
# Without apt metadata (no network, no apt-get update), the newest linux-image-*-amd64 .deb
# in CACHE_DIR is used.
set -eu

[ $# -eq 2 ] || { echo "usage: fetch-linux.sh CACHE_DIR OUT_DIR" >&2; exit 2; }
cache=$1 out=$2
mkdir -p "$cache" "$out"

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9].*-amd64$/ { print $2; exit }')
deb=
if [ -n "$pkg" ]; then
	ver=$(apt-cache policy "$pkg" | awk '$1 == "Candidate:" { print $2 }')
	deb=$cache/${pkg}_$(echo "$ver" | sed 's/:/%3a/')_amd64.deb
	if [ ! -f "$deb" ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "fetch-linux: $deb is missing; as root run: (cd $cache && apt-get download $pkg)" >&2
			exit 1
		fi
		echo "fetch-linux: apt-get download $pkg ($ver)" >&2
		(cd "$cache" && apt-get download "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
	fi
fi
if [ -z "$deb" ] || [ ! -f "$deb" ]; then
	deb=$(ls -1 "$cache"/linux-image-[0-9]*-amd64_*_amd64.deb 2>/dev/null | sort -V | tail -n 1)
	[ -n "$deb" ] || { echo "fetch-linux: no linux-image .deb (apt-cache knows no linux-image-amd64?)" >&2; exit 1; }
	echo "fetch-linux: using $deb from the cache" >&2
fi

# Check the package before using it.
dpkg-deb --info "$deb" >/dev/null || { echo "fetch-linux: $deb is not a valid .deb" >&2; exit 1; }
name=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
case $name in linux-image-*-amd64) ;; *) echo "fetch-linux: $deb holds $name" >&2; exit 1 ;; esac
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
	echo "sha256: $(sha256sum "$deb" | cut -d' ' -f1)"
	echo "release: ${member#./boot/vmlinuz-}"
	echo "vmlinuz_bytes: $(stat -c %s "$out/vmlinuz")"
} > "$out/version.txt"
rm -rf "$out/pkg"     # only vmlinuz is needed; the modules are not (no module is loaded)
echo "fetch-linux: $name $version -> $out/vmlinuz" >&2
