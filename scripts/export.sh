#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# export.sh [DIR]: write build/linux's commits (base..series) as
# git format-patch output with a cover letter to DIR (default patches/).
# Files whose content did not change are left alone, so an export with
# nothing new causes no churn.  The cover letter's subject and blurb come
# from cover-letter.txt (first line = subject), the version in the subject
# prefix ([PATCH vN i/n]) from series-version.
. "$(dirname "$0")/lib.sh"

DEST=${1:-$TOP/patches}
[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

version=$(grep -v '^#' "$TOP/series-version" | grep .)
case $version in
1) prefix=PATCH ;;
[2-9]|[1-9][0-9]) prefix="PATCH v$version" ;;
*) die "series-version: '$version' is not a version number" ;;
esac
grep -q "^Changes in v$version\b" "$TOP/cover-letter.txt" || [ "$version" = 1 ] ||
	die "cover-letter.txt has no 'Changes in v$version' section"
git -C "$TREE" config branch.series.description "$(cat "$TOP/cover-letter.txt")"
n=$(git -C "$TREE" rev-list --count base..HEAD)
if [ "$n" != 0 ]; then
	# --zero-commit and fixed dates keep the output identical from one
	# export to the next; the version signature would differ per machine.
	git -C "$TREE" format-patch -q -o "$tmp" --zero-commit --no-signature \
		--subject-prefix="$prefix" \
		--base=base --cover-letter --cover-from-description=subject \
		base..HEAD
	# The cover letter's Date: is "now"; pin it to the newest commit's.
	d=$(git -C "$TREE" log -1 --format=%aD HEAD)
	sed -i "s/^Date: .*/Date: $d/" "$tmp/0000-cover-letter.patch"
fi

mkdir -p "$DEST"
changed=0
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cmp -s "$f" "$DEST/$(basename "$f")" && continue
	cp "$f" "$DEST/"
	echo "wrote $(basename "$f")"
	changed=1
done
for f in "$DEST"/*.patch; do
	[ -e "$f" ] || continue
	[ -e "$tmp/$(basename "$f")" ] && continue
	rm "$f"
	echo "removed $(basename "$f")"
	changed=1
done
[ "$changed" = 1 ] || echo "patches/ already up to date ($n patches)"
