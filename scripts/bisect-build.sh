#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the kernel after each patch of the series (incrementally, in
# build/obj-bisect, with ccache) so a patch that breaks the build is
# caught.  Each build uses the series config too (KUnit, test modules),
# less the options whose Kconfig symbol the tree does not have yet at
# that patch.  Every .c and .h a patch touches also goes through
# scripts/kernel-doc -Wall, which must report nothing that the same files
# did not before the patch.  Leaves build/linux on the series tip.
# BISECT_UNTIL (seconds since the epoch): no build starts that would end
# after it, judged by the previous build's time; the patches left are
# reported as skipped, so a time-boxed run (CI) still ends with its
# summary.
. "$(dirname "$0")/lib.sh"

OUT=${1:-}
"$TOP/scripts/export-check.sh" --commits-only >/dev/null ||
	die "build/linux differs from patches/: run 'make tree' or 'make export' first"
mapfile -t commits < <(git -C "$TREE" rev-list --reverse base..series)
kdoc=$BUILD/bisect-kdoc
mkdir -p "$kdoc"

# kerneldoc_at COMMIT FILES...: kernel-doc -Wall of FILES at COMMIT
kerneldoc_at() {
	git -C "$TREE" checkout -q "$1"
	kerneldoc_log "$TREE" "${@:2}"
}

rc=0
for c in "${commits[@]}"; do
	subject=$(git -C "$TREE" log -1 --format=%s "$c")
	name=$(git -C "$TREE" log -1 --format=%f "$c")
	mapfile -t files < <(git -C "$TREE" diff --name-only "$c^" "$c" -- '*.c' '*.h')
	kerneldoc_at "$c^" "${files[@]}" > "$kdoc/before.log"
	kerneldoc_at "$c" "${files[@]}" > "$kdoc/after.log"
	"$TOP/scripts/warndiff.py" extract "$kdoc/before.log" > "$kdoc/before"
	"$TOP/scripts/warndiff.py" extract "$kdoc/after.log" > "$kdoc/after"
	if "$TOP/scripts/warndiff.py" new "$kdoc/before" "$kdoc/after" >&2; then
		result "PASS kernel-doc.$name"
	else
		result "FAIL kernel-doc.$name"
		rc=1
	fi
	frag=$BUILD/bisect-series.config
	grep '^CONFIG_' "$TOP/configs/series.config" | while read -r opt; do
		sym=${opt%%=*}
		git -C "$TREE" grep -q "^config ${sym#CONFIG_}\$" -- '*Kconfig*' &&
			echo "$opt"
	done > "$frag" || true
	# A build that would end past the budget does not start (the last
	# step's time stands for this one's)
	if [ -n "${BISECT_UNTIL:-}" ] &&
	   [ $(($(date +%s) + ${last_step:-0})) -ge "$BISECT_UNTIL" ]; then
		result "SKIP bisect.$name (time budget BISECT_UNTIL spent)"
		continue
	fi
	step_t0=$SECONDS
	if stage "build after: $subject" "$TOP/scripts/build.sh" "$TREE" "$BUILD/obj-bisect" "$frag" >/dev/null; then
		result "PASS bisect.$name"
	else
		result "FAIL bisect.$name"
		rc=1
	fi
	last_step=$((SECONDS - step_t0))
done
git -C "$TREE" checkout -q series
exit $rc
