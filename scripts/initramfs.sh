#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# initramfs.sh SRC OBJ PLAN OUT: pack busybox, guest/init, the plan, static
# test programs built from SRC (kselftests listed in guest/selftests.list,
# guest/*.c), the harness's guest/test-*.sh that the list names, numactl's
# tools and OBJ's modules into OUT (cpio.gz).  KARCH=arm64 cross-compiles
# the programs against the arm64 sysroot of scripts/deps.sh, packs its
# busybox and leaves numactl's tools and mkfs.xfs out.  SELFTESTS_LIST:
# the list to build and pack as /tests/selftests.list (default
# guest/selftests.list).
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$1" && pwd)
OBJ=$(cd "$2" && pwd)
PLAN=$3
OUT=$4
ROOT=$OBJ/initramfs
ST=$OBJ/selftests
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,dev,proc,sys,tmp,tests,lib,lib64,usr/bin} "$ST"

LIST=${SELFTESTS_LIST:-$TOP/guest/selftests.list}
CC=${KCROSS}gcc
CFLAGS=(-static)
BUSYBOX=/bin/busybox
if [ "$KARCH" = arm64 ]; then
	SYSROOT=$CACHE/sysroot-arm64
	CFLAGS+=(-I"$SYSROOT/usr/include" -L"$SYSROOT/usr/lib/aarch64-linux-gnu")
	BUSYBOX=$SYSROOT/bin/busybox
	[ -x "$BUSYBOX" ] || die "no arm64 busybox in $SYSROOT (run scripts/deps.sh)"
fi
KMAKE=(make -s -C "$SRC" O="$OBJ" ARCH="$KARCH" CROSS_COMPILE="$KCROSS")

# uapi headers of this tree, for the selftests
"${KMAKE[@]}" headers
# SELFTESTS= (empty) builds none, e.g. for a vanilla tree that lacks ours
SELFTESTS=${SELFTESTS-$(grep -v "^#" "$LIST" | cut -d: -f1 | cut -d@ -f1 | sort -u)}
for t in $SELFTESTS; do
	# A test of the harness's own (guest/test-NAME.sh), not a kselftest
	if [ -f "$TOP/guest/test-$t.sh" ]; then
		cp "$TOP/guest/test-$t.sh" "$ROOT/tests/$t"
		chmod +x "$ROOT/tests/$t"
		continue
	fi
	make -s -C "$SRC/tools/testing/selftests/mm" OUTPUT="$ST" \
		ARCH="$KARCH" CROSS_COMPILE="$KCROSS" \
		KHDR_INCLUDES="-isystem $OBJ/usr/include" EXTRA_CFLAGS="${CFLAGS[*]}" \
		"$ST/$t" 2>&1 | grep -v -e getaddrinfo -e 'affinity_ip' || true
	[ -x "$ST/$t" ] || die "selftest $t did not build"
	cp "$ST/$t" "$ROOT/tests/"
done
cp "$LIST" "$ROOT/tests/selftests.list"
for c in "$TOP"/guest/*.c; do
	"$CC" -O2 -Wall "${CFLAGS[@]}" -isystem "$OBJ/usr/include" -o "$ROOT/tests/$(basename "$c" .c)" \
		"$c" -lnuma -lpthread -lm 2>&1 | grep -v -e getaddrinfo -e 'affinity_ip' || true
	[ -x "$ROOT/tests/$(basename "$c" .c)" ] || die "$c did not build"
done

cp "$BUSYBOX" "$ROOT/bin/busybox"
cp "$TOP/guest/init" "$ROOT/init"
cp "$TOP/guest/lib.sh" "$ROOT/lib.sh"
cp "$TOP/guest/stress.sh" "$ROOT/stress.sh"
# busybox sh runs it in the guest, after a boot: catch a syntax error here
bash -n "$PLAN" || die "$PLAN: syntax error"
cp "$PLAN" "$ROOT/plan.sh"
chmod +x "$ROOT/init"

# numactl's tools and mkfs.xfs are dynamically linked: bring their
# libraries along (the host's: x86_64 only).
HOST_TOOLS=(numactl numastat migratepages mkfs.xfs)
[ "$KARCH" = x86_64 ] || HOST_TOOLS=()
for b in "${HOST_TOOLS[@]}"; do
	p=$(PATH=$PATH:/usr/sbin:/sbin command -v "$b") ||
		die "$b not installed (run scripts/deps.sh)"
	cp "$p" "$ROOT/usr/bin/"
	for l in $(ldd "$p" | grep -o '/[^ ]*'); do
		mkdir -p "$ROOT$(dirname "$l")"
		cp -L "$l" "$ROOT$l"
	done
done

if grep -q '^CONFIG_MODULES=y' "$OBJ/.config"; then
	"${KMAKE[@]}" INSTALL_MOD_PATH="$ROOT" \
		INSTALL_MOD_STRIP=1 modules_install >/dev/null
fi

(cd "$ROOT" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
