#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The passthrough benchmark: stat, ls -l and read throughput through a
# stalefs mount against the backing dir, for each inode mode and cache
# policy, as ratios measured in this one run (mount time / backing time;
# lower is better, 1.0 is parity), next to the targets of issue 2. Then the
# inode store's memory per entry. Prints figures; it never fails on speed.
#
# Env: STALEFS, BENCHWALK, BENCH_STORE (set by meson); BENCH_OBJECTS (100),
# BENCH_LINKS (1000 names per object), BENCH_DIR_ENTRIES (10000),
# BENCH_READ_MIB (1024), BENCH_MODES, BENCH_CACHES, BENCH_BUSY_POLL ("0 50":
# the serial loop's --busy-poll values; 0 is virtiofsd's plain blocking read).
set -u
. "$(dirname "$0")/../integration/lib.sh"
BENCHWALK=${BENCHWALK:?} BENCH_STORE=${BENCH_STORE:?}
objects=${BENCH_OBJECTS:-100} links=${BENCH_LINKS:-1000}
entries=${BENCH_DIR_ENTRIES:-10000} read_mib=${BENCH_READ_MIB:-1024}
modes=${BENCH_MODES:-never prefer mandatory}
caches=${BENCH_CACHES:-auto always never metadata}
busy_polls=${BENCH_BUSY_POLL:-0 50}
setup

echo "# building the tree: $objects objects x $links names, $entries-entry dir, $read_mib MiB file" >&2
mkdir -p "$BACKING/links" "$BACKING/big" "$BACKING/data"
: >"$T/list"
for o in $(seq -w 1 "$objects"); do
	d=$BACKING/links/d$o
	mkdir "$d"
	head -c 100 /dev/urandom >"$d/obj"
	"$BENCHWALK" links "$d" "$links" || fail "making links"
	seq 2 "$links" | sed "s|^|links/d$o/l|" >>"$T/list"
	echo "links/d$o/obj" >>"$T/list"
done
(cd "$BACKING/big" && seq 1 "$entries" | xargs touch)
dd if=/dev/urandom of="$BACKING/data/blob" bs=1M count="$read_mib" status=none
sync

cold() { sync; echo 3 >/proc/sys/vm/drop_caches; }
secs() { cut -d' ' -f1; }
# measure ROOT: prints "stat_cold lsl_cold stat_warm read_cold" in seconds
measure() {
	local root=$1 a b c d
	cold; a=$("$BENCHWALK" stat "$root" "$T/list" | secs) || return 1
	cold; b=$("$BENCHWALK" lsl "$root/big" | secs) || return 1
	"$BENCHWALK" stat "$root" "$T/list" >/dev/null
	c=$("$BENCHWALK" stat "$root" "$T/list" | secs) || return 1
	cold; d=$("$BENCHWALK" read "$root/data/blob" | secs) || return 1
	echo "$a $b $c $d"
}
ratio() { awk -v m="$1" -v b="$2" 'BEGIN { printf "%.2f", m / b }'; }
mark() { awk -v r="$1" -v t="$2" 'BEGIN { printf "%s", (r <= t) ? "ok" : "MISS" }'; }

read -r b_stat b_lsl b_warm b_read < <(measure "$BACKING") || fail "backing measurement failed"
n=$(wc -l <"$T/list")
printf 'backing dir: stat %d paths cold %.3fs, ls -l %d entries cold %.3fs, stat warm %.3fs, read %d MiB cold %.3fs (%.0f MiB/s)\n' \
	"$n" "$b_stat" "$entries" "$b_lsl" "$b_warm" "$read_mib" "$b_read" \
	"$(awk -v m="$read_mib" -v s="$b_read" 'BEGIN { print m / s }')"
echo
echo "ratios: mount time / backing time (targets: stat cold <= 2.5, ls -l cold <= 1.6, stat warm with cache=always <= 1.2, read cold <= 1.2)"
printf '%-10s %-9s %-5s %10s %10s %10s %10s\n' mode cache poll stat-cold ls-l-cold stat-warm read-cold
for bp in $busy_polls; do
for cache in $caches; do
	for mode in $modes; do
		start_daemon --inode-file-handles="$mode" --cache="$cache" --busy-poll="$bp"
		if ! read -r m_stat m_lsl m_warm m_read < <(measure "$MNT"); then
			stop_daemon
			fail "measurement through the mount failed (mode $mode, cache $cache)"
		fi
		stop_daemon
		r1=$(ratio "$m_stat" "$b_stat") r2=$(ratio "$m_lsl" "$b_lsl")
		r3=$(ratio "$m_warm" "$b_warm") r4=$(ratio "$m_read" "$b_read")
		w="-"
		[ "$cache" = always ] && w=$(mark "$r3" 1.2)
		printf '%-10s %-9s %-5s %6s %-3s %6s %-3s %6s %-4s %6s %-3s\n' "$mode" "$cache" "$bp" \
			"$r1" "$(mark "$r1" 2.5)" "$r2" "$(mark "$r2" 1.6)" "$r3" "$w" "$r4" "$(mark "$r4" 1.2)"
	done
done
done
echo
# Where the time goes: one FUSE round trip per LOOKUP, and on a VM a wake-up
# on the other CPU costs more than the lookup itself. The same cell with the
# daemon and the client on one CPU shows the daemon's own share.
if [ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null; then
	STALEFS_WRAPPER="taskset -c 0" start_daemon --inode-file-handles=never --cache=auto
	cold; p_stat=$(taskset -c 0 "$BENCHWALK" stat "$MNT" "$T/list" | secs)
	cold; o_stat=$(taskset -c 1 "$BENCHWALK" stat "$MNT" "$T/list" | secs)
	stop_daemon
	printf 'never/auto stat-cold, daemon pinned to CPU 0: client on CPU 0 %s, client on CPU 1 %s\n' \
		"$(ratio "$p_stat" "$b_stat")" "$(ratio "$o_stat" "$b_stat")"
	echo
fi
"$BENCH_STORE" 100000
