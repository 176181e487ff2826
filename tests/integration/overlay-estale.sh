#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bcvk #157, rank 1 (virtiofsd.md §6): an overlayfs whose lower layers are
# layer dirs on the mount (the guest-podman shape: several `diff` lowers, a
# tmpfs upper). When the revalidation LOOKUP of an ostree object fails on
# every pass (ENOENT: the host moved the name), overlayfs answers ESTALE,
# while the same fault on the bare mount shows the raw ENOENT. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	skip "no overlayfs in this kernel"
"$STALEFS" workload gen --root "$BACKING" --objects 40 --max-links 30 --layers 2 --checkouts 1 \
	>/dev/null || fail "gen failed"
start_daemon --inode-file-handles="$mode" --cache=never --control="$T/ctl.sock"
mkdir -p "$T/upper" "$T/merged"
mount -t tmpfs tmpfs "$T/upper" || fail "tmpfs"
mkdir -p "$T/upper/u" "$T/upper/w"
lowers=$(ls -d "$MNT"/overlay/*/diff | paste -sd:)
mount -t overlay overlay -o "lowerdir=$lowers,upperdir=$T/upper/u,workdir=$T/upper/w" "$T/merged" ||
	fail "overlay over the mount"
rel=$(cd "$T/merged" && find sysroot/ostree/repo/objects -name '*.file' | sort | head -n 1)
name=$(basename "$rel")
bare=$(ls -d "$MNT"/overlay/*/diff/"$rel" | head -n 1)
expect_eq "through the overlay, no fault" "$(path_call stat "$T/merged/$rel")" ok
expect_eq "bare, no fault" "$(path_call stat "$bare")" ok

# ENOENT on the three LOOKUPs of one path call (revalidate, lookup, REVAL).
ctl add "errno:op=LOOKUP,path=*/$name,errno=ENOENT,count=1,sticky=2" >/dev/null
expect_eq "through the overlay" "$(path_call stat "$T/merged/$rel")" ESTALE
ctl clear
ctl add "errno:op=LOOKUP,path=*/$name,errno=ENOENT,count=1,sticky=2" >/dev/null
expect_eq "on the bare mount" "$(path_call stat "$bare")" ENOENT
ctl clear
expect_eq "through the overlay once the name is back" "$(path_call stat "$T/merged/$rel")" ok
# The daemon never answered ESTALE: overlayfs made it.
expect_eq "daemon ESTALE replies" "$(stat_field 'd["errors"].get("ESTALE", 0)')" 0
umount "$T/merged"
umount "$T/upper"
stop_daemon
