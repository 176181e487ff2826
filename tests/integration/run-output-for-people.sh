#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What `stalefs run` and `matrix` print for people and for scripts. On a terminal: the
# summary on stdout (cell, verdict in words, mode, counts, causes, next
# step), no JSON unless --json; piped: the cell line alone on stdout, the
# summary on stderr. Every line for people fits 120 columns, or COLUMNS;
# the repro line of a failed cell folds as a shell command that pastes back;
# kernel messages logged during a cell are kept in its line and shown.
. "$(dirname "$0")/lib.sh"
setup
require_python
command -v script >/dev/null || skip "needs script(1) (util-linux) for a terminal"
export TMPDIR=$T
unset COLUMNS
small=(--mode never --cache never --threads 1 --count 40 --objects 40 --max-links 5)
widest() { awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }' "$1"; }
on_tty() {	# OUT CMD...: CMD with stdout on a terminal, its output in OUT (CRs dropped)
	local out=$1
	shift
	script -qec "$(printf '%q ' "$@")" /dev/null </dev/null | tr -d '\r' >"$out"
}

on_tty "$T/tty.out" "$STALEFS" run "${small[@]}" --quiet
grep -q '^verdict  clean: no ESTALE in [0-9]* calls' "$T/tty.out" || fail "terminal: no verdict: $(cat "$T/tty.out")"
grep -q '^next     ' "$T/tty.out" || fail "terminal: no next step: $(cat "$T/tty.out")"
grep -q '^{' "$T/tty.out" && fail "terminal: a JSON line without --json: $(cat "$T/tty.out")"
[ "$(widest "$T/tty.out")" -le 120 ] || fail "terminal: wider than 120: $(cat "$T/tty.out")"

# matrix at a terminal without --out: the report of its cells at the end.
on_tty "$T/m.out" "$STALEFS" matrix "${small[@]}" --modes never,prefer
grep -q '^cell  *mode  *verdict  *ESTALE/calls' "$T/m.out" || fail "matrix on a terminal: no table: $(cat "$T/m.out")"
grep -q '^prefer/root/never/none/read  *prefer  *clean ' "$T/m.out" || fail "matrix on a terminal: rows: $(cat "$T/m.out")"
grep -q '^{' "$T/m.out" && fail "matrix on a terminal: cell lines without --json: $(cat "$T/m.out")"
[ "$(widest "$T/m.out")" -le 120 ] || fail "matrix on a terminal: wider than 120: $(cat "$T/m.out")"

on_tty "$T/json.out" "$STALEFS" run "${small[@]}" --quiet --json
grep -q '^{"schema":"cell/1",' "$T/json.out" || fail "terminal --json: no cell line: $(cat "$T/json.out")"

rc=0
"$STALEFS" run "${small[@]}" --quiet >"$T/pipe.out" 2>"$T/pipe.err" || rc=$?
expect_eq "piped: exit" "$rc" 0
expect_eq "piped: stdout lines" "$(wc -l <"$T/pipe.out")" 1
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d["verdict"] == "clean", d' \
	"$T/pipe.out" || fail "piped: stdout is not the cell line: $(cat "$T/pipe.out")"
grep -q '^verdict  clean' "$T/pipe.err" || fail "piped: no summary on stderr: $(cat "$T/pipe.err")"

# A failed cell: ESTALE where none is expected, with its cause and repro.
rc=0
COLUMNS=80 "$STALEFS" run "${small[@]}" --quiet --inject 'errno:op=READ,errno=ESTALE,count=3' \
	--inject 'evict:every=1000,path=/a "b c"' --expect none --out "$T/f.jsonl" >"$T/f.out" 2>&1 || rc=$?
expect_eq "failed cell: exit" "$rc" 1
grep -q '^verdict  failed: 3 ESTALE in [0-9]* calls where --expect none allows none' "$T/f.out" ||
	fail "failed cell: verdict: $(cat "$T/f.out")"
grep -q 'fault rule 1 errno' "$T/f.out" || fail "failed cell: no cause chain: $(cat "$T/f.out")"
[ "$(widest "$T/f.out")" -le 80 ] || fail "failed cell: wider than COLUMNS=80: $(cat "$T/f.out")"
unfold "$T/f.out" | grep '^repro ' | sed 's/^repro *//' >"$T/repro"
grep -q -- "--inject 'evict:every=1000,path=/a \"b c\"' .*--expect none$" "$T/repro" ||
	fail "failed cell: repro does not paste back: $(cat "$T/repro")"
# The folded repro is one command to the shell: its words are the options.
eval "set -- $(cat "$T/repro")"
[ "$1 $2" = "stalefs run" ] && [ "$#" -gt 10 ] || fail "repro words: $*"
printf '%s\n' "$@" | grep -qx 'evict:every=1000,path=/a "b c"' || fail "repro: the quoted rule split: $*"

# What the kernel logs during a cell is in its line and, when it matters
# (here: it says fuse), in the summary.
if [ -w /dev/kmsg ] && [ -r /dev/kmsg ]; then
	tag="stalefs-it fuse message $$-$RANDOM"
	(sleep 0.8; echo "$tag" >/dev/kmsg) &
	rc=0
	"$STALEFS" run --mode never --threads 1 --seconds 2.5 --objects 40 --max-links 5 --quiet \
		--out "$T/k.jsonl" >"$T/k.out" 2>&1 || rc=$?
	wait
	expect_eq "kernel messages: exit" "$rc" 0
	python3 - "$T/k.jsonl" "$tag" <<'PY' || fail "kernel messages: not in the cell line: $(cat "$T/k.jsonl")"
import json, sys
k = json.loads(open(sys.argv[1]).read())["kernel_messages"]
assert k["read"], k
assert any(m["text"] == sys.argv[2] and m["marked"] for m in k["messages"]), k
PY
	grep -q "^kernel   [0-9]* messages\? in the kernel's log during the cell; these matter:" "$T/k.out" ||
		fail "kernel messages: not in the summary: $(cat "$T/k.out")"
	grep -qF "$tag" "$T/k.out" || fail "kernel messages: the message is not shown: $(cat "$T/k.out")"
else
	note "/dev/kmsg is not readable and writable here: kernel messages not checked"
fi
echo PASS
