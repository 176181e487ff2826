#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stalefs compare against the real virtiofsd 1.13.2 in a QEMU guest (and
# stalefs-virtiofsd in the same guest, the third column, when built), in each
# of never / prefer / mandatory, as root and in a user namespace (the
# rootless-podman way), reading a 970-link tree with no churn: both servers
# read every byte right with zero ESTALE; in a user namespace prefer really
# runs as never in both, and mandatory cannot run in either; every row agrees.
# No QEMU or virtiofsd process and no temp dir is left. Skips only where
# virtiofsd, QEMU, a guest kernel or the static guest workload cannot be had
# (ci/compare-setup.sh and a non-sanitized build provide them; .ci/run does).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
paths_env=${STALEFS_COMPARE_CACHE:-/var/cache/stalefs-compare}/paths.env
setup
require_python
[ -r "$paths_env" ] || skip "no $paths_env (run ci/compare-setup.sh)"
if [ -z "${STALEFS_GUEST_WORKLOAD:-}" ] || [ ! -x "$STALEFS_GUEST_WORKLOAD" ]; then
	skip "no static guest workload (a build without sanitizers makes one)"
fi
export TMPDIR=$T
# This test's QEMUs and daemons: their command lines name a path under $T.
procs() { pgrep -f "$T/" | wc -l; }
before=$(procs)
rc=0
start=$(date +%s)
"$STALEFS" compare --modes never,prefer,mandatory --privileges root,userns --objects 60 \
	--max-links 970 --threads 2 --seconds 1 --out "$T/cells.jsonl" >"$T/table.txt" \
	2>"$T/compare.err" || rc=$?
note "compare: $(($(date +%s) - start)) s, exit $rc"
[ "$rc" = 0 ] || fail "compare exited $rc: $(tail -n 20 "$T/table.txt" "$T/compare.err")"
third=0
[ -n "${STALEFS_VIRTIOFSD:-}" ] && [ -x "$STALEFS_VIRTIOFSD" ] && third=1
python3 - "$T/cells.jsonl" "$third" <<'PY' || fail "the table: $(cat "$T/table.txt")"
import json, sys
third = sys.argv[2] == "1"
sides = ("stalefs", "virtiofsd") + (("stalefs-virtiofsd",) if third else ())
rows = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    rows[(d["cell"].split("@")[0], d.get("backend"))] = d
assert len(rows) == 6 * len(sides), sorted(rows)
for mode in ("never", "prefer", "mandatory"):
    for priv in ("root", "userns"):
        cell = f"{mode}/{priv}/auto/none/read"
        ds = [rows[(cell, s)] for s in sides]
        if mode == "mandatory" and priv == "userns":
            assert all(d["status"] == "cannot-run" for d in ds), [d["reason"] for d in ds]
            continue
        for d in ds:
            assert d["status"] == "ran", (cell, d["backend"], d["reason"])
            assert d["estale_total"] == 0 and d["integrity"]["mismatches"] == 0, (cell, d["backend"])
            assert d["integrity"]["files"] > 0, (cell, d["backend"])
        want = "never" if priv == "userns" else mode
        assert all(d["effective_mode"] == want for d in ds), \
            (cell, [d["effective_mode"] for d in ds])
PY
grep -q "6 cells, 6 agree, 0 disagree" "$T/table.txt" || fail "not all rows agree: $(cat "$T/table.txt")"
if [ "$third" = 1 ]; then
	[ "$(grep -c '^  stalefs-virtiofsd: ' "$T/table.txt")" = 6 ] ||
		fail "no third column in the table: $(cat "$T/table.txt")"
fi
for _ in $(seq 1 50); do [ "$(procs)" = "$before" ] && break; sleep 0.1; done
expect_eq "qemu and virtiofsd processes left" "$(procs)" "$before"
ls -d "$T"/stalefs-compare.* "$T"/stalefs-guest.* 2>/dev/null && fail "temp dirs left"
exit 0
