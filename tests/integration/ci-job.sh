#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The script every GitHub Actions matrix job runs (ci/estale-job.sh), run by
# hand with one job's arguments, writes that job's cell file, doctor JSON and
# Markdown summary; the aggregator (ci/estale-aggregate.sh) merges two jobs
# into the report files CI publishes (text, Markdown for the step summary,
# JUnit, JSON; with a newer stalefs also HTML, a baseline and the history);
# two shards of two groups, the way the nightly workflow runs them, cover the
# set once; ci/estale-outputs.sh gives the composite action's outputs.
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
# The workflow's shape: each shard job runs two groups after --, --shard I/2
# of each, under one --time-limit; together they are the set, once.
shard() {	# I
	bash "$top/ci/estale-job.sh" --builddir "$builddir" --out "$T/shards" --name "shard-$1-of-2" \
		--time-limit 600 \
		-- --modes never,prefer --privileges root --profiles none --workloads read --cache never \
		--threads 1 --count 20 --objects 30 --max-links 10 --shard "$1/2" \
		-- --modes mandatory --privileges root --profiles none --workloads read --cache never \
		--threads 1 --count 20 --objects 30 --max-links 10 --shard "$1/2" >"$T/shard-$1.out" 2>&1
}
shard 1 || fail "shard 1: $(tail -n 5 "$T/shard-1.out")"
shard 2 || fail "shard 2: $(tail -n 5 "$T/shard-2.out")"
got=$(cat "$T"/shards/cells-shard-*.jsonl | python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["cell"] for l in sys.stdin)))')
expect_eq "the two shards' cells" "$got" \
	"mandatory/root/never/none/read never/root/never/none/read prefer/root/never/none/read"
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
# The report step with a baseline (the first run's report.json) and the
# history carried forward, when this stalefs's report has the options.
help=$("$STALEFS" report --help)
html=no
grep -Eq '[|(]html[|;)]' <<<"$help" && html=yes
bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" "$T/shards" >/dev/null 2>&1 || fail "first report"
cp "$T/shards/report.json" "$T/baseline.json"
cp "$T/shards/history.jsonl" "$T/history.jsonl" || fail "no history after the first report"
rm -f "$T/shards"/report.* "$T/shards/history.jsonl"
rc=0
GITHUB_STEP_SUMMARY=$T/summary2.md bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" \
	--baseline "$T/baseline.json" --history-from "$T/history.jsonl" "$T/shards" >"$T/agg2.out" 2>&1 || rc=$?
expect_eq "report with a baseline: exit" "$rc" 0
for f in report.md report.xml report.json history.jsonl; do
	[ -s "$T/shards/$f" ] || fail "the report step did not write $f"
done
[ -s "$T/summary2.md" ] || fail "nothing in the step summary"
[ "$(wc -l <"$T/shards/history.jsonl")" -gt "$(wc -l <"$T/history.jsonl")" ] ||
	fail "the history did not grow"
grep -Eq '^against baseline of .*: 0 up, 0 down, [0-9]+ same, 0 new, 0 gone' "$T/shards/report.txt" ||
	fail "no baseline comparison in report.txt: $(head -n 3 "$T/shards/report.txt")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); b=d["baseline"]; assert b["up"] == b["down"] == b["new"] == 0 and b["same"] > 0, b' \
	"$T/shards/report.json" || fail "report.json: no baseline"
if [ "$html" = yes ]; then
	[ -s "$T/shards/report.html" ] || fail "the report step did not write report.html"
else
	note "report --format html not in this stalefs: report.html not checked"
fi
# The first night: no baseline file yet is none, not an error.
bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" --baseline "$T/none.json" "$T/shards" \
	>/dev/null 2>&1 || fail "report with a missing baseline"
exit 0
