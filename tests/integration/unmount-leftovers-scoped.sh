#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ci/unmount-leftovers.sh unmounts what is below the dirs it is given (a
# stalefs mount, a tmpfs, a bind mount, one whose path has a space) and
# nothing else: another job's stalefs mount next to them stays.
. "$(dirname "$0")/lib.sh"
setup
script=$(cd "$(dirname "$0")/../.." && pwd)/ci/unmount-leftovers.sh
mkdir -p "$T/job/mnt" "$T/job/tmp dir" "$T/job/bind" "$T/other"
start_daemon
mount -t tmpfs stalefs-test "$T/job/tmp dir" || fail "cannot mount a tmpfs"
mount --bind "$BACKING" "$T/job/bind" || fail "cannot bind-mount"
"$STALEFS" mount --shared-dir="$BACKING" "$T/job/mnt" || fail "cannot mount the job's stalefs"
rc=0
bash "$script" "$T/job" >"$T/out" 2>&1 || rc=$?
expect_eq "exit" "$rc" 0
for m in "$T/job/mnt" "$T/job/tmp dir" "$T/job/bind"; do
	is_mounted "$(printf '%s' "$m" | sed 's/ /\\040/g')" && fail "still mounted: $m"
done
grep -q "3 mounts below" "$T/out" || fail "summary: $(tail -n 1 "$T/out")"
is_mounted "$MNT" || fail "the other stalefs mount (not below the job's dir) was unmounted"
rc=0
bash "$script" >/dev/null 2>"$T/err" || rc=$?
expect_eq "no dir: exit" "$rc" 2
stop_daemon
note "$(tail -n 1 "$T/out")"
