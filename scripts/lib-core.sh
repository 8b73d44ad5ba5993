# SPDX-License-Identifier: GPL-2.0
# The part of scripts/lib.sh that needs nothing but bash and coreutils,
# for the scripts that also run from the "make bench-bundle" tarball on a
# machine without the harness's packages (vm.sh, bench-vms.sh); sourced,
# not run.

set -euo pipefail

# The checkout, or the unpacked bundle
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

die()  { echo "error: $*" >&2; exit 1; }
# result LINE: print a "PASS|FAIL name" line, and append it to $OUT if set
result() {
	echo "$*"
	[ -z "${OUT:-}" ] || echo "$*" >> "$OUT"
}
note() { echo ">>> $*"; }

# stage NAME CMD...: run a stage and print how long it took.
stage() {
	local name=$1 t0=$SECONDS rc=0
	shift
	note "$name"
	"$@" || rc=$?
	if [ "$rc" = 0 ]; then
		note "$name: done in $((SECONDS - t0)) s"
	else
		note "$name: FAILED (rc=$rc) after $((SECONDS - t0)) s"
	fi
	return "$rc"
}

# The kernel architecture a script builds or boots: KARCH=x86_64 (the
# default) or arm64 (cross-compiled, booted with qemu-system-aarch64;
# scripts/arm64.sh).  KCROSS: the cross-compiler prefix; KIMAGE: the boot
# image under the object directory, built by "make $KTARGET"; KCONFIG:
# the fragment merged on tinyconfig before the caller's.
KARCH=${KARCH:-x86_64}
case $KARCH in
x86_64)	KCROSS= KTARGET=bzImage KIMAGE=arch/x86/boot/bzImage
	KCONFIG=configs/test.config ;;
arm64)	KCROSS=aarch64-linux-gnu- KTARGET=Image KIMAGE=arch/arm64/boot/Image
	KCONFIG=configs/arm64.config ;;
*)	die "KARCH=$KARCH: x86_64 or arm64" ;;
esac
