#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `workload churn --events FILE` starts its log with a header (schema
# host-events/1 and the origin) and logs every host change as one JSON line as
# it happens: each line has t_ns, start_ns, actor, pid, op, path (relative to the
# root, naming something churn really touches), the changes per op match the
# printed counters, a killed run still leaves whole lines, and a bad path is
# one line on stderr and exit 2.
. "$(dirname "$0")/lib.sh"
setup
require_python
"$STALEFS" workload gen --root "$BACKING" --objects 80 --max-links 40 --checkouts 2 \
	--seed 3 >/dev/null || fail "gen failed"
"$STALEFS" workload churn --root "$BACKING" --seconds 1 --layer-every 0.3 --pause-us 100 \
	--events "$T/churn.jsonl" >"$T/churn.out" || fail "churn failed: $(cat "$T/churn.out")"
note "$(cat "$T/churn.out")"
python3 - "$T/churn.jsonl" "$T/churn.out" "$BACKING" <<'PY' || fail "the churn log does not match what churn did"
import json, os, re, sys
lines = open(sys.argv[1]).read().splitlines()
head = json.loads(lines.pop(0))
assert head["schema"] == "host-events/1" and head["type"] == "header" and head["actor"] == "churn", head
for k in ("stalefs", "kernel", "host", "started"):
    assert isinstance(head.get(k), str) and head[k], (k, head)
counters = dict(re.findall(r"([a-z-]+)=(\d+)", open(sys.argv[2]).read()))
root = sys.argv[3]
ops = {"relink": "relinks", "rename": "renames", "link": "links", "layer-swap": "layer-swaps"}
seen = {op: 0 for op in ops}
failed = 0
last = 0
for line in lines:
    e = json.loads(line)
    for k, t in (("t_ns", int), ("start_ns", int), ("actor", str), ("pid", int), ("op", str),
                 ("path", str)):
        assert isinstance(e.get(k), t), (k, line)
    assert e["actor"] == "churn" and e["op"] in ops, line
    assert 0 < e["start_ns"] <= e["t_ns"] and e["t_ns"] >= last, line
    last = e["t_ns"]
    assert not e["path"].startswith("/"), line
    if e["op"] == "layer-swap":
        assert re.fullmatch(r"overlay/[^/]+", e["path"]), line
        assert os.path.isdir(os.path.join(root, e["path"])), line
    elif e["op"] == "relink" or e["op"] == "rename":
        assert os.path.isfile(os.path.join(root, e["path"])), line
    if "error" in e:
        failed += 1
    else:
        seen[e["op"]] += 1
assert len({json.loads(l)["pid"] for l in lines} | {head["pid"]}) == 1, "one pid"
for op, c in ops.items():
    assert seen[op] == int(counters[c]), (op, seen[op], counters[c])
assert failed == int(counters["errors"]), (failed, counters["errors"])
assert seen["layer-swap"] >= 2 and seen["relink"] > 0, seen
PY
# Killed mid-run: every line written so far is whole.
"$STALEFS" workload churn --root "$BACKING" --seconds 20 --pause-us 100 \
	--events "$T/killed.jsonl" >/dev/null &
pid=$!
sleep 0.5
kill -KILL "$pid"
wait "$pid" 2>/dev/null
python3 - "$T/killed.jsonl" <<'PY' || fail "a killed churn left a broken log"
import json, sys
text = open(sys.argv[1]).read()
assert text and text.endswith("\n"), "no whole lines"
for line in text.splitlines():
    json.loads(line)
PY
rc=0
"$STALEFS" workload churn --root "$BACKING" --events "$T/no/such/dir/x" >"$T/bad.out" \
	2>"$T/bad.err" || rc=$?
expect_eq "churn --events into a missing dir: exit" "$rc" 2
expect_eq "churn --events into a missing dir: stderr lines" "$(wc -l <"$T/bad.err")" 1
exit 0
