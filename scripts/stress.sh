#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stress.sh: "make stress".  Builds the stress kernel (configs/test.config,
# series.config and stress.config: KASAN, lockdep, DEBUG_VM with page
# flag checks, init_on_free, hung task detection, memory cgroups,
# fail_page_alloc), boots it in the NUMA VM and runs guest/plan-stress.sh:
# STRESS_MINUTES (default 10) of guest/migrate-stress for each backend of
# STRESS_BACKENDS (default "serial multithreaded dma auto"), with
# STRESS_PROCS processes of STRESS_MIB MiB.  Prints the results, the
# summary table (scripts/stress-report.py) and "N passed, N failed";
# exits non-zero when anything failed.  Results in build/stress/<time>/;
# a run of the default length also updates the table in README.md.
. "$(dirname "$0")/lib.sh"

MINUTES=${STRESS_MINUTES:-10}
BACKENDS=${STRESS_BACKENDS:-serial multithreaded dma auto}
PROCS=${STRESS_PROCS:-3}
MIB=${STRESS_MIB:-64}
OBJ=$BUILD/obj-stress
OUT=$BUILD/stress/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
t0=$SECONDS

# Whole seconds; STRESS_MINUTES may be a fraction ("0.5")
secs=$(awk -v m="$MINUTES" 'BEGIN { s = int(m * 60); print (s > 0 ? s : 1) }')
nb=$(echo "$BACKENDS" | wc -w)

stage deps "$TOP/scripts/deps.sh"
stage "apply series" "$TOP/scripts/tree.sh"
stage "build stress kernel" "$TOP/scripts/build.sh" "$TREE" "$OBJ" \
	"$TOP/configs/series.config" "$TOP/configs/stress.config"
{
	echo "STRESS_SECONDS=$secs STRESS_PROCS=$PROCS STRESS_MIB=$MIB"
	echo "STRESS_BACKENDS=\"$BACKENDS\""
	cat "$TOP/guest/plan-stress.sh"
} > "$OUT/plan.sh"
SELFTESTS= stage initramfs "$TOP/scripts/initramfs.sh" "$TREE" "$OBJ" \
	"$OUT/plan.sh" "$OUT/initramfs.cpio.gz"
# Boot, the checks before and after and KASAN's slowness: 15 minutes
# on top of the runs themselves
stage "stress VM" "$TOP/scripts/vm.sh" "$OBJ/arch/x86/boot/bzImage" \
	"$OUT/initramfs.cpio.gz" "$OUT" $((secs * nb + 900))

# shellcheck disable=SC2086 # one word per backend
mapfile -t names < <(stress_names $BACKENDS | tr ' ' '\n')
rc=0
"$TOP/scripts/results.py" "$OUT" "$TREE" --selftest "${names[@]}" \
	> "$OUT/results.txt" || rc=$?
readme=()
[ "$MINUTES" = 10 ] && [ "$BACKENDS" = "serial multithreaded dma auto" ] &&
	[ "$rc" = 0 ] && readme=(--readme "$TOP/README.md")
"$TOP/scripts/stress-report.py" "$OUT" "${readme[@]}"
note "total: $((SECONDS - t0)) s; logs in $OUT"
cat "$OUT/results.txt"
exit $rc
