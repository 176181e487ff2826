#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Cause chains in the README's default matrix (profiles none, evict-storm and
# bcvk-overlay read through an overlay over the mount, cache=never; here the
# never and mandatory modes as root): in every cell at least 99% of the
# surfaced ESTALE carry a complete chain (kernel layer <- daemon answer <-
# cause) and nothing is "unattributed"; the evict-storm cells name the evict
# rule; overlay + churn cells name the host operation behind the answer (a
# rename; a whole-layer swap, whose old tree is deleted while it runs).
. "$(dirname "$0")/lib.sh"
setup
require_python
export TMPDIR=$T
"$STALEFS" matrix --modes never,mandatory --privileges root --profiles none,evict-storm,bcvk-overlay \
	--workloads read+overlay --cache never --seconds 1 --quiet --out "$T/m.jsonl" 2>"$T/m.err" ||
	fail "stalefs matrix: exit $? ($(tail -1 "$T/m.err"))"
"$STALEFS" run --mode never --cache never --workload read --overlay --churn --seconds 2 --quiet \
	--out "$T/churn.jsonl" 2>>"$T/m.err" || [ $? = 1 ] || fail "stalefs run --churn: exit $?"
"$STALEFS" run --mode never --cache never --workload read --overlay --layer-every 0.5 --seconds 2 \
	--quiet --out "$T/layers.jsonl" 2>>"$T/m.err" || [ $? = 1 ] || fail "stalefs run --layer-every: exit $?"
python3 - "$T/m.jsonl" "$T/churn.jsonl" "$T/layers.jsonl" <<'PY' || fail "chains: see above"
import json, sys
bad = 0
cells = [json.loads(l) for f in sys.argv[1:] for l in open(f)]
for d in cells:
    c, cell = d["chains"], d["cell"]
    if d["attribution"]["unattributed"]:
        print(f"{cell}: {d['attribution']['unattributed']} unattributed"); bad += 1
    if c["total"] != d["estale_total"]:
        print(f"{cell}: chains count {c['total']} of {d['estale_total']} ESTALE"); bad += 1
    causes = [x["cause"] for x in c["list"] if x["n"]]
    churn = d["params"]["churn"]
    if c["total"] and not churn and c["complete"] < 0.99 * c["total"]:
        print(f"{cell}: {c['complete']} of {c['total']} chains complete: {c['list']}"); bad += 1
    if "evict-storm" in cell:
        if not c["total"]:
            print(f"{cell}: no ESTALE from the evict storm"); bad += 1
        elif not all("evict" in x for x in causes):
            print(f"{cell}: causes {causes} do not all name the evict rule"); bad += 1
    if churn:
        host = sum(x["n"] for x in c["list"] if x["cause"].startswith("host "))
        if not host or host < 0.9 * c["total"]:
            print(f"{cell}: {host} of {c['total']} ESTALE chained to a host operation: {causes}"); bad += 1
        if d["params"]["layer_every"] and "host layer-swap" not in causes:
            print(f"{cell}: no chain names the layer swap: {causes}"); bad += 1
    print(f"# {cell}: {d['estale_total']} ESTALE, {c['complete']} complete, causes {sorted(set(causes))}")
sys.exit(1 if bad else 0)
PY
"$STALEFS" report --format text --wide "$T/m.jsonl" "$T/churn.jsonl" >"$T/report.txt" || [ $? = 1 ] ||
	fail "stalefs report: exit $?"
grep -q unattributed "$T/report.txt" && fail "the report says unattributed: $(grep unattributed "$T/report.txt")"
grep -q "^why (kernel layer <- daemon answer <- cause):" "$T/report.txt" || fail "the report has no why section"
echo "PASS"
