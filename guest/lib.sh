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

# set_copy_policy POLICY: make POLICY ("auto", "serial" or a chain of
# backends) the copy policy of every migration reason.  Fails, leaving the
# policies it did not reach alone, if the kernel refuses a write.
set_copy_policy() {
	[ -d /proc/sys/vm/migrate_copy ] || return 1
	for f in /proc/sys/vm/migrate_copy/*; do
		echo "$1" > "$f" || return 1
	done
}

# run_selftests [AFTER]: run the tests of /tests/selftests.list in order
# (NAME[@BACKEND][:noskip], see guest/selftests.list), each @BACKEND one
# with every copy policy set to BACKEND; then AFTER NAME, if given.
run_selftests() {
	for entry in $(grep -v '^#' /tests/selftests.list); do
		name=${entry%%:*}
		prog=${name%%@*}
		backend=
		[ "$name" = "$prog" ] || backend=${name#*@}
		if [ -n "$backend" ] && ! set_copy_policy "$backend"; then
			echo "=== BEGIN $name"
			echo "cannot select copy backend $backend"
			echo "=== END $name rc=1"
			continue
		fi
		run_test "$name" "/tests/$prog"
		[ -z "$backend" ] || set_copy_policy auto
		[ -z "${1:-}" ] || "$1" "$name"
	done
}
