#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The host actors beside the name churn: twin directories exchanged between
# parents (dir-move), a much-read directory bind-mounted onto itself and
# unmounted again (submount, submount-gone), podman-like storage activity
# (layer-add, layer-remove, metadata-rename). Each logs its operations; the
# tree's bytes stay valid at every name (a reader checks them all after);
# nothing is left mounted or added, at the end and when churn gets SIGTERM
# while its submount is up; with the name churn and layer swaps beside a
# submount nothing fails (no link across the mount, no mount carried away
# by a swap); --dir-move-every on a tree without twins is one line and
# exit 2; --no-names alone is exit 2. Skips when bind mounts cannot be made.
. "$(dirname "$0")/lib.sh"
setup
require_python
tree=$T/tree
"$STALEFS" workload gen --root "$tree" --objects 60 --max-links 10 --twins 2 >/dev/null ||
	fail "gen --twins"
n=$(grep -c '/usr/lib/twin-\|/usr/share/twin-' "$tree/.stalefs-manifest")
expect_eq "twin names in the manifest (2 layers x 2 pairs x 2 dirs x 4 files)" "$n" 32
mounts() { awk -v t="$tree/" 'index($5, t) == 1' /proc/self/mountinfo | wc -l; }
ops() { python3 -c "
import collections, json, sys
evs = [json.loads(l) for l in open(sys.argv[1])]
assert evs and evs[0]['type'] == 'header' and evs[0]['schema'] == 'host-events/1', evs[:1]
c = collections.Counter(e['op'] for e in evs[1:] if 'error' not in e)
print(' '.join('%s=%d' % kv for kv in sorted(c.items())))" "$1"; }
has() { case " $1 " in *" $2="[1-9]*) ;; *) fail "no $2 in: $1" ;; esac; }

rc=0
"$STALEFS" workload churn --root "$tree" --seconds 0.2 --no-names --submount-every 0.05 \
	>/dev/null 2>"$T/probe.err" || rc=$?
[ "$rc" = 77 ] && skip "no bind mounts here: $(tail -1 "$T/probe.err")"
expect_eq "submount probe: exit ($(tail -1 "$T/probe.err"))" "$rc" 0

"$STALEFS" workload churn --root "$tree" --seconds 2 --no-names --dir-move-every 0.05 \
	--submount-every 0.2 --podman-every 0.1 --events "$T/ev.jsonl" >"$T/out" ||
	fail "churn: exit $?"
o=$(ops "$T/ev.jsonl")
note "2 s of actors: $o"
for op in dir-move submount submount-gone layer-add layer-remove metadata-rename; do has "$o" $op; done
grep -q '"error"' "$T/ev.jsonl" && fail "an actor failed: $(grep '"error"' "$T/ev.jsonl" | head -1)"
grep -q '^relinks=0 renames=0 links=0 ' "$T/out" || fail "--no-names churned names: $(cat "$T/out")"
expect_eq "mounts left" "$(mounts)" 0
expect_eq "added layers left" "$(find "$tree/overlay" -maxdepth 1 -mindepth 1 | wc -l)" 2
[ -e "$tree/overlay-layers" ] && fail "metadata dir left behind"
"$STALEFS" workload read --root "$tree" --seconds 1 --threads 2 2>"$T/read.err" ||
	fail "the tree does not verify after the actors: $(tail -1 "$T/read.err")"

# SIGTERM while the submount is up (it stays up 1 s): it goes, and the added layers too.
for i in 1 2 3; do
	"$STALEFS" workload churn --root "$tree" --seconds 30 --no-names --submount-every 1 \
		--podman-every 0.05 >/dev/null &
	pid=$!
	for _ in $(seq 1 300); do [ "$(mounts)" = 1 ] && break; sleep 0.01; done
	expect_eq "SIGTERM $i: the submount is up before the signal" "$(mounts)" 1
	sleep "0.$((i * 2))"
	kill -TERM "$pid"
	wait "$pid" || fail "churn after SIGTERM: exit $?"
	expect_eq "SIGTERM $i: mounts left" "$(mounts)" 0
	expect_eq "SIGTERM $i: added layers left" "$(find "$tree/overlay" -maxdepth 1 -mindepth 1 | wc -l)" 2
done

# Everything at once: relinks and links never cross the submount (EXDEV), a
# layer swap or dir-move above it takes it down first (submount-gone), so
# nothing fails, nothing stays mounted and every name still verifies.
"$STALEFS" workload churn --root "$tree" --seconds 2 --layer-every 0.05 --submount-every 0.05 \
	--dir-move-every 0.03 --podman-every 0.2 --pause-us 200 --events "$T/all.jsonl" >"$T/out" ||
	fail "churn with everything: exit $?: $(grep '"error"' "$T/all.jsonl" | head -1)"
o=$(ops "$T/all.jsonl")
note "2 s of everything: $o"
for op in relink link layer-swap dir-move submount submount-gone layer-add; do has "$o" $op; done
expect_eq "everything: mounts left" "$(mounts)" 0
"$STALEFS" workload read --root "$tree" --seconds 1 --threads 2 2>"$T/read.err" ||
	fail "the tree does not verify after everything: $(tail -1 "$T/read.err")"

"$STALEFS" workload gen --root "$T/plain" --objects 30 >/dev/null || fail "gen"
rc=0
"$STALEFS" workload churn --root "$T/plain" --seconds 1 --dir-move-every 0.1 >/dev/null 2>"$T/err" || rc=$?
expect_eq "dir-move without twins: exit" "$rc" 2
expect_eq "dir-move without twins: lines" "$(wc -l <"$T/err")" 1
rc=0
"$STALEFS" workload churn --root "$T/plain" --seconds 1 --no-names >/dev/null 2>"$T/err" || rc=$?
expect_eq "--no-names alone: exit" "$rc" 2
echo "PASS"
