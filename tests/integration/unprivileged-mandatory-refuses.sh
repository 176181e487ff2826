#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mandatory without working file handles refuses to start: one line on
# stderr, exit code 77 (cannot run here; 2 is for bad input), nothing
# mounted. Arg: PRIV(unprivileged|userns).
. "$(dirname "$0")/lib.sh"
priv=$1
setup
[ "$priv" = userns ] && require_userns
rc=0
"$STALEFS" mount --shared-dir="$BACKING" --inode-file-handles=mandatory --"$priv" \
	"$MNT" >"$T/out" 2>"$T/err" || rc=$?
expect_eq "exit code" "$rc" 77
expect_eq "stderr lines" "$(wc -l <"$T/err")" 1
grep -q "mandatory" "$T/err" || fail "error does not name the mode: $(cat "$T/err")"
is_mounted "$MNT" && fail "something was mounted"
pgrep -f "stalefs mount --shared-dir=$BACKING" >/dev/null && fail "a daemon is still running"
exit 0
