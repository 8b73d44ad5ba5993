#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs (idempotent, quick when
# everything is present).
. "$(dirname "$0")/lib.sh"

# gcc-aarch64-linux-gnu: the arm64 build and the arm64 guest's programs
# (scripts/arm64.sh); its libc6-dev-arm64-cross links them statically
# python3-ply and python3-git: checkpatch.pl runs scripts/spdxcheck.py
# xfsprogs: mkfs.xfs for the selftest's XFS (private folio data) in the VM
# python3-sphinx, python3-yaml: make htmldocs (scripts/hygiene.sh); dpkg-dev
# unpacks the sparse source package that scripts/sparse.sh may build
PKGS=(build-essential bc bison flex libelf-dev libssl-dev ccache cpio
      xz-utils zstd rsync python3 git perl kmod
      qemu-system-x86 busybox-static numactl libnuma-dev gnuplot-nox
      python3-ply python3-git xfsprogs python3-sphinx python3-yaml dpkg-dev
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross)

SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} != 0 ]; then
	note "installing: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The arm64 guest's own packages, unpacked into a sysroot under $CACHE
# (the machine gets no foreign architecture): busybox, and libnuma for
# the programs that scripts/initramfs.sh links statically.
ARM64_DEBS=(busybox-static libnuma-dev libnuma1)
SYSROOT=$CACHE/sysroot-arm64
if [ ! -x "$SYSROOT/bin/busybox" ] || [ ! -f "$SYSROOT/usr/lib/aarch64-linux-gnu/libnuma.a" ]; then
	note "unpacking arm64 packages into $SYSROOT: ${ARM64_DEBS[*]}"
	APT=$CACHE/apt-arm64
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$suite" ] || die "cannot tell the Debian suite for the arm64 packages"
	apt_sources "$APT" deb "$suite"
	arm64_apt() { apt_private "$APT" -o APT::Architecture=arm64 -o APT::Architectures::=arm64 "$@"; }
	arm64_apt update >/dev/null || die "cannot fetch the arm64 package lists of $suite"
	rm -rf "$SYSROOT" "$APT/debs"
	mkdir -p "$SYSROOT" "$APT/debs"
	(cd "$APT/debs" && arm64_apt download "${ARM64_DEBS[@]/%/:arm64}" >/dev/null) ||
		die "cannot download ${ARM64_DEBS[*]} for arm64"
	for d in "$APT"/debs/*.deb; do
		dpkg-deb -x "$d" "$SYSROOT"
	done
fi

# QEMU before 8.1 may go on running a translation of guest code that the
# guest has since patched: under multi-threaded TCG an int3 that
# text_poke_bp() already took out of a static key's site is executed
# ("Oops: int3" at a jump label, a crash that comes and goes with the
# host's timing).  QEMU 8.1 fixed it (commit deba78709a, "accel/tcg:
# Always lock pages before translation").  bookworm has 7.2: take QEMU
# (x86_64, and aarch64 for the arm64 guest) from bookworm-backports
# through a private apt state, which leaves the machine's apt sources
# alone.
QEMU_MIN=8.1
QEMUS=(qemu-system-x86_64:qemu-system-x86 qemu-system-aarch64:qemu-system-arm)
qemu_version() {
	"$1" --version 2>/dev/null |
		sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p'
}
qemu_recent() {
	local v
	v=$(qemu_version "$1")
	[ -n "$v" ] && [ "$(printf '%s\n' "$QEMU_MIN" "$v" | sort -V | head -1)" = "$QEMU_MIN" ]
}
old_qemus=()
for q in "${QEMUS[@]}"; do
	qemu_recent "${q%%:*}" || old_qemus+=("${q#*:}")
done
[ ${#old_qemus[@]} = 0 ] && exit 0
if [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ]; then
	note "QEMU missing or older than $QEMU_MIN: installing bookworm-backports' ${old_qemus[*]}"
	APT=$CACHE/apt-bookworm-backports
	apt_sources "$APT" deb bookworm-backports
	apt_private "$APT" update >/dev/null ||
		die "cannot reach bookworm-backports (apt-get update failed)"
	DEBIAN_FRONTEND=noninteractive SUDO=$SUDO apt_private "$APT" install -y -qq \
		--no-install-recommends "${old_qemus[@]}" >/dev/null ||
		die "cannot install ${old_qemus[*]} from bookworm-backports"
else
	note "installing: ${old_qemus[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${old_qemus[@]}" ||
		die "cannot install ${old_qemus[*]}"
fi
for q in "${QEMUS[@]}"; do
	qemu_recent "${q%%:*}" || die "${q%%:*} is still not $QEMU_MIN or later after the install"
done
