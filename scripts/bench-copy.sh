#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-copy.sh [--build]: the copy backends at native speed.  Builds
# User-mode Linux with the series and mm/tests/migrate_copy_bench.kunitconfig
# (build/kunit-bench/linux, linked statically so that the bench bundle
# can carry it: UML re-executes itself, which a loader wrapper would
# break) and scripts/memcpy-host.c
# (build/kunit-bench/memcpy-host, static), runs scripts/bench-copy-run.sh
# (the KUnit benchmark migrate_copy_bench with one UML CPU per host core,
# and the host's own memcpy() on 1 and on every core just before and just
# after it: the ceiling, in the same run), and
# scripts/bench-copy-report.py, which makes a table and a plot in
# build/bench-copy/<time>/, copied to bench/copy.{md,png}, README.md and
# the cover letter.  --build only builds (for scripts/bench-bundle.sh).
#
# BENCH_CPUS, COPY_MIB, COPY_REPS: see scripts/bench-copy-run.sh.
. "$(dirname "$0")/lib.sh"

BUILD_DIR=$BUILD/kunit-bench
t0=$SECONDS

stage deps "$TOP/scripts/deps.sh"
stage "apply series" "$TOP/scripts/tree.sh"
mkdir -p "$BUILD_DIR"
gcc -O2 -Wall -Wextra -static -pthread -o "$BUILD_DIR/memcpy-host" \
	"$TOP/scripts/memcpy-host.c"
log=$BUILD_DIR/build.log
stage "build UML" bash -c "cd '$TREE' && ./tools/testing/kunit/kunit.py build \
	--kunitconfig=mm/tests/migrate_copy_bench.kunitconfig \
	--build_dir='$BUILD_DIR' --jobs $(nproc) --kconfig_add CONFIG_STATIC_LINK=y \
	--make_options CC='ccache gcc' > '$log' 2>&1" ||
	die "UML build failed: see $log"
[ "${1:-}" != --build ] || exit 0

OUT=$BUILD/bench-copy/$(date -u +%Y%m%dT%H%M%SZ)
stage "benchmark" "$TOP/scripts/bench-copy-run.sh" "$BUILD_DIR/linux" \
	"$BUILD_DIR/memcpy-host" "$OUT"
stage report "$TOP/scripts/bench-copy-report.py" "$OUT"
note "total: $((SECONDS - t0)) s; results in $OUT"
