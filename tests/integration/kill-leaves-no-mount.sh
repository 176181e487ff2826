#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGTERM ends the daemon with a clean unmount; SIGKILL leaves nothing mounted
# either (fusermount3's auto_unmount). Also with a background (daemonised)
# daemon. Arg: SIGNAL.
. "$(dirname "$0")/lib.sh"
sig=$1
setup
echo x >"$BACKING/f"
start_daemon --thread-pool-size=2
cat "$MNT/f" >/dev/null
exec 3<"$MNT/f"	# an open file must not keep the mount alive
stop_daemon "$sig"
exec 3<&-
# Daemonised: `stalefs mount` returns once mounted; find the daemon by its mount.
"$STALEFS" mount --shared-dir="$BACKING" "$MNT" 2>>"$T/daemon.log" || fail "background mount failed"
is_mounted "$MNT" || fail "not mounted after stalefs mount returned"
DAEMON_PID=$(pgrep -f -n "stalefs mount --shared-dir=$BACKING $MNT") || fail "no daemon process"
cat "$MNT/f" >/dev/null || fail "read through the background daemon"
kill -"$sig" "$DAEMON_PID"
for _ in $(seq 1 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.05; done
kill -0 "$DAEMON_PID" 2>/dev/null && fail "daemon survived SIG$sig"
DAEMON_PID=""
for _ in $(seq 1 50); do is_mounted "$MNT" || exit 0; sleep 0.05; done
fail "mount left behind after SIG$sig of the background daemon"
