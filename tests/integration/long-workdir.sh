#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A work dir deeper than a unix socket address holds (sun_path: 107 bytes):
# `stalefs run --workdir <150 chars>` still runs its cell (the control
# socket is bound through its directory, /proc/self/fd/N/ctl.sock), the
# daemon's control socket at such a path answers `stalefs ctl`, and a cell
# the daemon cannot start is an error, never "cannot run here", unless the
# daemon said 77. A work dir with a space in it works as well.
. "$(dirname "$0")/lib.sh"
setup
require_python
deep=$T/$(printf 'd%.0s' $(seq 1 70))/$(printf 'e%.0s' $(seq 1 70))
mkdir -p "$deep"
[ "${#deep}" -gt 140 ] || fail "the work dir is only ${#deep} chars"
rc=0
"$STALEFS" run --workdir "$deep" --seconds 0.5 --quiet --out "$T/c.jsonl" 2>"$T/run.err" || rc=$?
[ "$rc" = 0 ] || fail "run --workdir (${#deep} chars): exit $rc: $(tail -1 "$T/run.err"); $(cat "$T/c.jsonl")"
st=$(python3 -c "import json; d=json.loads(open('$T/c.jsonl').readline()); print(d['status'], d['reason'])")
expect_eq "the cell with a ${#deep}-char work dir" "$st" "ran "

# A work dir with a space: mountinfo writes it as \040, and the harness
# still sees its mount come and go.
rc=0
"$STALEFS" run --workdir "$T/with space" --seconds 0.5 --quiet --out "$T/s.jsonl" 2>"$T/run.err" || rc=$?
[ "$rc" = 0 ] || fail "run --workdir 'with space': exit $rc: $(tail -1 "$T/run.err")"
expect_eq "the cell in a work dir with a space" \
	"$(python3 -c "import json; d=json.loads(open('$T/s.jsonl').readline()); print(d['status'], d['reason'])")" "ran "

# The daemon's own --control at a long path, and the client reaching it.
sock=$deep/ctl.sock
[ "${#sock}" -gt 108 ] || fail "socket path only ${#sock} chars"
start_daemon --control="$sock"
"$STALEFS" ctl "$sock" list >"$T/list" || fail "stalefs ctl at a ${#sock}-char path: exit $?"
stop_daemon
[ -e "$sock" ] && fail "the long socket was left behind"
note "work dir ${#deep} chars, socket ${#sock} chars"
echo "PASS"
