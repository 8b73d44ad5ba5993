# SPDX-License-Identifier: GPL-2.0
# "make check": kselftests.  KUnit ran during boot (dmesg on ttyS0).
. /lib.sh

# The hugetlb cases of "migration" need free huge pages on both nodes.
echo 16 > /proc/sys/vm/nr_hugepages

for entry in $(grep -v '^#' /tests/selftests.list); do
	name=${entry%%:*}
	prog=${name%%@*}
	backend=
	[ "$name" = "$prog" ] || backend=${name#*@}
	if [ -n "$backend" ] &&
	   ! echo "$backend" > /proc/sys/vm/migrate_copy_backend; then
		echo "=== BEGIN $name"
		echo "cannot select copy backend $backend"
		echo "=== END $name rc=1"
		continue
	fi
	run_test "$name" "/tests/$prog"
	[ -z "$backend" ] || echo serial > /proc/sys/vm/migrate_copy_backend
done
