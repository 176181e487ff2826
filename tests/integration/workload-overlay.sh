#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The readers' own overlay (--overlay: the tree's layer diff dirs as lowers,
# a tmpfs upper, in a private mount namespace): clean over the backing dir
# and over the mount; while the host swaps in recreated layers (same bytes,
# new inodes), the overlay over the mount turns to ESTALE that the daemon
# never sent, while the bare mount under the same churn sees no ESTALE in
# O_PATH mode (only ENOENT in the host's unlink-and-recreate window). A reader killed with SIGKILL leaves no overlay behind.
# Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
export TMPDIR=$T	# an overlay killed mid-run leaves its empty dir here
require_python
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	skip "no overlayfs in this kernel"
"$STALEFS" workload gen --root "$BACKING" --objects 150 --max-links 100 --checkouts 2 \
	--seed 4 >/dev/null || fail "gen failed"
M=$BACKING/.stalefs-manifest
q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
errs='sum(sum(o["errors"].values()) for o in d["ops"].values())'
overlays() { grep -c ' overlay ' /proc/self/mountinfo; }
before=$(overlays)

rc=0
"$STALEFS" workload read --root "$BACKING" --overlay --count 100 --json "$T/a.json" 2>/dev/null || rc=$?
expect_eq "overlay over the backing dir: exit" "$rc" 0
expect_eq "files checked" "$(q "$T/a.json" 'd["integrity"]["files"]')" 400
expect_eq "overlay recorded" "$(q "$T/a.json" 'd["params"]["overlay"]')" True

start_daemon --inode-file-handles="$mode" --cache=never
rc=0
"$STALEFS" workload read --root "$MNT" --manifest "$M" --overlay --count 100 \
	--json "$T/b.json" 2>/dev/null || rc=$?
expect_eq "overlay over the mount: exit" "$rc" 0
expect_eq "overlay over the mount: errors" "$(q "$T/b.json" "$errs")" 0

# Layer swaps on the host: the overlay's layer roots are now deleted dirs.
under_swaps() {	# JSON [reader options]
	local out=$1 churn
	shift
	"$STALEFS" workload churn --root "$BACKING" --seconds 3 --layer-every 0.5 \
		>"$T/churn.out" &
	churn=$!
	"$STALEFS" workload read --root "$MNT" --manifest "$M" --seconds 3 --json "$out" "$@" \
		2>/dev/null
	wait "$churn" || fail "churn: $(cat "$T/churn.out")"
}
under_swaps "$T/ovl.json" --overlay
under_swaps "$T/bare.json"
note "mode=$mode overlay: $(q "$T/ovl.json" 'd["estale_total"]') ESTALE in $(q "$T/ovl.json" 'd["ops_total"]') calls; bare: $(q "$T/bare.json" "$errs") errors in $(q "$T/bare.json" 'd["ops_total"]'); $(cat "$T/churn.out")"
[ "$(q "$T/ovl.json" 'd["estale_total"]')" -gt 0 ] || fail "no ESTALE through the overlay under layer swaps"
expect_eq "mismatches (overlay)" "$(q "$T/ovl.json" 'd["integrity"]["mismatches"]')" 0
expect_eq "mismatches (bare)" "$(q "$T/bare.json" 'd["integrity"]["mismatches"]')" 0
if [ "$mode" = never ]; then
	# ENOENT is the host's own unlink-and-recreate window; nothing else.
	expect_eq "errors but ENOENT on the bare mount (O_PATH mode)" \
		"$(q "$T/bare.json" "$errs - sum(o['errors'].get('ENOENT', 0) for o in d['ops'].values())")" 0
	expect_eq "daemon ESTALE replies (O_PATH mode)" "$(stat_field 'd["errors"].get("ESTALE", 0)')" 0
fi

# SIGKILL mid-run: the overlay lived in the reader's own mount namespace.
"$STALEFS" workload read --root "$MNT" --manifest "$M" --overlay --seconds 30 2>/dev/null &
reader=$!
sleep 1
kill -KILL "$reader"
wait "$reader" 2>/dev/null
expect_eq "overlays after SIGKILL" "$(overlays)" "$before"
stop_daemon
is_mounted "$MNT" && fail "the mount is still there after the daemon stopped"
exit 0
