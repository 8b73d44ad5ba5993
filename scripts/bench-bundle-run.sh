#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh [quick|full]: the entry point of the "make bench-bundle" tarball
# (scripts/bench-bundle.sh copies this file to its top as run.sh; it runs
# from there only).  Boots the vanilla and then the patched kernel of
# images/ in the benchmark VM with the bundle's own QEMU (qemu/), and
# leaves results/<kernel>/tests.log and console.log, with the VM's size
# and the host's CPU in results/host; then runs the copy benchmark under
# User-mode Linux (uml/, scripts/bench-copy-run.sh) into results/copy/;
# and packs all of it in results-<time>.tar.gz.  Needs bash and coreutils only: no network, no
# packages.  The mode defaults to the one the bundle was made for.
#
# BENCH_CPUS: vCPUs, default this machine's cores (at most 64, even);
# VM_NODE_MB, BENCH_TIMEOUT (seconds per kernel, default 3600): see
# scripts/bench-vms.sh; COPY_MIB, COPY_REPS: see scripts/bench-copy-run.sh.
# RESULTS: another folder for the results.  BENCH_PARTS: "vm copy", or
# one of them; default: what the bundle holds (VERSION's parts=).
#
# Back on the build machine, with results-<time>.tar.gz unpacked:
# scripts/bench.sh --report results/ and scripts/bench-copy-report.py
# results/copy make the tables.
. "$(dirname "$0")/scripts/lib-core.sh"

[ -x "$TOP/qemu/bin/qemu-system-x86_64" ] || die "run.sh runs from an unpacked bench bundle"
export PATH="$TOP/qemu/bin:$PATH"
RESULTS=${RESULTS:-$TOP/results}
[ ! -e "$RESULTS" ] || [ -z "$(ls -A "$RESULTS")" ] ||
	die "$RESULTS holds an earlier run: move it away first"
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
cp "$TOP/VERSION" "$RESULTS/bundle"

PARTS=${BENCH_PARTS:-$(sed -n 's/^parts=//p' "$TOP/VERSION")}
PARTS=${PARTS:-vm copy}
rc=0
case " $PARTS " in *" vm "*)
	"$TOP/scripts/bench-vms.sh" "$TOP/images" "$RESULTS" "$@" || rc=$? ;;
esac
case " $PARTS " in *" copy "*)
	stage "copy benchmark (UML)" "$TOP/scripts/bench-copy-run.sh" \
		"$TOP/uml/bin/linux" "$TOP/uml/bin/memcpy-host" "$RESULTS/copy" ||
		rc=1 ;;
esac
stamp=$(cat "$RESULTS/stamp" 2>/dev/null || date -u +%Y%m%dT%H%M%SZ)
tarball=$(dirname "$RESULTS")/results-$stamp.tar.gz
tar -C "$(dirname "$RESULTS")" -czf "$tarball" "$(basename "$RESULTS")"
note "bring back $tarball, unpack it and run scripts/bench.sh --report $(basename "$RESULTS")/ and scripts/bench-copy-report.py $(basename "$RESULTS")/copy in the harness"
exit "$rc"
