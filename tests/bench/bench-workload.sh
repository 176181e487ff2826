#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Workload figures, measured in one run: how long generating ~100k hardlinks
# takes, and the readers' and the io_uring storm's rates on the backing dir
# against their rates through a stalefs mount (the workloads must not be the
# bottleneck: the backing rate should be many times the mount's). Prints
# figures; never fails on speed.
set -u
. "$(dirname "$0")/../integration/lib.sh"
setup
secs=${BENCH_READ_SECONDS:-5}
out=$("$STALEFS" workload gen --root "$T/big" --objects 1000 --checkouts 100 --layers 1) ||
	fail "gen failed"
echo "gen, 100 checkouts of 1000 objects: $out"
rm -rf "$T/big"
"$STALEFS" workload gen --root "$BACKING" --objects 2000 >/dev/null || fail "gen failed"
rate() {	# read|storm ROOT: ops/s, or nothing when the workload cannot run here
	local threads=4
	[ "$1" = storm ] && threads=2
	"$STALEFS" workload "$1" --root "$2" --manifest "$BACKING/.stalefs-manifest" \
		--seconds "$secs" --threads "$threads" --json - 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["ops_per_s"])' 2>/dev/null
}
# cache=never: every op of the workload reaches the daemon (the harness's
# setting for exposing ESTALE), so the mount's rate is the daemon's.
b=$(rate read "$BACKING")
sb=$(rate storm "$BACKING")
for mode in never mandatory; do
	start_daemon --inode-file-handles="$mode" --cache=never
	m=$(rate read "$MNT")
	sm=$(rate storm "$MNT")
	stop_daemon
	printf 'readers, 4 threads, %ss: backing %s ops/s, mount (%s, cache=never) %s ops/s, ratio %.1fx\n' \
		"$secs" "$b" "$mode" "$m" "$(awk -v b="$b" -v m="$m" 'BEGIN { print b / m }')"
	if [ -n "$sb" ]; then
		printf 'storm, QD 32, 2 rings, %ss: backing %s ops/s, mount (%s, cache=never) %s ops/s, ratio %.1fx\n' \
			"$secs" "$sb" "$mode" "$sm" "$(awk -v b="$sb" -v m="$sm" 'BEGIN { print b / m }')"
	fi
done
