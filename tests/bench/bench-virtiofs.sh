#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stalefs-virtiofsd against virtiofsd 1.13.2, measured in one run: the same
# QEMU (TCG) guest, kernel and workload (a 970-link tree read with every
# byte checked, --cache=never as bcvk, never, root, --log-level=info), the
# two daemons in alternation (ROUNDS each). Prints the guest's ops/s with
# each and their ratio (target: stalefs-virtiofsd at least 1.0x), and each
# daemon's CPU time (user + system) per guest operation; for stalefs-virtiofsd
# also per FUSE request (its own count). Never fails on speed; skips without
# compare-setup's pieces.
set -u
. "$(dirname "$0")/../integration/lib.sh"
runner=$(cd "$(dirname "$0")/../.." && pwd)/workloads/guest/stalefs-guest.sh
paths_env=${STALEFS_COMPARE_CACHE:-/var/cache/stalefs-compare}/paths.env
rounds=${BENCH_ROUNDS:-3}
count=${BENCH_GUEST_COUNT:-2000}

require_root
[ -n "${STALEFS_VIRTIOFSD:-}" ] && [ -x "$STALEFS_VIRTIOFSD" ] ||
	skip "no stalefs-virtiofsd in this build (libfuse older than 3.13)"
[ -r "$paths_env" ] || skip "no $paths_env (run ci/compare-setup.sh)"
workload=${STALEFS_GUEST_WORKLOAD:-$(dirname "$STALEFS")/workloads/stalefs-guest-workload}
[ -x "$workload" ] || skip "no static guest workload (configure with -Dguest=enabled)"
real=$(sed -n 's/^virtiofsd=//p' "$paths_env")
[ -x "$real" ] || skip "$paths_env names no virtiofsd (rerun ci/compare-setup.sh)"
require_python

T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-bench.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT TERM
BACKING=$T/backing
mkdir -p "$BACKING"
"$STALEFS" workload gen --root "$BACKING" --objects 40 --max-links 970 >/dev/null || fail "gen failed"

# A wrapper that runs a daemon and, when it ends, writes its CPU time (bash's
# `times`: the children's user and system seconds) to $1.cpu.
wrap() {	# NAME DAEMON
	cat >"$T/$1" <<EOF
#!/bin/bash
"$2" "\$@" &
child=\$!
trap 'kill -TERM \$child 2>/dev/null' TERM INT
wait \$child
rc=\$?
wait \$child 2>/dev/null
times >"$T/$1.times"	# not in a pipe: a subshell has no children
tail -n 1 "$T/$1.times" >"$T/$1.cpu"
exit \$rc
EOF
	chmod 755 "$T/$1"
}
wrap virtiofsd "$real"
wrap stalefs-virtiofsd "$STALEFS_VIRTIOFSD"

# One guest read with daemon NAME: "ops_per_s ops_total cpu_s requests".
one() {
	local name=$1 rc=0
	rm -f "$T/$name.cpu"
	TMPDIR=$T "$runner" --shared-dir "$BACKING" --mode never --cache never --log-level info \
		--paths-env "$paths_env" --virtiofsd "$T/$name" --workload-bin "$workload" \
		--out "$T/$name.json" --log "$T/$name.log" --timeout 600 -- \
		read --root /mnt --manifest /mnt/.stalefs-manifest --count "$count" --threads 2 \
		--json /out.json 2>"$T/$name.err" || rc=$?
	[ "$rc" = 0 ] || { tail -n 5 "$T/$name.err" >&2; fail "$name: guest runner exit $rc"; }
	python3 - "$T/$name.json" "$T/$name.cpu" "$T/$name.log" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["integrity"]["mismatches"] == 0, "wrong bytes read"
# times: "0m1.234s 0m0.567s" (children's user, system)
t = [float(m) * 60 + float(s) for m, s in re.findall(r"(\d+)m([\d.]+)s", open(sys.argv[2]).read())]
req = re.search(r"virtio-fs: (\d+) requests", open(sys.argv[3], errors="replace").read())
print(d["ops_per_s"], d["ops_total"], sum(t[:2]), req.group(1) if req else 0)
PY
}

declare -A rate ops cpu reqs
for name in virtiofsd stalefs-virtiofsd; do rate[$name]="" ops[$name]=0 cpu[$name]=0 reqs[$name]=0; done
for ((r = 1; r <= rounds; r++)); do
	for name in virtiofsd stalefs-virtiofsd; do
		read -r ps n c q <<<"$(one "$name")" || fail "$name: no figures"
		[ -n "${ps:-}" ] || fail "$name: no figures"
		rate[$name]+=" $ps"
		ops[$name]=$((ops[$name] + n))
		cpu[$name]=$(awk -v a="${cpu[$name]}" -v b="$c" 'BEGIN { print a + b }')
		reqs[$name]=$((reqs[$name] + q))
		echo "round $r: $name: $ps guest ops/s, $n ops, ${c} s daemon CPU"
	done
done
python3 - "${rate[virtiofsd]}" "${rate[stalefs-virtiofsd]}" "${ops[virtiofsd]}" "${cpu[virtiofsd]}" \
	"${ops[stalefs-virtiofsd]}" "${cpu[stalefs-virtiofsd]}" "${reqs[stalefs-virtiofsd]}" <<'PY'
import statistics, sys
a = [float(x) for x in sys.argv[1].split()]
b = [float(x) for x in sys.argv[2].split()]
ma, mb = statistics.median(a), statistics.median(b)
print(f"guest ops/s, median of {len(a)}: virtiofsd 1.13.2 {ma:.1f}, stalefs-virtiofsd {mb:.1f}: "
      f"ratio {mb / ma:.2f}x (target >= 1.0x)")
oa, ca, ob, cb, rq = float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
assert ca > 0 and cb > 0, "no daemon CPU time measured"
print(f"daemon CPU per guest op: virtiofsd {ca / oa * 1e6:.1f} us, stalefs-virtiofsd {cb / ob * 1e6:.1f} us "
      f"(ratio {cb / ob / (ca / oa):.2f}x)")
if rq:
    print(f"stalefs-virtiofsd: {rq / ob:.2f} FUSE requests per guest op, {cb / rq * 1e6:.1f} us CPU per request")
PY
