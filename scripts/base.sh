#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetch Debian's linux-source-7.3 (trixie-backports) into the cache and
# turn it into a git tree whose only commit is tagged "base".  The commit
# is made with fixed dates so every machine gets the same base SHA, which
# keeps "base-commit:" in patches/ stable.
. "$(dirname "$0")/lib.sh"

APT=$CACHE/apt
WANT=$(cat "$TOP/configs/base-version")

if [ -f "$BASE_REPO/.git/base-version" ]; then
	have=$(cat "$BASE_REPO/.git/base-version")
	[ "$have" = "$WANT" ] || note "base is $have, series was made on $WANT"
	exit 0
fi

apt_sources "$APT" deb trixie-backports

deb=$(ls "$CACHE"/${BASE_PKG}_*.deb 2>/dev/null | tail -1 || true)
if [ -z "$deb" ]; then
	apt_private "$APT" update >/dev/null ||
		die "cannot reach trixie-backports (apt-get update failed)"
	(cd "$CACHE" && apt_private "$APT" download "$BASE_PKG") ||
		die "cannot download $BASE_PKG from trixie-backports; is the archive reachable?"
	deb=$(ls "$CACHE"/${BASE_PKG}_*.deb | tail -1)
fi
version=$(dpkg-deb -f "$deb" Version)
note "base package: $BASE_PKG $version"
[ "$version" = "$WANT" ] ||
	note "NOTE: series was made on $WANT; patches will be applied with a 3-way merge if needed"

tmp=$CACHE/extract.$$
rm -rf "$tmp" "$BASE_REPO"
mkdir -p "$tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
tar -xJf "$tmp"/usr/src/linux-source-*.tar.xz -C "$tmp"
mv "$tmp"/linux-source-7.3 "$BASE_REPO"
rm -rf "$tmp"

cd "$BASE_REPO"
# Debian's .gitignore ends with "ignore everything at the top level" for
# its packaging repository; in our tree that would hide every new file
# of the series from git.  Drop that block (and nothing else).
sed -i '/^# Debian packaging: ignore everything/,$d' .gitignore
sed -i '${/^#$/d}' .gitignore
kver=$(make -s kernelversion)
git init -q -b vanilla
git config gc.auto 0
git add -A -f .
export GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z'
GIT_AUTHOR_NAME=debian GIT_AUTHOR_EMAIL=debian@localhost \
GIT_COMMITTER_NAME=debian GIT_COMMITTER_EMAIL=debian@localhost \
	git commit -q -m "Linux $kver ($BASE_PKG $version)"
git tag base
echo "$version" > .git/base-version
note "base tree: $BASE_REPO ($kver, $(git rev-parse --short base))"
