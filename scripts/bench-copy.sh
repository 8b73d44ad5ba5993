#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-copy.sh: the copy backends at native speed.  Builds User-mode
# Linux with the series and mm/tests/migrate_copy_bench.kunitconfig, runs
# the KUnit benchmark migrate_copy_bench with one UML CPU per host core,
# and the host's own memcpy() on 1 and on every core just before and just
# after it (scripts/memcpy-host.c): the ceiling, in the same run.
# scripts/bench-copy-report.py turns the lines into a table and a plot in
# build/bench-copy/<time>/, copied to bench/copy.{md,png} and README.md.
#
# BENCH_CPUS: UML CPUs and memcpy threads (default: host cores, at most
# 64); COPY_MIB: MiB each configuration copies (default 1024);
# COPY_REPS: runs of each configuration (default 5).
# Fails only when a run breaks (a copy differs, a case fails or skips),
# never because a number is low.
. "$(dirname "$0")/lib.sh"

CPUS=${BENCH_CPUS:-$(nproc)}
[ "$CPUS" -le 64 ] || CPUS=64
MIB=${COPY_MIB:-1024}
REPS=${COPY_REPS:-5}
[ "$CPUS" -ge 1 ] && [ "$MIB" -ge 1 ] && [ "$REPS" -ge 1 ] ||
	die "BENCH_CPUS, COPY_MIB and COPY_REPS must be positive"
OUT=$BUILD/bench-copy/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
t0=$SECONDS

stage deps "$TOP/scripts/deps.sh"
stage "apply series" "$TOP/scripts/tree.sh"
gcc -O2 -Wall -Wextra -pthread -o "$OUT/memcpy-host" "$TOP/scripts/memcpy-host.c"

# The software DMA engine's channels (dmasim takes 1 to 16)
CHANNELS=$((CPUS < 16 ? CPUS : 16))
{
	echo "cpus=$CPUS mib=$MIB reps=$REPS dma_channels=$CHANNELS"
	echo "host_cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
	echo "host_cores=$(nproc)"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/meta"

# host_memcpy WHEN: the ceiling on 1 and on $CPUS threads
host_memcpy() {
	local threads

	for threads in 1 "$CPUS"; do
		"$OUT/memcpy-host" "$MIB" "$threads" "$REPS" | sed "s/^/when=$1 /"
	done
}

build_dir=$BUILD/kunit-bench
(cd "$TREE" && ./tools/testing/kunit/kunit.py build \
	--kunitconfig=mm/tests/migrate_copy_bench.kunitconfig \
	--build_dir="$build_dir" --jobs "$(nproc)" \
	--make_options CC="ccache gcc") > "$OUT/build.log" 2>&1 ||
	die "UML build failed: see $OUT/build.log"

host_memcpy before > "$OUT/host.log"
# UML booted by hand, as kunit.py does but with memory for the source and
# destination folios (kunit.py fixes mem=1G)
rc=0
timeout 3600 "$build_dir/linux" "ncpus=$CPUS" seccomp=on "mem=$((2 * MIB + 512))M" \
	"migrate_copy_bench.mib=$MIB" "migrate_copy_bench.reps=$REPS" \
	"dmasim.channels=$CHANNELS" dcbm.calibrate=0 \
	kunit.enable=1 console=tty kunit_shutdown=halt \
	< /dev/null > "$OUT/kunit.log" 2>&1 || rc=$?
host_memcpy after >> "$OUT/host.log"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/meta"
# Every case passed (no copy differed, nothing was skipped)
grep -Eq '^# migrate_copy_bench: pass:3 fail:0 skip:0 total:3$' "$OUT/kunit.log" ||
	die "the KUnit benchmark broke (UML rc=$rc): see $OUT/kunit.log"

stage report "$TOP/scripts/bench-copy-report.py" "$OUT"
note "total: $((SECONDS - t0)) s; results in $OUT"
