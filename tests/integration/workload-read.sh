#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The readers over a generated ostree-like tree: clean on the backing dir and
# through the mount (no errors, every byte, symlink target and xattr
# checked); with ESTALE injected on READ (an fd op: no retry) they count
# exactly what was injected. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
require_python
"$STALEFS" workload gen --root "$BACKING" --objects 200 --max-links 100 --checkouts 2 \
	--seed 9 >"$T/gen.out" || fail "gen: $(cat "$T/gen.out")"
run_read() {
	local rc=0
	"$STALEFS" workload read --root "$1" --manifest "$BACKING/.stalefs-manifest" \
		--count "$2" --threads "$3" --json "$T/read.json" \
		2>>"$T/read.err" || rc=$?
	echo "$rc"
}
jq_() { python3 -c "import json,sys; d=json.load(open('$T/read.json')); print($1)"; }

expect_eq "backing: exit" "$(run_read "$BACKING" 200 4)" 0
expect_eq "backing: mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
[ "$(jq_ 'd["integrity"]["symlinks"]')" -gt 0 ] || fail "no symlink target was checked"
if grep -q '^#xattr' "$BACKING/.stalefs-manifest"; then
	[ "$(jq_ 'd["integrity"]["xattrs"]')" -gt 0 ] || fail "no xattr was checked"
fi

start_daemon --inode-file-handles="$mode" --cache=never --control="$T/ctl.sock" --xattr
expect_eq "mount: exit" "$(run_read "$MNT" 200 4)" 0
expect_eq "mount: files checked" "$(jq_ 'd["integrity"]["files"]')" 800
[ "$(jq_ 'd["ops"]["readlink"]["ok"]')" -gt 0 ] || fail "no readlink through the mount"
if grep -q '^#xattr' "$BACKING/.stalefs-manifest"; then
	[ "$(jq_ 'd["integrity"]["xattrs"]')" -gt 0 ] || fail "no xattr checked through the mount"
	expect_eq "mount: xattrs unsupported" "$(jq_ 'd["ops"]["getxattr"]["unsupported"]')" 0
fi
expect_eq "mount: errors" "$(jq_ 'sum(sum(o["errors"].values()) for o in d["ops"].values())')" 0

# FORGET storms from a guest-side cache dropper: still clean.
rc=0
"$STALEFS" workload read --root "$MNT" --manifest "$BACKING/.stalefs-manifest" --seconds 2 \
	--drop-caches-ms 100 --json "$T/read.json" 2>>"$T/read.err" || rc=$?
expect_eq "mount under drop_caches: exit" "$rc" 0
[ "$(jq_ 'd["drops"]')" -ge 5 ] || fail "the cache dropper ran $(jq_ 'd["drops"]') times"
[ "$(stat_field 'd["forgotten"]')" -gt 0 ] || fail "no FORGET reached the daemon"

ctl add "errno:op=READ,errno=ESTALE,count=5" >/dev/null
expect_eq "with 5 ESTALE injected: exit" "$(run_read "$MNT" 100 1)" 1
expect_eq "read ESTALE counted" "$(jq_ 'd["ops"]["read"]["errors"].get("ESTALE", 0)')" 5
expect_eq "ESTALE events" "$(jq_ 'len([e for e in d["estale"] if e["op"] == "read" and "opened_by" in e])')" 5
expect_eq "rule fired" "$(ctl list | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["fired"])')" 5
expect_eq "other errors" "$(jq_ 'sum(sum(o["errors"].values()) for o in d["ops"].values()) - 5')" 0
expect_eq "mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
stop_daemon
note "$(cat "$T/gen.out")"
