#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `stalefs run` counts against known injections (one reader thread, so the
# order is fixed): 5 sticky ESTALEs on READ (an fd op, no retry) give 5
# surfaced, attributed to that rule, with the daemon's log and the kernel's
# trace agreeing on 5 emitted; 3 once-only ESTALEs on OPEN, each followed by
# a clean OPEN (the VFS retry), are emitted and masked, none surfaced; with
# no fault, none at all. Expectations decide the exit code. Arg: MODE.
. "$(dirname "$0")/lib.sh"
mode=$1
setup
require_python
export TMPDIR=$T
cell() {	# OUT [run options]: the cell line in OUT, the exit code on stdout
	local out=$1 rc=0
	shift
	"$STALEFS" run --mode "$mode" --cache never --threads 1 --count 60 --objects 60 \
		--max-links 20 --quiet --out "$out" "$@" >>"$T/run.err" 2>&1 || rc=$?
	echo "$rc"
}
q() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print($2)" "$1"; }
traced=$(mount | grep -q tracefs && echo yes || echo no)

expect_eq "fd op: exit" "$(cell "$T/a.jsonl" --inject "errno:op=READ,errno=ESTALE,count=5" --expect some)" 0
expect_eq "fd op: surfaced on read" "$(q "$T/a.jsonl" 'd["estale"].get("read", 0)')" 5
expect_eq "fd op: surfaced in all" "$(q "$T/a.jsonl" 'd["estale_total"]')" 5
expect_eq "fd op: attributed to the rule" "$(q "$T/a.jsonl" 'd["attribution"]["inject"].get("rule 1 errno", 0)')" 5
expect_eq "fd op: kernel-made" "$(q "$T/a.jsonl" 'd["attribution"]["kernel"]')" 0
expect_eq "fd op: emitted" "$(q "$T/a.jsonl" 'd["emitted"]')" 5
expect_eq "fd op: masked" "$(q "$T/a.jsonl" 'd["masked"]')" 0
expect_eq "fd op: faults fired" "$(q "$T/a.jsonl" 'd["faults_fired"]')" 5
expect_eq "fd op: verdict (ESTALE seen, as expected)" "$(q "$T/a.jsonl" 'd["verdict"]')" estale
expect_eq "fd op: effective mode" "$(q "$T/a.jsonl" 'd["effective_mode"]')" "$mode"
if [ "$(q "$T/a.jsonl" 'd["emitted_trace"] is not None')" = True ]; then
	expect_eq "fd op: the kernel's trace" "$(q "$T/a.jsonl" 'd["emitted_trace"]')" 5
else
	note "no tracefs here (tracefs mounted: $traced): emitted_trace not checked"
fi

expect_eq "path op: exit" "$(cell "$T/b.jsonl" --inject "errno:op=OPEN,errno=ESTALE,every=2,count=3" --expect none)" 0
expect_eq "path op: surfaced" "$(q "$T/b.jsonl" 'd["estale_total"]')" 0
expect_eq "path op: emitted" "$(q "$T/b.jsonl" 'd["emitted"]')" 3
expect_eq "path op: masked" "$(q "$T/b.jsonl" 'd["masked"]')" 3

expect_eq "no fault: exit" "$(cell "$T/c.jsonl" --expect none)" 0
expect_eq "no fault: surfaced" "$(q "$T/c.jsonl" 'd["estale_total"]')" 0
expect_eq "no fault: emitted" "$(q "$T/c.jsonl" 'd["emitted"]')" 0
expect_eq "no fault: verdict" "$(q "$T/c.jsonl" 'd["verdict"]')" clean

# Expectations: ESTALE where none was expected fails with a repro line.
expect_eq "unexpected ESTALE: exit" "$(cell "$T/d.jsonl" --inject "errno:op=READ,errno=ESTALE,count=2" --expect none)" 1
expect_eq "unexpected ESTALE: verdict" "$(q "$T/d.jsonl" 'd["verdict"]')" failed
unfold "$T/run.err" | grep -Eq "^repro +stalefs run --mode $mode .*--inject errno:op=READ,errno=ESTALE,count=2 .*--seed 1 --expect none" ||
	fail "no repro line for the failing cell: $(cat "$T/run.err")"
expect_eq "none where some expected: exit" "$(cell "$T/e.jsonl" --expect some)" 1
is_mounted "$T"/stalefs-run.*/mnt && fail "a cell left its mount"
ls -d "$T"/stalefs-run.* 2>/dev/null && fail "a cell left its work dir"
exit 0
