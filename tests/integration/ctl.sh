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
stop_daemon
[ -e "$T/ctl.sock" ] && fail "socket left behind"

for bad in "--inject=explode" "--inject=errno" "--profile=no-such-profile"; do
	rc=0
	"$STALEFS" mount --shared-dir="$BACKING" "$bad" "$MNT" 2>"$T/err" || rc=$?
	expect_eq "$bad: exit" "$rc" 2
	expect_eq "$bad: stderr lines" "$(wc -l <"$T/err")" 1
done
exit 0
