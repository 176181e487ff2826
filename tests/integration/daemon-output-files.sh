#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon's own files: --events and --stats are born 0644 (the daemon runs
# with umask 0), a symlink at either path is not followed (a root daemon's
# file cannot be aimed elsewhere), and the last stats are written after
# DESTROY, so they show the emptied store. The event log stays JSON for a
# name that is not UTF-8 (its bytes come back through surrogateescape).
. "$(dirname "$0")/lib.sh"
setup
require_python
mkdir -p "$BACKING/d"
for i in 1 2 3; do echo "$i" >"$BACKING/d/f$i"; done
start_daemon --cache=never
cat "$MNT"/d/f* >/dev/null
cat "$MNT/d/nope" 2>/dev/null
cat "$MNT/d/"$'\xff\xc3missing' 2>/dev/null
stop_daemon
python3 - "$T/events.jsonl" <<'PY' || fail "the event log is not JSON for a name that is not UTF-8"
import json, sys
names = [json.loads(l).get("name") for l in open(sys.argv[1], encoding="utf-8")]
want = b"\xff\xc3missing"
assert any(n and n.encode("utf-8", "surrogateescape").endswith(want) for n in names), names
PY
expect_eq "events file mode" "$(stat -c %a "$T/events.jsonl")" 644
expect_eq "stats file mode" "$(stat -c %a "$T/stats.json")" 644
jf() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/stats.json"; }
expect_eq "last stats: store entries after DESTROY" "$(jf 'd["store"]["entries"]')" 0
expect_eq "last stats: store fds after DESTROY" "$(jf 'd["store"]["fds"]')" 0

# A symlink at the events path: refused (exit 2), its target never made.
ln -s "$T/aimed" "$T/ev-link.jsonl"
rc=0
"$STALEFS" mount --shared-dir="$BACKING" --events="$T/ev-link.jsonl" -f "$MNT" >"$T/link.log" 2>&1 || rc=$?
expect_eq "symlink at --events: exit" "$rc" 2
is_mounted "$MNT" && fail "symlink at --events: something was mounted"
[ -e "$T/aimed" ] && fail "the events file followed a symlink"
# A symlink planted where the stats file's temporary goes: not followed.
ln -s "$T/aimed-stats" "$T/stats.json.tmp"
start_daemon
stop_daemon
[ -e "$T/aimed-stats" ] && fail "the stats file followed a symlink at its temporary"
[ -f "$T/stats.json" ] || fail "no stats file with a symlink at its temporary"
note "$(head -n 1 "$T/link.log")"
