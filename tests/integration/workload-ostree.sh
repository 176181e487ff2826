#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real ostree (init, commit, checkout -H, fsck) on the backing dir and
# through the mount, every checked-out byte compared with the source: clean
# in both. The default repo mode, bare-user, keeps each object's uid/gid/mode
# in the user.ostreemeta xattr, so the daemon runs with --xattr; without it
# `ostree init` fails (the result says why) while bare-user-only, which
# needs no xattrs, still works. Arg: MODE (--inode-file-handles).
. "$(dirname "$0")/lib.sh"
mode=$1
setup
require_python
command -v ostree >/dev/null || skip "ostree is not installed (apt-get install ostree)"

# run_ostree ROOT [options...]: prints the exit code; the result is in ostree.json.
run_ostree() {
	local rc=0 root=$1
	shift
	"$STALEFS" workload ostree --root "$root" --objects 150 --seed 7 --json "$T/ostree.json" \
		"$@" 2>>"$T/ostree.err" || rc=$?
	echo "$rc"
}
jq_() { python3 -c "import json,sys; d=json.load(open('$T/ostree.json')); print($1)"; }
errors() { jq_ 'sum(sum(o["errors"].values()) for o in d["ops"].values())'; }
failed_steps() { jq_ 'sum(s["failed"] for s in d["steps"].values())'; }

expect_eq "backing: exit" "$(run_ostree "$BACKING" --cleanup)" 0
expect_eq "backing: failed steps" "$(failed_steps)" 0
expect_eq "backing: errors" "$(errors)" 0
expect_eq "backing: mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
files=$(jq_ 'd["integrity"]["files"]')
[ "$files" -gt 0 ] || fail "backing: no file checked"
[ ! -e "$BACKING/stalefs-ostree" ] || fail "--cleanup left $BACKING/stalefs-ostree"

start_daemon --inode-file-handles="$mode" --xattr --cache=never
expect_eq "mount: exit" "$(run_ostree "$MNT" --rounds 2 --cleanup)" 0
expect_eq "mount: failed steps" "$(failed_steps)" 0
expect_eq "mount: errors" "$(errors)" 0
expect_eq "mount: mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
expect_eq "mount: files checked" "$(jq_ 'd["integrity"]["files"]')" "$((files * 2))"
expect_eq "mount: fsck corrupted" "$(jq_ 'd["steps"]["fsck"]["corrupted"]')" 0
note "mount, bare-user, s: $(jq_ '" ".join("%s %.1f" % (k, v["seconds"]) for k, v in d["steps"].items())')," \
	"all $(jq_ 'd["duration_s"]')"
stop_daemon

# No xattrs (the default, as in virtiofsd): bare-user cannot init, and says so.
start_daemon --inode-file-handles="$mode"
expect_eq "no xattrs, bare-user: exit" "$(run_ostree "$MNT" --checkouts 1)" 1
expect_eq "no xattrs, bare-user: failed step" "$(jq_ 'd["failures"][0]["step"]')" init
expect_eq "no xattrs, bare-user: hint" "$(jq_ '"--xattr" in d["hint"]')" True
expect_eq "no xattrs, bare-user: errors" "$(errors)" 0
expect_eq "no xattrs, bare-user-only: exit" \
	"$(run_ostree "$MNT" --mode bare-user-only --checkouts 1 --force --cleanup)" 0
expect_eq "no xattrs, bare-user-only: errors" "$(errors)" 0
expect_eq "no xattrs, bare-user-only: files checked" "$(jq_ 'd["integrity"]["files"]')" \
	"$((files / 3))"
stop_daemon
[ ! -e "$BACKING/stalefs-ostree" ] || fail "--cleanup left $BACKING/stalefs-ostree"
