#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the harness needs (idempotent, quick when
# everything is present).
. "$(dirname "$0")/lib.sh"

# python3-ply and python3-git: checkpatch.pl runs scripts/spdxcheck.py
# xfsprogs: mkfs.xfs for the selftest's XFS (private folio data) in the VM
# python3-sphinx, python3-yaml: make htmldocs (scripts/hygiene.sh); dpkg-dev
# unpacks the sparse source package that scripts/sparse.sh may build
PKGS=(build-essential bc bison flex libelf-dev libssl-dev ccache cpio
      xz-utils zstd rsync python3 git perl kmod
      qemu-system-x86 busybox-static numactl libnuma-dev gnuplot-nox
      python3-ply python3-git xfsprogs python3-sphinx python3-yaml dpkg-dev)

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

# QEMU before 8.1 may go on running a translation of guest code that the
# guest has since patched: under multi-threaded TCG an int3 that
# text_poke_bp() already took out of a static key's site is executed
# ("Oops: int3" at a jump label, a crash that comes and goes with the
# host's timing).  QEMU 8.1 fixed it (commit deba78709a, "accel/tcg:
# Always lock pages before translation").  bookworm has 7.2: take QEMU
# from bookworm-backports through a private apt state, which leaves the
# machine's apt sources alone.
QEMU_MIN=8.1
qemu_version() {
	qemu-system-x86_64 --version |
		sed -n 's/^QEMU emulator version \([0-9]*\.[0-9]*\).*/\1/p'
}
qemu_recent() {
	local v
	v=$(qemu_version)
	[ -n "$v" ] && [ "$(printf '%s\n' "$QEMU_MIN" "$v" | sort -V | head -1)" = "$QEMU_MIN" ]
}
qemu_recent && exit 0
[ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ] ||
	die "QEMU $(qemu_version) is older than $QEMU_MIN (guests crash on patched kernel text); install a newer qemu-system-x86"
note "QEMU $(qemu_version) is older than $QEMU_MIN: installing bookworm-backports' qemu-system-x86"
APT=$CACHE/apt-bookworm-backports
apt_sources "$APT" deb bookworm-backports
apt_private "$APT" update >/dev/null ||
	die "cannot reach bookworm-backports (apt-get update failed)"
DEBIAN_FRONTEND=noninteractive SUDO=$SUDO apt_private "$APT" install -y -qq \
	--no-install-recommends qemu-system-x86 >/dev/null ||
	die "cannot install qemu-system-x86 from bookworm-backports"
qemu_recent || die "QEMU is still $(qemu_version) after the install"
