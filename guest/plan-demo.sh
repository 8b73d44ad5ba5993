# SPDX-License-Identifier: GPL-2.0
# "make run": show page migration moving a live process between nodes.
. /lib.sh
numactl --hardware
echo
echo "--- migratepages moves a running process (256 MB) from node 0 to node 1"
migrate-demo 256 > /tmp/demo.out &
pid=$!
until grep -q ready /tmp/demo.out 2>/dev/null; do sleep 0.2; done
numastat -p "$pid" | grep -E 'Node|Total'
# busybox date has no %N: time with /proc/uptime (10 ms resolution)
centisec() { cut -d' ' -f1 /proc/uptime | tr -d .; }
t0=$(centisec)
migratepages "$pid" 0 1
t1=$(( $(centisec) + 1 ))
numastat -p "$pid" | grep -E 'Node|Total'
echo "migratepages: 256 MB in about $(( (t1 - t0) * 10 )) ms," \
     "about $(( 256 * 100 / (t1 - t0) )) MB/s"
kill -USR1 "$pid"; sleep 1; kill -TERM "$pid"; wait "$pid"
rc=$?
cat /tmp/demo.out
P=/proc/sys/vm/migrate_copy
for backend in serial multithreaded; do
	if [ -d $P ]; then
		set_copy_policy $backend || rc=1
		echo
		echo "--- copy policy (move_pages() uses syscall_or_cpuset): $(cat $P/syscall_or_cpuset)"
	elif [ $backend != serial ]; then
		continue
	fi
	echo "--- move_pages() round trip 0 -> 1 -> 2 (memory-only) -> 0"
	migrate-demo -m 256 || rc=1
done
[ -d $P ] && set_copy_policy auto
echo
grep -E '^pgmigrate|^thp_migration' /proc/vmstat
[ -d $P ] && grep -H . $P/* /proc/sys/vm/migrate_copy_threads
exit $rc
