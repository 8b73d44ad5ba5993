# SPDX-License-Identifier: GPL-2.0
# Helpers for guest plans; sourced by /plan.sh.

# run_test NAME CMD...: run one test program between markers the host
# parser understands.  Its own TAP output is kept as is.
run_test() {
	name=$1
	shift
	echo "=== BEGIN $name"
	"$@"
	echo "=== END $name rc=$?"
}
