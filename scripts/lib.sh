# SPDX-License-Identifier: GPL-2.0
# Common settings for the harness scripts; sourced, not run.  The part
# that needs nothing but bash (TOP, die, note, stage) is lib-core.sh.

. "$(dirname "${BASH_SOURCE[0]}")/lib-core.sh"
# Everything that survives "rm -rf build" lives here: the downloaded
# package, the base git tree and ccache.
CACHE=${MIGRATE_CACHE:-$HOME/.cache/migrate-series}
BUILD=$TOP/build
BASE_PKG=linux-source-7.3
BASE_REPO=$CACHE/linux-base          # pristine 7.3.y, tag "base"
TREE=$BUILD/linux                    # base + patches/ as commits
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Paths under the checkout become relative in ccache's keys, so a fresh
# clone elsewhere (CI) reuses what an earlier clone compiled.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}

# Git identity for commits the harness makes (base tree, git am) on
# machines that have none configured.
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$(git config user.name || echo harness)}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$(git config user.email || echo harness@localhost)}

# apt_sources DIR TYPES SUITE: a private apt state in DIR whose only
# source is Debian's SUITE ("deb", "deb-src" or both in TYPES); the
# machine's own apt configuration is untouched.
apt_sources() {
	mkdir -p "$1/lists/partial" "$1/cache/archives/partial"
	cat > "$1/$3.sources" <<EOS
Types: $2
URIs: http://deb.debian.org/debian
Suites: $3
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
}

# apt_private DIR ARGS...: apt-get ARGS on the private state in DIR (as
# root through $SUDO when that is set: an install)
apt_private() {
	local dir=$1

	shift
	${SUDO:-} env DEBIAN_FRONTEND="${DEBIAN_FRONTEND:-}" apt-get -q -o Dir::Etc::SourceList=/dev/null \
		-o Dir::Etc::SourceParts="$dir" \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" \
		-o APT::Sandbox::User=root "$@"
}

# kerneldoc_log SRC FILES...: scripts/kernel-doc -none -Wall on those of
# FILES (relative to SRC) that exist there; its warnings on stdout
kerneldoc_log() {
	local src=$1 f files=()

	shift
	for f in "$@"; do
		[ -f "$src/$f" ] && files+=("$f")
	done
	[ ${#files[@]} = 0 ] && return 0
	(cd "$src" && ./scripts/kernel-doc -none -Wall "${files[@]}" 2>&1) || true
}

# stress_names BACKEND...: the results guest/stress.sh reports (for
# scripts/results.py --selftest), every case required to run
stress_names() {
	local b

	echo stress-sysctl:noskip stress-poison:noskip
	for b in "$@"; do
		echo "stress@$b:noskip"
	done
	echo stress-end:noskip
}
