#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's own DMAengine test client, dmatest, on every channel of the
# software memcpy engine (dmasim, loaded by the plan): the engine must copy
# exactly, also when slowed down to hardware speeds, and the errors and
# stuck descriptors it injects must reach the client as failures, or
# nothing built on it can be trusted.  Prints TAP.
D=/sys/module/dmatest/parameters
S=/sys/module/dmasim/parameters
ITERATIONS=40
CHANNELS=$(ls -d /sys/class/dma/dma*chan* 2>/dev/null | wc -l)

echo "TAP version 13"
echo "1..4"
if [ ! -d $S ] || ! modprobe dmatest; then
	for t in copies_exactly copies_at_hardware_speed injected_errors_fail \
		 stuck_descriptors_time_out; do
		echo "ok - $t # SKIP dmasim or dmatest not available"
	done
	exit 4
fi

# run ITERATIONS TIMEOUT_MS: dmatest on every dmasim channel; prints one
# "TESTS FAILURES" line per test thread
run() {
	dmesg -c >/dev/null
	echo "$2" > $D/timeout
	echo "$1" > $D/iterations
	echo dmasim > $D/device
	echo "" > $D/channel
	echo 1 > $D/run
	cat $D/wait >/dev/null
	dmesg | sed -n 's/.*dmatest: dma.*summary \([0-9]*\) tests, \([0-9]*\) failures.*/\1 \2/p'
}

# check NAME EXPECT OUTPUT: EXPECT is "clean" (every thread ran all its
# iterations without failure) or "failures" (some failed)
n=0
check() {
	n=$((n + 1))
	threads=$(echo "$3" | grep -c .)
	tests=$(echo "$3" | awk '{ t += $1 } END { print t + 0 }')
	failures=$(echo "$3" | awk '{ f += $2 } END { print f + 0 }')
	echo "# $1: $threads threads, $tests tests, $failures failures"
	if [ "$threads" -ne "$CHANNELS" ] || [ "$tests" -ne $((ITERATIONS * CHANNELS)) ]; then
		echo "# expected $CHANNELS threads of $ITERATIONS tests"
		echo "not ok $n $1"
		return
	fi
	case $2 in
	clean)		[ "$failures" -eq 0 ] ;;
	failures)	[ "$failures" -gt 0 ] ;;
	esac && echo "ok $n $1" || echo "not ok $n $1"
}

check copies_exactly clean "$(run $ITERATIONS 2000)"

# The anchors' engine: PTDMA-like channels, 768 MB/s and 10 us each
echo 768 > $S/bandwidth_mbps
echo 10 > $S/latency_us
check copies_at_hardware_speed clean "$(run $ITERATIONS 2000)"
echo 0 > $S/bandwidth_mbps
echo 0 > $S/latency_us

echo 5 > $S/fail_every
check injected_errors_fail failures "$(run $ITERATIONS 2000)"
echo 0 > $S/fail_every

echo 7 > $S/stuck_every
check stuck_descriptors_time_out failures "$(run $ITERATIONS 200)"
echo 0 > $S/stuck_every

# Give the channels back for the other clients
rmmod dmatest
