#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One fault kind, mounted for real: what a client sees on a path call (the
# VFS retries ESTALE once with LOOKUP_REVAL) and on an fd call (no retry),
# and that the event log ties the outcome to the rule. cache=never, so every
# path walk asks the daemon. Args: KIND [MODE] (MODE: inode mode, default never).
. "$(dirname "$0")/lib.sh"
kind=$1 mode=${2:-never}
setup
require_python
echo content >"$BACKING/f"
echo other >"$BACKING/g"
mkdir "$BACKING/d"
start_daemon --inode-file-handles="$mode" --cache=never --control="$T/ctl.sock"
stat "$MNT/f" "$MNT/g" >/dev/null

case $kind in
errno)
	# A cached dentry is looked up three times (revalidate, ->lookup, the
	# REVAL retry): ESTALE on fewer of them is masked, on all it surfaces.
	ctl add "errno:op=LOOKUP,path=/f,errno=ESTALE,count=1,sticky=1" >/dev/null
	expect_eq "path call, ESTALE twice" "$(path_call stat "$MNT/f")" ok
	ctl clear
	ctl add "errno:op=LOOKUP,path=/f,errno=ESTALE,count=1,sticky=2" >/dev/null
	expect_eq "path call, ESTALE on every pass" "$(path_call stat "$MNT/f")" ESTALE
	ctl clear
	probe_start hold-fstat "$MNT/f"
	ctl add "errno:op=GETATTR,path=/f,errno=ESTALE,count=1" >/dev/null
	expect_eq "fd call" "$(probe_go)" ESTALE
	expect_eq "fd call after the fault" "$(first_word "$(probe_go)")" ok
	expect_fault_event errno
	expect_inject_error ESTALE "errno"
	;;
delay)
	ctl add "delay:op=GETATTR,path=/f,delay=300,count=1" >/dev/null
	probe_start hold-fstat "$MNT/f"
	t0=$(date +%s%N)
	res=$(probe_go)
	ms=$((($(date +%s%N) - t0) / 1000000))
	expect_eq "fd call under delay" "${res%% *}" ok
	[ "$ms" -ge 300 ] || fail "fstat took $ms ms, want >= 300"
	expect_fault_event delay
	note "fstat with a 300 ms delay took $ms ms"
	;;
evict)
	# virtiofsd answers an unknown nodeid with EBADF; a path walk heals
	# (fresh LOOKUP, new nodeid); an fd keeps the old nodeid.
	probe_start hold-fstat "$MNT/f"
	ctl add "evict:op=GETATTR,path=/f,count=1" >/dev/null
	expect_eq "fd call after evict" "$(probe_go)" EBADF
	expect_eq "path call after evict" "$(path_call stat "$MNT/f")" ok
	expect_fault_event evict
	ctl clear
	probe_start hold-fstat "$MNT/g"
	ctl add "evict:op=GETATTR,path=/g,count=1,as=estale" >/dev/null
	expect_eq "fd call after evict as=estale" "$(probe_go)" ESTALE
	expect_eq "path call after evict as=estale" "$(path_call stat "$MNT/g")" ok
	expect_inject_error ESTALE "stale entry"
	;;
kernel-evict)
	forgotten() { stat_field 'd["forgotten"]'; }
	before=$(forgotten)
	ctl add "kernel-evict:op=GETATTR,path=/g,action=drop-caches,count=1" >/dev/null
	expect_eq "path call" "$(path_call stat "$MNT/g")" ok
	for _ in $(seq 1 50); do [ "$(forgotten)" -gt "$before" ] && break; sleep 0.1; done
	[ "$(forgotten)" -gt "$before" ] || fail "drop-caches sent no FORGET"
	for action in inval-inode prune epoch; do
		ctl add "kernel-evict:op=GETATTR,path=/f,action=$action,count=1" >/dev/null
		probe_start hold-fstat "$MNT/f"
		expect_eq "fd call around $action" "$(first_word "$(probe_go)")" ok
		expect_eq "path call after $action" "$(path_call stat "$MNT/f")" ok
	done
	sleep 0.3
	for action in drop-caches inval-inode prune epoch; do
		[ "$(events "sum(1 for e in evs if e.get('kind') == 'kernel-evict' and e['answer'] == '$action sent')")" -ge 1 ] ||
			fail "no '$action sent' event: $(grep kernel-evict "$T/events.jsonl" | tail -n 2)"
	done
	;;
gen-bump)
	# A new generation on a live nodeid: the kernel marks the old inode
	# bad; its fds get EIO (not ESTALE) and path lookups heal.
	probe_start hold-fstat "$MNT/f"
	ctl add "gen-bump:op=LOOKUP,path=/f,count=1" >/dev/null
	expect_eq "path call" "$(path_call stat "$MNT/f")" ok
	expect_eq "fd call on the old inode" "$(probe_go)" EIO
	expect_fault_event gen-bump
	;;
nodeid-reuse)
	# g's nodeid is evicted behind the kernel's back and handed to a new
	# file: with the same generation the kernel takes the new file for g.
	g_nodeid=$(ctl store | python3 -c 'import json,sys,os; ino=os.stat(sys.argv[1]).st_ino; print([e["nodeid"] for e in map(json.loads, sys.stdin) if e["ino"] == ino][0])' "$BACKING/g")
	probe_start hold-fstat "$MNT/g"
	ctl fire "evict:nodeid=$g_nodeid" >/dev/null
	echo new >"$BACKING/h"
	h_ino=$(stat -c %i "$BACKING/h")
	ctl add "nodeid-reuse:op=LOOKUP,path=/h,count=1" >/dev/null
	expect_eq "path call to the new file" "$(path_call stat "$MNT/h")" ok
	res=$(probe_go)
	expect_eq "fd call on g answers as the new file" "$res" "ok $h_ino 1"
	expect_fault_event nodeid-reuse
	note "nodeid $g_nodeid reused: fstat of g's fd reports h's inode ($res)"
	;;
nodeid-reuse-gen)
	g_nodeid=$(ctl store | python3 -c 'import json,sys,os; ino=os.stat(sys.argv[1]).st_ino; print([e["nodeid"] for e in map(json.loads, sys.stdin) if e["ino"] == ino][0])' "$BACKING/g")
	probe_start hold-fstat "$MNT/g"
	ctl fire "evict:nodeid=$g_nodeid" >/dev/null
	echo new >"$BACKING/h"
	ctl add "nodeid-reuse:op=LOOKUP,path=/h,count=1,gen=yes" >/dev/null
	expect_eq "path call to the new file" "$(path_call stat "$MNT/h")" ok
	expect_eq "fd call on g after reuse with a new generation" "$(probe_go)" EIO
	;;
renode)
	# The name gets a new nodeid; the old one answers ESTALE: masked on a
	# path call (the retry finds the new nodeid), surfaced on an fd call.
	probe_start hold-fstat "$MNT/f"
	ctl add "renode:op=LOOKUP,path=/f,count=1" >/dev/null
	expect_eq "path call" "$(path_call stat "$MNT/f")" ok
	expect_eq "fd call on the old nodeid" "$(probe_go)" ESTALE
	expect_fault_event renode
	expect_inject_error ESTALE "stale entry"
	;;
silly-rename | silly-cleanup)
	ctl add "silly-rename" >/dev/null
	probe_start hold-read "$MNT/f"
	rm "$MNT/f" || fail "unlink through the mount"
	[ ! -e "$BACKING/f" ] || fail "the name is still there"
	ls -a "$BACKING" | grep -q '^\.nfs' || fail "no .nfs file on the host: $(ls -a "$BACKING")"
	expect_eq "fd read after silly rename" "$(probe_go)" "ok 8"
	expect_eq "path call to the unlinked name" "$(path_call stat "$MNT/f")" ENOENT
	if [ "$kind" = silly-cleanup ]; then
		ctl add "silly-cleanup:op=GETATTR,path=/g,count=1" >/dev/null
		stat "$MNT/g" >/dev/null
	else
		ctl fire silly-cleanup >/dev/null
	fi
	ls -a "$BACKING" | grep -q '^\.nfs' && fail "cleanup left the .nfs file"
	expect_eq "fd read after cleanup" "$(probe_go)" ESTALE
	expect_fault_event silly-rename
	expect_fault_event silly-cleanup
	expect_inject_error ESTALE "stale entry"
	;;
handle-decode)
	probe_start hold-fstat "$MNT/f"
	ctl add "handle-decode:path=/f,errno=ESTALE,count=1,sticky=3" >/dev/null
	expect_eq "fd call" "$(probe_go)" ESTALE
	expect_eq "path call" "$(path_call stat "$MNT/f")" ESTALE
	ctl clear
	ctl add "handle-decode:path=/f,errno=EPERM,count=1" >/dev/null
	expect_eq "fd call, EPERM" "$(probe_go)" EPERM
	expect_inject_error ESTALE "handle-decode"
	;;
host-estale)
	probe_start hold-fstat "$MNT/f"
	ctl add "host-estale:syscall=statx,path=/f,count=1" >/dev/null
	expect_eq "fd call (statx)" "$(probe_go)" ESTALE
	ctl clear
	ctl add "host-estale:syscall=openat2,path=/f,count=1,sticky=2" >/dev/null
	expect_eq "path call (openat2 on every pass)" "$(path_call stat "$MNT/f")" ESTALE
	ctl clear
	if [ "$mode" != never ]; then
		# Handle entries are reopened with open_by_handle_at: handle-decode's part.
		expect_inject_error ESTALE "host-estale"
		probe_stop
		stop_daemon
		exit 0
	fi
	probe_start hold-read "$MNT/f"
	ctl add "host-estale:syscall=reopen,path=/f,count=1" >/dev/null
	expect_eq "open (the /proc reopen fails once: masked)" "$(path_call open "$MNT/f")" ok
	ctl add "host-estale:syscall=reopen,path=/f,count=1,sticky=1" >/dev/null
	expect_eq "open (the /proc reopen fails twice)" "$(path_call open "$MNT/f")" ESTALE
	expect_inject_error ESTALE "host-estale"
	;;
rebind)
	mkdir "$T/other"
	echo rebound >"$T/other/f"
	probe_start hold-read "$MNT/g"
	ctl fire "rebind:to=$T/other" >/dev/null
	expect_eq "host path now shows" "$(cat "$BACKING/f")" rebound
	expect_eq "client still sees the pinned root" "$(cat "$MNT/f")" content
	ctl reload >/dev/null
	expect_eq "after reload the client sees" "$(cat "$MNT/f")" rebound
	expect_eq "a name only in the old tree" "$(path_call stat "$MNT/g")" ENOENT
	expect_eq "an fd opened before the rebind" "$(probe_go)" "ok 6"
	expect_fault_event rebind
	;;
restart)
	# After a restart the store is empty and nodeids start over at 2:
	# old nodeids answer EBADF until new lookups hand them to other files.
	probe_start hold-fstat "$MNT/f"
	ctl fire restart >/dev/null
	expect_eq "fd call after restart" "$(probe_go)" EBADF
	expect_eq "path call after restart" "$(path_call stat "$MNT/d")" ok
	expect_fault_event restart
	# A fault fired by ctl is numbered with the rule-fired ones, not seq 0.
	ctl fire restart >/dev/null
	expect_eq "ctl-fired faults: seqs" \
		"$(events "sorted(e['seq'] for e in evs if e.get('type') == 'fault' and e['kind'] == 'restart')")" "[1, 2]"
	note "after restart: $(ctl store | wc -l) entries"
	;;
*)
	fail "unknown fault kind '$kind'"
	;;
esac
probe_stop
stop_daemon
