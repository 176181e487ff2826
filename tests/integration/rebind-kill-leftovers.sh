#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A daemon SIGKILLed while its rebind fault stands leaves the bind over the
# shared dir (nothing can undo it then) and its control socket; the next
# daemon started on that dir removes the bind (it says so) and the socket,
# and shares the real dir again.
. "$(dirname "$0")/lib.sh"
setup
mkdir -p "$T/other"
echo real >"$BACKING/f"
echo other >"$T/other/f"
start_daemon --control="$T/ctl.sock"
ctl fire "rebind:to=$T/other" >/dev/null || fail "fire rebind"
is_mounted "$BACKING" || fail "the rebind did not bind over the shared dir"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
# auto_unmount's helper takes the dead mount away; under load that can take a
# while, and this test is about the rebind, so wait, then lend a hand.
for _ in $(seq 1 200); do is_mounted "$MNT" || break; sleep 0.1; done
is_mounted "$MNT" && umount -l "$MNT"
is_mounted "$BACKING" || fail "no leftover to test: the bind went with the daemon"
expect_eq "the leftover bind shows the other dir" "$(cat "$BACKING/f")" other
start_daemon --control="$T/ctl.sock"
is_mounted "$BACKING" && fail "the next daemon left the killed one's bind over the shared dir"
grep -q "removed the rebind over .* that a killed daemon" "$T/daemon.log" ||
	fail "the next daemon did not say it removed the bind: $(tail -n 3 "$T/daemon.log")"
expect_eq "the mount shares the real dir again" "$(cat "$MNT/f")" real
expect_eq "the control socket works" "$(ctl list | wc -l)" 0
stop_daemon

# The record outlives its bind (someone unmounted it) and the shared dir is a
# mount of its own: the next daemon leaves that mount alone.
mount -t tmpfs stalefs-test "$BACKING" || fail "cannot mount a tmpfs as the shared dir"
echo tmpfs >"$BACKING/f"
start_daemon --control="$T/ctl.sock"
ctl fire "rebind:to=$T/other" >/dev/null || fail "fire rebind over the tmpfs"
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
for _ in $(seq 1 200); do is_mounted "$MNT" || break; sleep 0.1; done
is_mounted "$MNT" && umount -l "$MNT"
umount -l "$BACKING"	# the bind, by hand: the tmpfs is on top again
expect_eq "after the bind went by hand" "$(cat "$BACKING/f")" tmpfs
start_daemon --control="$T/ctl.sock"
is_mounted "$BACKING" || fail "the next daemon unmounted the shared dir's own mount"
expect_eq "the mount shares the tmpfs" "$(cat "$MNT/f")" tmpfs
stop_daemon
umount "$BACKING"
ls /run/stalefs/rebind.* >/dev/null 2>&1 && grep -l " $(realpath "$BACKING")\$" /run/stalefs/rebind.* 2>/dev/null &&
	fail "a rebind record is left in /run/stalefs"
note "$(grep -m1 'removed the rebind' "$T/daemon.log")"
