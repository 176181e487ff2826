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
          "tracefs", "drop_caches", "memory_cgroup", "ostree", "virtiofsd", "qemu", "stalefs-virtiofsd",
          "compare"]:
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
m = d["compare"]
need(isinstance(m["paths_env"], str) and m["paths_env"].endswith("/paths.env"), "compare.paths_env")
need(isinstance(m["read"], bool) and isinstance(m["why"], str) and (m["read"] or m["why"]), "compare.why")
need([p["name"] for p in m["pieces"]] ==
     ["virtiofsd", "qemu", "kernel", "modules", "busybox", "guest_workload"], "compare.pieces names")
for p in m["pieces"]:
    need(isinstance(p["exists"], bool) and all(isinstance(p[k], str) for k in ("path", "version", "note")),
         "compare piece " + p["name"])
    need(p["exists"] or p["note"], "compare piece %s: missing without a note" % p["name"])
need(r["compare"] == (st["compare"] == "ok") == all(p["exists"] for p in m["pieces"]),
     "can_run.compare vs the compare check and its pieces")
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
	virtiofsd qemu stalefs-virtiofsd compare; do
	grep -Eq "^(ok|limited|missing) +$n +[^ ]" "$T/d.txt" || fail "text: no line for $n"
done
grep -q '^can run:' "$T/d.txt" || fail "text: no summary"
grep -q '^  inode modes  never ' "$T/d.txt" || fail "text: no inode modes line"
grep -q "^compare's pieces (" "$T/d.txt" || fail "text: no compare's pieces"
for n in virtiofsd qemu kernel modules busybox guest_workload; do
	grep -Eq "^  $n +(ok|missing) " "$T/d.txt" || fail "text: no compare piece $n"
done
grep -q '^  compare      ' "$T/d.txt" || fail "text: no compare in can run"
grep -q 'planned' "$T/d.txt" && fail "text: still says planned: $(grep planned "$T/d.txt")"
long=$(awk 'length > 120' "$T/d.txt")
[ -z "$long" ] || note "lines over 120 columns (long paths): $long"
expect_clean "doctor (text)"

# compare's pieces from a paths.env of our own: versions asked of the
# programs, the kernel's release from its name, a piece that is not there
# named with what to run, a line that is not a plain shell word refused, and
# $STALEFS_GUEST_WORKLOAD as the guest workload.
mkdir -p "$T/cache" "$T/pieces/modules/6.1.0-test"
printf '#!/bin/sh\necho "virtiofsd 1.13.2"\n' >"$T/pieces/virtiofsd"
printf '#!/bin/sh\necho "QEMU emulator version 9.9.1 (fake)"\n' >"$T/pieces/qemu"
printf '#!/bin/sh\nexit 0\n' >"$T/pieces/guest-workload"
chmod 755 "$T/pieces/virtiofsd" "$T/pieces/qemu" "$T/pieces/guest-workload"
: >"$T/pieces/vmlinuz-6.1.0-test"
{
	printf 'virtiofsd=%q\n' "$T/pieces/virtiofsd"
	printf 'qemu=%q\n' "$T/pieces/qemu"
	printf 'kernel=%q\n' "$T/pieces/vmlinuz-6.1.0-test"
	printf 'modules=%q\n' "$T/pieces/modules/6.1.0-test"
	printf 'busybox=%q\n' "$T/pieces/no-busybox"
	# shellcheck disable=SC2016 # a $(...) that doctor must not run
	printf 'busybox2=$(touch %q)\n' "$T/pieces/touched"
} >"$T/cache/paths.env"
STALEFS_COMPARE_CACHE=$T/cache STALEFS_GUEST_WORKLOAD=$T/pieces/guest-workload \
	"$STALEFS" doctor --json --dir "$T/h" >"$T/c.json" || fail "doctor with our paths.env failed"
validate "$T/c.json" >/dev/null || fail "doctor with our paths.env: $(validate "$T/c.json")"
python3 - "$T/c.json" "$T" <<'PY' || fail "compare's pieces from our paths.env"
import json, sys
d, t = json.load(open(sys.argv[1])), sys.argv[2]
m = d["compare"]
p = {x["name"]: x for x in m["pieces"]}
assert m["read"] and m["paths_env"] == t + "/cache/paths.env", m
assert m["bad_lines"] == 1, m
assert p["virtiofsd"] == {"name": "virtiofsd", "path": t + "/pieces/virtiofsd", "exists": True,
                          "version": "1.13.2", "note": ""}, p["virtiofsd"]
assert p["qemu"]["exists"] and p["qemu"]["version"] == "9.9.1", p["qemu"]
assert p["kernel"]["exists"] and p["kernel"]["version"] == "6.1.0-test", p["kernel"]
assert p["modules"]["exists"] and p["modules"]["version"] == "6.1.0-test", p["modules"]
assert not p["busybox"]["exists"] and p["busybox"]["note"] == "not there", p["busybox"]
assert p["guest_workload"]["path"] == t + "/pieces/guest-workload", p["guest_workload"]
assert p["guest_workload"]["note"] == "$STALEFS_GUEST_WORKLOAD", p["guest_workload"]
c = [c for c in d["checks"] if c["name"] == "compare"][0]
print("# our paths.env:", c["status"], c["detail"])
assert c["status"] == "missing" and "busybox" in c["detail"], c
assert "ci/compare-setup.sh" in c["detail"] and "1 line of paths.env refused" in c["detail"], c
assert d["can_run"]["compare"] is False
PY
[ -e "$T/pieces/touched" ] && fail "a \$(...) in paths.env was run"
# A paths.env others may write: its programs are not run for their versions.
chmod 666 "$T/cache/paths.env"
STALEFS_COMPARE_CACHE=$T/cache "$STALEFS" doctor --json --dir "$T/h" >"$T/w.json" ||
	fail "doctor with a world-writable paths.env failed"
python3 - "$T/w.json" <<'PY' || fail "a world-writable paths.env"
import json, sys
p = {x["name"]: x for x in json.load(open(sys.argv[1]))["compare"]["pieces"]}
for n in ("virtiofsd", "qemu"):
    assert p[n]["exists"] and p[n]["version"] == "" and p[n]["note"].startswith("not run"), p[n]
PY
chmod 644 "$T/cache/paths.env"
STALEFS_COMPARE_CACHE=$T/nocache "$STALEFS" doctor --dir "$T/h" >"$T/n.txt" ||
	fail "doctor without a paths.env failed"
grep -Eq '^missing +compare +open .*/nocache/paths.env: No such file or directory: run ci/compare-setup.sh' \
	"$T/n.txt" || fail "no paths.env: $(grep compare "$T/n.txt")"

# The real one, when ci/compare-setup.sh has run here: the same paths.
real=${STALEFS_COMPARE_CACHE:-/var/cache/stalefs-compare}/paths.env
if [ -r "$real" ]; then
	python3 - "$T/d.json" "$real" <<'PY' || fail "compare's pieces against $real"
import json, shlex, sys
m = json.load(open(sys.argv[1]))["compare"]
want = dict(shlex.split(line)[0].split("=", 1) for line in open(sys.argv[2]) if "=" in line)
for p in m["pieces"]:
    if p["name"] in want:
        assert p["path"] == want[p["name"]], (p, want[p["name"]])
print("# %s:" % sys.argv[2], ", ".join("%s %s" % (p["name"], "ok" if p["exists"] else "missing")
                                       for p in m["pieces"]))
PY
else
	note "no $real (ci/compare-setup.sh has not run here): skipping the real pieces"
fi

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
