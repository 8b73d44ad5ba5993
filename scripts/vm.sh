#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm.sh BZIMAGE INITRAMFS LOGDIR [TIMEOUT_S]: boot the test VM under QEMU
# TCG and wait for it to power off.  LOGDIR gets console.log (dmesg, on
# ttyS0) and tests.log (what the guest plan printed, on ttyS1).
#
# Layout: 4 vCPUs, 3 NUMA nodes.  Nodes 0 and 1 have 2 CPUs and 1 GiB
# each; node 2 has 1 GiB and no CPUs, like a CXL memory expander.
# VM_ACCEL=kvm selects KVM (only when asked: nested KVM hangs on the
# project's build machines instead of failing).
. "$(dirname "$0")/lib.sh"

KERNEL=$1 INITRD=$2 LOGDIR=$3 TIMEOUT=${4:-900}
ACCEL=${VM_ACCEL:-tcg,thread=multi}
MEM_PER_NODE=${VM_NODE_MB:-1024}
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/console.log "$LOGDIR"/tests.log

numa=()
for n in 0 1 2; do
	numa+=(-object "memory-backend-ram,id=mem$n,size=${MEM_PER_NODE}M")
done
numa+=(-numa node,nodeid=0,cpus=0-1,memdev=mem0
       -numa node,nodeid=1,cpus=2-3,memdev=mem1
       -numa node,nodeid=2,memdev=mem2
       # SLIT: the CPU nodes are one hop apart, the memory-only node is
       # farther from both.
       -numa dist,src=0,dst=1,val=21
       -numa dist,src=0,dst=2,val=30
       -numa dist,src=1,dst=2,val=30)

# log_buf_len: KUnit and lockdep output must not wrap the ring buffer.
CMDLINE="console=ttyS0 panic=-1 log_buf_len=4M ${VM_CMDLINE:-}"

rc=0
timeout --foreground "$TIMEOUT" qemu-system-x86_64 \
	-accel "$ACCEL" -cpu max -smp 4,sockets=2,cores=2,threads=1 \
	-m $((MEM_PER_NODE * 3))M "${numa[@]}" \
	-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE" \
	-display none -no-reboot -monitor none \
	-serial file:"$LOGDIR/console.log" -serial file:"$LOGDIR/tests.log" \
	|| rc=$?
[ "$rc" = 124 ] && echo "=== VM TIMEOUT after $TIMEOUT s" >> "$LOGDIR/tests.log"
exit 0
