#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side churn on a plain directory keeps the tree valid: readers running
# beside it see no wrong byte and no error but ENOENT on a name in its
# unlink-and-recreate window (renames over, extra links and whole-layer swaps
# are atomic for them); afterwards the names keep their bytes, xattrs and
# symlinks, and the layer dirs are still the same two.
. "$(dirname "$0")/lib.sh"
setup
require_python
"$STALEFS" workload gen --root "$BACKING" --objects 120 --max-links 60 --checkouts 2 \
	--seed 5 >/dev/null || fail "gen failed"
layers_before=$(ls "$BACKING/overlay")
"$STALEFS" workload churn --root "$BACKING" --seconds 3 --layer-every 0.4 --pause-us 100 \
	>"$T/churn.out" &
churn=$!
rc=0
"$STALEFS" workload read --root "$BACKING" --seconds 3 --json "$T/r.json" 2>/dev/null || rc=$?
wait "$churn" || fail "churn failed: $(cat "$T/churn.out")"
note "$(cat "$T/churn.out")"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "readers beside the churn: exit $rc"
python3 - "$T/r.json" <<'PY' || fail "readers beside the churn saw more than the relink window"
import json, sys
d = json.load(open(sys.argv[1]))
other = {op: {e: n for e, n in v["errors"].items() if e != "ENOENT"} for op, v in d["ops"].items()}
assert not any(other.values()), other
assert d["integrity"]["mismatches"] == 0 and d["integrity"]["files"] > 0, d["integrity"]
PY
swaps=$(sed -n 's/.*layer-swaps=\([0-9]*\).*/\1/p' "$T/churn.out")
[ "$swaps" -ge 2 ] || fail "only $swaps layer swaps in 3 s"
expect_eq "layer dirs after the swaps" "$(ls "$BACKING/overlay")" "$layers_before"
ls -d "$BACKING"/overlay/*.churn-* 2>/dev/null && fail "churn left temp dirs behind"
rc=0
"$STALEFS" workload read --root "$BACKING" --count 300 --threads 2 --json "$T/after.json" \
	2>/dev/null || rc=$?
expect_eq "the tree after the churn: exit" "$rc" 0
python3 - "$T/after.json" <<'PY' || fail "the tree after churn was not fully checked"
import json, sys
d = json.load(open(sys.argv[1]))
i = d["integrity"]
assert i["mismatches"] == 0 and i["files"] == 600 and i["symlinks"] > 0, i
PY
exit 0
