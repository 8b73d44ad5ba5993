#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [quick|full]: boot vanilla 7.3 and the patched kernel, built
# with the same config, on the same VM layout, run guest/plan-bench.sh on
# each and report side by side (scripts/bench-report.py).  Results go to
# build/bench/<time>/; the table and plot also to bench/ and README.md.
# Under TCG only ratios within one run mean something.
. "$(dirname "$0")/lib.sh"

MODE=${1:-quick}
case $MODE in quick|full) ;; *) die "usage: bench.sh [quick|full]" ;; esac
OUT=$BUILD/bench/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
t0=$SECONDS

# BENCH_KCONFIG=debug measures the test kernels (lockdep, DEBUG_VM)
# instead of release builds of the same configuration.
# Fragments on top of configs/test.config for each kernel.
KCONFIG=${BENCH_KCONFIG:-release}
case $KCONFIG in
release) VANILLA=("$TOP/configs/release.config")
	 PATCHED=("${VANILLA[@]}" "$TOP/configs/bench.config") SUFFIX=-release ;;
debug)	PATCHED=("$TOP/configs/series.config") VANILLA=() SUFFIX= ;;
*)	die "BENCH_KCONFIG must be release or debug" ;;
esac
echo "$KCONFIG" > "$OUT/kconfig"

stage deps "$TOP/scripts/deps.sh"
stage "apply series" "$TOP/scripts/tree.sh"
stage "build patched kernel" "$TOP/scripts/build.sh" "$TREE" \
	"$BUILD/obj-patched$SUFFIX" "${PATCHED[@]}"
stage "build vanilla kernel" "$TOP/scripts/build.sh" "$BASE_REPO" \
	"$BUILD/obj-vanilla$SUFFIX" "${VANILLA[@]}"

for kernel in vanilla patched; do
	src=$TREE
	[ "$kernel" = vanilla ] && src=$BASE_REPO
	obj=$BUILD/obj-$kernel$SUFFIX
	{ echo "MODE=$MODE KERNEL=$kernel"; cat "$TOP/guest/plan-bench.sh"; } > "$OUT/plan-$kernel.sh"
	SELFTESTS= stage "initramfs ($kernel)" "$TOP/scripts/initramfs.sh" "$src" "$obj" \
		"$OUT/plan-$kernel.sh" "$OUT/$kernel.cpio.gz"
	stage "benchmark $kernel" "$TOP/scripts/vm.sh" "$obj/arch/x86/boot/bzImage" \
		"$OUT/$kernel.cpio.gz" "$OUT/$kernel" 3600
	grep -q '^=== PLAN DONE rc=0' "$OUT/$kernel/tests.log" ||
		die "benchmark on $kernel did not finish: see $OUT/$kernel/"
done

stage report "$TOP/scripts/bench-report.py" "$OUT" "$MODE"
# The cover letter quotes the table: refresh patches/0000-cover-letter.patch
"$TOP/scripts/export.sh" | grep -v 'already up to date' || true
note "total: $((SECONDS - t0)) s; results in $OUT"
