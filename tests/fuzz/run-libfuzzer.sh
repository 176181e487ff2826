#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one libFuzzer target for S seconds from the seed corpus in the tree,
# writing what it finds to a temp dir (never into the tree); a crash, leak or
# sanitizer report fails. Long runs by hand, the same way:
#   build-fuzz/tests/fuzz/fuzz_NAME -max_total_time=3600 NEWDIR tests/fuzz/corpus/NAME
# Usage: run-libfuzzer.sh FUZZER CORPUS_DIR SECONDS
set -u
fuzzer=$(realpath "$1") corpus=$(realpath "$2") secs=$3
work=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/new" || exit 99
cd "$work" || exit 99
"$fuzzer" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work/new" "$corpus" >"$work/log" 2>&1
rc=$?
grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' "$work/log" | head -n 3
if [ "$rc" != 0 ]; then
	tail -n 40 "$work/log" >&2
	# What it found is kept for replay: fuzz_NAME_replay FILE (or the fuzzer itself).
	keep=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-fuzz-found.XXXXXX") &&
		cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$keep"/ 2>/dev/null
	echo "run-libfuzzer: the inputs it found are in $keep" >&2
	exit 1
fi
exit 0
