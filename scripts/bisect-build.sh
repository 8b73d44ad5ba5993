#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel after each patch of the series (incrementally, in
# build/obj-bisect, with ccache) so a patch that breaks the build is
# caught.  Each build uses the series config too (KUnit, test modules),
# less the options whose Kconfig symbol the tree does not have yet at
# that patch.  Leaves build/linux on the series tip.
. "$(dirname "$0")/lib.sh"

OUT=${1:-}
"$TOP/scripts/export-check.sh" --commits-only >/dev/null ||
	die "build/linux differs from patches/: run 'make tree' or 'make export' first"
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..series)
rc=0
for c in "${commits[@]}"; do
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	git -C "$TREE" checkout -q "$c"
	frag=$BUILD/bisect-series.config
	grep '^CONFIG_' "$TOP/configs/series.config" | while read -r opt; do
		sym=${opt%%=*}
		git -C "$TREE" grep -q "^config ${sym#CONFIG_}\$" -- '*Kconfig*' &&
			echo "$opt"
	done > "$frag" || true
	if stage "build after: $subject" "$TOP/scripts/build.sh" "$TREE" "$BUILD/obj-bisect" "$frag" >/dev/null; then
		result "PASS bisect.$(git -C "$TREE" log -1 --format=%f "$c")"
	else
		result "FAIL bisect.$(git -C "$TREE" log -1 --format=%f "$c")"
		rc=1
	fi
done
git -C "$TREE" checkout -q series
exit $rc
