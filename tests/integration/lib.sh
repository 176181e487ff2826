# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shared shell for the integration tests: requirements (exit 77 with a
# reason), a per-test temp dir, starting and stopping one daemon, reading its
# stats, and a cleanup trap that always unmounts and kills what it started.
# Sourced by each test; needs $STALEFS (the stalefs binary) in the env.

set -u

STALEFS=${STALEFS:?STALEFS must name the stalefs binary}
T=""
DAEMON_PID=""
MNT=""
BACKING=""

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "# $*"; }

require_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }
require_fuse() {
	[ -c /dev/fuse ] || skip "no /dev/fuse"
	command -v fusermount3 >/dev/null || skip "no fusermount3 (apt-get install fuse3)"
}
require_python() { command -v python3 >/dev/null || skip "needs python3 to read JSON"; }
# The guest tests' pieces: root, ci/compare-setup.sh's paths.env naming each
# PIECE given (kernel qemu busybox modules virtiofsd), the static guest
# workload, python3; "stalefs-virtiofsd" among them: this build's daemon.
# Sets paths_env.
require_guest() {
	local piece
	paths_env=${STALEFS_COMPARE_CACHE:-/var/cache/stalefs-compare}/paths.env
	require_root
	for piece in "$@"; do
		[ "$piece" = stalefs-virtiofsd ] || continue
		[ -n "${STALEFS_VIRTIOFSD:-}" ] && [ -x "$STALEFS_VIRTIOFSD" ] ||
			skip "no stalefs-virtiofsd in this build (libfuse older than 3.13)"
	done
	[ -r "$paths_env" ] || skip "no $paths_env (run ci/compare-setup.sh)"
	if [ -z "${STALEFS_GUEST_WORKLOAD:-}" ] || [ ! -x "$STALEFS_GUEST_WORKLOAD" ]; then
		skip "no static guest workload (configure with -Dguest=enabled, no sanitizers)"
	fi
	for piece in "$@"; do
		[ "$piece" = stalefs-virtiofsd ] && continue
		grep -q "^$piece=" "$paths_env" || skip "$paths_env names no $piece (rerun ci/compare-setup.sh)"
	done
	require_python
}
require_userns() {
	unshare -Ur true 2>/dev/null || skip "user namespaces are not allowed here"
}

is_mounted() { awk -v m="$1" '$5 == m { f = 1 } END { exit !f }' /proc/self/mountinfo; }

cleanup() {
	local rc=$?
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		kill -KILL "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	# A rebind fault binds over the shared dir; a killed daemon cannot undo it.
	if [ -n "$BACKING" ] && is_mounted "$BACKING"; then umount -l "$BACKING" 2>/dev/null; fi
	if [ -n "$MNT" ]; then
		for _ in 1 2 3 4 5 6 7 8 9 10; do is_mounted "$MNT" || break; sleep 0.1; done
		is_mounted "$MNT" && umount -l "$MNT" 2>/dev/null
	fi
	if [ -n "$T" ]; then
		# Anything a test mounted below $T (overlay, tmpfs), deepest first.
		awk -v t="$T/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
			while read -r m; do umount -l "$m" 2>/dev/null; done
		if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -f "$T/daemon.log" ]; then
			echo "--- daemon log ---" >&2
			tail -n 40 "$T/daemon.log" >&2
		fi
		rm -rf "$T"
	fi
	exit "$rc"
}

setup() {
	require_root
	require_fuse
	T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
	chmod 755 "$T"	# other users (the creds checks) must reach the mount
	BACKING=$T/backing
	MNT=$T/mnt
	mkdir -p "$BACKING" "$MNT"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

# start_daemon [stalefs mount options...]: runs in the foreground (as a
# child of this shell) and returns once the mount is there. $STALEFS_WRAPPER
# (e.g. "taskset -c 0") is put in front of the command when set.
start_daemon() {
	rm -f "$T/stats.json"
	# shellcheck disable=SC2086 # the wrapper is a command line
	${STALEFS_WRAPPER:-} "$STALEFS" mount --shared-dir="$BACKING" --stats="$T/stats.json" \
		--events="$T/events.jsonl" -f "$@" "$MNT" >>"$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 1 100); do
		is_mounted "$MNT" && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.05
	done
	wait "$DAEMON_PID"
	fail "daemon did not mount (exit $?): $(tail -n 3 "$T/daemon.log")"
}

# stop_daemon [SIGNAL]: the daemon exits and nothing stays mounted.
stop_daemon() {
	local sig=${1:-TERM} rc=0
	kill -"$sig" "$DAEMON_PID"
	wait "$DAEMON_PID" || rc=$?
	DAEMON_PID=""
	sanitizer_check "$T/daemon.log"
	for _ in $(seq 1 50); do is_mounted "$MNT" || return 0; sleep 0.05; done
	fail "mount still present after SIG$sig (daemon exit $rc)"
}

# sanitizer_check LOG: a sanitizer's report in the daemon's log fails the test
# (the daemon runs in the background, so its exit status alone would not).
# Leaks count too; lsan.supp (LSAN_OPTIONS, from meson) names the one leak
# that is libfuse's.
sanitizer_check() {
	local pat='^(==[0-9]+==ERROR: [A-Za-z]+Sanitizer|WARNING: ThreadSanitizer|.*: runtime error: )'
	if [ -f "$1" ] && grep -Eq "$pat" "$1"; then
		grep -E -m 3 -A 12 "$pat" "$1" >&2
		fail "a sanitizer reported in $(basename "$1")"
	fi
}

# stats: ask for a fresh stats document and print it.
stats() {
	rm -f "$T/stats.json"
	kill -USR1 "$DAEMON_PID"
	for _ in $(seq 1 100); do
		[ -s "$T/stats.json" ] && { cat "$T/stats.json"; return 0; }
		sleep 0.02
	done
	fail "no stats after SIGUSR1"
}

# snapshot: take one stats document; field EXPR: evaluate a python
# expression on it (d is the document), so several fields come from one
# consistent moment. stat_field EXPR: both at once.
snapshot() { stats >"$T/snap.json"; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T/snap.json"; }
stat_field() { snapshot && field "$1"; }

drop_caches() { sync; echo 2 >/proc/sys/vm/drop_caches; }

# expect_eq WHAT GOT WANT
# FILE with folded shell commands (lines ending in " \\") joined again.
unfold() { sed -e ':a' -e '/ \\$/{N;s/ \\\n */ /;ta}' "$1"; }
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }

# ctl COMMAND...: the daemon's control socket (start_daemon --control="$T/ctl.sock").
ctl() { "$STALEFS" ctl "$T/ctl.sock" "$@"; }

# probe_start hold-fstat|hold-read PATH; probe_go prints one result line;
# probe_stop ends it (probe_start does, for the previous one).
probe_stop() {
	if [ -n "${PROBE_PID:-}" ]; then
		eval "exec ${PROBE[1]}>&-" 2>/dev/null
		wait "$PROBE_PID" 2>/dev/null
	fi
	PROBE_PID=""
}
probe_start() {
	probe_stop
	coproc PROBE { "${TPROBE:?}" "$1" "$2"; }
	local line
	read -r -u "${PROBE[0]}" line
	expect_eq "probe open of $2" "$line" ready
}
probe_go() {
	local res
	echo go >&"${PROBE[1]}"
	read -r -u "${PROBE[0]}" res
	echo "$res"
}
# path_call OP PATH: stat|lstat|open|readlink by path, prints ok or the errno name.
path_call() { "${TPROBE:?}" errno "$1" "$2"; }

# events 'python expression over evs (a list of event dicts)': print it.
events() {
	python3 - "$T/events.jsonl" "$1" <<'PY'
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1])] if __import__("os").path.exists(sys.argv[1]) else []
print(eval(sys.argv[2]))
PY
}
# expect_fault_event KIND: a fault event of KIND was logged.
expect_fault_event() {
	[ "$(events "sum(1 for e in evs if e.get('type') == 'fault' and e['kind'] == '$1')")" -ge 1 ] ||
		fail "no fault event of kind $1 in the event log"
}
# expect_inject_error ERRNAME KIND: an error reply of ERRNAME attributed to a KIND rule.
expect_inject_error() {
	[ "$(events "sum(1 for e in evs if e.get('type') == 'error' and e['err'] == '$1' and e['source'] == 'inject' and e['detail'].endswith('$2'))")" -ge 1 ] ||
		fail "no $1 error reply attributed to a $2 rule in the event log"
}
# first_word TEXT: "ok 123 1" -> "ok"
first_word() { echo "${1%% *}"; }
