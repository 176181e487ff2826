#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --readonly answers EROFS to every write while reads work.
. "$(dirname "$0")/lib.sh"
setup
echo keep >"$BACKING/f"
mkdir "$BACKING/d"
start_daemon --readonly --xattr
expect_eq "read" "$(cat "$MNT/f")" keep
for op in "touch $MNT/new" "mkdir $MNT/d2" "rm $MNT/f" "rmdir $MNT/d" \
	"ln $MNT/f $MNT/f2" "ln -s x $MNT/s" "mv $MNT/f $MNT/g" "chmod 600 $MNT/f" \
	"truncate -s 0 $MNT/f" "setfattr -n user.x -v 1 $MNT/f" "mkfifo $MNT/p"; do
	if [ "${op%% *}" = setfattr ] && ! command -v setfattr >/dev/null; then continue; fi
	err=$($op 2>&1) && fail "'$op' succeeded on a read-only daemon"
	case $err in *"Read-only file system"*) ;; *) fail "'$op': $err" ;; esac
done
sh -c "echo x >>$MNT/f" 2>/dev/null && fail "append succeeded"
expect_eq "backing untouched" "$(cat "$BACKING/f")" keep
stop_daemon
