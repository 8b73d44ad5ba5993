# SPDX-License-Identifier: GPL-2.0
# "make check": KUnit (reports in dmesg, on ttyS0) and kselftests.
. /lib.sh

# The hugetlb cases of "migration" need free huge pages on both nodes.
echo 16 > /proc/sys/vm/nr_hugepages

# XFS with 1 KiB blocks on a loop device: its page cache folios carry
# private data (per-block state) and migrate via filemap_migrate_folio().
# The image is sparse in tmpfs; mkfs.xfs wants 300 MB at least.
export MIGRATE_COPY_FS_DIR=/mnt/migrate_copy
# kmigrated's memory_hotplug case takes all of a node's memory offline:
# the VM's node 3 is there for that (scripts/vm.sh)
export KMIGRATED_MEMORY_HOTPLUG=1
mkdir -p $MIGRATE_COPY_FS_DIR
command -v mkfs.xfs >/dev/null &&
	truncate -s 320M /tmp/xfs.img &&
	loop=$(losetup -f) && losetup "$loop" /tmp/xfs.img &&
	mkfs.xfs -q -b size=1024 "$loop" &&
	mount -t xfs "$loop" $MIGRATE_COPY_FS_DIR ||
	echo "cannot set up XFS at $MIGRATE_COPY_FS_DIR"

# The software memcpy engine, which dmatest (first in the list) checks
# before anything relies on it.
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
modprobe dmasim channels=4 || echo "cannot load dmasim"

# After dmatest gave the channels back: the DMA copy backend, which keeps
# the channels once a policy selects it, and KUnit, which reports in
# dmesg and now finds every backend.  Without calibration dcbm copies
# every batch a policy gives it, as the tests expect; "auto" leaves it
# alone then.
load_backends() {
	modprobe dcbm calibrate=0 || echo "cannot load dcbm"
	modprobe migrate_copy_kunit || echo "cannot load migrate_copy_kunit"
}

# The tests read which backend copied from this event.  Enabled once here:
# enabling the first event patches the scheduler's tracepoints as well,
# and each round of patching gave QEMU before 8.1 a chance to run a stale
# int3 (see scripts/deps.sh).
echo 1 > /sys/kernel/tracing/events/migrate/mm_migrate_copy_batch/enable

after_test() {
	[ "$1" != dmatest ] || load_backends
}
run_selftests after_test

# The short stress run, 20 s per backend ("make stress" runs the long one
# on a KASAN kernel): the names must match stress_names in scripts/lib.sh.
# check_stress=0 on the kernel command line (the arm64 VM) leaves it out.
if [ "${check_stress:-1}" != 0 ]; then
	. /stress.sh
	stress_all 20 3 32 serial multithreaded dma auto
fi
