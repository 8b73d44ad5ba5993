# SPDX-License-Identifier: GPL-2.0
# "make stress": scripts/stress.sh writes STRESS_SECONDS (per backend),
# STRESS_PROCS, STRESS_MIB and STRESS_BACKENDS above this text.
. /lib.sh
. /stress.sh

stress_all "$STRESS_SECONDS" "$STRESS_PROCS" "$STRESS_MIB" $STRESS_BACKENDS
