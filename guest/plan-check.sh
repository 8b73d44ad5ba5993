# SPDX-License-Identifier: GPL-2.0
# "make check": kselftests.  KUnit ran during boot (dmesg on ttyS0).
. /lib.sh

# The hugetlb cases of "migration" need free huge pages on both nodes.
echo 16 > /proc/sys/vm/nr_hugepages

# XFS with 1 KiB blocks on a loop device: its page cache folios carry
# private data (per-block state) and migrate via filemap_migrate_folio().
# The image is sparse in tmpfs; mkfs.xfs wants 300 MB at least.
export MIGRATE_COPY_FS_DIR=/mnt/migrate_copy
mkdir -p $MIGRATE_COPY_FS_DIR
truncate -s 320M /tmp/xfs.img &&
	loop=$(losetup -f) && losetup "$loop" /tmp/xfs.img &&
	mkfs.xfs -q -b size=1024 "$loop" &&
	mount -t xfs "$loop" $MIGRATE_COPY_FS_DIR ||
	echo "cannot set up XFS at $MIGRATE_COPY_FS_DIR"

for entry in $(grep -v '^#' /tests/selftests.list); do
	name=${entry%%:*}
	prog=${name%%@*}
	backend=
	[ "$name" = "$prog" ] || backend=${name#*@}
	if [ -n "$backend" ] && ! set_copy_policy "$backend"; then
		echo "=== BEGIN $name"
		echo "cannot select copy backend $backend"
		echo "=== END $name rc=1"
		continue
	fi
	run_test "$name" "/tests/$prog"
	[ -z "$backend" ] || set_copy_policy auto
done
