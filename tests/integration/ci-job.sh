#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The script every GitHub Actions matrix job runs (ci/estale-job.sh), run by
# hand with one job's arguments, writes that job's cell file, doctor JSON and
# Markdown summary; the aggregator (ci/estale-aggregate.sh) merges two jobs
# into the report files CI publishes (text, Markdown for the step summary,
# JUnit, JSON); ci/estale-outputs.sh gives the composite action's outputs.
. "$(dirname "$0")/lib.sh"
setup
require_python
export TMPDIR=$T
top=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "$(dirname "$STALEFS")" && pwd)
job() {	# NAME PROFILE
	bash "$top/ci/estale-job.sh" --builddir "$builddir" --out "$T/estale" --name "$1" -- \
		--modes never --privileges root --profiles "$2" --workloads read --cache never \
		--threads 1 --count 30 --objects 40 --max-links 20 >"$T/$1.out" 2>&1
}
job never-root-none none || fail "job 1: $(tail -n 5 "$T/never-root-none.out")"
job never-root-evict evict-storm || fail "job 2: $(tail -n 5 "$T/never-root-evict.out")"
for f in cells-never-root-none.jsonl doctor-never-root-none.json summary-never-root-none.md \
	cells-never-root-evict.jsonl; do
	[ -s "$T/estale/$f" ] || fail "the job did not write $f"
done
python3 -c "import json; d=json.load(open('$T/estale/doctor-never-root-none.json')); assert d['checks']" ||
	fail "doctor JSON"
expect_eq "cells in job 1" "$(wc -l <"$T/estale/cells-never-root-none.jsonl")" 1
# The same arguments give the same cell (all but timings and the kernel's log).
bash "$top/ci/estale-job.sh" --builddir "$builddir" --out "$T/again" --name never-root-none -- \
	--modes never --privileges root --profiles none --workloads read --cache never \
	--threads 1 --count 30 --objects 40 --max-links 20 >/dev/null 2>&1 || fail "rerun"
python3 - "$T/estale/cells-never-root-none.jsonl" "$T/again/cells-never-root-none.jsonl" <<'PY' ||
import json, sys
a, b = (json.loads(open(f).readline()) for f in sys.argv[1:])
for d in (a, b):
    for k in ("started", "ops_per_s", "duration_s", "setup_s", "teardown_s", "emitted_trace", "trace_lost",
              "kernel_messages"):
        d.pop(k, None)
assert a == b, (a, b)
PY
	fail "the rerun gave another cell"
rc=0
GITHUB_STEP_SUMMARY=$T/summary.md bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" \
	"$T/estale" >"$T/agg.out" 2>&1 || rc=$?
expect_eq "aggregate: exit" "$rc" 0
for f in report.txt report.md report.xml report.json; do
	[ -s "$T/estale/$f" ] || fail "the aggregator did not write $f"
done
grep -q '^## stalefs ESTALE matrix' "$T/summary.md" || fail "nothing in the step summary"
grep -q 'never/root/never/evict-storm/read' "$T/estale/report.md" || fail "a job missing in the report"
out=$(bash "$top/ci/estale-outputs.sh" --builddir "$builddir" "$T/estale" 2>/dev/null | grep '=')
echo "$out" | grep -qx 'cells=2' || fail "outputs: $out"
echo "$out" | grep -qx 'failed=0' || fail "outputs: $out"
note "$(echo "$out" | tr '\n' ' ')"

# The next night, as the report job runs it: last night's report.json as the
# baseline (the same cells: nothing up or down) and the history carried on.
cp "$T/estale/report.json" "$T/prev-report.json"
bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" --history "$T/history.jsonl" \
	"$T/estale" >/dev/null 2>&1 || fail "aggregate with a history"
rc=0
bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" --baseline "$T/prev-report.json" \
	--history "$T/history.jsonl" "$T/estale" >"$T/agg2.out" 2>&1 || rc=$?
expect_eq "aggregate with a baseline: exit" "$rc" 0
grep -q '^against baseline of .*: 0 up, 0 down, 2 same, 0 new, 0 gone' "$T/estale/report.txt" ||
	fail "no baseline comparison: $(head -n 5 "$T/estale/report.txt")"
expect_eq "history lines (2 nights x 2 cells)" "$(wc -l <"$T/history.jsonl")" 4
grep -q 'trend: ' "$T/estale/report.txt" || fail "no trend lines: $(tail -n 5 "$T/estale/report.txt")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["baseline"]["same"] == 2, d["baseline"]' \
	"$T/estale/report.json" || fail "report.json has no baseline"
# The first night has no baseline: a missing file is none, not an error.
bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" --baseline "$T/none.json" "$T/estale" \
	>/dev/null 2>&1 || fail "aggregate with a missing baseline"
exit 0
