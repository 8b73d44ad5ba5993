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
	NUMAB_MB=256 NUMAB_S=30
	LAT_BATCHES_4K="1 2 4 8 16 32 64 128 256 512 1024"
	LAT_BATCHES_THP="1 2 4 8 16 32" LAT_CALLS_4K=200 LAT_CALLS_THP=100
else
	TOTAL_KB=$((16 * 1024)) THP_TOTAL_KB=$((64 * 1024))
	BATCHES="1 16 256" REPS=5 WORKSETS_KB="4 2048 65536" LOAD_S=5
	NUMAB_MB=64 NUMAB_S=10
	LAT_BATCHES_4K="1 64 512 1024"
	LAT_BATCHES_THP="1 8" LAT_CALLS_4K=60 LAT_CALLS_THP=20
fi
NUMAB_REPS=3 LOAD_REPS=3 LAT_REPS=3 CAL_REPS=3
# From the kernel command line (init's environment), for a run that must
# be short (a borrowed machine's time): bench_only=load,numab runs only
# those parts (throughput, latency, memcpy, load, numab, cost,
# calibration; default all), numab_s= and numab_reps= size the NUMA
# balancing runs, load_reps= the load runs.
NUMAB_S=${numab_s:-$NUMAB_S} NUMAB_REPS=${numab_reps:-$NUMAB_REPS}
LOAD_REPS=${load_reps:-$LOAD_REPS}
# lat_batches_4k= and lat_batches_thp= replace the latency part's batch
# sizes; set empty, they leave that kind out
LAT_BATCHES_4K=${lat_batches_4k-$LAT_BATCHES_4K}
LAT_BATCHES_THP=${lat_batches_thp-$LAT_BATCHES_THP}
part() {
	[ -n "${bench_only:-}" ] || return 0
	case ",$bench_only," in *",$1,"*) return 0 ;; esac
	return 1
}
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
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
	# The DMA backend on the software engine (dmasim): "dma" copies at
	# memcpy speed, so what it adds over serial is the offload overhead
	# (mapping, descriptors, completions); "dma-ptdma" has the channels of
	# an AMD PTDMA as the DMA RFC measured it: 768 MB/s, and about 10 us
	# per 4 KiB descriptor beyond that (16 us per 4 KiB page in all).
	if modprobe dmasim channels=4 && modprobe dcbm calibrate=0; then
		CONFIGS="$CONFIGS dma dma-ptdma"
	fi
fi
SIM=/sys/module/dmasim/parameters
PTDMA_MBPS=768 PTDMA_LATENCY_US=10

# dmasim_model memcpy|ptdma: the speed of the software engine's channels
dmasim_model() {
	case $1 in
	memcpy)	echo 0 > $SIM/bandwidth_mbps; echo 0 > $SIM/latency_us ;;
	ptdma)	echo $PTDMA_MBPS > $SIM/bandwidth_mbps
		echo $PTDMA_LATENCY_US > $SIM/latency_us ;;
	esac
}
echo "BENCH,meta,kernel=$KERNEL,release=$(uname -r),bench_mode=$MODE,cpus=$(nproc),batch_pages=512,only=$(echo "${bench_only:-all}" | tr , +)"

# Don't let NUMA balancing move pages behind the benchmark's back
echo 0 > /proc/sys/kernel/numa_balancing

select_config() {
	[ "$KERNEL" = patched ] || return 0
	case $1 in
	serial)	set_copy_policy serial ;;
	mt*)	set_copy_policy multithreaded
		echo "${1#mt}" > /proc/sys/vm/migrate_copy_threads ;;
	dma)	dmasim_model memcpy; set_copy_policy dma ;;
	dma-ptdma) dmasim_model ptdma; set_copy_policy dma ;;
	esac
}

# A run that breaks is counted and fails the plan at the end (busybox sh
# has no pipefail: a pipeline's status would be sed's).
FAILED=0
fail() {
	echo "=== BENCH ERROR: $*"
	FAILED=$((FAILED + 1))
}

# bench CONFIG COMMAND...: run a measurement, its lines tagged with CONFIG
# (and with repetition REP, where set: a command that made one)
bench() {
	local cfg=$1 out

	shift
	if out=$("$@"); then
		[ -z "$out" ] || echo "$out" |
			sed "s/^BENCH,/BENCH,config=$cfg,/; s/,rep=0,/,rep=${REP:-0},/"
	else
		fail "$cfg: $*"
	fi
}

# Throughput.  Every repetition runs each configuration once, in turn,
# after a round that is not reported (the first allocations and copies
# warm caches and TLBs): drift and order effects then touch every
# configuration alike, instead of whichever ran first.
if part throughput; then
	for REP in $(seq 0 "$REPS"); do
		for cfg in $CONFIGS; do
			select_config "$cfg" || { fail "cannot select $cfg"; continue; }
			for kind in 4k thp; do
				kb=$TOTAL_KB
				[ $kind = thp ] && kb=$THP_TOTAL_KB
				for node in 1 2; do
					for batch in $BATCHES; do
						if [ "$REP" = 0 ]; then
							migrate-bench throughput $kind $kb $batch $node 1 > /dev/null ||
								fail "warm-up $cfg $kind $batch $node"
							continue
						fi
						bench "$cfg" migrate-bench throughput $kind $kb $batch $node 1
					done
				done
			done
		done
	done
fi

unset REP

# Latency against batch size, node 0 -> 1: per move_pages() call, and
# until the first folio of the call is mapped again (a task touching it
# waits that long).  The patched kernel copies a batch as a whole before
# it remaps its folios, so batching delays the first folio to the end of
# the batch's copy (vanilla copies and remaps one folio after the other);
# the batch bound (512 pages) bounds that, whatever the call's size.
# Vanilla, serial and the multithreaded backend with all vCPUs.
if part latency; then
	if [ "$KERNEL" = vanilla ]; then
		LAT_CONFIGS=vanilla
	else
		LAT_CONFIGS="serial mt$(nproc)"
	fi
	for cfg in $LAT_CONFIGS; do
		select_config "$cfg" || { fail "cannot select $cfg"; continue; }
		for batch in $LAT_BATCHES_4K; do
			bench "$cfg" migrate-bench latency 4k "$TOTAL_KB" "$batch" 1 "$LAT_CALLS_4K" "$LAT_REPS"
		done
		for batch in $LAT_BATCHES_THP; do
			bench "$cfg" migrate-bench latency thp "$THP_TOTAL_KB" "$batch" 1 "$LAT_CALLS_THP" "$LAT_REPS"
		done
	done
fi

# The ceiling: what one and all vCPUs can copy from node 0 to node 1
if part memcpy; then
	for threads in 1 "$(nproc)"; do
		bench "$KERNEL" migrate-bench memcpy 64 "$threads" "$REPS"
	done
fi

# TLB shootdowns and pages/s while threads on every vCPU touch the
# memory: they write 4 KiB pages and THPs, and read 4 KiB pages made
# read-only ("ro": the patched kernel defers their flush,
# vm.migrate_deferred_flush_pages; "ro-busy": threads mostly busy with
# memory of their own, so running, not waiting on migration entries,
# when a flush comes); the patched kernel also with 16 THPs
# per batch (vm.migrate_batch_thps), so that THPs share a batch's TLB
# flush, and "ro" without the deferral.  Interleaved, as the throughput
# runs are.
if part load; then
	select_config serial || fail "cannot select serial"
	BATCH_THPS=/proc/sys/vm/migrate_batch_thps
	DEFERRED=/proc/sys/vm/migrate_deferred_flush_pages
	for rep in $(seq "$LOAD_REPS"); do
		for kind in 4k thp ro ro-busy; do
			bench "$KERNEL" migrate-bench load $kind 64 "$(nproc)" "$LOAD_S"
		done
		if [ "$KERNEL" = patched ] && [ -e $DEFERRED ]; then
			deferred=$(cat $DEFERRED)
			echo 0 > $DEFERRED || fail "cannot set $DEFERRED"
			for kind in ro ro-busy; do
				bench patched-nodefer migrate-bench load $kind 64 "$(nproc)" "$LOAD_S"
			done
			echo "$deferred" > $DEFERRED
		fi
		if [ "$KERNEL" = patched ] && [ -e $BATCH_THPS ]; then
			echo 16 > $BATCH_THPS || fail "cannot set $BATCH_THPS"
			bench patched-b16 migrate-bench load thp 64 "$(nproc)" "$LOAD_S"
			echo 1 > $BATCH_THPS
		fi
	done
fi

# NUMA balancing at work: memory starts on node 1 while threads on node
# 0 sweep it; hint-fault latency, time to placement, sweeps done and
# kmigrated's CPU time.  The faulting task migrates ("vanilla", "sync":
# kmigrated disabled) or kmigrated does ("kmigrated", and "kmigrated-q16"
# with the queue bound at 16 MiB); each repetition runs every
# configuration of the kernel, in turn.  Then the same from node 2 with numa_balancing=2, where node 2 is
# a lower memory tier (the VM's HMAT): promotion.  Scans are sped up so
# that a run takes seconds; the patched kernel copies with serial.
NUMAB=/sys/kernel/debug/sched/numa_balancing
KMIGRATED=/proc/sys/vm/kmigrated_enabled
KMIGRATED_QUEUE=/proc/sys/vm/kmigrated_queue_pages
NUMAB_CONFIGS=vanilla
# kmigrated-q16: kmigrated with the queue bound at 16 MiB, what a burst
# of THP faults overflows, against the default
[ "$KERNEL" = vanilla ] || NUMAB_CONFIGS="sync kmigrated kmigrated-q16"
# numab_runs FROM: every kind and configuration, NUMAB_REPS times
numab_runs() {
	local queue

	[ ! -e $KMIGRATED_QUEUE ] || queue=$(cat $KMIGRATED_QUEUE)
	page_kb=$(awk '/^KernelPageSize:/ { print $2; exit }' /proc/self/smaps)
	for kind in 4k thp; do
		for rep in $(seq "$NUMAB_REPS"); do
			for cfg in $NUMAB_CONFIGS; do
				case $cfg in
				sync)	echo 0 > $KMIGRATED ;;
				kmigrated) echo 1 > $KMIGRATED ;;
				kmigrated-q16)
					echo 1 > $KMIGRATED && [ -n "$page_kb" ] &&
					echo $((16 * 1024 / page_kb)) > $KMIGRATED_QUEUE ;;
				esac || { fail "cannot set up $cfg"; continue; }
				bench "$cfg" migrate-bench numab "$kind" "$NUMAB_MB" 2 "$NUMAB_S" "$1"
				[ -z "$queue" ] || echo "$queue" > $KMIGRATED_QUEUE ||
					fail "cannot restore $KMIGRATED_QUEUE"
			done
		done
	done
	[ ! -e $KMIGRATED ] || echo 0 > $KMIGRATED
}
# tier_of NODE: N of the memory_tierN whose nodelist ("0-1", "2") holds NODE
tier_of() {
	local d r

	for d in /sys/devices/virtual/memory_tiering/memory_tier*; do
		for r in $(tr , ' ' < "$d/nodelist" 2>/dev/null); do
			if [ "$1" -ge "${r%-*}" ] && [ "$1" -le "${r#*-}" ]; then
				echo "${d##*memory_tier}"
				return
			fi
		done
	done
}
if part numab && [ -d $NUMAB ]; then
	if [ "$KERNEL" = patched ] && [ ! -e $KMIGRATED ]; then
		fail "the patched kernel has no kmigrated"
	fi
	select_config serial || fail "cannot select serial"
	echo 100 > $NUMAB/scan_delay_ms
	echo 100 > $NUMAB/scan_period_min_ms
	echo 400 > $NUMAB/scan_period_max_ms
	echo 64 > $NUMAB/scan_size_mb
	echo 1 > /proc/sys/kernel/numa_balancing
	numab_runs 1
	tier0=$(tier_of 0) tier2=$(tier_of 2)
	echo "BENCH,tiers,kernel=$KERNEL,node0=${tier0:--1},node2=${tier2:--1}"
	if [ -n "$tier0" ] && [ -n "$tier2" ] && [ "$tier2" -gt "$tier0" ]; then
		echo 2 > /proc/sys/kernel/numa_balancing
		numab_runs 2
	fi
	echo 0 > /proc/sys/kernel/numa_balancing
fi

# Where the time goes: share of migrate_pages() spent in the batch copy,
# from the mm_migrate_copy_batch tracepoint (the patched kernel has it)
T=/sys/kernel/tracing
if part cost && [ "$KERNEL" = patched ] &&
   [ -e $T/events/migrate/mm_migrate_copy_batch ]; then
	echo 1 > $T/events/migrate/mm_migrate_copy_batch/enable
	for ws in $WORKSETS_KB; do
		for kind in 4k thp; do
			[ "$kind" = thp ] && [ "$ws" -lt 2048 ] && continue
			for rep in $(seq "$REPS"); do
				echo > $T/trace
				out=$(migrate-bench throughput $kind "$ws" 1024 1 1) ||
					fail "cost $kind $ws"
				copy_ns=$(grep -o 'duration_ns=[0-9]*' $T/trace |
					  awk -F= '{s += $2} END {print s + 0}')
				echo "$out" | sed "s/^BENCH,throughput,/BENCH,cost,config=serial,copy_ns=$copy_ns,/"
			done
		done
	done
	echo 0 > $T/events/migrate/mm_migrate_copy_batch/enable
fi

# dcbm's calibration: DMA against CPU copies of 2 MiB in folios of each
# size, as it measures them when a policy first selects "dma"; "auto"
# uses DMA from the first size where DMA is faster.  Under TCG the CPU
# side is emulated and the engine's waits are real time: the crossover
# shows the mechanism, not hardware's.  CAL_REPS calibrations per model
# (dcbm reloaded for each), for the noise.
if part calibration && [ -d $SIM ]; then
	for model in memcpy ptdma; do
		for rep in $(seq "$CAL_REPS"); do
			set_copy_policy serial
			rmmod dcbm
			dmasim_model $model
			modprobe dcbm calibrate=1
			dmesg -c > /dev/null
			echo dma > /proc/sys/vm/migrate_copy/demotion
			dmesg | sed -n "s/.*dcbm: calibration: \([0-9]*\) KiB folios: cpu \([0-9]*\) us, dma \([0-9]*\) us.*/BENCH,calibration,config=dma-$model,rep=$rep,folio_kb=\1,cpu_us=\2,dma_us=\3/p"
			dmesg | sed -n "s/.*dcbm: DMA is faster from \([0-9]*\) KiB.*/BENCH,crossover,config=dma-$model,rep=$rep,folio_kb=\1/p"
			echo auto > /proc/sys/vm/migrate_copy/demotion
		done
	done
	dmasim_model memcpy
fi

echo "BENCH,failures,kernel=$KERNEL,runs=$FAILED"
[ "$FAILED" = 0 ]
