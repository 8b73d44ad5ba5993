#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-vms.sh IMAGES RUNDIR [quick|full]: the benchmark runs of "make
# bench": boot IMAGES/vanilla.bzImage with IMAGES/vanilla.cpio.gz, then
# the patched pair, in the benchmark VM (scripts/vm.sh) and leave each
# guest's tests.log and console.log in RUNDIR/<kernel>/.  The mode
# defaults to IMAGES/mode (what scripts/bench.sh --images baked into the
# plans); another one is passed on the kernel command line.  Fails when a
# run did not finish.  scripts/bench.sh runs it, and so does the run.sh
# of the "make bench-bundle" tarball on a machine without the harness's
# packages: it needs bash, coreutils and qemu-system-x86_64 on PATH only.
#
# BENCH_CPUS: the VM's vCPUs, default this machine's cores; at most 64
# and the NR_CPUS of the kernels (IMAGES/<kernel>.config), at least 2,
# even (rounded down): nodes 0 and 1 get half each, node 2 none.
# VM_NODE_MB: memory per node, default 1024 MiB, 32 MiB more per vCPU
# beyond 16.  BENCH_TIMEOUT: seconds per kernel (default 3600).
. "$(dirname "$0")/lib-core.sh"

[ $# -ge 2 ] || die "usage: bench-vms.sh IMAGES RUNDIR [quick|full]"
IMAGES=$(cd "$1" && pwd)
RUNDIR=$2
MODE=${3:-$(cat "$IMAGES/mode")}
case $MODE in quick|full) ;; *) die "mode must be quick or full, not '$MODE'" ;; esac
KERNELS="vanilla patched"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not on PATH"
mkdir -p "$RUNDIR"
RUNDIR=$(cd "$RUNDIR" && pwd)

cpus=${BENCH_CPUS:-$(nproc)}
case $cpus in ''|*[!0-9]*) die "BENCH_CPUS=$cpus: not a number" ;; esac
max=64
for k in $KERNELS; do
	n=$(sed -n 's/^CONFIG_NR_CPUS=//p' "$IMAGES/$k.config" 2>/dev/null || true)
	if [ -n "$n" ] && [ "$n" -lt "$max" ]; then
		max=$n
		note "$k kernel: CONFIG_NR_CPUS=$n"
	fi
done
want=$cpus
[ "$cpus" -le "$max" ] || cpus=$max
[ "$cpus" -ge 2 ] || cpus=2
cpus=$((cpus / 2 * 2))
[ "$cpus" = "$want" ] ||
	note "BENCH_CPUS=$want: using $cpus vCPUs (even, 2 to $max)"
export VM_CPUS=$cpus
export VM_NODE_MB=${VM_NODE_MB:-$((cpus > 16 ? 1024 + 32 * (cpus - 16) : 1024))}
# The benchmarks hotplug no memory (configs/release.config has no memory
# hotplug): no node 3, the same VM as before it existed
export VM_HOTPLUG_MB=${VM_HOTPLUG_MB:-0}
avail=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null || true)
if [ -n "$avail" ] && [ "$avail" -lt $((3 * VM_NODE_MB + 512)) ]; then
	note "warning: the VM needs $((3 * VM_NODE_MB)) MiB, $avail MiB available"
fi
export VM_CMDLINE="${VM_CMDLINE:+$VM_CMDLINE }bench_mode=$MODE"
TIMEOUT=${BENCH_TIMEOUT:-3600}

# What the report needs besides the logs, and where the run ran
echo "$MODE" > "$RUNDIR/mode"
for f in kconfig vanilla.config patched.config; do
	[ ! -f "$IMAGES/$f" ] || [ "$IMAGES" = "$RUNDIR" ] || cp "$IMAGES/$f" "$RUNDIR/"
done
[ -f "$RUNDIR/stamp" ] || date -u +%Y%m%dT%H%M%SZ > "$RUNDIR/stamp"
{
	echo "vcpus=$VM_CPUS"
	echo "node_mb=$VM_NODE_MB"
	echo "host_cores=$(nproc)"
	echo "host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "host_kernel=$(uname -r)"
	echo "qemu=$(qemu-system-x86_64 --version | head -1)"
} > "$RUNDIR/host"
note "VM: $VM_CPUS vCPUs, 3 x $VM_NODE_MB MiB; $MODE mode; up to $TIMEOUT s per kernel"

for k in $KERNELS; do
	stage "benchmark $k" "$TOP/scripts/vm.sh" "$IMAGES/$k.bzImage" \
		"$IMAGES/$k.cpio.gz" "$RUNDIR/$k" "$TIMEOUT"
done
bad=
for k in $KERNELS; do
	# (the serial port ends lines with \r\n)
	grep -qs "^=== GUEST UP .* cpus=$VM_CPUS[[:space:]]*\$" "$RUNDIR/$k/tests.log" ||
		note "$k: the guest did not come up with $VM_CPUS vCPUs: $( (grep -s -m1 '^=== GUEST UP' "$RUNDIR/$k/tests.log" || echo 'no GUEST UP line') | tr -d '\r')"
	grep -qs '^=== PLAN DONE rc=0' "$RUNDIR/$k/tests.log" || bad="$bad $k"
done
[ -z "$bad" ] || die "benchmark did not finish on:$bad; see $RUNDIR/<kernel>/"
note "results in $RUNDIR"
