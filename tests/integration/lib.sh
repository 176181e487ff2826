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
	if [ -n "$MNT" ]; then
		for _ in 1 2 3 4 5 6 7 8 9 10; do is_mounted "$MNT" || break; sleep 0.1; done
		is_mounted "$MNT" && umount -l "$MNT" 2>/dev/null
	fi
	if [ -n "$T" ]; then
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
	for _ in $(seq 1 50); do is_mounted "$MNT" || return 0; sleep 0.05; done
	fail "mount still present after SIG$sig (daemon exit $rc)"
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
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }
