# SPDX-License-Identifier: GPL-2.0
# "make bench", inside the VM.  scripts/bench.sh puts MODE (quick|full)
# and KERNEL (vanilla|patched) above this line.  Every result is a
# "BENCH,..." line on ttyS1; scripts/bench-report.py turns them into
# tables.  Nothing here judges the numbers.
. /lib.sh

if [ "$MODE" = full ]; then
	TOTAL_KB=$((512 * 1024)) THP_TOTAL_KB=$TOTAL_KB
	BATCHES="1 2 4 8 16 32 64 128 256 512 1024"
	REPS=5 WORKSETS_KB="4 2048 262144" LOAD_S=30
else
	TOTAL_KB=$((16 * 1024)) THP_TOTAL_KB=$((64 * 1024))
	BATCHES="1 16 256" REPS=5 WORKSETS_KB="4 2048 65536" LOAD_S=10
fi
# Copy configurations: vanilla, or each backend of the patched kernel,
# the multithreaded one with 1, 2, ... up to all vCPUs.
if [ "$KERNEL" = vanilla ]; then
	CONFIGS=vanilla
else
	CONFIGS=serial
	t=1
	while [ "$t" -le "$(nproc)" ]; do
		CONFIGS="$CONFIGS mt$t"
		t=$((t * 2))
	done
fi
echo "BENCH,meta,kernel=$KERNEL,release=$(uname -r),bench_mode=$MODE,cpus=$(nproc),batch_pages=512"

# Don't let NUMA balancing move pages behind the benchmark's back
echo 0 > /proc/sys/kernel/numa_balancing

select_config() {
	[ "$KERNEL" = patched ] || return 0
	case $1 in
	serial)	set_copy_policy serial ;;
	mt*)	set_copy_policy multithreaded
		echo "${1#mt}" > /proc/sys/vm/migrate_copy_threads ;;
	esac
}

for cfg in $CONFIGS; do
	select_config "$cfg"
	for kind in 4k thp; do
		kb=$TOTAL_KB
		[ $kind = thp ] && kb=$THP_TOTAL_KB
		for node in 1 2; do
			for batch in $BATCHES; do
				migrate-bench throughput $kind $kb $batch $node $REPS |
					sed "s/^BENCH,/BENCH,config=$cfg,/"
			done
		done
	done
done

# The ceiling: what one and all vCPUs can copy from node 0 to node 1
for threads in 1 "$(nproc)"; do
	migrate-bench memcpy 64 "$threads" "$REPS" | sed "s/^BENCH,/BENCH,config=$KERNEL,/"
done

# TLB shootdowns and pages/s while threads on every vCPU touch the memory
select_config serial
migrate-bench load 64 "$(nproc)" "$LOAD_S" | sed "s/^BENCH,/BENCH,config=$KERNEL,/"

# Where the time goes: share of migrate_pages() spent in the batch copy,
# from the mm_migrate_copy_batch tracepoint (the patched kernel has it)
T=/sys/kernel/tracing
if [ "$KERNEL" = patched ] && [ -e $T/events/migrate/mm_migrate_copy_batch ]; then
	echo 1 > $T/events/migrate/mm_migrate_copy_batch/enable
	for ws in $WORKSETS_KB; do
		for kind in 4k thp; do
			[ "$kind" = thp ] && [ "$ws" -lt 2048 ] && continue
			for rep in $(seq "$REPS"); do
				echo > $T/trace
				out=$(migrate-bench throughput $kind "$ws" 1024 1 1)
				copy_ns=$(grep -o 'duration_ns=[0-9]*' $T/trace |
					  awk -F= '{s += $2} END {print s + 0}')
				echo "$out" | sed "s/^BENCH,throughput,/BENCH,cost,config=serial,copy_ns=$copy_ns,/"
			done
		done
	done
	echo 0 > $T/events/migrate/mm_migrate_copy_batch/enable
fi
