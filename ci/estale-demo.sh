#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job: what this machine can run (stalefs doctor), a small default
# ESTALE matrix (every inode mode, root and unprivileged, three fault
# profiles, the ostree-layout tree read through a guest-style overlay over
# the mount), its table (stalefs report), and the bcvk #157 experiments with
# their conclusion (stalefs pinpoint). Needs root and /dev/fuse.
# Usage: ci/estale-demo.sh [BUILDDIR]   (default: build)
# Writes its cell files and reports under $STALEFS_OUT (default: BUILDDIR/estale).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-build}
case $builddir in /*) ;; *) builddir=$top/$builddir ;; esac
stalefs=$builddir/stalefs
if [ ! -x "$stalefs" ]; then
	echo "estale-demo: build first (missing $stalefs)" >&2
	exit 2
fi
out=${STALEFS_OUT:-$builddir/estale}
mkdir -p "$out"
rm -f "$out/matrix.jsonl" "$out/pinpoint.jsonl"
start=$(date +%s)

echo "== stalefs doctor"
"$stalefs" doctor
echo
echo "== stalefs matrix (4 modes x root/unprivileged x 3 profiles, read through an overlay over the mount)"
rc=0
"$stalefs" matrix --modes never,prefer,mandatory,fallback --privileges root,unprivileged \
	--profiles none,evict-storm,bcvk-overlay --workloads read+overlay --cache never \
	--seconds 1 --out "$out/matrix.jsonl" || rc=$?
case $rc in 0 | 1 | 77) ;; *) echo "estale-demo: stalefs matrix failed (exit $rc)" >&2; exit "$rc" ;; esac
echo
"$stalefs" report --format text "$out/matrix.jsonl"
"$stalefs" report --format markdown --out "$out/matrix.md" "$out/matrix.jsonl"
"$stalefs" report --format junit --out "$out/matrix.xml" "$out/matrix.jsonl"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$out/matrix.md" >>"$GITHUB_STEP_SUMMARY"; fi
echo
echo "== stalefs pinpoint (bcvk #157: each hypothesis against a control)"
rc=0
"$stalefs" pinpoint --time-limit 180 --out "$out/pinpoint.jsonl" || rc=$?
echo
echo "estale-demo: done in $(($(date +%s) - start)) s; cell files and reports in $out"
exit "$rc"
