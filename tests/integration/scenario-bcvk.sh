#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `stalefs run --scenario bcvk` runs bcvk's whole shape: the 1.13.0 model,
# rootless (userns) fallback, cache=never, readonly, the two-path guest
# workload on the 970-link tree, a second daemon on the same storage and
# podman-like host activity; both daemons, both guests' overlays and the
# host actor all run, and all go away: at the end, on SIGINT (exit 130) and
# on SIGKILL of the harness (parent-death signals; the host actor cleans up
# the layers it added). An unknown scenario gets one line and exit 2.
. "$(dirname "$0")/lib.sh"
setup
require_python
require_userns
export TMPDIR=$T
q() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print($2)" "$1"; }
mounts() { awk -v t="$T/" 'index($5, t) == 1' /proc/self/mountinfo | wc -l; }
children() { pgrep -f "$STALEFS (mount|workload)" | wc -l; }
settle() {
	for _ in $(seq 1 150); do
		[ "$(mounts)" = 0 ] && [ "$(children)" = 0 ] && return 0
		sleep 0.1
	done
	fail "$1: left $(mounts) mounts under $T and $(children) processes: $(pgrep -af "$STALEFS (mount|workload)")"
}
# Both daemons mounted, both guests' readers and the host actor running.
wait_for_shape() {
	for _ in $(seq 1 300); do
		[ "$(pgrep -fc "$STALEFS mount")" -ge 2 ] && [ "$(pgrep -fc "$STALEFS workload read")" -ge 2 ] &&
			[ "$(pgrep -fc "$STALEFS workload churn")" -ge 1 ] && [ "$(mounts)" -ge 2 ] && return 0
		sleep 0.1
	done
	fail "the bcvk shape never came up: $(pgrep -af "$STALEFS") / $(mounts) mounts"
}

rc=0
"$STALEFS" run --scenario nope >/dev/null 2>"$T/bad.err" || rc=$?
expect_eq "unknown scenario: exit" "$rc" 2
expect_eq "unknown scenario: lines" "$(wc -l <"$T/bad.err")" 1

"$STALEFS" run --scenario bcvk --seconds 3 --quiet --out "$T/run.jsonl" 2>"$T/run.err" ||
	[ $? = 1 ] || fail "run --scenario bcvk: exit $? ($(tail -2 "$T/run.err"))"
expect_eq "status" "$(q "$T/run.jsonl" 'd["status"] + ":" + d["reason"]')" "ran:"
expect_eq "the cell" "$(q "$T/run.jsonl" 'd["cell"]')" \
	"fallback/userns/never/none/read+overlay+2path+podman+2daemons+ro@1.13.0"
expect_eq "mode in effect" "$(q "$T/run.jsonl" 'd["effective_mode"]')" never
calls=$(q "$T/run.jsonl" 'sum(d["calls"].values())')
[ "$calls" -gt 0 ] || fail "no calls"
note "bcvk scenario, 3 s: $(q "$T/run.jsonl" 'd["estale_total"]') ESTALE in $calls calls"
settle "a finished run"

"$STALEFS" run --scenario bcvk --seconds 60 --quiet --out "$T/int.jsonl" 2>/dev/null &
pid=$!
wait_for_shape
sleep 1
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "SIGINT: exit" "$rc" 130
settle "SIGINT"
expect_eq "SIGINT: status" "$(q "$T/int.jsonl" 'd["status"]')" interrupted

"$STALEFS" run --scenario bcvk --seconds 60 --quiet --out /dev/null 2>/dev/null &
pid=$!
wait_for_shape
sleep 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
settle "SIGKILL of the harness"
# The host actor took its own layers away (nothing it added is left in the tree).
left=$(find "$T" -path '*/backing/overlay/*' -name '*podman*' 2>/dev/null | head -3)
[ -z "$left" ] || fail "the killed run's host actor left the layers it added: $left"
ls -d "$T"/stalefs-run.*/backing/overlay >/dev/null 2>&1 || fail "the killed run's tree was not there to check"
echo "PASS"
