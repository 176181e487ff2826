#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The soak: one daemon under every fault kind at high rates for a given time,
# with readers and the io_uring storm through the mount and name churn on the
# host, best under the sanitizer build. Not run in CI (it is long by design).
#
# It checks, and prints as figures: the daemon never died and no sanitizer
# report is in its log; every byte the readers read matched (nodeid-reuse,
# which serves another file's bytes by design, runs only with
# --with-nodeid-reuse and its mismatches are reported apart); the store and
# the daemon's fds reconcile (the last stats, written after DESTROY: 0
# entries, 0 fds; and its own fds, less the store's and the open files',
# back where they started); RSS stays bounded (its peak over the second half of the run is
# within 1.5x + 32 MiB of the first half's).
#
#   tests/soak/soak.sh --build build-asan --mode never --seconds 3600
#
# Exit: 0 all held, 1 a check failed, 2 bad usage, 77 cannot run here (not
# root, no /dev/fuse, mandatory without file handles), 130 interrupted.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$top/build mode=never seconds=600 reuse=no workdir=${TMPDIR:-/tmp}
usage() {
	cat <<'U'
usage: tests/soak/soak.sh [--build DIR] [--mode never|prefer|mandatory] [--seconds S]
                          [--with-nodeid-reuse] [--workdir DIR]
  --build DIR           the build whose stalefs runs (default: build; a sanitizer build is best)
  --mode MODE           --inode-file-handles of the daemon (default never)
  --seconds S           how long the faults and workloads run (default 600)
  --with-nodeid-reuse   add nodeid-reuse to the faults (its wrong bytes are counted apart)
  --workdir DIR         where the temp dir goes (default $TMPDIR or /tmp)
U
}
bad() { echo "soak: $*" >&2; exit 2; }
while (($#)); do
	case $1 in
	--build) build=${2:?}; shift ;;
	--mode) mode=${2:?}; shift ;;
	--seconds) seconds=${2:?}; shift ;;
	--with-nodeid-reuse) reuse=yes ;;
	--workdir) workdir=${2:?}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) bad "unknown argument '$1' (try --help)" ;;
	esac
	shift
done
case $mode in never | prefer | mandatory) ;; *) bad "bad --mode '$mode'" ;; esac
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds >= 10)) || bad "bad --seconds '$seconds' (10 or more)"
stalefs=$build/stalefs
[ -x "$stalefs" ] || bad "no $stalefs (build first)"
[ "$(id -u)" = 0 ] || { echo "soak: SKIP: needs root (it mounts)" >&2; exit 77; }
[ -c /dev/fuse ] || { echo "soak: SKIP: no /dev/fuse" >&2; exit 77; }

T=$(mktemp -d "$workdir/stalefs-soak.XXXXXX") || exit 99
B=$T/backing M=$T/mnt
mkdir -p "$B" "$M"
pids=()
daemon=""
cleanup() {
	local rc=$?
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait "${pids[@]}" 2>/dev/null
	[ -n "$daemon" ] && kill -KILL "$daemon" 2>/dev/null
	awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf "$T"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { printf 'soak: %s\n' "$*" >&2; }
ctl() { "$stalefs" ctl "$T/ctl.sock" "$@"; }

"$stalefs" workload gen --root "$B" --objects 200 --max-links 100 --checkouts 2 >/dev/null ||
	{ say "gen failed"; exit 99; }
setarch "$(uname -m)" -R "$stalefs" mount --shared-dir="$B" --inode-file-handles="$mode" --cache=never \
	--xattr --control="$T/ctl.sock" --events="$T/events.jsonl" --stats="$T/stats.json" -f "$M" \
	>"$T/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 1 100); do
	awk -v m="$M" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo && break
	kill -0 "$daemon" 2>/dev/null || break
	sleep 0.1
done
if ! kill -0 "$daemon" 2>/dev/null; then
	rc=0; wait "$daemon" || rc=$?; daemon=""
	[ "$rc" = 2 ] && [ "$mode" = mandatory ] && { say "SKIP: mandatory refuses here: $(tail -n 1 "$T/daemon.log")"; exit 77; }
	say "the daemon did not start (exit $rc): $(tail -n 2 "$T/daemon.log")"; exit 1
fi
# The daemon's own fds: all it has less what the store holds (one O_PATH fd
# per entry the kernel still knows) and the open files it serves.
own_fds() {
	local all held
	all=$(ls /proc/"$daemon"/fd 2>/dev/null | wc -l)
	held=$(ctl stats 2>/dev/null | python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); print(d["store"]["fds"] + d.get("fds", {}).get("guest_fds", 0))' 2>/dev/null) || held=""
	[ -n "$held" ] && echo $((all - held)) || echo "?"
}
fds0=$(own_fds)

# The workloads: two readers, the storm, the host churn, all for the run's length.
"$stalefs" workload read --root "$M" --manifest "$B/.stalefs-manifest" --seconds "$seconds" --threads 4 \
	--json "$T/read1.json" 2>"$T/read1.err" & pids+=($!)
"$stalefs" workload read --root "$M" --manifest "$B/.stalefs-manifest" --seconds "$seconds" --threads 2 \
	--drop-caches-ms 500 --json "$T/read2.json" 2>"$T/read2.err" & pids+=($!)
"$stalefs" workload storm --root "$M" --manifest "$B/.stalefs-manifest" --seconds "$seconds" \
	--json "$T/storm.json" 2>"$T/storm.err" & pids+=($!)
"$stalefs" workload churn --root "$B" --seconds "$seconds" --pause-us 20000 >"$T/churn.out" 2>"$T/churn.err" & pids+=($!)
workers=("${pids[@]}")

# The faults: each round adds a few rules at high rates and fires the
# whole-daemon kinds; every few rounds the rules are cleared.
rules=(
	"errno:op=READ,errno=ESTALE,every=50"
	"errno:op=LOOKUP,errno=ESTALE,every=97,sticky=2"
	"errno:op=GETATTR,errno=EIO,prob=0.01,seed=3"
	"delay:op=OPEN,delay=5,every=20"
	"evict:every=200"
	"evict:every=300,as=estale"
	"gen-bump:every=400"
	"renode:every=250"
	"silly-rename:every=1"
	"host-estale:syscall=any,every=500"
)
[ "$mode" != never ] && rules+=("handle-decode:errno=ESTALE,every=300")
[ "$reuse" = yes ] && rules+=("nodeid-reuse:every=500")
fires=("restart" "silly-cleanup" "kernel-evict:action=drop-caches" "kernel-evict:action=epoch")
t_end=$(($(date +%s) + seconds))
rss=()
round=0
while (($(date +%s) < t_end)); do
	kill -0 "$daemon" 2>/dev/null || { say "FAIL: the daemon died (round $round)"; break; }
	for k in 1 2 3; do
		ctl add "${rules[RANDOM % ${#rules[@]}]}" >/dev/null 2>&1
	done
	ctl fire "${fires[RANDOM % ${#fires[@]}]}" >/dev/null 2>&1
	((round % 4 == 3)) && ctl clear >/dev/null 2>&1
	rss+=("$(awk '/^VmRSS:/ { print $2 }' /proc/"$daemon"/status 2>/dev/null || echo 0)")
	round=$((round + 1))
	sleep 1
done
ctl clear >/dev/null 2>&1
ctl fire silly-cleanup >/dev/null 2>&1	# the .nfs files' fds go
faults=$(ctl stats 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline()).get("faults", 0))' 2>/dev/null || echo "?")
for p in "${workers[@]}"; do wait "$p"; done
pids=()
alive=yes
kill -0 "$daemon" 2>/dev/null || alive=no
fds1=$( [ "$alive" = yes ] && own_fds || echo "?")
kill -TERM "$daemon" 2>/dev/null
drc=0
wait "$daemon" || drc=$?
daemon=""

python3 - "$T" "$seconds" "$mode" "$reuse" "$alive" "$drc" "$fds0" "$fds1" "$faults" "$round" \
	"${rss[@]}" <<'PY'
import json, os, re, sys
T, secs, mode, reuse, alive, drc, fds0, fds1, faults, rounds = sys.argv[1:11]
rss = [int(x) for x in sys.argv[11:] if x.isdigit() and int(x) > 0]
fail = []
def load(n):
    try:
        return json.load(open(os.path.join(T, n)))
    except Exception as e:
        fail.append(f"{n}: {e}")
        return {}
log = open(os.path.join(T, "daemon.log"), errors="replace").read()
if re.search(r"^(==\d+==ERROR: \w+Sanitizer|WARNING: ThreadSanitizer|.*: runtime error: )", log, re.M):
    fail.append("a sanitizer report is in the daemon's log")
if alive != "yes":
    fail.append("the daemon died during the run")
if drc != "0":
    fail.append(f"the daemon exited {drc} at SIGTERM")
files = mism = estale = 0
for n in ("read1.json", "read2.json", "storm.json"):
    d = load(n)
    files += d.get("integrity", {}).get("files", 0)
    mism += d.get("integrity", {}).get("mismatches", 0)
    estale += d.get("estale_total", 0)
if mism and reuse != "yes":
    fail.append(f"{mism} reads returned wrong bytes")
st = load("stats.json")
store = st.get("store", {})
if store.get("entries", -1) != 0 or store.get("fds", -1) != 0:
    fail.append(f"the store after DESTROY: {store.get('entries')} entries, {store.get('fds')} fds")
if "?" not in (fds0, fds1) and abs(int(fds1) - int(fds0)) > 2:
    fail.append(f"the daemon's own fds (less the store's and the open files'): {fds0} at start, "
                f"{fds1} before unmount")
half = len(rss) // 2
if half >= 2:
    first, second = max(rss[:half]), max(rss[half:])
    if second > 1.5 * first + 32 * 1024:
        fail.append(f"RSS grew: {first} KiB peak in the first half, {second} KiB in the second")
else:
    first = second = max(rss) if rss else 0
print(f"soak: {mode}, {secs} s, {rounds} fault rounds, {faults} faults fired")
print(f"soak: {files} files read and checked, {mism} wrong ({'nodeid-reuse on' if reuse == 'yes' else 'must be 0'}), "
      f"{estale} ESTALE seen by the workloads")
print(f"soak: daemon's own fds {fds0} at start, {fds1} before unmount; store after DESTROY "
      f"{store.get('entries')} entries, {store.get('fds')} fds")
print(f"soak: RSS peak {first} KiB in the first half, {second} KiB in the second ({len(rss)} samples)")
print("soak: " + ("FAIL: " + "; ".join(fail) if fail else "every check held"))
sys.exit(1 if fail else 0)
PY
