#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The cache policy decides READDIRPLUS and revalidation: cache=never lists
# with READDIR and looks every name up again; auto uses READDIRPLUS;
# always serves repeated stats from the kernel's cache. Arg: POLICY.
. "$(dirname "$0")/lib.sh"
policy=$1
setup
require_python
mkdir "$BACKING/d"
for i in $(seq 1 50); do echo "$i" >"$BACKING/d/f$i"; done
start_daemon --cache="$policy"
t0=$(date +%s%N)
ls -l "$MNT/d" >/dev/null
for _ in 1 2 3; do stat "$MNT/d/f1" >/dev/null; done
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
snapshot
rdp=$(field 'd["requests"].get("READDIRPLUS", 0)')
rd=$(field 'd["requests"].get("READDIR", 0)')
lookups=$(field 'd["requests"].get("LOOKUP", 0)')
note "policy=$policy READDIR=$rd READDIRPLUS=$rdp LOOKUP=$lookups"
case $policy in
never)
	expect_eq "READDIRPLUS with cache=never" "$rdp" 0
	[ "$rd" -ge 1 ] || fail "no READDIR"
	[ "$lookups" -ge 53 ] || fail "cache=never should look names up again ($lookups)"
	;;
auto | always | metadata)
	[ "$rdp" -ge 1 ] || fail "no READDIRPLUS with cache=$policy"
	# auto's entries live 1 s: a machine too slow to list and stat within
	# it looks names up again, which is right, not a failure.
	if [ "$policy" = auto ] && [ "$elapsed_ms" -ge 900 ]; then
		note "ls and stats took ${elapsed_ms} ms (> the 1 s timeout): $lookups LOOKUPs not checked"
	else
		[ "$lookups" -le 3 ] || fail "cache=$policy: $lookups LOOKUPs, want <= 3 (${elapsed_ms} ms)"
	fi
	;;
esac
stop_daemon
