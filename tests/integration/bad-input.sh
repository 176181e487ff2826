#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input gets one clear line on stderr, exit code 2, and no mount.
. "$(dirname "$0")/lib.sh"
setup
touch "$T/file"
check() {
	local what=$1 rc=0
	shift
	"$STALEFS" "$@" >"$T/out" 2>"$T/err" || rc=$?
	expect_eq "$what: exit code" "$rc" 2
	expect_eq "$what: stderr lines" "$(wc -l <"$T/err")" 1
	is_mounted "$MNT" && fail "$what: something was mounted"
	note "$what: $(cat "$T/err")"
}
check "missing shared dir" mount --shared-dir="$T/nope" "$MNT"
check "shared dir is a file" mount --shared-dir="$T/file" "$MNT"
check "mountpoint not a directory" mount --shared-dir="$BACKING" "$T/file"
check "missing mountpoint" mount --shared-dir="$BACKING" "$T/nope"
check "unknown mode" mount --shared-dir="$BACKING" --inode-file-handles=always "$MNT"
check "unknown cache" mount --shared-dir="$BACKING" --cache=sometimes "$MNT"
check "unknown option" mount --shared-dir="$BACKING" --frobnicate "$MNT"
check "no --shared-dir" mount "$MNT"
check "negative --rlimit-nofile" mount --shared-dir="$BACKING" --rlimit-nofile=-1 "$MNT"
check "huge --rlimit-nofile" mount --shared-dir="$BACKING" --rlimit-nofile=99999999999 "$MNT"
check "--rlimit-nofile above fs.nr_open" mount --shared-dir="$BACKING" \
	--rlimit-nofile="$(($(cat /proc/sys/fs/nr_open) + 1))" "$MNT"
check "--rlimit-nofile below 1.13.2's reserve" mount --shared-dir="$BACKING" --rlimit-nofile=100 "$MNT"
check "unknown --virtiofsd-version" mount --shared-dir="$BACKING" --virtiofsd-version=1.14.0 "$MNT"
check "run: unknown --virtiofsd-version" run --virtiofsd-version=1.14.0
check "run: negative --rlimit-nofile" run --rlimit-nofile=-5
check "matrix: unknown version in --versions" matrix --versions 1.13.0,2.0
check "injected errno the kernel refuses" mount --shared-dir="$BACKING" --inject=errno:errno=512 "$MNT"
check "run: injected errno the kernel refuses" run --inject=errno:op=READ,errno=4095
check "run: --seconds and --count both" run --seconds 1 --count 10
check "matrix: --seconds and --count both" matrix --count 10 --seconds 2
check "run: --tree missing" run --tree "$T/nope"
check "run: --tree a file" run --tree "$T/file"
check "run: --tree without a manifest" run --tree "$BACKING"
check "run: --workdir a file" run --workdir "$T/file"
check "matrix: --workdir two levels down" matrix --workdir "$T/nope/deeper"
check "unknown command" frobnicate
check "unknown workload" workload frobnicate
check "no workload" workload
rc=0
"$STALEFS" workload --help >"$T/out" 2>"$T/err" || rc=$?
expect_eq "workload --help: exit" "$rc" 0
for w in gen read storm churn ostree; do
	grep -q "^  $w " "$T/out" || fail "workload --help does not list $w"
done
[ -s "$T/err" ] && fail "workload --help wrote to stderr: $(cat "$T/err")"
# Not root: run, matrix and pinpoint say so before any cell (77, one line
# pointing at doctor).
if command -v setpriv >/dev/null &&
	setpriv --reuid=65534 --regid=65534 --clear-groups "$STALEFS" --version >/dev/null 2>&1; then
	for cmd in run matrix pinpoint; do
		rc=0
		setpriv --reuid=65534 --regid=65534 --clear-groups "$STALEFS" "$cmd" --seconds 1 \
			>"$T/out" 2>"$T/err" || rc=$?
		expect_eq "$cmd as nobody: exit" "$rc" 77
		expect_eq "$cmd as nobody: stderr lines" "$(wc -l <"$T/err")" 1
		grep -q 'stalefs doctor' "$T/err" || fail "$cmd as nobody: $(cat "$T/err")"
	done
	note "as nobody: $(cat "$T/err")"
else
	note "nobody cannot run $STALEFS (a private build dir?): the not-root case is not checked"
fi
# A mountpoint that is already a mount: refused, nothing stacked on it.
mkdir "$T/stacked"
mount -t tmpfs stalefs-test "$T/stacked" || fail "cannot mount a tmpfs for the stacked case"
mounts_on() { awk -v m="$1" '$5 == m { n++ } END { print n + 0 }' /proc/self/mountinfo; }
rc=0
"$STALEFS" mount --shared-dir="$BACKING" "$T/stacked" >"$T/out" 2>"$T/err" || rc=$?
expect_eq "mountpoint already a mount: exit code" "$rc" 2
expect_eq "mountpoint already a mount: stderr lines" "$(wc -l <"$T/err")" 1
expect_eq "mountpoint already a mount: mounts on it" "$(mounts_on "$T/stacked")" 1
rc=0
(cd "$T" && "$STALEFS" mount --shared-dir="$BACKING" stacked/ >/dev/null 2>&1) || rc=$?
expect_eq "mountpoint already a mount, given relative with a slash: exit code" "$rc" 2
expect_eq "mountpoint already a mount, given relative: mounts on it" "$(mounts_on "$T/stacked")" 1
note "mountpoint already a mount: $(cat "$T/err")"
# --allow-stacked mounts over it anyway, and its stop leaves the tmpfs.
"$STALEFS" mount --shared-dir="$BACKING" --allow-stacked -f "$T/stacked" 2>"$T/stack.log" &
pid=$!
for _ in $(seq 1 100); do [ "$(mounts_on "$T/stacked")" = 2 ] && break; sleep 0.05; done
expect_eq "--allow-stacked: mounts on it" "$(mounts_on "$T/stacked")" 2
kill -TERM "$pid"
wait "$pid" || fail "--allow-stacked: daemon exit $?: $(tail -n 2 "$T/stack.log")"
expect_eq "--allow-stacked, stopped: mounts on it" "$(mounts_on "$T/stacked")" 1
umount "$T/stacked"
exit 0
