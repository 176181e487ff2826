#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A small matrix end to end: 2 modes x 2 privileges x 2 fault sets, split
# into two shards whose cell files together hold every cell once; the
# report merges them (text, markdown, junit, json) with the counts the
# cells wrote; a cell that cannot run here (mandatory without
# CAP_DAC_READ_SEARCH) is skipped with its reason; bad axes exit 2 before
# anything runs; --list runs nothing; a time limit cuts the running cell,
# records the rest as not run and exits 124.
. "$(dirname "$0")/lib.sh"
setup
require_python
export TMPDIR=$T
m() { "$STALEFS" matrix --modes never,mandatory --privileges root,unprivileged \
	--profiles none,"$T/read-estale.rules" --cache never --threads 1 --count 40 --objects 40 \
	--max-links 20 "$@"; }
cat >"$T/read-estale.rules" <<'RULES'
errno:op=READ,errno=ESTALE,count=3
RULES
rc=0
m --shard 1/2 --out "$T/s1.jsonl" 2>"$T/s1.err" || rc=$?
expect_eq "shard 1: exit" "$rc" 0
rc=0
m --shard 2/2 --out "$T/s2.jsonl" 2>"$T/s2.err" || rc=$?
expect_eq "shard 2: exit" "$rc" 0
grep -q '^\[4/4\]' "$T/s1.err" || fail "no progress line: $(cat "$T/s1.err")"
python3 - "$T/s1.jsonl" "$T/s2.jsonl" <<'PY' || fail "shards"
import json, sys
cells = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
ids = [c["cell"] for c in cells]
assert len(ids) == 8 and len(set(ids)) == 8, ids
by = {c["cell"]: c for c in cells}
for mode in ("never", "mandatory"):
    a = by[f"{mode}/root/never/read-estale/read"]
    assert a["estale"] == {"read": 3} and a["attribution"]["inject"] == {"rule 1 errno": 3}, a
    assert by[f"{mode}/root/never/none/read"]["estale_total"] == 0
skip = by["mandatory/unprivileged/never/none/read"]
assert skip["status"] == "cannot-run" and skip["verdict"] == "skipped", skip
assert "open_by_handle_at" in skip["reason"], skip["reason"]
assert by["never/unprivileged/never/none/read"]["effective_mode"] == "never"
PY
rc=0
"$STALEFS" report "$T/s1.jsonl" "$T/s2.jsonl" >"$T/report.txt" || rc=$?
expect_eq "report: exit" "$rc" 0
grep -Eq "8 cells: [0-9]+ clean, [0-9]+ estale, 0 failed, 2 skipped, 0 error" "$T/report.txt" ||
	fail "report totals: $(tail -n 3 "$T/report.txt")"
"$STALEFS" report --format markdown "$T/s1.jsonl" "$T/s2.jsonl" >"$T/report.md" ||
	fail "markdown report"
grep -q '^| never/root/never/read-estale/read ' "$T/report.md" || fail "markdown row"
"$STALEFS" report --format junit "$T/s1.jsonl" "$T/s2.jsonl" >"$T/report.xml" || fail "junit"
grep -q '<testsuite name="stalefs" tests="8" failures="0" errors="0" skipped="2"' "$T/report.xml" ||
	grep -q 'tests="8"' "$T/report.xml" || fail "junit counts: $(head -c 400 "$T/report.xml")"
"$STALEFS" report --format json "$T/s1.jsonl" "$T/s2.jsonl" |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["cells"]) == 8' ||
	fail "json report"

# With --expect none the fault cells fail, with repro lines, exit 1.
rc=0
"$STALEFS" matrix --modes never --profiles "$T/read-estale.rules" --cache never --threads 1 \
	--count 40 --objects 40 --max-links 20 --expect none --out "$T/f.jsonl" 2>"$T/f.err" || rc=$?
expect_eq "unexpected ESTALE: exit" "$rc" 1
unfold "$T/f.err" | grep -q "repro: stalefs run --mode never .*--seed 1 --expect none" || fail "no repro line"

rc=0
"$STALEFS" matrix --modes never,sometimes --out "$T/bad.jsonl" 2>"$T/bad.err" || rc=$?
expect_eq "bad axis: exit" "$rc" 2
expect_eq "bad axis: one line" "$(wc -l <"$T/bad.err")" 1
[ -s "$T/bad.jsonl" ] && fail "a bad axis still ran cells"
# --list prints the cells (this shard's) and their repro lines, runs none.
rc=0
m --shard 2/2 --list >"$T/list.txt" 2>"$T/list.err" || rc=$?
expect_eq "list: exit" "$rc" 0
expect_eq "list: cells" "$(grep -c '^[a-z]' "$T/list.txt")" 4
grep -q '^  stalefs run --mode ' "$T/list.txt" || fail "list: no repro lines: $(cat "$T/list.txt")"
ls "$T" | grep -q '^stalefs-run' && fail "list ran a cell"

# The time limit reaches into a running cell (timeout, with why) and the
# cells it never started are recorded as not run; exit 124 either way.
rc=0
"$STALEFS" matrix --modes never,prefer,mandatory --seconds 5 --time-limit 1.5 \
	--out "$T/tl.jsonl" 2>"$T/tl.err" || rc=$?
expect_eq "time limit: exit" "$rc" 124
python3 - "$T/tl.jsonl" <<'PY' || fail "time limit cells: $(cat "$T/tl.err")"
import json, sys
cells = [json.loads(l) for l in open(sys.argv[1])]
st = [(c["status"], c["verdict"]) for c in cells]
assert st == [("timeout", "error"), ("not-run", "skipped"), ("not-run", "skipped")], st
assert "time limit ran out during this cell" in cells[0]["reason"], cells[0]["reason"]
assert cells[0]["duration_s"] < 4.5, cells[0]["duration_s"]
assert "--time-limit of 1.5 s ran out before this cell" in cells[1]["reason"], cells[1]["reason"]
PY
grep -q "2 cells not run (time limit)" "$T/tl.err" || fail "time limit: no not-run line: $(cat "$T/tl.err")"
exit 0
