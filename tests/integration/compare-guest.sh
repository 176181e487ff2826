#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stalefs compare smoke test: the checked readers run in a QEMU guest whose
# /mnt is a real virtiofsd's share of a generated tree
# (workloads/guest/stalefs-guest.sh); the JSON comes back over the serial
# console: no errors, 40 files checked; virtiofsd's debug log shows its
# replies; no QEMU or virtiofsd process and no temp dir is left. Skips
# without ci/compare-setup.sh's paths.env or the static guest workload.
# Arg: MODE (--inode-file-handles).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
mode=${1:-never}
runner=$(cd "$(dirname "$0")/../.." && pwd)/workloads/guest/stalefs-guest.sh
require_guest virtiofsd kernel qemu busybox modules

T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
BACKING=$T/backing
mkdir -p "$BACKING"
trap cleanup EXIT
trap 'exit 130' INT TERM

"$STALEFS" workload gen --root "$BACKING" --objects 50 --max-links 30 >"$T/gen.out" ||
	fail "gen: $(cat "$T/gen.out")"

rc=0
start=$(date +%s.%N)
TMPDIR=$T "$runner" --shared-dir "$BACKING" --mode "$mode" --paths-env "$paths_env" \
	--workload-bin "$STALEFS_GUEST_WORKLOAD" --out "$T/read.json" --log "$T/virtiofsd.log" \
	--serial "$T/serial.log" --timeout 240 -- \
	read --root /mnt --manifest /mnt/.stalefs-manifest --count 20 --threads 2 --json /out.json \
	2>"$T/runner.err" || rc=$?
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
if [ "$rc" = 77 ]; then
	skip "$(grep -m1 SKIP "$T/runner.err" || tail -n 1 "$T/runner.err")"
fi
if [ "$rc" != 0 ]; then
	cat "$T/runner.err" >&2
	fail "guest runner exit $rc"
fi

jq_() { python3 -c "import json,sys; d=json.load(open('$T/read.json')); print($1)"; }
expect_eq "workload" "$(jq_ 'd["workload"]')" read
expect_eq "guest root" "$(jq_ 'd["params"]["root"]')" /mnt
expect_eq "errors" "$(jq_ 'sum(sum(o["errors"].values()) for o in d["ops"].values())')" 0
expect_eq "files checked" "$(jq_ 'd["integrity"]["files"]')" 40
expect_eq "mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0
expect_eq "ESTALE" "$(jq_ 'd["estale_total"]')" 0

[ -s "$T/virtiofsd.log" ] || fail "no virtiofsd log"
replies=$(grep -c 'Replying OK' "$T/virtiofsd.log")
[ "$replies" -gt 0 ] || fail "no replies in the virtiofsd debug log"
grep -q 'opcode=Lookup' "$T/virtiofsd.log" || fail "no LOOKUP in the virtiofsd debug log"
grep -q 'opcode=Read ' "$T/virtiofsd.log" || fail "no READ in the virtiofsd debug log"

# Nothing left: no process of this run (their command lines name $T), no temp dir.
left=$(pgrep -a -f "$T/stalefs-guest\.")
[ -z "$left" ] || fail "processes left: $left"
for d in "$T"/stalefs-guest.*; do
	[ -e "$d" ] && fail "temp dir left: $d"
done
note "guest run ($mode): ${took} s, $replies OK replies; $(grep 'done:' "$T/runner.err")"
