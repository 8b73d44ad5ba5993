# SPDX-License-Identifier: GPL-2.0
# Harness for the page-migration patch series.  See README.md.

S := scripts
B := build
BASE := $(HOME)/.cache/migrate-series/linux-base

.PHONY: help deps base tree export export-check checkpatch build vanilla \
	run check hygiene bisect bench bench-copy bench-bundle stress clean

help:
	@sed -n 's/^    \(make [a-z-]* .*\)/\1/p' README.md

deps:
	$(S)/deps.sh

base: deps
	$(S)/base.sh

tree: base
	$(S)/tree.sh

export:
	$(S)/export.sh

export-check:
	$(S)/export-check.sh

checkpatch: base
	$(S)/checkpatch.sh

build: tree
	$(S)/build.sh $(B)/linux $(B)/obj-patched configs/series.config

vanilla: base
	$(S)/build.sh $(BASE) $(B)/obj-vanilla

run:
	$(S)/run.sh

check:
	$(S)/check.sh

bisect: tree
	$(S)/bisect-build.sh

# CHECKS="kerneldoc matrix htmldocs kunit" (default: all); MATRIX="test wide"
hygiene: tree deps
	$(S)/hygiene.sh "" $(CHECKS)

# BENCH=full for the long version; then the copy backends under UML
bench:
	$(S)/bench.sh $(or $(BENCH),quick)
	$(S)/bench-copy.sh

# BENCH_CPUS, COPY_MIB, COPY_REPS: see scripts/bench-copy.sh
bench-copy:
	$(S)/bench-copy.sh

# build/bench-bundle.tar.gz: make bench's VMs for a machine without the
# harness's packages; see scripts/bench-bundle.sh
bench-bundle:
	$(S)/bench-bundle.sh $(or $(BENCH),quick)

# STRESS_MINUTES per backend (default 10), STRESS_BACKENDS, STRESS_PROCS,
# STRESS_MIB: see scripts/stress.sh
stress:
	$(S)/stress.sh

clean:
	rm -rf $(B)
