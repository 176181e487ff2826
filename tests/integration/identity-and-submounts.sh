#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Identity changes and submounts (cache=never, so every stat is a LOOKUP).
# A directory moved on the host from one parent over a name in another is
# logged as an identity change of that name (nodeid X -> Y, X still held by
# the kernel); re-reading unchanged names logs none (the control). A bind
# mount inside the shared dir is answered with FUSE_ATTR_SUBMOUNT
# (--announce-submounts, the default) and not with --no-announce-submounts;
# unmounting it on the host is seen by the client (another inode) and logged
# as an identity change with the submount flag going from on to off; so is
# a bind mount of a directory onto itself (only the mount ID differs).
. "$(dirname "$0")/lib.sh"
setup
require_python
ev_count() { events "sum(1 for e in evs if e.get('type') == 'identity' and $1)"; }

mkdir -p "$BACKING/a/d" "$BACKING/b/e" "$BACKING/sub" "$BACKING/plain"
start_daemon --cache=never
stat "$MNT/a/d" "$MNT/b/e" "$MNT/plain" >/dev/null
stat "$MNT/a/d" "$MNT/b/e" "$MNT/plain" >/dev/null
expect_eq "control: identity changes for unchanged names" "$(ev_count True)" 0

# The directory b/e moves over a/d: the name a/d now answers another nodeid.
mv -T "$BACKING/b/e" "$BACKING/a/d"
stat "$MNT/a/d" >/dev/null
expect_eq "moved dir: identity change of a/d" \
	"$(ev_count "e['name'] == 'd' and e['change'] == 'nodeid' and e['path'] == '/a/d' and e['old_nodeid'] != e['nodeid']")" 1

# A bind mount inside the shared dir is a submount root.
mount -t tmpfs -o size=1m stalefs-it "$BACKING/sub"
echo x >"$BACKING/sub/on-tmpfs"
before=$(stat -c %i "$MNT/sub")
sent=$(stat_field 'd["submounts"]["sent"]')
[ "$sent" -ge 1 ] || fail "--announce-submounts: no entry reply carried FUSE_ATTR_SUBMOUNT"
[ -e "$MNT/sub/on-tmpfs" ] || fail "the submount's files are not visible through the mount"
sent=$(stat_field 'd["submounts"]["sent"]')
stat "$MNT/plain" >/dev/null
expect_eq "a plain dir is no submount" "$(stat_field 'd["submounts"]["sent"]')" "$sent"
# Flip it: the host detaches it (lazily: the daemon's O_PATH fd keeps the
# mount busy, as virtiofsd's would); the client sees the dir underneath.
umount -l "$BACKING/sub"
after=$(stat -c %i "$MNT/sub")
[ "$before" != "$after" ] || fail "the client still sees inode $before after the host unmounted sub"
[ -e "$MNT/sub/on-tmpfs" ] && fail "the client still sees the submount's file"
expect_eq "submount flip: identity change" \
	"$(ev_count "e['name'] == 'sub' and e['old_submount'] and not e['submount']")" 1

# A bind mount of a directory onto itself: same filesystem, same inode, only
# the mount ID differs (statx's STATX_MNT_ID, also where glibc's struct statx
# lacks the member): a new nodeid with the submount flag, and back.
echo y >"$BACKING/plain/f"
stat "$MNT/plain/f" >/dev/null
mount --bind "$BACKING/plain" "$BACKING/plain"
stat "$MNT/plain/f" >/dev/null
expect_eq "self bind mount: identity change to a submount" \
	"$(ev_count "e['name'] == 'plain' and e['change'] == 'nodeid' and not e['old_submount'] and e['submount']")" 1
umount -l "$BACKING/plain"
stat "$MNT/plain/f" >/dev/null
expect_eq "self bind mount gone: identity change back" \
	"$(ev_count "e['name'] == 'plain' and e['old_submount'] and not e['submount']")" 1
stop_daemon

# --no-announce-submounts: the same mount, no flag.
mount -t tmpfs -o size=1m stalefs-it "$BACKING/sub"
start_daemon --cache=never --no-announce-submounts
stat "$MNT/sub" >/dev/null
expect_eq "--no-announce-submounts: flagged replies" "$(stat_field 'd["submounts"]["sent"]')" 0
stop_daemon
umount -l "$BACKING/sub"
echo "PASS"
