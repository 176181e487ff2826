#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Workload figures, measured in one run: how long generating ~100k hardlinks
# takes, and the readers' rate on the backing dir against their rate through
# a stalefs mount (the readers must not be the bottleneck: the backing rate
# should be many times the mount's). Prints figures; never fails on speed.
set -u
. "$(dirname "$0")/../integration/lib.sh"
setup
secs=${BENCH_READ_SECONDS:-5}
out=$("$STALEFS" workload gen --root "$T/big" --objects 1000 --checkouts 100 --layers 1) ||
	fail "gen failed"
echo "gen, 100 checkouts of 1000 objects: $out"
rm -rf "$T/big"
"$STALEFS" workload gen --root "$BACKING" --objects 2000 >/dev/null || fail "gen failed"
rate() {
	"$STALEFS" workload read --root "$1" --seconds "$secs" --threads 4 --json - 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["ops_per_s"])'
}
b=$(rate "$BACKING")
for mode in never mandatory; do
	start_daemon --inode-file-handles="$mode"
	m=$(rate "$MNT")
	stop_daemon
	printf 'readers, 4 threads, %ss: backing %s ops/s, mount (%s, cache=auto) %s ops/s, ratio %.1fx\n' \
		"$secs" "$b" "$mode" "$m" "$(awk -v b="$b" -v m="$m" 'BEGIN { print b / m }')"
done
