#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make check": checkpatch, apply, build, boot the NUMA VM, KUnit and
# kselftests, with ARM64=1 the same for arm64 (scripts/arm64.sh: cross
# build, a smaller test list under qemu-system-aarch64; CI sets it), then
# the build-bot checks of scripts/hygiene.sh (kernel-doc, config matrix
# with W=1 and sparse, htmldocs, kunit.py under UML).
# Ends with "N passed, N failed, N skipped"; exits non-zero when anything
# failed.  BISECT=1 also builds after every patch (and runs kernel-doc on
# what each patch touches); HYGIENE=0 leaves the build-bot checks out, for
# quick iterations only.  ARM64 is off by default: its cold build and VM
# (14 minutes) would take make check on a bare machine past 60 minutes.
. "$(dirname "$0")/lib.sh"

OUT=$BUILD/check
OBJ=$BUILD/obj-patched
rm -rf "$OUT"
mkdir -p "$OUT"
R=$OUT/results.txt
: > "$R"
t0=$SECONDS

finish() {
	local kunit=() selftests=()
	mapfile -t kunit < <(grep -v '^#' "$TOP/guest/kunit.list" | grep . || true)
	mapfile -t selftests < <(grep -v '^#' "$TOP/guest/selftests.list" | grep . || true)
	# the short stress run at the end of guest/plan-check.sh
	selftests+=($(stress_names serial multithreaded dma auto))
	note "total: $((SECONDS - t0)) s"
	if [ "${booted:-0}" = 1 ]; then
		# the short stress run's table, before the results it belongs to
		"$TOP/scripts/stress-report.py" "$OUT" || true
		"$TOP/scripts/results.py" --extra "$R" "$OUT" "$TREE" \
			--kunit "${kunit[@]}" --selftest "${selftests[@]}"
	else
		"$TOP/scripts/results.py" --extra "$R" --no-vm
	fi
}

# bisect: the per-patch build of BISECT=1, once
bisect() {
	[ "${BISECT:-0}" = 1 ] && [ -z "${bisected:-}" ] || return 0
	bisected=1
	stage "bisect build" "$TOP/scripts/bisect-build.sh" "$R" || true
}

# gate RESULT NAME CMD...: run stage NAME, record RESULT as passed or
# failed; after a failure print the summary and stop.
gate() {
	local result=$1

	shift
	if stage "$@"; then
		echo "PASS $result" >> "$R"
	else
		echo "FAIL $result" >> "$R"
		# A tip that does not build: which patch broke it?
		[ "$result" != build ] || bisect
		finish
		exit 1
	fi
}

stage deps "$TOP/scripts/deps.sh"
stage checkpatch "$TOP/scripts/checkpatch.sh" "$R" || true
gate series.applies "apply series" "$TOP/scripts/tree.sh"
gate build "build patched kernel" "$TOP/scripts/build.sh" "$TREE" "$OBJ" \
	"$TOP/configs/series.config"
gate initramfs initramfs "$TOP/scripts/initramfs.sh" "$TREE" "$OBJ" \
	"$TOP/guest/plan-check.sh" "$OUT/initramfs.cpio.gz"
stage "boot VM and run tests" "$TOP/scripts/vm.sh" "$OBJ/arch/x86/boot/bzImage" \
	"$OUT/initramfs.cpio.gz" "$OUT" "${VM_TIMEOUT:-1800}"
booted=1
note "logs: $OUT/console.log (dmesg), $OUT/tests.log (tests)"
if [ "${ARM64:-0}" = 1 ]; then
	# a failure that wrote no result of its own still fails
	stage "arm64 build and VM" "$TOP/scripts/arm64.sh" "$R" ||
		grep -q '^FAIL arm64' "$R" || echo "FAIL arm64" >> "$R"
fi
if [ "${HYGIENE:-1}" != 0 ]; then
	# a failure that wrote no result of its own (hygiene.sh died) still fails
	stage "build-bot checks" "$TOP/scripts/hygiene.sh" "$R" ||
		grep -q '^FAIL hygiene' "$R" || echo "FAIL hygiene" >> "$R"
fi
# Last, so its object directory starts from what ccache kept of the tip's
# build, and so a time budget (BISECT_UNTIL, CI) cuts only this stage;
# at once when the tip itself does not build (gate)
bisect
finish
