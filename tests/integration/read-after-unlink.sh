#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An open file stays readable after its last name is unlinked (through the
# mount and on the host, with caches dropped), and in O_PATH mode a path-less
# reopen through /proc keeps working. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
printf 'hello, unlinked world\n' >"$BACKING/a"
printf 'second\n' >"$BACKING/b"
start_daemon --inode-file-handles="$mode"
exec 3<"$MNT/a" 4<"$MNT/b"
rm "$MNT/a"
rm "$BACKING/b"
drop_caches
expect_eq "read of unlinked (via mount)" "$(cat <&3)" "hello, unlinked world"
expect_eq "read of unlinked (via host)" "$(cat <&4)" "second"
exec 3<&- 4<&-
[ ! -e "$MNT/a" ] || fail "unlinked name still visible"
stop_daemon
