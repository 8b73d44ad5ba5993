#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build.sh SRC OBJ [FRAGMENT...]: configure and build a kernel from SRC
# into OBJ with ccache, using tinyconfig + configs/test.config + the extra
# fragments (configs/series.config for patched kernels: options vanilla
# lacks).  Fails when an option of a fragment did not make it into the
# final .config.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$1" && pwd)
OBJ=$2
mkdir -p "$OBJ" "$CCACHE_DIR"
OBJ=$(cd "$OBJ" && pwd)
shift 2
FRAGS=("$TOP/configs/test.config" "$@")
KMAKE=(make -s -C "$SRC" O="$OBJ" ARCH=x86_64 CC="ccache gcc" -j"$(nproc)")

# Reconfigure only when the fragment changed, so incremental builds stay
# incremental.
if ! cat "${FRAGS[@]}" | cmp -s - "$OBJ/.fragment" || [ ! -f "$OBJ/.config" ]; then
	"${KMAKE[@]}" tinyconfig >/dev/null
	"$SRC"/scripts/kconfig/merge_config.sh -m -O "$OBJ" "$OBJ/.config" "${FRAGS[@]}" >/dev/null
	"${KMAKE[@]}" olddefconfig >/dev/null
	cat "${FRAGS[@]}" > "$OBJ/.fragment"
fi
missing=$(grep -h '^CONFIG_' "${FRAGS[@]}" | while read -r opt; do
	grep -qx "$opt" "$OBJ/.config" || echo "$opt"
done)
[ -z "$missing" ] || die "options dropped by olddefconfig (missing dependency?):
$missing"

"${KMAKE[@]}" bzImage modules
note "built $OBJ/arch/x86/boot/bzImage ($(make -s -C "$SRC" O="$OBJ" kernelrelease))"
