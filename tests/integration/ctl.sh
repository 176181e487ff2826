#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The control socket: 0600 and root/owner only; every command works; a bad
# rule or command gets an error naming what is wrong (exit 1) and the daemon
# keeps serving; profiles load by name; bad --inject/--profile exit 2.
. "$(dirname "$0")/lib.sh"
setup
require_python
echo x >"$BACKING/f"
start_daemon --control="$T/ctl.sock" --profile=server-restart --inject="delay:op=STATFS,delay=1"
expect_eq "socket mode" "$(stat -c %a "$T/ctl.sock")" 600
expect_eq "rules from profile and --inject" "$(ctl list | python3 -c 'import json,sys; print(" ".join(json.loads(l)["kind"] for l in sys.stdin))')" "restart delay"

out=$(ctl add "errno:op=GETATR,errno=ESTALE" 2>&1) && fail "a bad rule was accepted"
case $out in *"op: unknown FUSE op 'GETATR'"*) ;; *) fail "bad rule message: $out" ;; esac
rc=0; ctl frobnicate >/dev/null 2>&1 || rc=$?
expect_eq "unknown command exit" "$rc" 1
rc=0; ctl fire "evict" >/dev/null 2>&1 || rc=$?
expect_eq "fire evict without nodeid" "$rc" 1
expect_eq "add" "$(ctl add 'errno:op=READLINK,errno=EIO')" "rule 3"
ctl stats | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["store"]["entries"] >= 1' ||
	fail "stats is not a JSON document"
ctl store | python3 -c 'import json,sys; e=[json.loads(l) for l in sys.stdin]; assert any(x["nodeid"] == 1 for x in e)' ||
	fail "store lacks the root"
expect_eq "reload" "$(ctl reload)" "root re-resolved from $BACKING"
expect_eq "still serving" "$(cat "$MNT/f")" x
ctl clear
expect_eq "list after clear" "$(ctl list)" ""

# Another user cannot connect (0600 root socket).
if command -v setpriv >/dev/null; then
	rc=0
	setpriv --reuid=1000 --regid=1000 --clear-groups "$STALEFS" ctl "$T/ctl.sock" list >/dev/null 2>&1 || rc=$?
	[ "$rc" != 0 ] || fail "uid 1000 could use the control socket"
fi
rc=0; "$STALEFS" ctl "$T/nope.sock" list >/dev/null 2>&1 || rc=$?
expect_eq "no daemon at that socket (a failure, not bad input)" "$rc" 1

# Evicting the root would make the whole mount answer EBADF: refused.
rc=0; out=$(ctl fire "evict:nodeid=1" 2>&1) || rc=$?
expect_eq "fire evict:nodeid=1: exit" "$rc" 1
case $out in *"1 is the root"*) ;; *) fail "fire evict:nodeid=1: $out" ;; esac
expect_eq "serving after a refused root evict" "$(cat "$MNT/f")" x

# Clients that connect and never send their line delay nobody else (each
# has its own thread; one used to hold the only one for 5 s).
python3 - "$T/ctl.sock" 4 "$T/held" <<'PY' &
import socket, sys, time
held = []
for _ in range(10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
open(sys.argv[3], "w").close()
time.sleep(float(sys.argv[2]))
PY
silent=$!
for _ in $(seq 1 100); do [ -e "$T/held" ] && break; sleep 0.05; done
[ -e "$T/held" ] || fail "the silent clients did not connect"
rc=0; timeout 3 "$STALEFS" ctl "$T/ctl.sock" list >/dev/null 2>&1 || rc=$?
expect_eq "list while 10 silent clients wait" "$rc" 0
wait "$silent"

# A second daemon given this socket refuses it (one line, exit 2) and the
# first one keeps it: still reachable, still there after the refusal.
mkdir "$T/mnt2"
rc=0
"$STALEFS" mount --shared-dir="$BACKING" --control="$T/ctl.sock" "$T/mnt2" 2>"$T/err2" || rc=$?
expect_eq "second daemon on a live control socket: exit" "$rc" 2
expect_eq "second daemon on a live control socket: stderr lines" "$(wc -l <"$T/err2")" 1
is_mounted "$T/mnt2" && fail "the second daemon mounted"
expect_eq "the first daemon still answers" "$(ctl list | wc -l)" 0
note "second daemon: $(cat "$T/err2")"
stop_daemon
[ -e "$T/ctl.sock" ] && fail "socket left behind"

for bad in "--inject=explode" "--inject=errno" "--profile=no-such-profile"; do
	rc=0
	"$STALEFS" mount --shared-dir="$BACKING" "$bad" "$MNT" 2>"$T/err" || rc=$?
	expect_eq "$bad: exit" "$rc" 2
	expect_eq "$bad: stderr lines" "$(wc -l <"$T/err")" 1
done
exit 0
