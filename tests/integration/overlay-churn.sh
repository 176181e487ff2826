#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bcvk #157 shape with no injected fault: checked readers go through an
# overlayfs whose lowers are the layer dirs on the mount, while the host
# churns the backing tree (names moved to new inodes with the same bytes).
# Through the overlay the readers see ESTALE that the daemon never sent (in
# O_PATH mode); on the bare mount, under the same churn, O_PATH mode gives no
# ESTALE at all (a relink can still give a passing ENOENT), while handle mode
# may (open_by_handle_at of an inode the churn freed). No read may return
# wrong bytes either way. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
require_python
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	skip "no overlayfs in this kernel"
"$STALEFS" workload gen --root "$BACKING" --objects 100 --max-links 100 --checkouts 2 \
	>/dev/null || fail "gen failed"
start_daemon --inode-file-handles="$mode" --cache=never
mkdir -p "$T/upper" "$T/merged"
mount -t tmpfs tmpfs "$T/upper" || fail "tmpfs"
mkdir -p "$T/upper/u" "$T/upper/w"
mount -t overlay overlay \
	-o "lowerdir=$(ls -d "$MNT"/overlay/*/diff | paste -sd:),upperdir=$T/upper/u,workdir=$T/upper/w" \
	"$T/merged" || fail "overlay over the mount"
# The same manifest, seen from inside the merged layers.
sed 's|^overlay/[^/]*/diff/||' "$BACKING/.stalefs-manifest" >"$T/merged.manifest"

read_under_churn() {	# ROOT MANIFEST JSON
	"$STALEFS" workload churn --root "$BACKING" --seconds 4 --pause-us 200 >"$T/churn.out" &
	local churn=$!
	"$STALEFS" workload read --root "$1" --manifest "$2" --seconds 4 --json "$3" 2>/dev/null
	wait "$churn"
}
q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
errs='sum(sum(o["errors"].values()) for o in d["ops"].values())'

read_under_churn "$T/merged" "$T/merged.manifest" "$T/overlay.json"
read_under_churn "$MNT" "$BACKING/.stalefs-manifest" "$T/bare.json"
byerr='{k: v["errors"] for k, v in d["ops"].items() if v["errors"]}'
note "mode=$mode overlay: $(q "$T/overlay.json" 'd["estale_total"]') ESTALE in $(q "$T/overlay.json" 'd["ops_total"]') calls $(q "$T/overlay.json" "$byerr"); bare: $(q "$T/bare.json" "$errs") errors in $(q "$T/bare.json" 'd["ops_total"]') $(q "$T/bare.json" "$byerr"); daemon ESTALE replies $(stat_field 'd["errors"].get("ESTALE", 0)'); $(cat "$T/churn.out")"
[ "$(q "$T/overlay.json" 'd["estale_total"]')" -gt 0 ] || fail "no ESTALE through the overlay"
expect_eq "mismatches through the overlay" "$(q "$T/overlay.json" 'd["integrity"]["mismatches"]')" 0
expect_eq "mismatches on the bare mount" "$(q "$T/bare.json" 'd["integrity"]["mismatches"]')" 0
if [ "$mode" = never ]; then
	expect_eq "ESTALE on the bare mount (O_PATH mode)" "$(q "$T/bare.json" 'd["estale_total"]')" 0
	expect_eq "ESTALE replies from the daemon (O_PATH mode)" "$(stat_field 'd["errors"].get("ESTALE", 0)')" 0
fi
umount "$T/merged"
umount "$T/upper"
stop_daemon
