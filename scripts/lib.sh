# SPDX-License-Identifier: GPL-2.0
# Common settings for the harness scripts; sourced, not run.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
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

# Git identity for commits the harness makes (base tree, git am) on
# machines that have none configured.
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-$(git config user.name || echo harness)}
export GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-$(git config user.email || echo harness@localhost)}
