#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A client holds an O_PATH fd (no FUSE OPEN, so the daemon holds no open
# file); the host unlinks the file and drops caches, freeing the inode.
# fstat (GETATTR, an fd op: no VFS retry) then answers ESTALE in handle mode
# (open_by_handle_at fails) and succeeds in O_PATH mode (the fd pins the
# inode). The event log names the host syscall. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
require_python
echo data >"$BACKING/victim"
start_daemon --inode-file-handles="$mode" --cache=never
probe_start hold-fstat "$MNT/victim"
rm "$BACKING/victim"
drop_caches
result=$(probe_go)
probe_stop
case $mode in
never)
	case $result in ok*) ;; *) fail "O_PATH mode: fstat gave '$result', want ok" ;; esac
	[ "$(echo "$result" | cut -d' ' -f3)" = 0 ] || fail "nlink after unlink: $result"
	;;
*)
	expect_eq "fstat in $mode mode" "$result" ESTALE
	python3 - "$T/events.jsonl" <<'PY' || fail "no ESTALE event from open_by_handle_at"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
ok = [e for e in evs if e["type"] == "error" and e["op"] == "GETATTR" and e["err"] == "ESTALE"
      and e["source"] == "host" and e["detail"] == "open_by_handle_at"]
sys.exit(0 if ok else 1)
PY
	expect_eq "ESTALE replies counted" "$(stat_field 'd["errors"].get("ESTALE", 0)')" 1
	;;
esac
stop_daemon
note "mode=$mode fstat -> $result"
