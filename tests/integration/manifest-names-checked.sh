#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A manifest is input we read back: a name at the top of the tree (no '/') is
# read and its directory (the root) listed, where the reader once crashed;
# a name that leaves the tree (absolute, or with ..) is refused with one
# line and exit 2, by read and by storm. No mount: the readers run on a dir.
. "$(dirname "$0")/lib.sh"
T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
trap 'rm -rf "$T"' EXIT
require_python
mkdir "$T/tree"
printf 'hello\n' >"$T/tree/top"
hash=$(sha256sum "$T/tree/top" | cut -d' ' -f1)
printf 'top\t%s\t6\n' "$hash" >"$T/top.manifest"
rc=0
# 16 rounds on one thread: rounds 8 and 16 list the name's directory.
"$STALEFS" workload read --root "$T/tree" --manifest "$T/top.manifest" --count 16 --threads 1 \
	--json "$T/read.json" 2>"$T/read.err" || rc=$?
expect_eq "top-level name: exit" "$rc" 0
jq_() { python3 -c "import json,sys; d=json.load(open('$T/read.json')); print($1)"; }
expect_eq "top-level name: files checked" "$(jq_ 'd["integrity"]["files"]')" 16
expect_eq "top-level name: readdirs" "$(jq_ 'd["ops"]["readdir"]["ok"]')" 2
expect_eq "top-level name: mismatches" "$(jq_ 'd["integrity"]["mismatches"]')" 0

for bad in /etc/passwd ../outside 'a/../../x' '..'; do
	printf 'top\t%s\t6\n%s\t%s\t6\n' "$hash" "$bad" "$hash" >"$T/bad.manifest"
	for w in read storm; do
		rc=0
		"$STALEFS" workload "$w" --root "$T/tree" --manifest "$T/bad.manifest" --count 1 \
			>/dev/null 2>"$T/bad.err" || rc=$?
		expect_eq "$w, name '$bad': exit" "$rc" 2
		expect_eq "$w, name '$bad': stderr lines" "$(wc -l <"$T/bad.err")" 1
		grep -q 'leaves the tree' "$T/bad.err" || fail "$w, name '$bad': $(cat "$T/bad.err")"
	done
done
note "$(cat "$T/bad.err")"
