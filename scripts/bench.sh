#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench.sh [quick|full]: boot vanilla 7.3 and the patched kernel, built
# with the same config, on the same VM layout, run guest/plan-bench.sh on
# each and report side by side (scripts/bench-report.py).  Results go to
# build/bench/<time>/; the table and plot also to bench/ and README.md.
# Under TCG only ratios within one run mean something.
#
# bench.sh --images MODE DIR: only build the two kernels and their
# initramfs images into DIR (<kernel>.bzImage, .cpio.gz, .config, plans):
# what scripts/bench-vms.sh boots and scripts/bench-bundle.sh packs.
# bench.sh --report DIR: the report on the results of a run made
# elsewhere (the results/ folder of the bench bundle's run.sh), copied to
# build/bench/<its start time>/ first.
#
# BENCH_CPUS, VM_NODE_MB, BENCH_TIMEOUT: the VM's size and time limit,
# see scripts/bench-vms.sh.  BENCH_KCONFIG=debug measures the test
# kernels (lockdep, DEBUG_VM) instead of release builds of the same
# configuration.  BENCH_PREBUILT=1 takes the kernels in build/ as they
# are (no apt, no tree, no build).
. "$(dirname "$0")/lib.sh"

usage="usage: bench.sh [quick|full] | --images quick|full DIR | --report DIR"

# Fragments on top of configs/test.config for each kernel.
KCONFIG=${BENCH_KCONFIG:-release}
case $KCONFIG in
release) VANILLA=("$TOP/configs/release.config")
	 PATCHED=("${VANILLA[@]}" "$TOP/configs/bench.config") SUFFIX=-release ;;
debug)	PATCHED=("$TOP/configs/series.config") VANILLA=() SUFFIX= ;;
*)	die "BENCH_KCONFIG must be release or debug" ;;
esac

# images MODE DIR: build both kernels and pack their initramfs images
images() {
	local mode=$1 dir=$2 kernel src obj

	mkdir -p "$dir"
	echo "$KCONFIG" > "$dir/kconfig"
	echo "$mode" > "$dir/mode"
	if [ "${BENCH_PREBUILT:-0}" != 1 ]; then
		stage deps "$TOP/scripts/deps.sh"
		stage "apply series" "$TOP/scripts/tree.sh"
		stage "build patched kernel" "$TOP/scripts/build.sh" "$TREE" \
			"$BUILD/obj-patched$SUFFIX" "${PATCHED[@]}"
		stage "build vanilla kernel" "$TOP/scripts/build.sh" "$BASE_REPO" \
			"$BUILD/obj-vanilla$SUFFIX" "${VANILLA[@]}"
	fi
	for kernel in vanilla patched; do
		src=$TREE
		[ "$kernel" = vanilla ] && src=$BASE_REPO
		obj=$BUILD/obj-$kernel$SUFFIX
		[ -f "$obj/arch/x86/boot/bzImage" ] || die "no kernel in $obj"
		# bench_mode= on the kernel command line reaches the plan
		# through init's environment and overrides the mode baked in.
		{ echo "MODE=\${bench_mode:-$mode} KERNEL=$kernel"
		  cat "$TOP/guest/plan-bench.sh"; } > "$dir/plan-$kernel.sh"
		SELFTESTS= stage "initramfs ($kernel)" "$TOP/scripts/initramfs.sh" "$src" "$obj" \
			"$dir/plan-$kernel.sh" "$dir/$kernel.cpio.gz"
		cp "$obj/arch/x86/boot/bzImage" "$dir/$kernel.bzImage"
		cp "$obj/.config" "$dir/$kernel.config"
	done
}

# report DIR: tables, plot, bench/, README.md and the cover letter
report() {
	stage report "$TOP/scripts/bench-report.py" "$1" "$(cat "$1/mode")"
	# The cover letter quotes the table: refresh patches/0000-cover-letter.patch
	"$TOP/scripts/export.sh" | grep -v 'already up to date' || true
}

case ${1:-quick} in
--images)
	[ $# = 3 ] || die "$usage"
	case $2 in quick|full) ;; *) die "$usage" ;; esac
	images "$2" "$3"
	;;
--report)
	[ $# = 2 ] || die "$usage"
	src=$(cd "$2" && pwd)
	for kernel in vanilla patched; do
		[ -f "$src/$kernel/tests.log" ] || die "no $kernel/tests.log in $2"
	done
	[ -f "$src/mode" ] || die "no mode file in $2"
	OUT=$BUILD/bench/$(cat "$src/stamp" 2>/dev/null || basename "$src")
	if [ "$src" != "$OUT" ]; then
		mkdir -p "$OUT"
		cp -r "$src/." "$OUT/"
		note "copied $2 to $OUT"
	fi
	report "$OUT"
	;;
quick|full)
	[ $# -le 1 ] || die "$usage"
	STAMP=$(date -u +%Y%m%dT%H%M%SZ)
	OUT=$BUILD/bench/$STAMP
	t0=$SECONDS
	images "${1:-quick}" "$OUT"
	echo "$STAMP" > "$OUT/stamp"
	"$TOP/scripts/bench-vms.sh" "$OUT" "$OUT"
	report "$OUT"
	note "total: $((SECONDS - t0)) s; results in $OUT"
	;;
*)	die "$usage" ;;
esac
