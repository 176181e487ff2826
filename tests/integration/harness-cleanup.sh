#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Whatever ends a run, nothing is left behind: no FUSE mount, no overlay, no
# daemon, no workload. SIGINT of the harness (exit 130, the cell recorded as
# interrupted), SIGKILL of the harness (children die with it by their
# parent-death signal; the next run sweeps the dead run's work dir), SIGKILL
# of the daemon under it (the cell ends as an error or with errors, and is
# still cleaned up).
. "$(dirname "$0")/lib.sh"
setup
require_python
export TMPDIR=$T
fuse_mounts() { grep -c ' fuse\| overlay ' /proc/self/mountinfo; }
children() { pgrep -f "$STALEFS (mount|workload)" | wc -l; }
before=$(fuse_mounts)
wait_for_mount() {
	for _ in $(seq 1 200); do
		[ "$(fuse_mounts)" -gt "$before" ] && return 0
		sleep 0.05
	done
	fail "the run never mounted"
}
settle() {
	for _ in $(seq 1 100); do
		[ "$(fuse_mounts)" = "$before" ] && [ "$(children)" = 0 ] && return 0
		sleep 0.05
	done
	fail "$1: left $(($(fuse_mounts) - before)) mounts and $(children) processes"
}

"$STALEFS" run --mode never --overlay --seconds 30 --quiet --out "$T/int.jsonl" 2>/dev/null &
pid=$!
wait_for_mount
sleep 1
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
expect_eq "SIGINT: exit" "$rc" 130
settle "SIGINT"
expect_eq "SIGINT: status" "$(python3 -c "import json; print(json.loads(open('$T/int.jsonl').readline())['status'])")" interrupted
ls -d "$T"/stalefs-run.* 2>/dev/null && fail "SIGINT left the work dir"

"$STALEFS" run --mode prefer --overlay --churn --seconds 30 --quiet --out /dev/null 2>/dev/null &
pid=$!
wait_for_mount
sleep 1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
settle "SIGKILL of the harness"
# Its work dir and its tracefs instance stay until the next run sweeps them.
"$STALEFS" run --mode never --seconds 0.3 --quiet --out /dev/null 2>/dev/null ||
	fail "a run after the kill failed"
ls -d "$T"/stalefs-run.* 2>/dev/null && fail "the dead run's work dir was not swept"
for inst in /sys/kernel/tracing/instances/stalefs-"$pid"-*; do
	[ -e "$inst" ] && fail "the dead run's tracefs instance $inst was not swept"
done

"$STALEFS" run --mode never --seconds 4 --quiet --out "$T/dk.jsonl" 2>/dev/null &
pid=$!
wait_for_mount
sleep 1
pkill -KILL -f "$STALEFS mount" || fail "no daemon to kill"
rc=0
wait "$pid" || rc=$?
[ "$rc" = 1 ] || [ "$rc" = 99 ] || fail "killed daemon: exit $rc"
settle "SIGKILL of the daemon"
note "killed daemon: exit $rc, $(python3 -c "import json; d=json.loads(open('$T/dk.jsonl').readline()); print(d['status'], d['errors'])")"
exit 0
