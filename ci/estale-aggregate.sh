#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Merge the cell files of all matrix jobs into one report:
#   ci/estale-aggregate.sh [--builddir DIR] [--title T] [--baseline FILE] [--history-from FILE] DIR
# reads DIR/cells-*.jsonl (every job's, e.g. downloaded artifacts), writes
# DIR/report.txt, DIR/report.md (also appended to $GITHUB_STEP_SUMMARY when
# set), DIR/report.xml (JUnit) and DIR/report.json, prints the text table.
# When this stalefs's `report` has them: DIR/report.html (--format html),
# the comparison with --baseline FILE (a previous report.json; ignored when
# missing) and DIR/history.jsonl (--history-from FILE copied first, then this
# run's rates appended by --history); without them those are skipped with a note.
# Exit: stalefs report's (0 no cell failed, 1 some did, 2 bad input).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/build
title="stalefs ESTALE matrix"
baseline=
history_from=
while [ $# -gt 1 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--title) title=$2; shift 2 ;;
	--baseline) baseline=$2; shift 2 ;;
	--history-from) history_from=$2; shift 2 ;;
	*) echo "estale-aggregate: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ $# = 1 ] || { echo "usage: ci/estale-aggregate.sh [--builddir DIR] [--title T] [--baseline FILE] [--history-from FILE] DIR" >&2; exit 2; }
dir=$1
stalefs=$builddir/stalefs
help=$("$stalefs" report --help 2>&1)
extra=()
hist=()
if grep -q -- --baseline <<<"$help"; then
	[ -n "$baseline" ] && [ -s "$baseline" ] && extra+=(--baseline "$baseline")
elif [ -n "$baseline" ]; then
	echo "estale-aggregate: this stalefs report has no --baseline; skipped" >&2
fi
if grep -q -- --history <<<"$help"; then
	[ -n "$history_from" ] && [ -s "$history_from" ] && cp "$history_from" "$dir/history.jsonl"
	hist=(--history "$dir/history.jsonl")
else
	echo "estale-aggregate: this stalefs report has no --history; skipped" >&2
fi
shopt -s nullglob
files=("$dir"/cells-*.jsonl "$dir"/*/cells-*.jsonl)
[ ${#files[@]} -gt 0 ] || { echo "estale-aggregate: no cells-*.jsonl in $dir" >&2; exit 2; }
rc=0
"$stalefs" report --format text --out "$dir/report.txt" "${extra[@]}" "${files[@]}" || rc=$?
[ "$rc" -le 1 ] || exit "$rc"
"$stalefs" report --format markdown --title "$title" --out "$dir/report.md" "${extra[@]}" "${files[@]}"
"$stalefs" report --format junit --title "$title" --out "$dir/report.xml" "${extra[@]}" "${files[@]}"
# The history gets this run's rates once: from the html run when there is
# one (the page draws it), else from the json run.
if grep -Eq '[|(]html[|;)]' <<<"$help"; then
	"$stalefs" report --format json --out "$dir/report.json" "${extra[@]}" "${files[@]}"
	"$stalefs" report --format html --title "$title" --out "$dir/report.html" "${extra[@]}" "${hist[@]}" "${files[@]}"
else
	echo "estale-aggregate: this stalefs report has no --format html; skipped" >&2
	"$stalefs" report --format json --out "$dir/report.json" "${extra[@]}" "${hist[@]}" "${files[@]}"
fi
cat "$dir/report.txt"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$dir/report.md" >>"$GITHUB_STEP_SUMMARY"; fi
exit "$rc"
