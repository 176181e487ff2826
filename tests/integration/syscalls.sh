#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every POSIX behaviour of the operation set, checked against the backing
# dir by the syscalls program. Args: MODE [extra stalefs mount options...].
. "$(dirname "$0")/lib.sh"
mode=$1
shift
setup
start_daemon --inode-file-handles="$mode" --xattr "$@"
STALEFS_EXPECT_XATTR=1 timeout 300 "${SYSCALLS:?}" "$MNT" "$BACKING" || fail "syscalls failed"
stop_daemon
