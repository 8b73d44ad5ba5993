#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Materialize build/linux: the base tree with patches/ applied as commits
# on branch "series".  Refuses to throw away commits or edits in
# build/linux that are not in patches/ (FORCE=1 overrides).
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/base.sh"

if [ -d "$TREE/.git" ]; then
	if "$TOP/scripts/export-check.sh" --commits-only >/dev/null 2>&1; then
		note "build/linux already matches patches/"
		exit 0
	fi
	[ "${FORCE:-0}" = 1 ] || die "build/linux holds work that is not in patches/:
$("$TOP/scripts/export-check.sh" --commits-only 2>&1 || true)
run 'make export' to keep it, or 'make tree FORCE=1' to drop it"
	# Reuse the checkout: only files the series touches get new mtimes,
	# so the next build stays incremental.
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" checkout -q -f -B series base
	git -C "$TREE" clean -q -fdx
else
	rm -rf "$TREE"
	mkdir -p "$BUILD"
	git clone -q --shared -b vanilla "$BASE_REPO" "$TREE"
	git -C "$TREE" config gc.auto 0
	git -C "$TREE" checkout -q -b series base
fi

mapfile -t series < <(ls "$TOP"/patches/[0-9]*.patch 2>/dev/null | grep -v /0000-cover-letter.patch || true)
if [ ${#series[@]} = 0 ]; then
	note "patches/ is empty: build/linux is the plain base"
	exit 0
fi
if ! git -C "$TREE" am -q --committer-date-is-author-date "${series[@]}" 2>/dev/null; then
	git -C "$TREE" am --abort
	note "patches do not apply cleanly to $(cat "$BASE_REPO/.git/base-version"); trying a 3-way merge"
	git -C "$TREE" am -q -3 --committer-date-is-author-date "${series[@]}" ||
		die "series does not apply (see 'git -C build/linux am --show-current-patch')"
	note "series applied WITH 3-WAY MERGE: re-export after checking the result"
fi
note "build/linux: ${#series[@]} patches on base $(cat "$BASE_REPO/.git/base-version")"
