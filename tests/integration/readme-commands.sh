#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every stalefs command line the README documents still works:
# - each one (code blocks and inline `stalefs ...` spans) names a command
#   whose --help exits 0, and every --option on it is one that command's
#   --help lists (the README cannot drift from the parsers);
# - the concrete lines (no placeholders) run for real, bounded: a mount with
#   options after MOUNTPOINT, doctor, the bcvk scenario, a short pinpoint.
. "$(dirname "$0")/lib.sh"
require_python
readme=$(cd "$(dirname "$0")/../.." && pwd)/README.md
[ -f "$readme" ] || skip "no README.md next to the tests"
setup

# The command lines: code-block lines starting with stalefs (backslash
# continuations joined) and inline `stalefs ...` spans.
python3 - "$readme" >"$T/lines" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
out = []
inblock = False
pending = ""
for line in text.splitlines():
    if line.startswith("```"):
        inblock = not inblock
        continue
    if inblock:
        s = pending + line.strip()
        pending = ""
        if s.endswith("\\"):
            pending = s[:-1] + " "
            continue
        s = re.sub(r"^(sudo |build/)", "", s)
        if s.startswith("stalefs "):
            out.append(s.split(" #")[0].strip())
    else:
        out += re.findall(r"`(stalefs [^`]*)`", line)
for s in out:
    print(s)
PY
n=$(wc -l <"$T/lines")
[ "$n" -ge 10 ] || fail "found only $n stalefs command lines in the README"

checked=0
while IFS= read -r line; do
	read -r -a w <<<"$line"
	cmd=${w[1]}
	sub=""
	# `stalefs workload gen ...`: the workload's own --help
	if [ "$cmd" = workload ] && [ "${#w[@]}" -gt 2 ] && [[ ${w[2]} != -* ]] && [[ ${w[2]} =~ ^[a-z]+$ ]]; then
		sub=${w[2]}
	fi
	help=$("$STALEFS" "$cmd" ${sub:+"$sub"} --help 2>&1) ||
		fail "README: '$line': stalefs $cmd${sub:+ $sub} --help exits $?"
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$line" | sort -u); do
		grep -qE -- "(^|[^a-z-])$opt([^a-z-]|$)" <<<"$help" ||
			fail "README: '$line': stalefs $cmd${sub:+ $sub} --help does not list $opt"
	done
	checked=$((checked + 1))
done <"$T/lines"
note "$checked README command lines name real commands and options"

# The concrete lines, for real.
mkdir -p "$T/tree"
"$STALEFS" mount --shared-dir "$BACKING" "$MNT" -f --cache never >"$T/daemon.log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 100); do is_mounted "$MNT" && break; sleep 0.05; done
is_mounted "$MNT" || fail "stalefs mount --shared-dir S M -f --cache never did not mount: $(tail -n 2 "$T/daemon.log")"
stop_daemon
rc=0; "$STALEFS" doctor >/dev/null 2>&1 || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "stalefs doctor exits $rc (0 or 1 expected)"
"$STALEFS" doctor --json | python3 -c 'import json,sys; json.load(sys.stdin)' ||
	fail "stalefs doctor --json is not JSON"
rc=0; "$STALEFS" run --scenario bcvk --seconds 1 --workdir "$T/work" >"$T/run.out" 2>"$T/run.err" || rc=$?
[ "$rc" = 77 ] && skip "stalefs run --scenario bcvk cannot run here: $(tail -n 1 "$T/run.err")"
[ "$rc" = 0 ] || fail "stalefs run --scenario bcvk exits $rc: $(tail -n 2 "$T/run.err")"

# The quick start, as written (its build line aside): bcvk's signature, a
# verdict and a next step, then pinpoint sees the cause against its control.
python3 - "$readme" >"$T/quick" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
sec = text.split("## Reproduce bcvk #157 in three commands", 1)[1].split("\n## ", 1)[0]
block = sec.split("```sh\n", 1)[1].split("```", 1)[0]
for line in block.splitlines():
    if line.startswith("build/stalefs "):
        print(line.split(" #")[0].strip()[len("build/stalefs "):])
PY
expect_eq "quick start: stalefs lines" "$(wc -l <"$T/quick")" 2
mapfile -t quick <"$T/quick"
read -r -a w <<<"${quick[0]}"
rc=0; "$STALEFS" "${w[@]}" --workdir "$T/work" >"$T/q1.out" 2>&1 </dev/null || rc=$?
[ "$rc" = 0 ] || fail "quick start: stalefs ${quick[0]} exits $rc: $(tail -n 2 "$T/q1.out")"
grep -q '^verdict  estale: [0-9]* of [0-9]* calls failed with ESTALE' "$T/q1.out" ||
	fail "quick start: no estale verdict: $(cat "$T/q1.out")"
grep -q 'overlayfs (lower revalidation) <- LOOKUP answered EMFILE' "$T/q1.out" ||
	fail "quick start: not bcvk's signature: $(cat "$T/q1.out")"
grep -q '^next     .' "$T/q1.out" || fail "quick start: no next step: $(cat "$T/q1.out")"
read -r -a w <<<"${quick[1]}"
rc=0; "$STALEFS" "${w[@]}" >"$T/pin.out" 2>"$T/pin.err" || rc=$?
[ "$rc" = 77 ] && skip "stalefs pinpoint cannot run here: $(tail -n 1 "$T/pin.err")"
[ "$rc" = 0 ] || fail "quick start: stalefs ${quick[1]} exits $rc: $(tail -n 2 "$T/pin.err")"
grep -q "^fd-limit-overlay: SEEN" "$T/pin.out" || fail "quick start: pinpoint: $(head -n 5 "$T/pin.out")"
echo PASS
