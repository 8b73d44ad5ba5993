#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# arm64.sh RESULTS: the arm64 part of "make check".  Cross-builds the
# patched tree (configs/arm64.config + configs/series.config) into
# build/obj-arm64, packs an arm64 initramfs with the tests of
# guest/selftests-arm64.list, boots it under qemu-system-aarch64 TCG with
# the NUMA layout of scripts/vm.sh (2 CPU nodes, 1 memory-only node) and
# appends its results, named "arm64.*", to RESULTS.  Logs in
# build/check-arm64/.  Exits non-zero when anything failed.
KARCH=arm64
export KARCH
. "$(dirname "$0")/lib.sh"

R=$1
OUT=$BUILD/check-arm64
OBJ=$BUILD/obj-arm64
LIST=$TOP/guest/selftests-arm64.list
rm -rf "$OUT"
mkdir -p "$OUT"

# step NAME CMD...: run a stage, record arm64.NAME as passed or failed
step() {
	local name=$1

	shift
	if stage "arm64: $name" "$@"; then
		echo "PASS arm64.$name" >> "$R"
	else
		echo "FAIL arm64.$name" >> "$R"
		return 1
	fi
}

step build "$TOP/scripts/build.sh" "$TREE" "$OBJ" "$TOP/configs/series.config" || exit 1
SELFTESTS_LIST=$LIST step initramfs "$TOP/scripts/initramfs.sh" "$TREE" "$OBJ" \
	"$TOP/guest/plan-check.sh" "$OUT/initramfs.cpio.gz" || exit 1
# The x86_64 VM runs the short stress run; this one does not.  3 vCPUs
# (2 on node 0), not 4: arm64 invalidates each unmapped page with its own
# broadcast TLBI, which QEMU's TCG carries out with every vCPU stopped,
# so its cost grows with their number; with 4 vCPUs on 2 host cores
# migrate_copy's 4 KiB cases ran past the selftest harness's 30 s
# timeout, and the upstream migration test needs 3 CPUs.
VM_CPUS=${VM_CPUS_ARM64:-3} VM_CMDLINE=check_stress=0 \
	stage "arm64: boot VM and run tests" "$TOP/scripts/vm.sh" "$OBJ/$KIMAGE" \
	"$OUT/initramfs.cpio.gz" "$OUT" "${VM_TIMEOUT_ARM64:-1200}"
note "arm64 logs: $OUT/console.log (dmesg), $OUT/tests.log (tests)"
mapfile -t kunit < <(grep -v '^#' "$TOP/guest/kunit.list" | grep . || true)
mapfile -t selftests < <(grep -v '^#' "$LIST" | grep . || true)
"$TOP/scripts/results.py" --prefix arm64. --record "$R" "$OUT" "$TREE" \
	--kunit "${kunit[@]}" --selftest "${selftests[@]}"
