#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Harness figures, measured in one run: per-cell setup time (tree, daemon,
# mount) and teardown time (stop, unmount, trace read-out), target under
# 0.2 s each, with the kernel trace on and off, and the whole time of the
# README's default matrix. Prints figures; never fails on speed.
set -u
. "$(dirname "$0")/../integration/lib.sh"
setup
export TMPDIR=$T
figures() {	# FILE LABEL
	python3 - "$1" "$2" <<'PY'
import json, sys
cells = [json.loads(l) for l in open(sys.argv[1])]
ran = [c for c in cells if c["status"] == "ran"]
reps = sum(c["reps_ran"] for c in ran) or 1
setup = sum(c["setup_s"] for c in ran) / reps
down = sum(c["teardown_s"] for c in ran) / reps
print(f"{sys.argv[2]}: {len(cells)} cells, {reps} repetitions: setup {setup:.3f} s, "
      f"teardown {down:.3f} s per repetition (target < 0.2 s: "
      f"{'met' if setup < 0.2 and down < 0.2 else 'missed'})")
PY
}
axes=(--modes never,prefer,mandatory --privileges root,unprivileged --seconds 0.5 --reps 3)
for trace in off on; do
	t0=$(date +%s.%N)
	"$STALEFS" matrix "${axes[@]}" --trace "$trace" --out "$T/cells-$trace.jsonl" 2>/dev/null
	t1=$(date +%s.%N)
	figures "$T/cells-$trace.jsonl" "trace $trace"
	echo "  matrix of 6 cells x 3 reps x 0.5 s: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
done
t0=$(date +%s.%N)
"$STALEFS" matrix --modes never,prefer,mandatory,fallback --privileges root,unprivileged \
	--profiles none,evict-storm,bcvk-overlay --workloads read+overlay --cache never \
	--seconds 1 --out "$T/main.jsonl" 2>/dev/null
t1=$(date +%s.%N)
figures "$T/main.jsonl" "main-job matrix"
echo "  the main job's matrix (24 cells x 1 s): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
