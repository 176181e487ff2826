#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 970 hardlinks of one file (an ostree object) share one nodeid and the host
# st_ino, with st_nlink 971, through the mount. Args: MODE [unprivileged|userns].
. "$(dirname "$0")/lib.sh"
mode=$1 priv=${2:-root}
setup
require_python
extra=()
case $priv in
root) ;;
unprivileged) extra+=(--unprivileged) ;;
userns) require_userns; extra+=(--userns) ;;
*) fail "unknown privilege '$priv'" ;;
esac
mkdir "$BACKING/objects"
head -c 4096 /dev/urandom >"$BACKING/objects/obj.file"
for i in $(seq 1 970); do ln "$BACKING/objects/obj.file" "$BACKING/objects/l$i"; done
host_ino=$(stat -c %i "$BACKING/objects/obj.file")
start_daemon --inode-file-handles="$mode" --cache=never "${extra[@]}"

# One line per distinct (ino, nlink) seen through the mount.
seen=$(for i in $(seq 1 970); do stat -c '%i %h' "$MNT/objects/l$i"; done | sort -u)
expect_eq "distinct (st_ino, st_nlink) over 970 names" "$seen" "$host_ino 971"
cmp -s "$MNT/objects/l500" "$BACKING/objects/obj.file" || fail "content differs"

# Hold the object open so no FORGET (e.g. someone's drop_caches) interferes.
exec 3<"$MNT/objects/l1"
snapshot
effective=$(field 'd["inode_mode"]["effective"]')
want=$mode
[ "$priv" != root ] && want=never
expect_eq "inode mode in effect" "$effective" "$want"
# Entries: root, objects/, and the one object.
expect_eq "store entries" "$(field 'd["store"]["entries"]')" 3
lookups=$(field 'd["requests"]["LOOKUP"]')
[ "$lookups" -ge 970 ] || fail "expected >= 970 LOOKUPs with cache=never, got $lookups"
if [ "$want" = never ]; then
	expect_eq "fds held" "$(field 'd["store"]["fds"]')" 3
else
	expect_eq "handles held" "$(field 'd["store"]["handles"]')" 3
fi
exec 3<&-
stop_daemon
note "mode=$mode priv=$priv effective=$effective lookups=$lookups"
