#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict on every patch of patches/; one result line each.
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/base.sh" >/dev/null
OUT=${1:-}
# checkpatch runs scripts/spdxcheck.py with "python3": use Debian's, which
# has python3-ply and python3-git, not one a version manager put first.
export PATH=/usr/bin:$PATH
rc=0
for p in "$TOP"/patches/[0-9]*.patch; do
	[ -e "$p" ] || continue
	case "$p" in */0000-cover-letter.patch) continue ;; esac
	if log=$(cd "$BASE_REPO" && ./scripts/checkpatch.pl --strict -q --no-summary "$p" 2>&1); then
		result "PASS checkpatch.$(basename "$p" .patch)"
	else
		echo "$log" >&2
		result "FAIL checkpatch.$(basename "$p" .patch)"
		rc=1
	fi
done
exit $rc
