#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A non-owner's write, O_TRUNC open, truncate and fallocate of a set-id file
# leave exactly the mode bits the backing filesystem leaves for the same call
# done natively (it clears S_ISUID, and S_ISGID with group-exec or for one
# not in the group): the daemon, root with CAP_FSETID, used to keep them.
# Arg: the cache mode.
. "$(dirname "$0")/lib.sh"
cache=${1:-never}
setup
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
command -v fallocate >/dev/null || skip "needs fallocate (util-linux)"
NATIVE=$T/native
mkdir -p "$NATIVE"
chmod 755 "$BACKING" "$NATIVE"
start_daemon --cache="$cache"
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups "$@"; }
declare -A ops=(
	[write]='printf x >>"$1"'
	[otrunc]=': >"$1"'
	[truncate]='truncate -s 10 "$1"'
	[fallocate]='fallocate -l 8192 "$1"'
)
checked=0
for mode in 4777 2777 2767 6777 6767; do
	for op in write otrunc truncate fallocate; do
		name=f-$mode-$op
		for dir in "$NATIVE" "$BACKING"; do
			printf 'data\n' >"$dir/$name"
			chmod "$mode" "$dir/$name"
		done
		as_user sh -c "${ops[$op]}" _ "$NATIVE/$name" 2>/dev/null ||
			fail "$op of a $mode file natively as uid 1000 failed"
		as_user sh -c "${ops[$op]}" _ "$MNT/$name" 2>"$T/op.err" ||
			fail "$op of a $mode file through the mount as uid 1000: $(cat "$T/op.err")"
		want=$(stat -c %a "$NATIVE/$name")
		got=$(stat -c %a "$BACKING/$name")
		expect_eq "cache $cache, $op of a $mode file by a non-owner: mode" "$got" "$want"
		checked=$((checked + 1))
	done
done
stop_daemon
note "cache $cache: $checked cases leave the modes the backing fs leaves natively"
