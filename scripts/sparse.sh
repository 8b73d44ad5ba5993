#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sparse.sh: print the path of a sparse that the tree's
# scripts/checker-valid.sh accepts.  The kernel needs a sparse that knows
# __typeof_unqual__; Debian 12's and 13's packages (0.6.4) do not, so
# when the installed one fails the check, Debian unstable's source
# package is fetched through a private sources list (the machine's apt
# configuration is untouched) and built once into $CACHE/sparse.
. "$(dirname "$0")/lib.sh"

PKG_VERSION=0.6.5~rc1-2
SRC=${1:-$BASE_REPO}
DIR=$CACHE/sparse/$PKG_VERSION
APT=$CACHE/apt-sid

valid() {
	[ "$("$SRC"/scripts/checker-valid.sh "$1" -m64 --arch=x86_64 2>/dev/null)" = 1 ]
}

if command -v sparse >/dev/null && valid "$(command -v sparse)"; then
	command -v sparse
	exit 0
fi
if [ -x "$DIR/sparse" ] && valid "$DIR/sparse"; then
	echo "$DIR/sparse"
	exit 0
fi

note "building sparse $PKG_VERSION from Debian's source package" >&2
apt_sources "$APT" deb-src sid
apt_private "$APT" update >/dev/null || die "cannot reach Debian's archive for sparse"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The version this was tried with, else whatever unstable has by then
(cd "$tmp" && { apt_private "$APT" source "sparse=$PKG_VERSION" ||
		apt_private "$APT" source sparse; } >/dev/null 2>&1) ||
	die "cannot fetch a sparse source package from Debian unstable"
# Debian's packaging builds with gcc-16; any C compiler does.
make -C "$tmp"/sparse-*/ -j"$(nproc)" CC=gcc HAVE_LIBXML=no \
	HAVE_SQLITE=no HAVE_GTK=no HAVE_LLVM=no sparse > "$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log" >&2; die "sparse did not build"; }
mkdir -p "$DIR"
cp "$tmp"/sparse-*/sparse "$DIR/sparse"
valid "$DIR/sparse" || die "sparse $PKG_VERSION does not pass checker-valid.sh"
echo "$DIR/sparse"
