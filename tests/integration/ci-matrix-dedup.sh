#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The nightly workflow's cell set, read from .github/workflows/estale-matrix.yml
# itself (so the test follows the workflow), covers every cell the old matrix
# of one job per mode x privilege x profile ran that could run: mandatory
# unprivileged or in a user namespace always skipped, and fallback is prefer
# in the model. The shards partition the set: no cell twice, none missing.
# Uses `stalefs matrix --list`, which runs nothing (no root needed).
. "$(dirname "$0")/lib.sh"
require_python
python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml to read the workflow"
src=$(cd "$(dirname "$0")/../.." && pwd)
wf=$src/.github/workflows/estale-matrix.yml
[ -f "$wf" ] || skip "no workflow next to the tests"
T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
trap 'rm -rf "$T"' EXIT
ids() { "$STALEFS" matrix "$@" --list | grep -v '^ '; }

# The old matrix (before the nightly service): one job per cell of these axes,
# each running both workloads.
for mode in never prefer mandatory fallback; do
	for priv in root unprivileged userns; do
		[ "$mode" = mandatory ] && [ "$priv" != root ] && continue	# always cannot-run
		for prof in none evict-storm bcvk-overlay nfs-silly-rename; do
			ids --modes "$mode" --privileges "$priv" --profiles "$prof" --workloads read,read+overlay
		done
	done
done | sed 's|^fallback/|prefer/|' | sort -u >"$T/old"
[ "$(wc -l <"$T/old")" -ge 40 ] || fail "the old matrix has only $(wc -l <"$T/old") cells"

# The new one: every include entry of the cell job, with the job's env.
python3 - "$wf" >"$T/jobs" <<'PY' || fail "cannot read the cell job's matrix from $wf"
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
job = wf["jobs"]["cell"]
env = job["env"]
for e in job["strategy"]["matrix"]["include"]:
    print(e["modes"], e["privileges"], env["PROFILES"], env["WORKLOADS"], e["shard"])
PY
[ -s "$T/jobs" ] || fail "no cell jobs in the workflow"
: >"$T/new"
while read -r modes privs profs wls shard; do
	ids --modes "$modes" --privileges "$privs" --profiles "$profs" --workloads "$wls" --shard "$shard" >>"$T/new" ||
		fail "stalefs matrix --list for shard $shard failed"
done <"$T/jobs"
dups=$(sort "$T/new" | uniq -d)
[ -z "$dups" ] || fail "cells in two shards or sets: $dups"
grep -q '^fallback/' "$T/new" && fail "the workflow runs fallback, which is prefer in the model"
grep -Eq '^mandatory/(unprivileged|userns)/' "$T/new" && fail "the workflow schedules cells that cannot run"
sort "$T/new" >"$T/new.sorted"
missing=$(comm -23 "$T/old" "$T/new.sorted")
[ -z "$missing" ] || fail "cells of the old matrix the workflow no longer runs: $missing"
note "$(wc -l <"$T/new.sorted") cells in $(wc -l <"$T/jobs") jobs cover the old matrix's $(wc -l <"$T/old") runnable cells"
echo PASS
