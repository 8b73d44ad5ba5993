#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# bench-bundle.sh [quick|full]: "make bench-bundle": build/bench-bundle.tar.gz,
# everything "make bench" boots, to run on another x86_64 Linux machine
# that has bash and coreutils but no network and no packages:
#   run.sh                  scripts/bench-bundle-run.sh: boots both kernels
#   scripts/                vm.sh, bench-vms.sh, lib-core.sh, as in make bench
#   images/                 both release kernels (bzImage, .config) and
#                           their initramfs images with the plan (bench.sh --images)
#   qemu/bin/               qemu-system-x86_64: a wrapper that runs the
#                           binary (qemu/libexec/) with the bundle's dynamic
#                           loader and libraries (qemu/lib/, from ldd),
#                           accel modules (qemu/lib/qemu/) and firmware
#                           (qemu/share/qemu/, -L)
#   uml/bin/                the copy benchmark (make bench-copy): linux,
#                           User-mode Linux with the series, and
#                           memcpy-host, both linked statically;
#                           scripts/bench-copy-run.sh runs them
#   VERSION                 what was packed, from which commit
# The mode (default quick) is the one run.sh uses unless told otherwise.
# BENCH_PREBUILT=1 packs the release kernels in build/ as they are.
# BENCH_PARTS=vm leaves the copy benchmark (and its UML build) out; run.sh
# then runs the VMs only.
. "$(dirname "$0")/lib.sh"

MODE=${1:-quick}
case $MODE in quick|full) ;; *) die "usage: bench-bundle.sh [quick|full]" ;; esac
NAME=bench-bundle
DIR=$BUILD/$NAME
TARBALL=$BUILD/$NAME.tar.gz
t0=$SECONDS
rm -rf "$DIR" "$TARBALL"
mkdir -p "$DIR"/{scripts,images,qemu/bin,qemu/libexec,qemu/lib/qemu,qemu/share/qemu} \
	"$DIR"/uml/bin

"$TOP/scripts/bench.sh" --images "$MODE" "$DIR/images"
rm -f "$DIR"/images/plan-*.sh              # inside the initramfs images
cp "$TOP/scripts/bench-bundle-run.sh" "$DIR/run.sh"
cp "$TOP"/scripts/{lib-core.sh,vm.sh,bench-vms.sh,bench-copy-run.sh} "$DIR/scripts/"

note "QEMU"
QEMU=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 not installed (run scripts/deps.sh)"
QEMU=$(readlink -f "$QEMU")
PREFIX=$(dirname "$(dirname "$QEMU")")
cp "$QEMU" "$DIR/qemu/libexec/"
# The TCG accelerator is a module in Debian's build; the rest (audio, UI,
# display devices) is not needed with -display none.
for m in "$PREFIX"/lib/*/qemu/accel-tcg-x86_64.so "$PREFIX"/lib/qemu/accel-tcg-x86_64.so; do
	[ ! -f "$m" ] || cp "$m" "$DIR/qemu/lib/qemu/"
done
# Every library they load, the dynamic loader included
for f in "$DIR"/qemu/libexec/* "$DIR"/qemu/lib/qemu/*; do
	[ -f "$f" ] || continue
	for l in $(ldd "$f" | grep -o '/[^ ]*'); do
		cp -L "$l" "$DIR/qemu/lib/"
	done
done
LOADER=$(cd "$DIR/qemu/lib" && ls ld-linux-x86-64.so.*) || die "no dynamic loader in ldd's output"
chmod +x "$DIR/qemu/lib/$LOADER"
# Firmware: the BIOS, option ROMs of the default devices (VGA, NIC) and
# the -kernel loader; the *.bin, *.rom and *.aml of the folders QEMU
# searches (not the other architectures' *.img, *.elf, *.dtb, openbios),
# in one -L folder
for d in "$PREFIX/share/qemu" "$PREFIX/share/seabios" "$PREFIX/lib/ipxe/qemu"; do
	[ -d "$d" ] || continue
	find -L "$d" -maxdepth 1 -type f \( -name '*.bin' -o -name '*.rom' -o -name '*.aml' \) \
		-exec cp -L {} "$DIR/qemu/share/qemu/" \;
done
[ -f "$DIR/qemu/share/qemu/bios-256k.bin" ] || die "no bios-256k.bin in $PREFIX/share/{qemu,seabios}"
cat > "$DIR/qemu/bin/qemu-system-x86_64" <<EOF
#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# qemu-system-x86_64 [ARGS...]: the bench bundle's QEMU with its own
# loader, libraries, modules and firmware; nothing from the host.
d=\$(cd "\$(dirname "\$0")/.." && pwd)
export QEMU_MODULE_DIR=\$d/lib/qemu
exec "\$d/lib/$LOADER" --library-path "\$d/lib" "\$d/libexec/$(basename "$QEMU")" -L "\$d/share/qemu" "\$@"
EOF
chmod +x "$DIR/qemu/bin/qemu-system-x86_64" "$DIR/run.sh" "$DIR"/scripts/*.sh
"$DIR/qemu/bin/qemu-system-x86_64" --version >/dev/null || die "the bundled QEMU does not start"

PARTS=${BENCH_PARTS:-vm copy}
case " $PARTS " in *" copy "*)
	note "UML"
	"$TOP/scripts/bench-copy.sh" --build
	cp "$BUILD"/kunit-bench/{linux,memcpy-host} "$DIR/uml/bin/"
	for f in "$DIR"/uml/bin/*; do
		! ldd "$f" >/dev/null 2>&1 || die "$f is not linked statically"
	done
esac

{
	echo "harness=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "made=$(date -u +%Y%m%dT%H%M%SZ)"
	echo "mode=$MODE"
	echo "parts=$PARTS"
	echo "kconfig=$(cat "$DIR/images/kconfig")"
	echo "qemu=$("$DIR/qemu/bin/qemu-system-x86_64" --version | head -1)"
} > "$DIR/VERSION"

tar -C "$BUILD" -czf "$TARBALL" "$NAME"
note "$TARBALL: $(du -h "$TARBALL" | cut -f1) in $((SECONDS - t0)) s; on the target:
    tar xzf $NAME.tar.gz && $NAME/run.sh      # BENCH_CPUS=N, default its cores
then bring back $NAME/results-<time>.tar.gz, unpack it and run
    scripts/bench.sh --report results/"
