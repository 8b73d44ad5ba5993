#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-copy-run.sh UML MEMCPY OUTDIR: the measuring part of
# scripts/bench-copy.sh, which also runs from the "make bench-bundle"
# tarball (bash, coreutils, grep and sed only).  Runs the host's memcpy() (MEMCPY,
# scripts/memcpy-host.c) on 1 and BENCH_CPUS threads, the KUnit benchmark
# migrate_copy_bench in User-mode Linux (UML, built with
# mm/tests/migrate_copy_bench.kunitconfig), and memcpy() again, and
# leaves meta, host.log and kunit.log in OUTDIR for
# scripts/bench-copy-report.py.  Fails only when a run breaks (a copy
# differs, a case fails or skips), never because a number is low.
#
# BENCH_CPUS: UML CPUs and memcpy threads (default: this machine's CPUs
# as nproc counts them, hardware threads included; at most 64); COPY_MIB:
# MiB each configuration copies (default 1024); COPY_REPS: runs of each
# configuration (default 5, at least 3), after one that warms up.  UML's
# memory (2 x COPY_MIB + 512 MiB) is a file in TMPDIR or /dev/shm.
. "$(dirname "$0")/lib-core.sh"

[ $# = 3 ] || die "usage: bench-copy-run.sh UML MEMCPY OUTDIR"
UML=$1 MEMCPY=$2 OUT=$3
CPUS=${BENCH_CPUS:-$(nproc)}
MIB=${COPY_MIB:-1024}
REPS=${COPY_REPS:-5}
for v in "$CPUS" "$MIB" "$REPS"; do
	[[ $v =~ ^[1-9][0-9]*$ ]] ||
		die "BENCH_CPUS, COPY_MIB and COPY_REPS must be positive integers"
done
[ "$CPUS" -le 64 ] || CPUS=64
# A noise needs repetitions: below 3, every difference would be judged
[ "$REPS" -ge 3 ] || die "COPY_REPS must be at least 3"
mkdir -p "$OUT"
# UML's memory is a file in TMPDIR, or /dev/shm (64 MiB in a default
# container): check that it fits before booting
MEM_MIB=$((2 * MIB + 512))
shm=${TMPDIR:-/dev/shm}
read -r _ _ _ free_mib _ < <(df -Pm "$shm" | tail -n 1)
[ "$free_mib" -ge "$MEM_MIB" ] ||
	die "UML needs $MEM_MIB MiB in $shm, which has $free_mib free: set TMPDIR to a larger folder, or lower COPY_MIB"

# A step that just ended (make bench's VMs) leaves the load average high
# for a minute or two: wait, up to 3 minutes, until it is below half the
# cores, so that what the report says of a busy host is about other work
for _ in $(seq 36); do
	read -r load _ < /proc/loadavg
	# in hundredths, against half the cores (bash has no fractions)
	load=${load/./}
	[ "$((10#$load))" -gt "$(($(nproc) * 50))" ] || break
	sleep 5
done

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
		"$MEMCPY" "$MIB" "$threads" "$REPS" | sed "s/^/when=$1 /"
	done
}

host_memcpy before > "$OUT/host.log"
# UML booted by hand, as kunit.py does but with memory for the source and
# destination folios (kunit.py fixes mem=1G)
# uml_dir: UML keeps its pid file there, in ~/.uml otherwise, and needs
# HOME for that, which an empty environment lacks
mkdir -p "$OUT/uml"
rc=0
timeout 3600 "$UML" "ncpus=$CPUS" seccomp=on "mem=${MEM_MIB}M" "uml_dir=$OUT/uml" \
	"migrate_copy_bench.mib=$MIB" "migrate_copy_bench.reps=$REPS" \
	"dmasim.channels=$CHANNELS" dcbm.calibrate=0 \
	kunit.enable=1 console=tty kunit_shutdown=halt \
	< /dev/null > "$OUT/kunit.log" 2>&1 || rc=$?
host_memcpy after >> "$OUT/host.log"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/meta"
# Every case passed (no copy differed, nothing was skipped)
grep -Eq '^# migrate_copy_bench: pass:3 fail:0 skip:0 total:3$' "$OUT/kunit.log" ||
	die "the KUnit benchmark broke (UML rc=$rc): see $OUT/kunit.log"
