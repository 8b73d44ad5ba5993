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

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
note "installing: ${missing[*]}"
SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
