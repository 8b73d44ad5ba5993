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
#   stress-end      every module unloads, lockdep still on
# and "=== STRESS BACKEND key=value..." lines for the summary table
# (scripts/stress-report.py).

FI=/sys/kernel/debug
NUMAB=$FI/sched/numa_balancing
TRACE=/sys/kernel/tracing
COPY_EVENT=$TRACE/events/migrate/mm_migrate_copy_batch
# fault injection "times": failures left to inject; what is left at the
# end tells how many were
FI_TIMES=1000000000

vmstat_of() {
	awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat
}

# Isolated pages, the per-CPU deltas folded in first
isolated() {
	echo 1 > /proc/sys/vm/stat_refresh
	echo $(($(vmstat_of nr_isolated_anon) + $(vmstat_of nr_isolated_file)))
}

# wait_isolated N: wait up to 30 s for the isolated pages to be N or fewer
# (kmigrated gives back what it queued when disabled; migrations end
# with their syscalls); prints how many more there are
wait_isolated() {
	n=0
	# N was sampled with NUMA balancing on: it may hold pages of a
	# migration then under way, so fewer is as good as N
	while [ "$(isolated)" -gt "$1" ] && [ $n -lt 30 ]; do
		sleep 1
		n=$((n + 1))
	done
	left=$(($(isolated) - $1))
	echo $((left > 0 ? left : 0))
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
	echo $((FI_TIMES - $(cat "$1/times" 2>/dev/null || echo $FI_TIMES)))
	echo 1 > "$1/times"
}

load_backend_modules() {
	modprobe dmasim channels=4 && modprobe dcbm calibrate=0 &&
		modprobe test_migrate_copy
}

# unload MODULE: rmmod, retried while a batch that took the backend
# before the policy changed still holds the module; prints the retries
unload() {
	tries=0
	until rmmod "$1" 2>/dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 10 ] || { rmmod "$1"; return 1; }
		sleep 1
	done
	echo $tries > /tmp/unload.tries
}

# reload_modules N: unload and load again the modules that provide
# backends (test_migrate_copy on even N, dcbm and its engine on odd N)
# while migrations run.  A policy that names a backend holds its module,
# so the policies name "serial" for the moment.
reload_modules() {
	set_copy_policy serial || return 1
	if [ $(($1 % 2)) = 0 ]; then
		unload test_migrate_copy && modprobe test_migrate_copy
	else
		unload dcbm && unload dmasim && load_backend_modules
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

# tap N OK DESCRIPTION: one TAP line
tap() {
	if [ "$2" = 1 ]; then
		echo "ok $1 $3"
	else
		echo "not ok $1 $3"
	fi
}

stress_backend() {
	b=$1 seconds=$2 procs=$3 mib=$4
	rcfile=/tmp/rc.$b

	echo "=== BEGIN stress@$b"
	if ! set_copy_policy "$b"; then
		echo "cannot select copy backend $b"
		echo "=== END stress@$b rc=1"
		return
	fi
	iso0=$(isolated)
	success0=$(vmstat_of pgmigrate_success)
	batched0=$(vmstat_of pgmigrate_copy_batched)
	overlap0=$(vmstat_of pgmigrate_copy_overlapped)
	thp0=$(vmstat_of thp_migration_success)
	split0=$(vmstat_of thp_split_page)
	kmig0=$(vmstat_of kmigrated_migrated)
	# which backend copied: the batch event, filtered to this one
	# ("auto" copies with the backend it picks: any)
	echo 0 > $COPY_EVENT/enable
	echo > $TRACE/trace
	if [ "$b" = auto ]; then
		echo 0 > $COPY_EVENT/filter
	else
		echo "backend == \"$b\"" > $COPY_EVENT/filter
	fi
	echo 1 > $COPY_EVENT/enable
	faults_ok=1
	fault_setup $FI/fail_page_alloc 2 || faults_ok=0
	fault_setup $FI/fail_migrate_copy 1 || faults_ok=0
	rm -f $rcfile $rcfile.tmp
	# The run's own limit: a hang shows up as this backend's failure
	(timeout $((seconds + 300)) /tests/migrate-stress run "$seconds" \
		"$procs" "$mib" /sys/fs/cgroup/migrate-stress-"$b"
	 echo $? > $rcfile.tmp && mv $rcfile.tmp $rcfile) &
	# compaction, which takes seconds, in a loop of its own
	: > /tmp/compact.$b
	(while [ ! -e $rcfile ]; do
		echo 1 > /proc/sys/vm/compact_memory
		echo >> /tmp/compact.$b
		sleep 2
	done) &
	compact_pid=$!
	t=0 switches=0 reloads=0 reload_fail=0 unload_retries=0
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
		# EHWPOISON the batch leaves the folio where it was and
		# migrate_pages() tries it again alone
		[ $((t % 5)) != 0 ] ||
			echo $((t / 5 % 2 ? 5 : 133)) > $FI/fail_migrate_copy/errno
		# every 7th loop from the 3rd, so that a short run reloads too
		if [ $((t % 7)) = 3 ]; then
			echo 0 > /tmp/unload.tries
			if reload_modules $((t / 7)); then
				reloads=$((reloads + 1))
			else
				reload_fail=$((reload_fail + 1))
				echo "# module reload $((t / 7)) failed"
				load_backend_modules 2>/dev/null
			fi
			unload_retries=$((unload_retries + $(cat /tmp/unload.tries)))
		fi
	done
	wait $compact_pid
	echo 0 > $COPY_EVENT/enable
	echo 0 > $COPY_EVENT/filter
	copied_by=$(grep -c "backend=" $TRACE/trace)
	alloc_faults=$(fault_done $FI/fail_page_alloc)
	copy_faults=$(fault_done $FI/fail_migrate_copy)
	echo 133 > $FI/fail_migrate_copy/errno
	set_copy_policy auto
	pages=$(($(vmstat_of pgmigrate_success) - success0))
	thps=$(($(vmstat_of thp_migration_success) - thp0))
	leaked=$(wait_isolated "$iso0")

	# migrate-stress reported cases 1-4
	who=$b
	[ "$b" != auto ] || who="any backend"
	tap 5 "$([ $pages -gt 0 ] && [ $thps -gt 0 ] && echo 1)" \
		"migrated ($pages pages, $thps THPs)"
	tap 6 "$([ "$copied_by" -gt 0 ] && echo 1)" \
		"backend_copied ($copied_by batches copied by $who in the trace)"
	tap 7 "$([ $faults_ok = 1 ] && [ "$alloc_faults" -gt 0 ] &&
		[ "$copy_faults" -gt 0 ] && echo 1)" \
		"faults_injected ($alloc_faults allocations, $copy_faults copies)"
	tap 8 "$([ $reloads -gt 0 ] && [ $reload_fail = 0 ] && echo 1)" \
		"module_reloads ($reloads, $reload_fail failed, $unload_retries rmmod retries)"
	tap 9 "$([ "$leaked" = 0 ] && echo 1)" \
		"nothing_isolated ($leaked pages left isolated)"
	echo "1..9"
	echo "=== STRESS $b seconds=$seconds pages=$pages thps=$thps" \
		"batched_folios=$(($(vmstat_of pgmigrate_copy_batched) - batched0))" \
		"overlapped_batches=$(($(vmstat_of pgmigrate_copy_overlapped) - overlap0))" \
		"thp_splits=$(($(vmstat_of thp_split_page) - split0))" \
		"kmigrated_pages=$(($(vmstat_of kmigrated_migrated) - kmig0))" \
		"compactions=$(wc -l < /tmp/compact.$b)" \
		"switches=$switches reloads=$reloads" \
		"alloc_faults=$alloc_faults copy_faults=$copy_faults leaked_pages=$leaked"
	echo "=== END stress@$b rc=$(cat $rcfile)"
}

stress_all() {
	seconds=$1 procs=$2 mib=$3
	shift 3

	mount -t debugfs debugfs $FI 2>/dev/null
	mount -t tracefs tracefs $TRACE 2>/dev/null
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
	lsmod | grep -q '^dmasim' || load_backend_modules
	lsmod | grep -q '^test_migrate_copy' || modprobe test_migrate_copy

	run_test stress-sysctl /tests/migrate-stress sysctl
	run_test stress-poison /tests/migrate-stress poison serial multithreaded dma |
		tee /tmp/poison.log
	hwpoison=$(sed -n 's/^# stat hwpoison_pages //p' /tmp/poison.log)

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
	echo "1..2"
	if unload test_migrate_copy && unload dcbm && unload dmasim; then
		echo "ok 1 modules_unload"
		load_backend_modules
	else
		echo "not ok 1 modules_unload (a module is still held)"
	fi
	# lockdep turns itself off after its first report, or a taint
	locks=$(awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats 2>/dev/null)
	tap 2 "$([ "$locks" = 1 ] && echo 1)" "lockdep_on (debug_locks: ${locks:-none})"
	echo "=== STRESS end hwpoison=${hwpoison:-0}"
	echo "=== END stress-end rc=0"
}
