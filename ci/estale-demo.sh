#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job for now: a small ESTALE matrix over inode mode x privilege.
# In each cell a client holds an O_PATH fd on a 970-link object, the host
# unlinks every name and drops caches, and the client fstat()s the fd (an fd
# operation: the kernel does not retry it). The table says which inode mode
# took effect, what fstat answered, and how many ESTALE replies the daemon's
# event log attributes to which host syscall. Needs root and /dev/fuse.
# Usage: ci/estale-demo.sh [BUILDDIR]   (default: build)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-build}
case $builddir in /*) ;; *) builddir=$top/$builddir ;; esac
export STALEFS=$builddir/passthrough/stalefs TPROBE=$builddir/tests/integration/tprobe
if [ ! -x "$STALEFS" ] || [ ! -x "$TPROBE" ]; then
	echo "estale-demo: build first (missing $STALEFS)" >&2
	exit 2
fi
. "$top/tests/integration/lib.sh"
setup
require_python

cell() {
	local mode=$1 priv=$2 opt=() res effective estale source
	case $priv in unprivileged) opt=(--unprivileged) ;; userns) opt=(--userns) ;; esac
	rm -rf "${BACKING:?}"/* "$T/events.jsonl"
	mkdir -p "$BACKING/objects/ab"
	head -c 2048 /dev/urandom >"$BACKING/objects/ab/obj.file"
	for i in $(seq 1 970); do ln "$BACKING/objects/ab/obj.file" "$BACKING/objects/ab/l$i"; done
	if ! "$STALEFS" mount --shared-dir="$BACKING" --inode-file-handles="$mode" --cache=never \
		"${opt[@]}" --stats="$T/stats.json" --events="$T/events.jsonl" -f "$MNT" \
		>"$T/daemon.log" 2>&1 & then :; fi
	DAEMON_PID=$!
	for _ in $(seq 1 100); do is_mounted "$MNT" && break; kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.05; done
	if ! is_mounted "$MNT"; then
		wait "$DAEMON_PID"
		printf '%-10s %-13s %-10s %-22s %s\n' "$mode" "$priv" "refused" "exit $?" "$(tail -n1 "$T/daemon.log" | cut -c1-60)"
		DAEMON_PID=""
		return
	fi
	probe_start hold-fstat "$MNT/objects/ab/l500"
	find "$BACKING/objects" -type f -delete
	drop_caches
	res=$(probe_go)
	probe_stop
	effective=$(stat_field 'd["inode_mode"]["effective"]')
	estale=$(grep -c '"err":"ESTALE"' "$T/events.jsonl" 2>/dev/null)
	source=$(grep '"err":"ESTALE"' "$T/events.jsonl" 2>/dev/null | python3 -c \
		'import json,sys,collections; c=collections.Counter(json.loads(l)["detail"] for l in sys.stdin); print(",".join(f"{k}:{v}" for k,v in c.items()) or "-")')
	stop_daemon
	printf '%-10s %-13s %-10s %-22s %s\n' "$mode" "$priv" "$effective" "${res%% *}" "$estale ($source)"
}

printf '%-10s %-13s %-10s %-22s %s\n' mode privilege effective "client fstat" "daemon ESTALE replies (source)"
for mode in never prefer mandatory fallback; do
	for priv in root unprivileged userns; do
		[ "$priv" = userns ] && ! unshare -Ur true 2>/dev/null && continue
		cell "$mode" "$priv"
	done
done
