#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh BZIMAGE INITRAMFS LOGDIR [TIMEOUT_S]: boot the test VM under QEMU
# TCG and wait for it to power off.  LOGDIR gets console.log (dmesg, on
# ttyS0) and tests.log (what the guest plan printed, on ttyS1).
#
# Layout: VM_CPUS vCPUs (default 4, at least 2), 3 NUMA nodes.  Nodes 0
# and 1 have half of the vCPUs each (node 0 one more when their number is
# odd) and VM_NODE_MB (default 1024) MiB each; node 2 has VM_NODE_MB and
# no CPUs, like a CXL memory expander.  x86 adds node 3: no CPUs, and
# only a DIMM of VM_HOTPLUG_MB (default 256; 0: no node 3) that the
# kernel hot-adds at boot (ACPI memory hotplug) and can take offline
# again, for the tests of memory hotplug; as fast as node 0's memory
# (the same memory tier), as if it sat on node 0's socket.
# VM_ACCEL=kvm selects KVM (only when asked: nested KVM hangs on the
# project's build machines instead of failing).  Needs bash, coreutils and
# qemu-system-x86_64 on PATH only: the "make bench-bundle" tarball runs
# it with its own QEMU.  KARCH=arm64 boots an arm64 Image the same way
# with qemu-system-aarch64 (-M virt, NUMA from the device tree, PL011
# UARTs: console on ttyAMA0, tests on ttyAMA1).
. "$(dirname "$0")/lib-core.sh"

KERNEL=$1 INITRD=$2 LOGDIR=$3 TIMEOUT=${4:-900}
ACCEL=${VM_ACCEL:-tcg,thread=multi}
MEM_PER_NODE=${VM_NODE_MB:-1024}
HOTPLUG_MB=${VM_HOTPLUG_MB:-256}
case $HOTPLUG_MB in
''|*[!0-9]*) die "VM_HOTPLUG_MB=$HOTPLUG_MB: not a number" ;;
esac
[ "$KARCH" = x86_64 ] || HOTPLUG_MB=0
# (x86 memory blocks are 128 MiB)
[ $((HOTPLUG_MB % 128)) = 0 ] ||
	die "VM_HOTPLUG_MB=$HOTPLUG_MB: not a multiple of 128"
CPUS=${VM_CPUS:-4}
case $CPUS in
''|*[!0-9]*) die "VM_CPUS=$CPUS: not a number" ;;
esac
[ "$CPUS" -ge 2 ] ||
	die "VM_CPUS=$CPUS: must be at least 2 (half on node 0, half on node 1)"
# An odd count leaves node 1 a possible CPU that is not present.
HALF=$(((CPUS + 1) / 2))
# cpu_range FIRST LAST: QEMU's "cpus=" value
cpu_range() { if [ "$1" = "$2" ]; then echo "$1"; else echo "$1-$2"; fi; }
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/console.log "$LOGDIR"/tests.log

# HMAT (x86): node 2 is slower memory than the CPU nodes' own, a CXL
# expander's figures in round numbers, so that the kernel's memory tiers
# (CONFIG_ACPI_HMAT) put it in a lower tier and numa_balancing=2 promotes
# from it.  Node 2's initiator is node 0; every initiator-target pair is
# listed.  hmat_pair INITIATOR TARGET LATENCY_NS BANDWIDTH: one pair.
hmat=()
hmat_pair() {
	hmat+=(-numa "hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=access-latency,latency=$3"
	       -numa "hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=access-bandwidth,bandwidth=$4")
}
if [ "$KARCH" = x86_64 ]; then
	hmat=(-machine hmat=on)
	node2_initiator=,initiator=0
	for i in 0 1; do
		hmat_pair "$i" "$i" 80 20G		# local DRAM
		hmat_pair "$i" $((1 - i)) 130 10G	# the other socket's
		hmat_pair "$i" 2 250 5G			# the expander
	done
	if [ "$HOTPLUG_MB" != 0 ]; then
		hmat_pair 0 3 80 20G			# node 0's socket
		hmat_pair 1 3 130 10G
	fi
fi

numa=()
for n in 0 1 2; do
	numa+=(-object "memory-backend-ram,id=mem$n,size=${MEM_PER_NODE}M")
done
numa+=(-numa "node,nodeid=0,cpus=$(cpu_range 0 $((HALF - 1))),memdev=mem0"
       -numa "node,nodeid=1,cpus=$(cpu_range "$HALF" $((2 * HALF - 1))),memdev=mem1"
       -numa "node,nodeid=2,memdev=mem2${node2_initiator:-}"
       # SLIT: the CPU nodes are one hop apart, the memory-only node is
       # farther from both.
       -numa dist,src=0,dst=1,val=21
       -numa dist,src=0,dst=2,val=30
       -numa dist,src=1,dst=2,val=30)
mem=$((MEM_PER_NODE * 3))M
if [ "$HOTPLUG_MB" != 0 ]; then
	numa+=(-numa node,nodeid=3,initiator=0
	       -numa dist,src=0,dst=3,val=12
	       -numa dist,src=1,dst=3,val=21
	       -numa dist,src=2,dst=3,val=30
	       -object "memory-backend-ram,id=mem3,size=${HOTPLUG_MB}M"
	       -device pc-dimm,id=dimm3,memdev=mem3,node=3)
	mem=$mem,slots=1,maxmem=$((MEM_PER_NODE * 3 + HOTPLUG_MB))M
fi
# after the nodes, whose CPUs make them initiators
numa+=("${hmat[@]}")

case $KARCH in
x86_64)	QEMU=(qemu-system-x86_64 -cpu max) CONSOLE=ttyS0 ;;
# pauth-impdef: pointer authentication with QEMU's cheap hash instead of
# QARMA, which costs TCG much time and changes nothing the tests check
arm64)	QEMU=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on) CONSOLE=ttyAMA0 ;;
esac

# log_buf_len: KUnit and lockdep output must not wrap the ring buffer.
CMDLINE="console=$CONSOLE panic=-1 log_buf_len=4M ${VM_CMDLINE:-}"

rc=0
timeout --foreground "$TIMEOUT" "${QEMU[@]}" \
	-accel "$ACCEL" -smp "$CPUS,sockets=2,cores=$HALF,threads=1,maxcpus=$((2 * HALF))" \
	-m "$mem" "${numa[@]}" \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
	-display none -no-reboot -monitor none \
	-serial file:"$LOGDIR/console.log" -serial file:"$LOGDIR/tests.log" \
	|| rc=$?
[ "$rc" = 124 ] && echo "=== VM TIMEOUT after $TIMEOUT s" >> "$LOGDIR/tests.log"
exit 0
