#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh SRC OBJ: configure and build a kernel from SRC into OBJ with
# ccache, using tinyconfig + configs/test.config.  Fails when an option of
# the fragment did not make it into the final .config.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$1" && pwd)
OBJ=$2
mkdir -p "$OBJ" "$CCACHE_DIR"
OBJ=$(cd "$OBJ" && pwd)
FRAG=$TOP/configs/test.config
KMAKE=(make -s -C "$SRC" O="$OBJ" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)")

# Reconfigure only when the fragment changed, so incremental builds stay
# incremental.
if ! cmp -s "$FRAG" "$OBJ/.fragment" 2>/dev/null || [ ! -f "$OBJ/.config" ]; then
	"${KMAKE[@]}" tinyconfig >/dev/null
	"$SRC"/scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "$FRAG" >/dev/null
	"${KMAKE[@]}" olddefconfig >/dev/null
	cp "$FRAG" "$OBJ/.fragment"
fi
# Extra options the series' own tests need (KUnit suites, drivers) come
# from configs/series.config, which may name symbols vanilla lacks.
missing=$(grep -h '^CONFIG_' "$FRAG" | while read -r opt; do
	grep -qx "$opt" "$OBJ/.config" || echo "$opt"
done)
[ -z "$missing" ] || die "options dropped by olddefconfig (missing dependency?):
$missing"

"${KMAKE[@]}" bzImage modules
note "built $OBJ/arch/x86/boot/bzImage ($(make -s -C "$SRC" O="$OBJ" kernelrelease))"
