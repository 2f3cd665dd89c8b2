#!/bin/sh
# Fetches an upstream tarball from a Debian source package (musl's for the libc, GNU hello's
# for the autotools test), checks it against the sha256 pinned by the caller and leaves it in
# the cache directory, so later builds need no network.
#
# Usage: fetch-source.sh CACHE_DIR PACKAGE DEBIAN_VERSION FILE SHA256
#        e.g. fetch-source.sh cache musl 1.2.3-1 musl_1.2.3.orig.tar.gz 7d5b...
#        prints the file's path on success
#
# The deb-src entries are derived from this machine's own apt sources (the Debian archive
# lines whose suite is this release's codename), into a private apt state under CACHE_DIR:
# the system's apt lists and caches are not touched. No archive host is named here.
set -eu

usage="usage: fetch-source.sh CACHE_DIR PACKAGE DEBIAN_VERSION FILE SHA256"
[ $# -eq 5 ] || { echo "$usage" >&2; exit 2; }
cache=$1 package=$2 version=$3 file=$4 sha256=$5
tarball=$cache/$file

verify() { echo "$sha256  $1" | sha256sum -c --status; }

if [ -f "$tarball" ] && verify "$tarball"; then echo "$tarball"; exit 0; fi

mkdir -p "$cache"
apt=$(cd "$cache" && pwd)/apt-$package
rm -rf "$apt"
mkdir -p "$apt/sources.d" "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/dl"

. /etc/os-release
codename=${VERSION_CODENAME:?cannot tell the Debian release from /etc/os-release}

# One-line format: "deb [options] URI SUITE COMPONENTS..." -> deb-src, same options and URI.
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
	[ -f "$f" ] || continue
	awk -v c="$codename" '$1 == "deb" {
		i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		if ($(i+1) == c || $(i+1) == c "-updates" || $(i+1) == c "-security" ||
		    $(i+1) ~ "^" c "/updates$") { sub(/^deb/, "deb-src"); print } }' "$f"
done > "$apt/sources.d/ringzero-src.list"

# deb822 format: stanzas with "Types: deb" whose Suites name this release.
for f in /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	awk -v c="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
	{ ok = 0; n = split($0, line, "\n")
	  for (i = 1; i <= n; i++) if (line[i] ~ /^Suites:/) {
	      m = split(line[i], w, /[ \t]+/)
	      for (j = 2; j <= m; j++) if (w[j] == c || w[j] == c "-updates" || w[j] == c "-security") ok = 1 }
	  if (ok && $0 ~ /(^|\n)Types:[^\n]*deb/) { sub(/Types:[^\n]*/, "Types: deb-src"); print } }' "$f"
done > "$apt/sources.d/ringzero-src.sources"

if [ ! -s "$apt/sources.d/ringzero-src.list" ] && [ ! -s "$apt/sources.d/ringzero-src.sources" ]; then
	echo "fetch-source: no Debian '$codename' entry in /etc/apt/sources.list*: cannot find Debian source packages" >&2
	exit 1
fi

aptopts="-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$apt/sources.d
 -o Dir::State::Lists=$apt/lists -o Dir::Cache=$apt/cache -o Debug::NoLocking=1
 -o APT::Sandbox::User=root"
echo "fetch-source: reading Debian's source index for $codename" >&2
# shellcheck disable=SC2086
apt-get $aptopts -qq update >&2 || { echo "fetch-source: apt-get update (deb-src) failed" >&2; exit 1; }
echo "fetch-source: downloading Debian source package $package $version" >&2
# shellcheck disable=SC2086
(cd "$apt/dl" && apt-get $aptopts -qq source --download-only "$package=$version" >&2) ||
	{ echo "fetch-source: apt-get source $package=$version failed" >&2; exit 1; }

if [ ! -f "$apt/dl/$file" ]; then
	echo "fetch-source: Debian's $package $version has no $file" >&2
	exit 1
fi
if ! verify "$apt/dl/$file"; then
	echo "fetch-source: $file does not match the pinned sha256 $sha256" >&2
	exit 1
fi
mv "$apt/dl/$file" "$tarball"
rm -rf "$apt"
echo "$tarball"
