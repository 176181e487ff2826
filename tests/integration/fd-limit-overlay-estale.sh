#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# virtiofsd's fd limits, each cell against its control (bcvk's shape:
# rootless, O_PATH, cache=never, a guest overlay over the share, no host
# change at all). At --rlimit-nofile=700 the 1.13.0 model runs out of fds:
# every openat2 answers EMFILE, revalidation LOOKUPs of the overlay's pinned
# lower names fail, and overlayfs turns that into ESTALE, chained to
# "LOOKUP answered EMFILE (RLIMIT_NOFILE 700 reached) <- no host change".
# The 1.13.2 model keeps 610 fds for itself and answers ENFILE for new guest
# fds instead: no ESTALE. Direct readers get EMFILE (1.13.0) or ENFILE
# (1.13.2). At the default limit neither model sees either.
. "$(dirname "$0")/lib.sh"
setup
require_python
require_userns
export TMPDIR=$T
# Each cell reads a fixed amount (--count), not for a time: under ASan on a
# loaded machine 3 s read too few names to reach 700 fds.
cell() {	# OUT [run options]
	local out=$1
	shift
	"$STALEFS" run --mode fallback --privilege userns --cache never --threads 4 --count 400 \
		--objects 1500 --max-links 20 --quiet --out "$out" "$@" 2>>"$T/run.err" ||
		[ $? = 1 ] || fail "stalefs run $*: exit $? ($(tail -1 "$T/run.err"))"
}
q() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).readline()); print($2)" "$1"; }
errs() {	# FILE ERRNO: that errno over all ops
	q "$1" "sum(v.get('$2', 0) for v in d['errors'].values())"
}

cell "$T/old.jsonl" --overlay --virtiofsd-version 1.13.0 --rlimit-nofile 700
[ "$(q "$T/old.jsonl" 'd["status"]')" = ran ] || fail "1.13.0 overlay: $(q "$T/old.jsonl" 'd["reason"]')"
old=$(q "$T/old.jsonl" 'd["estale_total"]')
[ "$old" -gt 0 ] || fail "1.13.0 at 700 fds, overlay: no ESTALE ($(q "$T/old.jsonl" "d['calls'], d['errors']"))"
expect_eq "1.13.0 overlay: ESTALE the daemon sent" "$(q "$T/old.jsonl" 'd["emitted"]')" 0
chain=$(q "$T/old.jsonl" 'd["chains"]["list"][0]["chain"]')
expect_eq "1.13.0 overlay: the chain" "$chain" \
	"overlayfs (lower revalidation) <- LOOKUP answered EMFILE (RLIMIT_NOFILE 700 reached) <- no host change"
complete=$(q "$T/old.jsonl" 'd["chains"]["complete"] * 100 // max(d["chains"]["total"], 1)')
[ "$complete" -ge 99 ] || fail "1.13.0 overlay: only $complete% of ESTALE have a complete chain: $(q "$T/old.jsonl" "[(c['n'], c['chain'], c['example']) for c in d['chains']['list']]")"
note "1.13.0, 700 fds, overlay: $old ESTALE, $complete% chained to EMFILE"

cell "$T/new.jsonl" --overlay --virtiofsd-version 1.13.2 --rlimit-nofile 700
expect_eq "1.13.2 overlay: ESTALE" "$(q "$T/new.jsonl" 'd["estale_total"]')" 0
enfile=$(errs "$T/new.jsonl" ENFILE)
[ "$enfile" -gt 0 ] || fail "1.13.2 at 700 fds, overlay: no ENFILE"
note "1.13.2, 700 fds, overlay: 0 ESTALE, $enfile ENFILE"

cell "$T/ctl.jsonl" --overlay --virtiofsd-version 1.13.0
expect_eq "control, default limit, overlay: ESTALE" "$(q "$T/ctl.jsonl" 'd["estale_total"]')" 0
expect_eq "control, default limit, overlay: EMFILE" "$(errs "$T/ctl.jsonl" EMFILE)" 0

# Direct readers let go of names (a failed revalidation drops the dentry and
# its FORGET frees the fd), so few calls surface EMFILE at 700 fds: 1.13.0,
# which keeps no reserve, runs them at 150 (33-42 surfaced here; 3-14 at 300).
cell "$T/old-direct.jsonl" --virtiofsd-version 1.13.0 --rlimit-nofile 150
emfile=$(errs "$T/old-direct.jsonl" EMFILE)
[ "$emfile" -gt 0 ] || fail "1.13.0 at 150 fds, direct readers: no EMFILE"
expect_eq "1.13.0 direct: ESTALE" "$(q "$T/old-direct.jsonl" 'd["estale_total"]')" 0
cell "$T/new-direct.jsonl" --virtiofsd-version 1.13.2 --rlimit-nofile 700
enfile=$(errs "$T/new-direct.jsonl" ENFILE)
[ "$enfile" -gt 0 ] || fail "1.13.2 at 700 fds, direct readers: no ENFILE"
note "direct readers: $emfile EMFILE (1.13.0), $enfile ENFILE (1.13.2)"
echo "PASS"
