#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The daemon never follows a symlink nor leaves the shared dir: symlinks
# pointing outside come back as symlinks with their exact target, `..` at
# the root is the client's own parent, and a lookup through a symlinked
# directory is resolved by the client, not by the daemon. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
mkdir -p "$BACKING/dir" "$T/outside"
echo secret >"$T/outside/secret"
ln -s "$T/outside" "$BACKING/abs"
ln -s ../../outside "$BACKING/dir/rel"
start_daemon --inode-file-handles="$mode"
[ -L "$MNT/abs" ] || fail "abs is not a symlink through the mount"
expect_eq "readlink abs" "$(readlink "$MNT/abs")" "$T/outside"
expect_eq "readlink dir/rel" "$(readlink "$MNT/dir/rel")" "../../outside"
expect_eq "lstat type" "$(stat -c %F "$MNT/dir/rel")" "symbolic link"
expect_eq ".. at the root" "$(cd "$MNT/.." && pwd -P)" "$T"
expect_eq "dir/../.. from the root" "$(cd "$MNT/dir/../.." && pwd -P)" "$T"
# The names the daemon was asked for are single components it resolved itself.
grep -q '"err":"EINVAL"' "$T/events.jsonl" 2>/dev/null && fail "daemon saw an invalid name"
# Through the mount, dir/rel resolves (client side) to $T/mnt/../outside.
expect_eq "client-side resolution" "$(cat "$MNT/dir/rel/secret")" secret
stop_daemon
