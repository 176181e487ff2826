#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The io_uring storm over a generated ostree-like tree: clean on the backing
# dir and through the mount (no errors, every byte checked); with ESTALE
# injected on READ (an fd op: no retry) it counts exactly what was injected.
# Skips without liburing or where io_uring is not available. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
require_python
if "$STALEFS" workload storm --help 2>&1 | grep -q "built without liburing"; then
	skip "stalefs was built without liburing"
fi
"$STALEFS" workload gen --root "$BACKING" --objects 200 --max-links 100 --checkouts 2 \
	--seed 9 >"$T/gen.out" || fail "gen: $(cat "$T/gen.out")"
# run_storm ROOT COUNT THREADS [more options]: prints the exit code.
run_storm() {
	local root=$1 count=$2 threads=$3 rc=0
	shift 3
	"$STALEFS" workload storm --root "$root" --manifest "$BACKING/.stalefs-manifest" \
		--count "$count" --threads "$threads" --json "$T/storm.json" "$@" \
		2>>"$T/storm.err" || rc=$?
	echo "$rc"
}
jq_() { python3 -c "import json,sys; d=json.load(open('$T/storm.json')); print($1)"; }
errors='sum(sum(o["errors"].values()) for o in d["ops"].values())'

rc=$(run_storm "$BACKING" 20 2)
[ "$rc" != 77 ] || skip "$(tail -n 1 "$T/storm.err")"
expect_eq "backing: exit" "$rc" 0
expect_eq "backing: mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
[ "$(jq_ 'd["integrity"]["files"]')" -gt 0 ] || fail "backing: no file checked"

start_daemon --inode-file-handles="$mode" --cache=never --control="$T/ctl.sock"
# 20 batches of 32 names on each of 2 rings.
expect_eq "mount: exit" "$(run_storm "$MNT" 20 2)" 0
expect_eq "mount: files checked" "$(jq_ 'd["integrity"]["files"]')" 1280
expect_eq "mount: errors" "$(jq_ "$errors")" 0
expect_eq "mount: statx" "$(jq_ 'd["ops"]["statx"]["ok"]')" 1280

# Deep queues on several rings: still clean.
expect_eq "mount, QD 256 x 4: exit" "$(run_storm "$MNT" 3 4 --queue-depth 256)" 0
expect_eq "mount, QD 256 x 4: files checked" "$(jq_ 'd["integrity"]["files"]')" 3072

ctl add "errno:op=READ,errno=ESTALE,count=5" >/dev/null
expect_eq "with 5 ESTALE injected: exit" "$(run_storm "$MNT" 10 1)" 1
expect_eq "read ESTALE counted" "$(jq_ 'd["ops"]["read"]["errors"].get("ESTALE", 0)')" 5
expect_eq "ESTALE events" "$(jq_ 'len([e for e in d["estale"] if e["op"] == "read" and "opened_by" in e])')" 5
expect_eq "rule fired" "$(ctl list | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["fired"])')" 5
expect_eq "other errors" "$(jq_ "$errors - 5")" 0
expect_eq "files checked" "$(jq_ 'd["integrity"]["files"]')" 315
expect_eq "mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
stop_daemon
note "$(cat "$T/gen.out")"
note "$(grep '^storm:' "$T/storm.err" | head -n 1)"
