#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh SRC OBJ [FRAGMENT...]: configure and build a kernel from SRC
# into OBJ with ccache, using tinyconfig + configs/test.config + the extra
# fragments (configs/series.config for patched kernels: options vanilla
# lacks; configs/release.config for benchmarks).  Fails when the last
# word of the fragments on an option did not make it into the final
# .config.  KARCH=arm64 cross-compiles, with configs/arm64.config in
# place of test.config (scripts/lib-core.sh).
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$1" && pwd)
OBJ=$2
mkdir -p "$OBJ" "$CCACHE_DIR"
OBJ=$(cd "$OBJ" && pwd)
shift 2
FRAGS=("$TOP/$KCONFIG" "$@")
KMAKE=(make -s -C "$SRC" O="$OBJ" ARCH="$KARCH" CROSS_COMPILE="$KCROSS"
       CC="ccache ${KCROSS}gcc" -j"$(nproc)")

# Reconfigure only when the fragment changed, so incremental builds stay
# incremental.
if ! cat "${FRAGS[@]}" | cmp -s - "$OBJ/.fragment" || [ ! -f "$OBJ/.config" ]; then
	"${KMAKE[@]}" tinyconfig >/dev/null
	"$SRC"/scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "${FRAGS[@]}" >/dev/null
	"${KMAKE[@]}" olddefconfig >/dev/null
	cat "${FRAGS[@]}" > "$OBJ/.fragment"
fi
# The last word on each option counts: a later fragment may switch off
# ("# CONFIG_X is not set") what an earlier one switched on.
missing=$(cat "${FRAGS[@]}" |
	sed -n 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p; /^CONFIG_/p' |
	awk -F= '{ if (!($1 in last)) order[n++] = $1; last[$1] = $0 }
		 END { for (i = 0; i < n; i++) print last[order[i]] }' |
	while read -r opt; do
		case $opt in
		*=n)	! grep -q "^${opt%=n}=" "$OBJ/.config" || echo "$opt" ;;
		*)	grep -qx "$opt" "$OBJ/.config" || echo "$opt" ;;
		esac
	done)
[ -z "$missing" ] || die "options dropped by olddefconfig (missing dependency?):
$missing"

"${KMAKE[@]}" "$KTARGET" modules
note "built $OBJ/$KIMAGE ($(make -s -C "$SRC" O="$OBJ" kernelrelease))"
