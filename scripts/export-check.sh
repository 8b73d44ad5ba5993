#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Exit non-zero, saying why, when build/linux holds commits or edits that
# patches/ does not, or when the cover letter is older than
# cover-letter.txt.  --commits-only ignores the cover letter, which is
# made from cover-letter.txt, not from build/linux.
. "$(dirname "$0")/lib.sh"

COMMITS_ONLY=0
[ "${1:-}" = --commits-only ] && COMMITS_ONLY=1
[ -d "$TREE/.git" ] || { echo "no build/linux: patches/ is all there is"; exit 0; }
cd "$TREE"
fail=0
[ "$(git rev-parse --abbrev-ref HEAD)" = series ] ||
	{ echo "build/linux is on '$(git rev-parse --abbrev-ref HEAD)', not branch 'series'"; fail=1; }
git merge-base --is-ancestor base HEAD ||
	{ echo "build/linux HEAD does not descend from the base commit"; fail=1; }
dirty=$(git status --porcelain)
[ -z "$dirty" ] || { echo "uncommitted edits in build/linux:"; echo "$dirty" | sed 's/^/  /'; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$TOP/scripts/export.sh" "$tmp/p" >/dev/null
diffs=$(for f in "$tmp"/p/*.patch "$TOP"/patches/*.patch; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	cmp -s "$tmp/p/$b" "$TOP/patches/$b" 2>/dev/null && continue
	[ "$COMMITS_ONLY" = 1 ] && [ "$b" = 0000-cover-letter.patch ] && continue
	if [ ! -e "$tmp/p/$b" ]; then
		echo "patches/$b is not in build/linux"
	elif [ ! -e "$TOP/patches/$b" ]; then
		echo "build/linux has $b, not exported"
	elif [ "$b" = 0000-cover-letter.patch ]; then
		echo "patches/$b is out of date (cover-letter.txt or the series changed)"
	else
		echo "patches/$b differs from build/linux"
	fi
done | sort -u)
[ -z "$diffs" ] || { echo "$diffs"; fail=1; }
if [ "$fail" != 0 ]; then
	echo "export-check: build/linux and patches/ differ; 'make export' writes them out"
	exit 1
fi
echo "export-check: build/linux matches patches/"
