#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# hygiene.sh [RESULTS] [CHECK...]: what build bots and maintainers run on
# a series before a human reads it, on the series tip (build/linux), each
# compared with the base so that only what the series adds counts.
# CHECKs (default: all, in this order):
#   kerneldoc  scripts/kernel-doc -none -Wall on every .c and .h the
#              series touches
#   matrix     the objects of the .c files the series touches, built
#              with W=1 in each configuration of configs/matrix/ (on top
#              of the test configuration) and in the test configuration
#              itself ("test", with sparse too: C=2, built by
#              scripts/sparse.sh when Debian's is too old); "wide": mm/,
#              drivers/dma/dcbm/ and dmasim in allmodconfig less
#              instrumentation (configs/matrix/wide.allconfig)
#   htmldocs   make htmldocs for the Documentation/ directories the series
#              touches (SPHINXDIRS)
#   kunit      tools/testing/kunit/kunit.py run --kunitconfig=mm/tests on
#              UML with 2 CPUs
# One "PASS|FAIL hygiene.<check>[.<config>]" line each, appended to
# RESULTS if given; new warnings and errors are printed.  The base is
# built only where the series tip warns, and its
# warnings are cached in $CACHE/hygiene, keyed by everything they depend
# on.  MATRIX="test wide" runs only those entries.
. "$(dirname "$0")/lib.sh"

OUT=${1:-}
shift || true
CHECKS=("$@")
[ ${#CHECKS[@]} -gt 0 ] || CHECKS=(kerneldoc matrix htmldocs kunit)

[ -d "$TREE/.git" ] || die "no build/linux: run 'make tree' first"
[ "$(git -C "$TREE" rev-parse HEAD)" = "$(git -C "$TREE" rev-parse series)" ] ||
	die "build/linux is not on the series tip"
BASE_SRC=$BASE_REPO
WORK=$BUILD/hygiene
KCACHE=$CACHE/hygiene
mkdir -p "$WORK" "$KCACHE"
WARNDIFF=$TOP/scripts/warndiff.py
SPARSE=
JOBS=$(nproc)
mapfile -t TOUCHED < <(git -C "$TREE" diff --name-only base series)
rc=0

# check NAME NEW_WARNINGS_FILE BUILD_RC: record the result of one check
check_result() {
	local name=$1 new=$2 build_rc=$3

	if [ "$build_rc" = 0 ] && [ ! -s "$new" ]; then
		result "PASS hygiene.$name"
	else
		[ "$build_rc" = 0 ] || echo "hygiene.$name: failed (rc=$build_rc)" >&2
		if [ -s "$new" ]; then
			echo "hygiene.$name: new warnings against the base:" >&2
			sed 's/^/  /' "$new" >&2
		fi
		result "FAIL hygiene.$name"
		rc=1
	fi
}

# cache_key WORDS...: a key for base results from what they depend on
cache_key() {
	{
		printf '%s\n' "$@"
		git -C "$BASE_SRC" rev-parse HEAD
		gcc --version | head -1
		[ -z "$SPARSE" ] || sha1sum < "$SPARSE"
		sha1sum < "$WARNDIFF"
		sha1sum < "$TOP/scripts/kbuild-objs.py"
		sphinx-build --version 2>/dev/null || true
	} | sha1sum | cut -c1-16
}

# ---- kernel-doc -------------------------------------------------------
check_kerneldoc() {
	local log=$WORK/kerneldoc f files=()

	for f in "${TOUCHED[@]}"; do
		case $f in *.c|*.h) files+=("$f") ;; esac
	done
	kerneldoc_log "$TREE" "${files[@]}" > "$log.patched.log"
	kerneldoc_log "$BASE_SRC" "${files[@]}" > "$log.base.log"
	"$WARNDIFF" extract "$log.patched.log" "$TREE" > "$log.patched"
	"$WARNDIFF" extract "$log.base.log" "$BASE_SRC" > "$log.base"
	"$WARNDIFF" new "$log.base" "$log.patched" > "$log.new" || true
	check_result kernel-doc "$log.new" 0
}

# ---- build matrix -----------------------------------------------------
# Each entry has its own object directories ($WORK/obj/<tree>-<entry>),
# reconfigured only when its fragments change, so a later run rebuilds
# only what the series changed.

# configure SRC OBJ NAME: write OBJ/.config for matrix entry NAME
configure() {
	local src=$1 obj=$2 name=$3 frags=("$TOP/configs/test.config") stamp
	local kmake=(make -s -C "$src" O="$obj" ARCH=x86_64)

	[ "$src" = "$TREE" ] && frags+=("$TOP/configs/series.config")
	[ "$name" = wide ] && frags=("$TOP/configs/matrix/wide.allconfig")
	[ -f "$TOP/configs/matrix/$name.config" ] &&
		frags+=("$TOP/configs/matrix/$name.config")
	stamp=$(cat "${frags[@]}" | sha1sum)
	[ -f "$obj/.config" ] && [ "$(cat "$obj/.fragment" 2>/dev/null)" = "$stamp" ] &&
		return 0
	mkdir -p "$obj"
	if [ "$name" = wide ]; then
		KCONFIG_ALLCONFIG=${frags[0]} "${kmake[@]}" allmodconfig >/dev/null
	else
		"${kmake[@]}" tinyconfig >/dev/null
		"$src"/scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
			"${frags[@]}" >/dev/null
		"${kmake[@]}" olddefconfig >/dev/null
	fi
	echo "$stamp" > "$obj/.fragment"
}

# verify_config OBJ NAME: the entry's own options must have taken effect
verify_config() {
	local obj=$1 name=$2 opt bad=

	if [ "$name" = wide ]; then
		# the series' code must be in the wide build
		for opt in CONFIG_MIGRATE_COPY_MT CONFIG_KMIGRATED CONFIG_DCBM \
			   CONFIG_DMASIM CONFIG_FAIL_MIGRATE_COPY; do
			grep -Eq "^$opt=(y|m)" "$obj/.config" || bad+=" $opt"
		done
	else
		local frag=$TOP/configs/matrix/$name.config

		# the test entry must build everything series.config asks for
		[ "$name" = test ] && frag=$TOP/configs/series.config
		while read -r opt; do
			case $opt in
			*=n) ! grep -q "^${opt%=n}=" "$obj/.config" || bad+=" $opt" ;;
			*) grep -qx "$opt" "$obj/.config" || bad+=" $opt" ;;
			esac
		done < <(sed -n -e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' \
				-e '/^CONFIG_/p' "$frag" | sort -u)
	fi
	[ -z "$bad" ] || { echo "matrix $name: not in the final .config:$bad" >&2; return 1; }
}

# targets SRC OBJ NAME: what entry NAME builds.  "wide" builds mm/ and
# the series' driver directories whole (the base: mm/); the other
# entries the objects of the .c files the series touches that their
# configuration builds.
targets() {
	local src=$1 obj=$2 name=$3

	if [ "$name" = wide ]; then
		echo mm/
		[ "$src" = "$TREE" ] && echo drivers/dma/dcbm/ drivers/dma/dmasim.o
		return 0
	fi
	"$TOP/scripts/kbuild-objs.py" "$src" "$obj/.config" "${TOUCHED[@]}"
}

# build_targets SRC OBJ NAME LOG: build the entry's targets with W=1
# (and sparse for "test"); returns make's rc
build_targets() {
	local src=$1 obj=$2 name=$3 log=$4 flags=(W=1) t=()

	[ "$name" = test ] && flags+=(C=2 CHECK="$SPARSE")
	targets "$src" "$obj" "$name" > "$log.targets" || return 1
	read -r -a t < <(tr '\n' ' ' < "$log.targets")
	[ ${#t[@]} -gt 0 ] || { echo "matrix $name: nothing to build" > "$log"; return 1; }
	# Objects up to date from an earlier run would not be compiled again
	# and their warnings not printed: remove them (ccache replays them).
	if [ "$name" = wide ]; then
		find "$obj/mm" "$obj/drivers/dma" -name '*.o' -delete 2>/dev/null || true
	else
		(cd "$obj" && rm -f "${t[@]}")
	fi
	make -k -C "$src" O="$obj" ARCH=x86_64 CC="ccache gcc" -j"$JOBS" \
		"${flags[@]}" "${t[@]}" > "$log" 2>&1
}

# base_warnings NAME: the base's warnings for entry NAME, cached
base_warnings() {
	local name=$1 bobj=$WORK/obj/base-$1 key cached log=$WORK/matrix.$1.base.log

	configure "$BASE_SRC" "$bobj" "$name" >&2 || return 1
	key=$(cache_key matrix "$name" "$(cat "$bobj/.fragment")" \
		"$(targets "$BASE_SRC" "$bobj" "$name")")
	cached=$KCACHE/matrix.$name.$key
	if [ ! -f "$cached" ]; then
		build_targets "$BASE_SRC" "$bobj" "$name" "$log" ||
			echo "matrix $name: the base does not build (rc=$?), comparing anyway" >&2
		"$WARNDIFF" extract "$log" --cwd "$bobj" "$BASE_SRC" > "$cached.tmp"
		mv "$cached.tmp" "$cached"
	fi
	cat "$cached"
}

# matrix_entry NAME: build the series tip; when it warns, compare with
# the base (built only then, and cached)
matrix_entry() {
	local name=$1 pobj=$WORK/obj/patched-$1 log=$WORK/matrix.$1 brc=0

	rm -f "$log".*
	configure "$TREE" "$pobj" "$name" && verify_config "$pobj" "$name" || brc=$?
	if [ "$brc" = 0 ]; then
		build_targets "$TREE" "$pobj" "$name" "$log.patched.log" || brc=$?
		[ "$brc" = 0 ] || grep -E 'error|Error' "$log.patched.log" | head -20 >&2
	fi
	: > "$log.new"
	if [ -f "$log.patched.log" ]; then
		"$WARNDIFF" extract "$log.patched.log" --cwd "$pobj" "$TREE" > "$log.patched"
		if [ -s "$log.patched" ]; then
			base_warnings "$name" > "$log.base" || brc=$?
			"$WARNDIFF" new "$log.base" "$log.patched" > "$log.new" || true
		fi
	fi
	check_result "matrix.$name" "$log.new" "$brc"
	# sparse stops warning about a file once it found an error in it: a
	# touched file with an error (the base has the same) went unchecked
	if [ "$name" = test ] && [ "$brc" = 0 ]; then
		sed -n 's/^\([^:]*\.c\): error: .*/\1/p' "$log.patched" | sort -u |
		while read -r f; do
			echo "sparse stops at the base's own error in $f: the series' changes there are not checked" >&2
			result "SKIP hygiene.sparse.$f"
		done
	fi
}

check_matrix() {
	local f name names=(test)

	if ! SPARSE=$("$TOP/scripts/sparse.sh" "$BASE_SRC"); then
		result "FAIL hygiene.matrix.sparse"
		rc=1
		return 1
	fi
	for f in "$TOP"/configs/matrix/*.config; do
		name=$(basename "$f" .config)
		names+=("$name")
	done
	names+=(wide)
	for name in ${MATRIX:-${names[@]}}; do
		case " ${names[*]} " in
		*" $name "*) stage "matrix: $name" matrix_entry "$name" || true ;;
		*) echo "matrix: no entry '$name' (entries: ${names[*]})" >&2
		   result "FAIL hygiene.matrix.$name"; rc=1 ;;
		esac
	done
}

# ---- htmldocs ---------------------------------------------------------
# sphinx_dirs: the Documentation/ directories (with an index.rst) that
# hold the .rst files the series touches
sphinx_dirs() {
	local f d

	for f in "${TOUCHED[@]}"; do
		case $f in Documentation/*.rst) ;; *) continue ;; esac
		d=$(dirname "$f")
		while [ "$d" != Documentation ] && [ ! -f "$TREE/$d/index.rst" ]; do
			d=$(dirname "$d")
		done
		[ "$d" != Documentation ] && echo "${d#Documentation/}"
	done | sort -u
}

htmldocs() {
	local src=$1 obj=$2 log=$3 dirs=$4

	rm -rf "$obj/Documentation/output"
	make -C "$src" O="$obj" SPHINXDIRS="$dirs" htmldocs > "$log" 2>&1
}

check_htmldocs() {
	local dirs d key base_w log=$WORK/htmldocs brc=0

	dirs=$(sphinx_dirs | tr '\n' ' ')
	[ -n "$dirs" ] || { result "SKIP hygiene.htmldocs"; return; }
	note "SPHINXDIRS: $dirs"
	key=$(cache_key htmldocs "$dirs")
	base_w=$KCACHE/htmldocs.$key
	mkdir -p "$WORK/docs-base" "$WORK/docs-patched"
	if [ ! -f "$base_w" ]; then
		htmldocs "$BASE_SRC" "$WORK/docs-base" "$log.base.log" "$dirs" ||
			echo "htmldocs: the base failed (rc=$?), comparing anyway" >&2
		"$WARNDIFF" extract "$log.base.log" "$BASE_SRC" > "$base_w"
	fi
	htmldocs "$TREE" "$WORK/docs-patched" "$log.patched.log" "$dirs" || brc=$?
	for d in $dirs; do
		# Documentation/Makefile only says SKIP when Sphinx is missing
		[ -f "$WORK/docs-patched/Documentation/output/$d/index.html" ] || {
			echo "htmldocs: $d was not rendered" >&2
			brc=1
		}
	done
	[ "$brc" = 0 ] || tail -20 "$log.patched.log" >&2
	"$WARNDIFF" extract "$log.patched.log" "$TREE" > "$log.patched"
	"$WARNDIFF" new "$base_w" "$log.patched" > "$log.new" || true
	check_result htmldocs "$log.new" "$brc"
}

# ---- KUnit with kunit.py ----------------------------------------------
# Every suite of the .kunitconfig, one result each, from kunit.py's JSON.
check_kunit() {
	local log=$WORK/kunit brc=0

	rm -f "$log.json" "$log.results"
	(cd "$TREE" && ./tools/testing/kunit/kunit.py run --kunitconfig=mm/tests \
		--build_dir="$WORK/kunit-uml" --jobs "$JOBS" \
		--make_options "CC=ccache gcc" \
		--kernel_args ncpus=2 --kernel_args seccomp=on \
		--json="$log.json") > "$log.log" 2>&1 || brc=$?
	grep -E '^\[[0-9:]+\] (=|Testing complete|.*(PASSED|FAILED|SKIPPED|CRASHED))' \
		"$log.log" | grep -v '^\[[0-9:]*\] \[PASSED\] .*[^=]$' || true
	python3 - "$log.json" > "$log.results" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        run = json.load(f)
except (OSError, ValueError):
    run = {}
suites = run.get("sub_groups", [])
if not suites:
    print("FAIL hygiene.kunit.uml")
for s in suites:
    c = s["misc"]
    if c["failed"] or c["crashed"] or c["errors"] or not c["tests"]:
        print("FAIL hygiene.kunit.uml.%s" % s["name"])
    elif c["skipped"] == c["tests"]:
        print("SKIP hygiene.kunit.uml.%s" % s["name"])
    else:
        print("PASS hygiene.kunit.uml.%s" % s["name"])
EOF
	# kunit.py failing before the tests ran leaves no JSON
	[ "$brc" = 0 ] || grep -q '^FAIL' "$log.results" ||
		echo "FAIL hygiene.kunit.uml" >> "$log.results"
	while read -r line; do
		result "$line"
		case $line in FAIL*) rc=1 ;; esac
	done < "$log.results"
	[ "$brc" = 0 ] || { tail -30 "$log.log" >&2; rc=1; }
}

if ! "$WARNDIFF" selftest; then
	result "FAIL hygiene.warndiff"
	exit 1
fi
for c in "${CHECKS[@]}"; do
	case $c in
	kerneldoc)	stage "kernel-doc" check_kerneldoc || rc=1 ;;
	matrix)		check_matrix || rc=1 ;;
	htmldocs)	stage htmldocs check_htmldocs || rc=1 ;;
	kunit)		stage "kunit.py (UML)" check_kunit || rc=1 ;;
	*)		die "unknown check: $c" ;;
	esac
done
exit $rc
