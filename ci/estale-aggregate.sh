#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Merge the cell files of all matrix jobs into one report:
#   ci/estale-aggregate.sh [--builddir DIR] [--title T] [--baseline FILE] [--history FILE] DIR
# reads DIR/cells-*.jsonl (every job's, e.g. downloaded artifacts), writes
# DIR/report.txt, DIR/report.md (also appended to $GITHUB_STEP_SUMMARY when
# set), DIR/report.xml (JUnit) and DIR/report.json, prints the text table.
# --baseline: an earlier report.json to compare each cell's rate with (a
# missing file is no baseline: the first night); --history: the history file
# (JSON lines) this run's rates are appended to, once, and read back for the
# trend lines of report.txt.
# Exit: stalefs report's (0 no cell failed, 1 some did, 2 bad input).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/build
title="stalefs ESTALE matrix"
baseline=()
history=()
while [ $# -gt 1 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--title) title=$2; shift 2 ;;
	--baseline) [ -s "$2" ] && baseline=(--baseline "$2"); shift 2 ;;
	--history) history=(--history "$2"); shift 2 ;;
	*) echo "estale-aggregate: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ $# = 1 ] || { echo "usage: ci/estale-aggregate.sh [--builddir DIR] [--title T] [--baseline FILE] [--history FILE] DIR" >&2; exit 2; }
dir=$1
stalefs=$builddir/stalefs
shopt -s nullglob
files=("$dir"/cells-*.jsonl "$dir"/*/cells-*.jsonl)
[ ${#files[@]} -gt 0 ] || { echo "estale-aggregate: no cells-*.jsonl in $dir" >&2; exit 2; }
rc=0
"$stalefs" report --format text "${baseline[@]}" "${history[@]}" --out "$dir/report.txt" "${files[@]}" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
"$stalefs" report --format markdown "${baseline[@]}" --title "$title" --out "$dir/report.md" "${files[@]}"
"$stalefs" report --format junit "${baseline[@]}" --title "$title" --out "$dir/report.xml" "${files[@]}"
"$stalefs" report --format json "${baseline[@]}" --out "$dir/report.json" "${files[@]}"
cat "$dir/report.txt"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$dir/report.md" >>"$GITHUB_STEP_SUMMARY"; fi
exit "$rc"
