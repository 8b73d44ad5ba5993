# SPDX-License-Identifier: GPL-2.0
# "make check": kselftests.  KUnit ran during boot (dmesg on ttyS0).
. /lib.sh

# The hugetlb cases of "migration" need free huge pages on both nodes.
echo 16 > /proc/sys/vm/nr_hugepages

for t in $(grep -v "^#" /tests/selftests.list | cut -d: -f1); do
	run_test "$t" "/tests/$t"
done
