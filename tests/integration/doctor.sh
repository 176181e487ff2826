#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stalefs doctor: a JSON report with every check, a fuse check that is ok
# where /dev/fuse and fusermount3 are usable, a file-handle check that
# agrees with the daemon's own startup probe, limited answers for nobody,
# exit 2 with one line on bad options, and nothing left behind (temp dirs,
# mounts, tracefs instances). Needs no root (the root-only parts skip).
. "$(dirname "$0")/lib.sh"
require_python
T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
chmod 755 "$T"	# nobody must reach $T/h
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$T/h" "$T/m" "$T/tmp"
chmod 1777 "$T/tmp"
export TMPDIR=$T/tmp	# the overlay probe's temp dir goes here

tracefs=$(awk '$0 ~ / - tracefs / { print $5; exit }' /proc/self/mountinfo)
ours() {	# mounts and tracefs instances that doctor could have left
	awk -v t="$T/" 'index($5, t) == 1 || $5 ~ /stalefs-doctor/ { print $5 }' /proc/self/mountinfo
	if [ -n "$tracefs" ] && [ -d "$tracefs/instances" ]; then
		find "$tracefs/instances" -maxdepth 1 -name 'stalefs-doctor-*' 2>/dev/null
	fi
}
expect_clean() {
	local left
	left=$(ours)
	[ -z "$left" ] || fail "$1: left behind: $left"
	left=$(find "$T/tmp" -mindepth 1)
	[ -z "$left" ] || fail "$1: left behind in TMPDIR: $left"
}

# validate FILE: the document's shape; prints "name status" per check.
validate() {
	python3 - "$1" "$(uname -r)" "$(getconf _NPROCESSORS_ONLN)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def need(cond, what):
    if not cond:
        sys.exit("bad doctor JSON: " + what)
need(d["kernel"] == sys.argv[2], "kernel %r" % d["kernel"])
need(d["cpus"] == int(sys.argv[3]), "cpus %r" % d["cpus"])
names = [c["name"] for c in d["checks"]]
for n in ["fuse", "capabilities", "file_handles", "userns", "io_uring", "overlayfs",
          "tracefs", "drop_caches", "memory_cgroup", "ostree", "virtiofsd", "qemu", "stalefs-virtiofsd"]:
    need(n in names, "no check " + n)
need(len(set(names)) == len(names), "duplicate checks")
for c in d["checks"]:
    need(c["status"] in ("ok", "limited", "missing"), c["name"] + " status")
    need(isinstance(c["detail"], str) and c["detail"] and "\n" not in c["detail"],
         c["name"] + " detail")
    need(isinstance(c["needed_for"], list) and c["needed_for"] and
         all(isinstance(x, str) for x in c["needed_for"]), c["name"] + " needed_for")
r = d["can_run"]
for k, keys in [("modes", ["never", "prefer", "mandatory"]),
                ("privileges", ["root", "unprivileged", "userns"]),
                ("workloads", ["read", "storm", "ostree", "churn", "overlay"])]:
    for key in keys:
        need(isinstance(r[k][key], bool), "can_run.%s.%s" % (k, key))
need(isinstance(r["tracefs"], bool), "can_run.tracefs")
st = {c["name"]: c["status"] for c in d["checks"]}
need(r["tracefs"] == (st["tracefs"] == "ok"), "can_run.tracefs vs the tracefs check")
need(r["modes"]["mandatory"] == (r["modes"]["never"] and st["file_handles"] == "ok"),
     "mandatory vs file_handles")
for c in d["checks"]:
    print(c["name"], c["status"])
PY
}
status_of() { awk -v n="$2" '$1 == n { print $2 }' "$1"; }

# --- as this user ---
start=$(date +%s)
rc=0
"$STALEFS" doctor --json --dir "$T/h" >"$T/d.json" 2>"$T/d.err" || rc=$?
expect_eq "doctor --json: exit" "$rc" 0
elapsed=$(($(date +%s) - start))
[ "$elapsed" -le 60 ] || fail "doctor took ${elapsed}s"
validate "$T/d.json" >"$T/st" || fail "$(cat "$T/st")"
note "as $(id -un): $(tr '\n' ' ' <"$T/st")"
expect_clean "doctor --json"

if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ] && command -v fusermount3 >/dev/null; then
	expect_eq "fuse check as root" "$(status_of "$T/st" fuse)" ok
fi
[ "$(id -u)" = 0 ] && [ "$(status_of "$T/st" capabilities)" = missing ] &&
	fail "capabilities: root reported as missing"

# The handle check against the daemon's probe: mandatory starts iff handles work.
if [ "$(id -u)" = 0 ] && [ "$(status_of "$T/st" fuse)" = ok ]; then
	rc=0
	"$STALEFS" mount --shared-dir="$T/h" --inode-file-handles=mandatory -f "$T/m" \
		>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	MNT=$T/m
	for _ in $(seq 1 100); do
		is_mounted "$T/m" && break
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.05
	done
	if is_mounted "$T/m"; then
		daemon=ok
		kill -TERM "$DAEMON_PID"
		wait "$DAEMON_PID" || true
	else
		wait "$DAEMON_PID" || rc=$?
		daemon="refused (exit $rc)"
	fi
	DAEMON_PID=""
	for _ in $(seq 1 50); do is_mounted "$T/m" || break; sleep 0.05; done
	note "daemon's mandatory probe on $T/h: $daemon"
	if [ "$daemon" = ok ]; then
		expect_eq "file_handles vs the daemon" "$(status_of "$T/st" file_handles)" ok
	else
		[ "$(status_of "$T/st" file_handles)" = ok ] &&
			fail "file_handles ok but the daemon refused mandatory: $(tail -n 2 "$T/daemon.log")"
	fi
fi

# A filesystem that cannot export handles: procfs.
"$STALEFS" doctor --json --dir /proc/sys >"$T/p.json" || fail "doctor --dir /proc/sys failed"
python3 - "$T/p.json" <<'PY' || fail "file_handles on /proc/sys"
import json, sys
c = [c for c in json.load(open(sys.argv[1]))["checks"] if c["name"] == "file_handles"][0]
print("# /proc/sys:", c["status"], c["detail"])
assert c["status"] == "missing" and "proc" in c["detail"], c
PY

# Text: one line per check, then the summary.
"$STALEFS" doctor --dir "$T/h" >"$T/d.txt" || fail "doctor (text) failed"
for n in fuse capabilities file_handles userns io_uring overlayfs tracefs drop_caches ostree \
	virtiofsd qemu stalefs-virtiofsd; do
	grep -Eq "^(ok|limited|missing) +$n +[^ ]" "$T/d.txt" || fail "text: no line for $n"
done
grep -q '^can run:' "$T/d.txt" || fail "text: no summary"
grep -q '^  inode modes  never ' "$T/d.txt" || fail "text: no inode modes line"
expect_clean "doctor (text)"

# A tool that hangs (and leaves a child of its own) is cut off at 5 s and
# nothing of it stays.
mark=stalefs-doctor-fake-$$
mkdir "$T/bin"
cat >"$T/bin/ostree" <<EOF
#!/bin/bash
(exec -a $mark sleep 300) &
exec -a $mark sleep 300
EOF
chmod 755 "$T/bin/ostree"
start=$(date +%s)
PATH=$T/bin:$PATH "$STALEFS" doctor --json --dir "$T/h" >"$T/f.json" ||
	fail "doctor with a hanging ostree failed"
elapsed=$(($(date +%s) - start))
[ "$elapsed" -le 20 ] || fail "a hanging ostree held doctor for ${elapsed}s"
python3 - "$T/f.json" <<'PY' || fail "the hanging ostree"
import json, sys
c = [c for c in json.load(open(sys.argv[1]))["checks"] if c["name"] == "ostree"][0]
print("# hanging ostree:", c["status"], c["detail"])
assert "no answer" in c["detail"], c
PY
sleep 0.2
pgrep -f "$mark" >/dev/null && fail "the hanging ostree's processes were left running"
expect_clean "doctor with a hanging tool"

# --- as nobody ---
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	if as_nobody "$STALEFS" --version >/dev/null 2>&1; then
		rc=0
		as_nobody "$STALEFS" doctor --json --dir "$T/h" >"$T/n.json" 2>"$T/n.err" || rc=$?
		expect_eq "doctor as nobody: exit" "$rc" 0
		validate "$T/n.json" >"$T/nst" || fail "as nobody: $(cat "$T/nst")"
		note "as nobody: $(tr '\n' ' ' <"$T/nst")"
		case $(status_of "$T/nst" capabilities) in
		limited|missing) ;;
		*) fail "capabilities as nobody: $(status_of "$T/nst" capabilities)" ;;
		esac
		[ "$(status_of "$T/nst" file_handles)" = ok ] &&
			fail "file_handles ok as nobody (no CAP_DAC_READ_SEARCH)"
		[ "$(status_of "$T/nst" drop_caches)" = ok ] && fail "drop_caches writable by nobody"
		expect_clean "doctor as nobody"
	else
		note "nobody cannot run $STALEFS (a private build dir?): skipping that part"
	fi
else
	note "not root or no setpriv: skipping the run as nobody"
fi

# Bad options: exit 2, one line on stderr, nothing on stdout.
bad() {
	local what=$1 rc=0
	shift
	"$STALEFS" doctor "$@" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "$what: exit code" "$rc" 2
	expect_eq "$what: stderr lines" "$(wc -l <"$T/err")" 1
	expect_eq "$what: stdout" "$(wc -c <"$T/out")" 0
	note "$what: $(cat "$T/err")"
}
bad "unknown option" --bogus
bad "--dir without a value" --dir
bad "--dir that does not exist" --dir "$T/nope"
bad "extra argument" extra
rc=0
"$STALEFS" doctor --help >"$T/out" || rc=$?
expect_eq "--help: exit" "$rc" 0
grep -q '^usage: stalefs doctor' "$T/out" || fail "--help: no usage line"
expect_clean "the end"
exit 0
