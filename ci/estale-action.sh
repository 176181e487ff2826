#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The composite action's (ci/action.yml) run and report steps; every input
# comes in as an INPUT_* environment variable, never as shell text.
#   ci/estale-action.sh            run the matrix (or, with INPUT_SCENARIO, one
#                                  `stalefs run --scenario NAME`) into $RUNNER_TEMP/stalefs
#   ci/estale-action.sh --report   unmount leftovers, merge, set the outputs
# INPUT_EXTRA_ARGS is split on white space only (no quotes, globs or $).
# Exit: the matrix's or run's, or ci/estale-outputs.sh's.
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=${RUNNER_TEMP:-/tmp}
build=$tmp/stalefs-build
out=$tmp/stalefs
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
if [ "${1:-}" = --report ]; then
	"${sudo[@]}" bash "$here/unmount-leftovers.sh" "$out/.work"
	"${sudo[@]}" chown -R "$(id -u):$(id -g)" "$out"
	exec bash "$here/estale-outputs.sh" --builddir "$build" "$out"
fi
"${sudo[@]}" modprobe fuse 2>/dev/null || true
name=${INPUT_NAME:-stalefs}
read -r -a extra <<<"${INPUT_EXTRA_ARGS:-}"
common=(--cache "${INPUT_CACHE:-never}" --seconds "${INPUT_SECONDS:-3}" --reps "${INPUT_REPS:-2}"
	--expect "${INPUT_EXPECT:-any}" --max-links "${INPUT_MAX_LINKS:-970}"
	--objects "${INPUT_OBJECTS:-200}" --threads "${INPUT_THREADS:-4}")
limit=()
if [ -n "${INPUT_SCENARIO:-}" ]; then
	# --scenario is a run option: one cell, written like a matrix cell file.
	case $name in *[!A-Za-z0-9._+-]*) echo "estale-action: bad name '$name'" >&2; exit 2 ;; esac
	mkdir -p "$out/.work"
	# run has no --time-limit: timeout(1) gives the same exit, 124.
	[ -n "${INPUT_TIME_LIMIT:-}" ] && limit=(timeout --foreground "$INPUT_TIME_LIMIT")
	rc=0
	"${limit[@]}" "${sudo[@]}" env TMPDIR="$out/.work" "$build/stalefs" run --scenario "$INPUT_SCENARIO" "${common[@]}" \
		"${extra[@]}" --out "$out/cells-$name.jsonl" || rc=$?
	exit "$rc"
fi
axes=(--modes "$INPUT_MODES" --privileges "$INPUT_PRIVILEGES" --profiles "$INPUT_PROFILES"
	--workloads "$INPUT_WORKLOADS")
[ -n "${INPUT_SHARD:-}" ] && axes+=(--shard "$INPUT_SHARD")
[ -n "${INPUT_TIME_LIMIT:-}" ] && axes+=(--time-limit "$INPUT_TIME_LIMIT")
exec "${sudo[@]}" bash "$here/estale-job.sh" --builddir "$build" --out "$out" --name "$name" \
	--allow-userns -- "${axes[@]}" "${common[@]}" "${extra[@]}"
