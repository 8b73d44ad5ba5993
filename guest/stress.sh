# SPDX-License-Identifier: GPL-2.0
# The stress run of "make stress" and, short, of "make check"; sourced by
# their plans after /lib.sh.  stress_all SECONDS PROCS MIB BACKEND... runs,
# between "=== BEGIN/END" markers the host parses:
#   stress-sysctl   bad writes to every knob of the series (migrate-stress sysctl)
#   stress-poison   memory errors in the middle of a batch, per backend
#   stress@BACKEND  SECONDS of migrate-stress run (PROCS processes of MIB
#                   MiB) while this shell switches the copy policy every
#                   second, compacts memory, reloads the backend modules,
#                   and allocation and copy failures are injected into
#                   the migrating threads; NUMA balancing and kmigrated on
#   stress-end      nothing left isolated, every module unloads
# and "=== STRESS BACKEND key=value..." lines for the summary table
# (scripts/stress-report.py).

FI=/sys/kernel/debug
NUMAB=$FI/sched/numa_balancing
# fault injection "times": failures left to inject; what is left at the
# end tells how many were
FI_TIMES=1000000000

vmstat_of() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}

isolated() {
	echo $(($(vmstat_of nr_isolated_anon) + $(vmstat_of nr_isolated_file)))
}

# fault_setup DIR PROBABILITY: fail allocations or copies of the threads
# marked make-it-fail (migrate-stress's migrating threads), quietly
fault_setup() {
	echo Y > "$1/task-filter" &&
	echo 0 > "$1/verbose" &&
	echo 1 > "$1/interval" &&
	echo $FI_TIMES > "$1/times" &&
	echo "$2" > "$1/probability"
}

# fault_done DIR: stop injecting; prints how many failures were injected
fault_done() {
	echo 0 > "$1/probability"
	echo $((FI_TIMES - $(cat "$1/times")))
	echo 1 > "$1/times"
}

load_backend_modules() {
	modprobe dmasim channels=4 && modprobe dcbm calibrate=0 &&
		modprobe test_migrate_copy
}

# reload_modules N: unload and load again the modules that provide
# backends (test_migrate_copy on even N, dcbm and its engine on odd N)
# while migrations run; the policies name "serial" for the moment, since a
# policy that names a backend holds its module.
reload_modules() {
	set_copy_policy serial || return 1
	if [ $(($1 % 2)) = 0 ]; then
		rmmod test_migrate_copy && modprobe test_migrate_copy
	else
		rmmod dcbm && rmmod dmasim && load_backend_modules
	fi
}

# The policies a run for BACKEND cycles through, one a second ("a,b" is
# the chain "a b")
policy_cycle() {
	case $1 in
	serial)		echo "serial auto serial test-module" ;;
	multithreaded)	echo "multithreaded auto multithreaded multithreaded,dma serial multithreaded,test-module" ;;
	dma)		echo "dma auto dma dma,multithreaded serial test-module,dma" ;;
	auto)		echo "auto serial auto multithreaded auto dma" ;;
	*)		echo "$1" ;;
	esac
}

stress_backend() {
	b=$1 seconds=$2 procs=$3 mib=$4
	name=stress@$b
	rcfile=/tmp/rc.$b

	echo "=== BEGIN $name"
	if ! set_copy_policy "$b"; then
		echo "cannot select copy backend $b"
		echo "=== END $name rc=1"
		return
	fi
	success0=$(vmstat_of pgmigrate_success)
	batched0=$(vmstat_of pgmigrate_copy_batched)
	thp0=$(vmstat_of thp_migration_success)
	kmig0=$(vmstat_of kmigrated_migrated)
	fault_setup $FI/fail_page_alloc 2
	fault_setup $FI/fail_migrate_copy 1
	rm -f $rcfile
	(/tests/migrate-stress run "$seconds" "$procs" "$mib" \
		/sys/fs/cgroup/migrate-stress-"$b"; echo $? > $rcfile) &
	# compaction, which takes seconds, in a loop of its own
	: > /tmp/compact.$b
	(while [ ! -e $rcfile ]; do
		echo 1 > /proc/sys/vm/compact_memory
		echo >> /tmp/compact.$b
		sleep 2
	done) &
	compact_pid=$!
	t=0 switches=0 reloads=0 reload_fail=0
	cycle=$(policy_cycle "$b")
	while [ ! -e $rcfile ]; do
		sleep 1
		t=$((t + 1))
		set -- $cycle
		shift $((t % $#))
		set_copy_policy "$(echo "$1" | tr , ' ')" &&
			switches=$((switches + 1))
		[ $((t % 4)) != 0 ] ||
			echo $((t / 4 % 4 + 1)) > /proc/sys/vm/migrate_copy_threads
		# copies that fail with EIO are copied again on the CPU; with
		# EHWPOISON the folio stays where it was
		[ $((t % 5)) != 0 ] ||
			echo $((t / 5 % 2 ? 5 : 133)) > $FI/fail_migrate_copy/errno
		if [ $((t % 7)) = 0 ]; then
			if reload_modules $((t / 7)); then
				reloads=$((reloads + 1))
			else
				reload_fail=$((reload_fail + 1))
				echo "# module reload $((t / 7)) failed"
				load_backend_modules 2>/dev/null
			fi
			switches=$((switches + 1))
		fi
	done
	wait $compact_pid
	alloc_faults=$(fault_done $FI/fail_page_alloc)
	copy_faults=$(fault_done $FI/fail_migrate_copy)
	echo 133 > $FI/fail_migrate_copy/errno
	reload_failures=$((reload_failures + reload_fail))
	echo "=== STRESS $b seconds=$seconds" \
		"pages=$(($(vmstat_of pgmigrate_success) - success0))" \
		"thps=$(($(vmstat_of thp_migration_success) - thp0))" \
		"batched_folios=$(($(vmstat_of pgmigrate_copy_batched) - batched0))" \
		"kmigrated_pages=$(($(vmstat_of kmigrated_migrated) - kmig0))" \
		"compactions=$(wc -l < /tmp/compact.$b)" \
		"switches=$switches reloads=$reloads reload_failures=$reload_fail" \
		"alloc_faults=$alloc_faults copy_faults=$copy_faults"
	echo "=== END $name rc=$(cat $rcfile)"
	set_copy_policy auto
}

stress_all() {
	seconds=$1 procs=$2 mib=$3
	shift 3

	mount -t debugfs debugfs $FI 2>/dev/null
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
	lsmod | grep -q '^dmasim' || load_backend_modules
	lsmod | grep -q '^test_migrate_copy' || modprobe test_migrate_copy
	isolated0=$(isolated)
	reload_failures=0

	run_test stress-sysctl /tests/migrate-stress sysctl
	run_test stress-poison /tests/migrate-stress poison serial multithreaded dma |
		tee /tmp/poison.log
	hwpoison=$(sed -n 's/^# stat hwpoison_injected //p' /tmp/poison.log)

	# Fault injection reaches destination folios (order 0 and THPs,
	# movable, allocations that may sleep) of marked threads only
	echo N > $FI/fail_page_alloc/ignore-gfp-wait
	echo N > $FI/fail_page_alloc/ignore-gfp-highmem
	echo 0 > $FI/fail_page_alloc/min-order
	# NUMA balancing scans every 100 ms, kmigrated takes its faults
	echo 100 > $NUMAB/scan_delay_ms
	echo 100 > $NUMAB/scan_period_min_ms
	echo 1 > /proc/sys/kernel/numa_balancing
	echo 1 > /proc/sys/vm/kmigrated_enabled
	for b in "$@"; do
		stress_backend "$b" "$seconds" "$procs" "$mib"
	done
	echo 0 > /proc/sys/kernel/numa_balancing
	echo 0 > /proc/sys/vm/kmigrated_enabled

	echo "=== BEGIN stress-end"
	echo "1..3"
	# kmigrated gives back what it queued when disabled; migrations end
	# with their syscalls.  Wait for stragglers, then compare.
	n=0
	while [ "$(isolated)" != "$isolated0" ] && [ $n -lt 30 ]; do
		sleep 1
		n=$((n + 1))
	done
	leaked=$(($(isolated) - isolated0))
	[ $leaked = 0 ] && echo "ok 1 nothing_isolated" ||
		echo "not ok 1 nothing_isolated ($leaked pages still isolated)"
	set_copy_policy auto
	if rmmod test_migrate_copy && rmmod dcbm && rmmod dmasim; then
		echo "ok 2 modules_unload"
		load_backend_modules
	else
		echo "not ok 2 modules_unload (a module is still held)"
	fi
	[ $reload_failures = 0 ] && echo "ok 3 module_reloads" ||
		echo "not ok 3 module_reloads ($reload_failures failed)"
	echo "=== STRESS end leaked_pages=$leaked hwpoison=${hwpoison:-0}"
	echo "=== END stress-end rc=0"
}
