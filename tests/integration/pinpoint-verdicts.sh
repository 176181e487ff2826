#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pinpoint's verdicts against known setups, small: an experiment whose cause
# is injected (virtiofsd 1.13.0 at 700 fds under the guest overlay; a layer
# recreated on the host under the overlay) says SEEN with p < 0.01 and its
# chain, and reruns under the mitigations that apply to it (the 1.13.2
# model and a higher fd limit remove the fd cause); the same experiments
# with --control-only (each control against itself) never say SEEN; the
# JSON document is whole and versioned; --time-limit is kept; bad options
# get one line and exit 2. The new experiments run small: the submount (an
# injected host cause) is SEEN, the others give a verdict.
. "$(dirname "$0")/lib.sh"
setup
require_python
require_userns
export TMPDIR=$T
q() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
exp() {	# FILE NAME EXPR over the experiment e
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=[x for x in d['experiments'] if x['name']==sys.argv[2]][0]; print($3)" "$1" "$2"
}

rc=0
"$STALEFS" pinpoint --only fd-limit-overlay,overlay-layer-swap --seconds 3 --format json \
	--out "$T/cells.jsonl" >"$T/p.json" 2>"$T/p.err" || rc=$?
[ "$rc" = 0 ] || fail "pinpoint exit $rc: $(tail -3 "$T/p.err")"
expect_eq "format" "$(q "$T/p.json" 'd["format"] + " " + str(d["version"])')" "stalefs-pinpoint 1"
for e in fd-limit-overlay overlay-layer-swap; do
	expect_eq "$e: verdict ($(exp "$T/p.json" $e 'e["why"], e["cell"]["count"], e["cell"]["calls"]'))" \
		"$(exp "$T/p.json" $e 'e["verdict"]')" seen
	p=$(exp "$T/p.json" $e 'e["stats"]["p"]')
	python3 -c "import sys; sys.exit(not float(sys.argv[1]) < 0.01)" "$p" || fail "$e: p = $p"
	[ "$(exp "$T/p.json" $e 'e["cell"]["chains"]["total"] > 0')" = True ] || fail "$e: no chain"
	note "$e: SEEN, p = $p, $(exp "$T/p.json" $e 'e["cell"]["count"]') ESTALE in $(exp "$T/p.json" $e 'e["cell"]["calls"]') calls"
done
expect_eq "fd-limit chain" "$(exp "$T/p.json" fd-limit-overlay 'e["cell"]["chains"]["list"][0]["chain"]')" \
	"overlayfs (lower revalidation) <- LOOKUP answered EMFILE (RLIMIT_NOFILE 700 reached) <- no host change"
mits=$(exp "$T/p.json" fd-limit-overlay '",".join(m["name"] + "=" + m["verdict"] for m in e["mitigations"])')
note "fd-limit-overlay mitigations: $mits"
case ",$mits," in *",1.13.2 model=removed,"*) ;; *) fail "the 1.13.2 model did not remove it: $mits" ;; esac
case ",$mits," in *",higher fd limit=removed,"*) ;; *) fail "a higher fd limit did not remove it: $mits" ;; esac
# The layer swap is a host change: only "no host change" may remove it for sure.
case ",$(exp "$T/p.json" overlay-layer-swap '",".join(m["name"] + "=" + m["verdict"] for m in e["mitigations"])')," in
*",no host change=removed,"*) ;; *) fail "no host change did not remove the layer swap's ESTALE" ;; esac
# Every cell line (cells, controls, mitigations) went to --out for report.
n=$(wc -l <"$T/cells.jsonl")
want=$(q "$T/p.json" 'sum(2 + len([m for m in e["mitigations"] if m["run"]]) for e in d["experiments"])')
expect_eq "cell lines in --out" "$n" "$want"
"$STALEFS" report "$T/cells.jsonl" >/dev/null || [ $? = 1 ] || fail "report of pinpoint's cells"

rc=0
"$STALEFS" pinpoint --only fd-limit-overlay,overlay-layer-swap --seconds 2 --control-only --format json \
	>"$T/aa.json" 2>>"$T/p.err" || rc=$?
[ "$rc" = 0 ] || fail "pinpoint --control-only exit $rc"
expect_eq "control-only flag" "$(q "$T/aa.json" 'd["control_only"]')" True
for e in fd-limit-overlay overlay-layer-swap; do
	v=$(exp "$T/aa.json" $e 'e["verdict"]')
	[ "$v" != seen ] || fail "$e: the control against itself said SEEN"
	note "$e against itself: $v"
done

# The new experiments run here, small, and say something: the submount
# (a host cause, injected) is SEEN; the others give a verdict, not
# COULD NOT RUN, on a machine that can run them (doctor: userns, overlayfs,
# memory_cgroup).
rc=0
"$STALEFS" pinpoint --only submount,two-path,two-daemons,memory-pressure,podman-host,dir-move \
	--seconds 1.5 --format json >"$T/new.json" 2>>"$T/p.err" || rc=$?
[ "$rc" = 0 ] || fail "pinpoint (new experiments) exit $rc: $(tail -3 "$T/p.err")"
expect_eq "submount: verdict ($(exp "$T/new.json" submount 'e["why"], e["cell"]["count"], e["cell"]["calls"]'))" \
	"$(exp "$T/new.json" submount 'e["verdict"]')" seen
cause=$(exp "$T/new.json" submount 'e["cell"]["chains"]["list"][0]["cause"]')
case $cause in "host submount" | "host submount-gone") ;; *) fail "submount: the chain's cause is '$cause'" ;; esac
for e in two-path two-daemons memory-pressure podman-host dir-move; do
	v=$(exp "$T/new.json" $e 'e["verdict"]')
	case $v in seen | not-seen | too-short) ;; *) fail "$e: $v ($(exp "$T/new.json" $e 'e["why"]'))" ;; esac
	note "$e: $v ($(exp "$T/new.json" $e 'e["cell"]["count"], e["cell"]["calls"]'))"
done

# The text form fits 120 columns and has the bcvk conclusion.
"$STALEFS" pinpoint --only fd-limit-overlay --seconds 1 >"$T/p.txt" 2>>"$T/p.err" ||
	fail "pinpoint text exit $?"
grep -q '^What this means for bcvk' "$T/p.txt" || fail "no bcvk conclusion"
wide=$(awk 'length > 120' "$T/p.txt" | head -1)
[ -z "$wide" ] || fail "a line over 120 columns: $wide"

# The time limit plans the cells: a 20 s limit over two experiments is kept.
"$STALEFS" pinpoint --only generation,unprivileged-prefer --time-limit 20 --format json \
	>"$T/tl.json" 2>>"$T/p.err" || [ $? = 124 ] || fail "pinpoint --time-limit exit $?"
el=$(q "$T/tl.json" 'd["elapsed_s"]')
python3 -c "import sys; sys.exit(not float(sys.argv[1]) <= 20 + 10)" "$el" || fail "20 s limit, took $el s"
note "20 s time limit: $el s"

for bad in "--time-limit 5" "--format xml" "--only nope" "--seconds 0"; do
	rc=0
	# shellcheck disable=SC2086
	"$STALEFS" pinpoint $bad >/dev/null 2>"$T/bad.err" || rc=$?
	expect_eq "pinpoint $bad: exit" "$rc" 2
	expect_eq "pinpoint $bad: lines" "$(wc -l <"$T/bad.err")" 1
done
echo "PASS"
