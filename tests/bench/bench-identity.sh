#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cost of identity tracking (the table of recent names behind the event
# log's "identity" lines): checked readers through two cache=never mounts of
# one tree, one daemon tracking names (the default) and one with
# --identity-names=0, both logging events; runs alternate on and off so
# drift hits both, and the median of the pairwise ratios is printed next to
# the target (under 5% slower). Then the bytes one tracked name costs.
# Prints figures; never fails on speed.
set -u
. "$(dirname "$0")/../integration/lib.sh"
setup
require_python
pairs=${BENCH_PAIRS:-5}
secs=${BENCH_SECONDS:-3}
"$STALEFS" workload gen --root "$BACKING" --objects 2000 >/dev/null || fail "gen failed"
mkdir -p "$T/on" "$T/off"
pids=()
cleanup_more() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; cleanup; }
trap cleanup_more EXIT
for side in on off; do
	opt=()
	[ "$side" = off ] && opt=(--identity-names=0)
	"$STALEFS" mount -f --shared-dir="$BACKING" --cache=never --events="$T/$side.events" \
		--stats="$T/$side.stats" "${opt[@]}" "$T/$side" 2>>"$T/daemon.log" &
	pids+=($!)
	for _ in $(seq 1 100); do is_mounted "$T/$side" && break; sleep 0.05; done
	is_mounted "$T/$side" || fail "daemon ($side) did not mount"
done
rate() {	# MOUNT: reader ops/s
	"$STALEFS" workload read --root "$1" --manifest "$BACKING/.stalefs-manifest" --seconds "$secs" \
		--threads 4 --json - 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["ops_per_s"])'
}
rate "$T/on" >/dev/null	# warm-up: both mounts have looked every name up once
rate "$T/off" >/dev/null
ratios=()
for i in $(seq 1 "$pairs"); do
	a=$(rate "$T/on") b=$(rate "$T/off")
	ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
	echo "pair $i: tracking on $a ops/s, off $b ops/s"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
printf 'identity tracking: reader ops/s on/off, median of %d pairs: %s (%s; target: under 5%% slower)\n' \
	"$pairs" "$median" "$(awk -v m="$median" 'BEGIN { d = (1 - m) * 100
		if (d >= 0) printf "%.1f%% slower", d; else printf "%.1f%% faster: noise", -d }')"
"$BENCH_STORE" 0 names
