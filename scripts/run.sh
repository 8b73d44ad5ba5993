#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# "make run": fetch, apply, build the patched kernel, boot the NUMA VM and
# show page migration moving a live process (guest/plan-demo.sh).
. "$(dirname "$0")/lib.sh"

OBJ=$BUILD/obj-patched
OUT=$BUILD/run
t0=$SECONDS
stage deps "$TOP/scripts/deps.sh"
stage "apply series" "$TOP/scripts/tree.sh"
stage "build patched kernel" "$TOP/scripts/build.sh" "$TREE" "$OBJ" "$TOP/configs/series.config"
SELFTESTS= stage initramfs "$TOP/scripts/initramfs.sh" "$TREE" "$OBJ" \
	"$TOP/guest/plan-demo.sh" "$BUILD/demo.cpio.gz"
stage "boot VM and run the demo" "$TOP/scripts/vm.sh" "$OBJ/arch/x86/boot/bzImage" \
	"$BUILD/demo.cpio.gz" "$OUT" 900
sed -e '/^=== DMESG-CHECK/d' "$OUT/tests.log"
note "total: $((SECONDS - t0)) s; dmesg in $OUT/console.log"
grep -q '^=== PLAN DONE rc=0' "$OUT/tests.log"
