#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# stalefs-guest.sh: run one stalefs workload inside a small QEMU guest whose
# /mnt is a real virtiofsd's share of a host dir, and bring its JSON back.
# The base of `stalefs compare` (issue 7).
#
#   stalefs-guest.sh --shared-dir DIR [options] -- read --root /mnt \
#       --manifest /mnt/.stalefs-manifest --count 20 --threads 2 --json /out.json
#
# Pieces (ci/compare-setup.sh finds or fetches them and writes paths.env):
# virtiofsd, qemu-system-x86_64, a static busybox, a guest kernel and its
# modules dir, and the static workload BUILDDIR/workloads/stalefs-guest-workload.
# The guest is a busybox initramfs (built per run in a temp dir): /init
# insmods virtio_ring, virtio, virtio_pci_legacy_dev, virtio_pci_modern_dev,
# virtio_pci, fuse, virtiofs, overlay (the order comes from modinfo; modules
# built into the kernel are skipped; .ko.xz/.ko.zst are unpacked on the host),
# mounts virtiofs tag "stalefs" at /mnt, runs the workload, and prints its exit
# code and JSON on the serial console between markers (with length and
# SHA-256, checked here), then `poweroff -f`.
#
# What works (checked on the Debian 12 dev VM, 2 cores, kernel 6.18 host):
# - virtiofsd 1.13.2 from trixie via the private glibc wrapper, QEMU 7.2 TCG
#   (never KVM: /dev/kvm hangs here), guest kernel 6.1.0-56-cloud-amd64.
# - --privilege root and userns, with --sandbox none (default, as bcvk) and
#   namespace. userns = `unshare -Ur` (uid 0 -> 0 only, no CAP_DAC_READ_SEARCH
#   in the initial namespace): virtiofsd's probe gets EPERM and prefer runs as
#   never ("File handles do not appear safe to use, disabling file handles
#   altogether" in the log); mandatory refuses to start (exit 77 here).
#   This is the rootless-podman condition of bcvk #157.
# - Modes never, prefer, mandatory; caches auto, always, never, metadata;
#   read (also --overlay, --drop-caches-ms), storm (io_uring), gen in the guest.
# - JSON of 200 KB (1000 ESTALE events) comes back intact (length + SHA-256).
#   That run: `read --overlay --seconds 6`, cache never, O_PATH mode, while
#   `stalefs workload churn --layer-every 0.5` ran on the host dir: 35,097
#   ESTALE in the guest through the overlay, 0 wrong bytes, and virtiofsd
#   answered 70,199 ENOENT and no ESTALE: the README's overlay finding holds
#   with the real virtiofsd 1.13.2.
# -smp N runs as N,maxcpus=max(N,2): QEMU's TCG before 8.1 (QEMU commit "tcg: Do
# not elide memory barriers for !CF_PARALLEL in system mode", June 2023) drops
# the guest's memory barriers and makes its locked instructions plain ones
# when the machine can have only one CPU. A vhost-user back end is another
# host thread on the guest's rings, so the guest's store of used_event and its
# load of used->idx (and avail->idx / avail_event) pass each other in the host's
# store buffer: the driver and the device each miss the other's update and an
# interrupt (or a kick) is lost for good; the guest hangs with every request
# answered. Seen here: used_event 58799 while used->idx was 58801, both sides
# idle. A possible second CPU turns the barriers on and costs the guest nothing.
# Timings (`read --count 20 --threads 2` on a 50-object tree, -smp 1, -m 512,
# cache auto): 3.2-3.5 s wall per run on the idle 2-core VM (5.3-6.3 s while
# other jobs loaded it): initramfs 0.3 s, SeaBIOS + kernel load ~1 s, guest
# uptime ~2.2 s at the workload (kernel ~2.0 s, insmod + mount ~0.2 s), the
# 20 rounds 0.2 s (0.5 s with cache never), poweroff and teardown ~0.1 s.
# virtiofsd's debug log (--log): one "Received request: opcode=Lookup (1),
# inode=71, unique=410, pid=93" line per request and one "Replying OK,
# header: OutHeader { len: 16, error: 0, unique: 16 }" or "Replying ERROR,
# header: OutHeader { error: -2 (No such file or directory), unique: 410,
# len: 16 }" per reply: join them on unique (FORGET gets no reply).
#
# Exit codes: the workload's own exit code when it ran (0 clean, 1 errors
# seen; 2/77 as the workload defines them), 2 bad usage, 77 a needed piece is
# missing or virtiofsd refuses the cell (one line says which), 124 --timeout
# reached, 99 anything else (the guest did not come up, virtiofsd died, no JSON, ...), 130
# interrupted. QEMU and virtiofsd are always stopped and the temp dir removed
# (after a SIGKILL of this script: QEMU and virtiofsd die through setpriv's
# parent-death signal and the next run sweeps the temp dir).
set -uo pipefail

prog=stalefs-guest
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	cat <<'EOF'
usage: stalefs-guest.sh --shared-dir DIR [options] -- WORKLOAD ARGS...

Runs `stalefs-guest-workload WORKLOAD ARGS...` in a QEMU (TCG) guest whose /mnt
is virtiofsd's share of DIR; writes the workload's JSON (its --json file in the
guest, /out.json by default) to --out.

  --shared-dir DIR       host dir that virtiofsd shares (required)
  --mode M               --inode-file-handles: never (default), prefer, mandatory
  --cache C              auto (default), always, never, metadata
  --privilege P          root (default) or userns (virtiofsd in `unshare -Ur`)
  --sandbox S            virtiofsd --sandbox: none (default, as bcvk), namespace, chroot
  --readonly             virtiofsd --readonly
  --xattr                virtiofsd --xattr
  --threads N            virtiofsd --thread-pool-size (default 0: serial)
  --virtiofsd-arg ARG    one more virtiofsd argument (repeatable)
  --log-level L          virtiofsd's --log-level (default debug: compare reads its replies)
  --shutdown-timeout S   a guest still up S s after its workload ended hung on the way out:
                         say so, stop QEMU, keep the result (default 60)
  --out FILE             the workload JSON (default: stdout)
  --log FILE             virtiofsd's debug log (default: discarded)
  --serial FILE          the guest's whole serial console
  --timeout S            give up after S seconds (default 300; exit 124)
  --smp N, --mem MB      guest CPUs (default 1; QEMU gets maxcpus=2 or more, see above) and
                         memory (default 512)
  --append ARGS          more guest kernel command line (e.g. loglevel=7)
  --virtiofsd PATH, --kernel PATH, --qemu PATH, --busybox PATH, --modules DIR
                         the pieces (default: from paths.env)
  --paths-env FILE       default $STALEFS_COMPARE_CACHE/paths.env
                         (/var/cache/stalefs-compare/paths.env)
  --workload-bin PATH    the static workload (default $STALEFS_GUEST_WORKLOAD,
                         else BUILDDIR/workloads/stalefs-guest-workload with
                         --builddir DIR or $STALEFS_BUILDDIR, else build/)
  -h, --help             this help

Exit: the workload's exit code when it ran (0/1), 2 usage, 77 a piece is
missing, 124 timeout, 99 other failure.
EOF
}

log() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() { log "$2"; exit "$1"; }
usage_error() { log "$*"; log "try --help"; exit 2; }

mode=never cache=auto privilege=root sandbox=none readonly=0 xattr=0 threads=0
out="" vlog="" serial_copy="" timeout=300 smp=1 mem=512 append="" vlevel=debug shutdown_s=60
virtiofsd="" kernel="" qemu="" busybox="" modules="" workload_bin="" builddir=""
shared=""
paths_env=${STALEFS_COMPARE_CACHE:-/var/cache/stalefs-compare}/paths.env
vextra=()

while (($# > 0)); do
	opt=$1
	case $opt in
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	--readonly) readonly=1; shift; continue ;;
	--xattr) xattr=1; shift; continue ;;
	--*=*) val=${opt#*=}; opt=${opt%%=*}; shift ;;
	--*)
		(($# >= 2)) || usage_error "$opt needs a value"
		val=$2
		shift 2
		;;
	*) usage_error "unexpected argument '$opt' (workload arguments go after --)" ;;
	esac
	case $opt in
	--shared-dir) shared=$val ;;
	--mode) mode=$val ;;
	--cache) cache=$val ;;
	--privilege) privilege=$val ;;
	--sandbox) sandbox=$val ;;
	--threads) threads=$val ;;
	--virtiofsd-arg) vextra+=("$val") ;;
	--log-level) vlevel=$val ;;
	--shutdown-timeout) shutdown_s=$val ;;
	--out) out=$val ;;
	--log) vlog=$val ;;
	--serial) serial_copy=$val ;;
	--timeout) timeout=$val ;;
	--smp) smp=$val ;;
	--mem) mem=$val ;;
	--append) append=$val ;;
	--virtiofsd) virtiofsd=$val ;;
	--kernel) kernel=$val ;;
	--qemu) qemu=$val ;;
	--busybox) busybox=$val ;;
	--modules) modules=$val ;;
	--paths-env) paths_env=$val ;;
	--workload-bin) workload_bin=$val ;;
	--builddir) builddir=$val ;;
	*) usage_error "unknown option $opt" ;;
	esac
done
wargs=("$@")

# Validate the options.
case $mode in never | prefer | mandatory | fallback) ;; *) usage_error "bad --mode '$mode'" ;; esac
case $cache in auto | always | never | metadata) ;; *) usage_error "bad --cache '$cache'" ;; esac
case $privilege in root | userns) ;; *) usage_error "bad --privilege '$privilege' (root|userns)" ;; esac
case $sandbox in none | namespace | chroot) ;; *) usage_error "bad --sandbox '$sandbox'" ;; esac
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
is_uint "$threads" || usage_error "bad --threads '$threads'"
{ is_uint "$smp" && ((smp >= 1)); } || usage_error "bad --smp '$smp'"
{ is_uint "$mem" && ((mem >= 128)); } || usage_error "bad --mem '$mem' (MiB, at least 128)"
[[ $timeout =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "bad --timeout '$timeout'"
[[ $vlevel =~ ^(error|warn|info|debug|trace|off)$ ]] || usage_error "bad --log-level '$vlevel'"
[[ $shutdown_s =~ ^[0-9]+$ ]] || usage_error "bad --shutdown-timeout '$shutdown_s'"
[[ -n $shared ]] || usage_error "--shared-dir is required"
[[ -d $shared ]] || usage_error "--shared-dir '$shared' is not a directory"
shared=$(cd "$shared" && pwd)
((${#wargs[@]} > 0)) || usage_error "no workload given (after --: read --root /mnt ...)"

# The guest-side JSON file: the workload's --json, or /out.json added for
# the commands that write one.
guest_json=""
for ((i = 0; i < ${#wargs[@]}; i++)); do
	case ${wargs[i]} in
	--json) guest_json=${wargs[i + 1]:-} ;;
	--json=*) guest_json=${wargs[i]#--json=} ;;
	esac
done
if [[ -z $guest_json ]]; then
	case ${wargs[0]} in
	read | storm | ostree) guest_json=/out.json; wargs+=(--json "$guest_json") ;;
	esac
fi
[[ $guest_json == - ]] && usage_error "the guest workload needs --json FILE (not -): its stdout is the console"
[[ -z $guest_json || $guest_json == /* ]] || usage_error "--json '$guest_json' must be an absolute guest path"

# The pieces: options, then paths.env.
from_env() {
	[[ -r $paths_env ]] || return 0
	# shellcheck disable=SC1090 # written by ci/compare-setup.sh
	(. "$paths_env" && eval "printf '%s' \"\${$1:-}\"")
}
[[ -n $virtiofsd ]] || virtiofsd=$(from_env virtiofsd)
[[ -n $kernel ]] || kernel=$(from_env kernel)
[[ -n $qemu ]] || qemu=$(from_env qemu)
[[ -n $busybox ]] || busybox=$(from_env busybox)
[[ -n $modules ]] || modules=$(from_env modules)
[[ -n $qemu ]] || qemu=$(command -v qemu-system-x86_64 || true)
[[ -n $busybox ]] || busybox=$(command -v busybox || true)
if [[ -z $workload_bin ]]; then
	workload_bin=${STALEFS_GUEST_WORKLOAD:-}
	[[ -n $workload_bin ]] || builddir=${builddir:-${STALEFS_BUILDDIR:-$here/../../build}}
	[[ -n $workload_bin ]] || workload_bin=$builddir/workloads/stalefs-guest-workload
fi
missing() { die 77 "SKIP: $*"; }
[[ -n $virtiofsd && -x $virtiofsd ]] || missing "no virtiofsd (run ci/compare-setup.sh or give --virtiofsd)"
[[ -n $kernel && -r $kernel ]] || missing "no guest kernel (run ci/compare-setup.sh or give --kernel)"
[[ -n $qemu && -x $qemu ]] || missing "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
[[ -n $busybox && -x $busybox ]] || missing "no busybox (apt-get install busybox-static)"
[[ -n $modules && -d $modules ]] || missing "no guest modules dir (run ci/compare-setup.sh or give --modules)"
[[ -x $workload_bin ]] || missing "no static guest workload at $workload_bin (build with -Dguest=enabled or give --workload-bin)"
for tool in cpio gzip; do
	command -v "$tool" >/dev/null || missing "no $tool (apt-get install $tool)"
done
if [[ $privilege == userns ]]; then
	command -v unshare >/dev/null || missing "no unshare (util-linux) for --privilege userns"
	unshare -Ur true 2>/dev/null || missing "user namespaces are not allowed here (--privilege userns)"
fi

# --- from here on everything started is stopped by the trap -------------
W="" QEMU_PID="" VFS_PID="" final_rc=""
stop_pid() {	# stop_pid PID: TERM, up to 3 s, then KILL; always reaped
	local pid=$1 i
	[[ -n $pid ]] || return 0
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < 30; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local rc=$?
	[[ -n $final_rc ]] && rc=$final_rc
	trap - EXIT INT TERM
	stop_pid "$QEMU_PID"
	stop_pid "$VFS_PID"
	QEMU_PID="" VFS_PID=""
	if [[ -n $W ]]; then
		[[ -n $vlog && -f $W/virtiofsd.log ]] && cp -f "$W/virtiofsd.log" "$vlog"
		[[ -n $serial_copy && -f $W/serial.log ]] && cp -f "$W/serial.log" "$serial_copy"
		rm -rf "$W"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'final_rc=130; exit 130' INT TERM

# Sweep the temp dirs of runs that were SIGKILLed (their owner pid is gone).
for d in "${TMPDIR:-/tmp}"/stalefs-guest.*; do
	[[ -f $d/owner.pid ]] || continue
	kill -0 "$(cat "$d/owner.pid")" 2>/dev/null || rm -rf "$d"
done
W=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-guest.XXXXXX") || die 99 "cannot make a temp dir"
echo "$$" >"$W/owner.pid"
t_start=$(date +%s.%N)
elapsed() { awk -v a="$t_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

# --- the initramfs -------------------------------------------------------
R=$W/initramfs
mkdir -p "$R"/{bin,dev,proc,sys,mnt,tmp,lib/modules} || die 99 "cannot fill $R"
cp "$busybox" "$R/bin/busybox" || die 99 "cannot copy $busybox"
for app in sh mount umount insmod poweroff cat echo mkdir dmesg sync sleep ls wc sha256sum grep tr head; do
	ln -s busybox "$R/bin/$app"
done
# Without debug info when strip is there: a smaller initramfs boots faster under TCG.
if ! { command -v strip >/dev/null &&
	strip -o "$R/bin/stalefs-guest-workload" "$workload_bin" 2>/dev/null; }; then
	cp "$workload_bin" "$R/bin/stalefs-guest-workload" || die 99 "cannot copy $workload_bin"
fi

# Modules in dependency order: each after what it depends on.
order=()
declare -A seen=()
mod_file() {	# the file of module $1 under $modules, "" if none
	local alt=${1//_/-}
	find "$modules" \( -name "$1.ko" -o -name "$1.ko.*" -o -name "$alt.ko" -o -name "$alt.ko.*" \) \
		-print -quit 2>/dev/null
}
is_builtin() {
	[[ -r $modules/modules.builtin ]] &&
		grep -Eq "/(${1}|${1//_/-})\.ko\$" "$modules/modules.builtin"
}
add_module() {	# add_module NAME REQUIRED(0|1)
	local m=$1 f dst dep deps
	[[ -n ${seen[$m]:-} ]] && return 0
	seen[$m]=1
	f=$(mod_file "$m")
	if [[ -z $f ]]; then
		is_builtin "$m" && return 0
		(($2)) && missing "guest module $m is neither in $modules nor built in"
		log "note: guest module $m not found (optional)"
		return 0
	fi
	dst=$R/lib/modules/$m.ko
	case $f in
	*.ko) cp "$f" "$dst" ;;
	*.ko.xz) xz -dc "$f" >"$dst" || missing "cannot unpack $f (xz-utils)" ;;
	*.ko.zst) zstd -qdc "$f" >"$dst" || missing "cannot unpack $f (zstd)" ;;
	*.ko.gz) gzip -dc "$f" >"$dst" ;;
	*) missing "unknown module format $f" ;;
	esac
	if command -v modinfo >/dev/null; then
		deps=$(modinfo -F depends "$dst" 2>/dev/null || true)
		for dep in ${deps//,/ }; do add_module "$dep" 1; done
	fi
	order+=("$m")
}
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci fuse virtiofs; do
	add_module "$m" 1
done
add_module overlay 0
printf '%s\n' "${order[@]}" >"$R/lib/modules/order"

{
	printf 'set --'
	printf ' %q' "${wargs[@]}"
	printf '\n'
	printf 'guest_json=%q\n' "$guest_json"
	# the guest's own uptime runs a few seconds behind our clock: 30 s early
	printf 'stuck_s=%d\n' "$((timeout > 60 ? timeout - 30 : 0))"
} >"$R/args.sh"

cat >"$R/init" <<'INIT'
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# stalefs guest init (written by stalefs-guest.sh).
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
bye() { sync; poweroff -f; sleep 10; }
for m in $(cat /lib/modules/order); do
	insmod "/lib/modules/$m.ko" || { echo; echo "STALEFS-GUEST-ERROR insmod $m failed"; bye; }
done
if ! mount -t virtiofs stalefs /mnt; then
	echo
	echo "STALEFS-GUEST-ERROR mount -t virtiofs stalefs /mnt failed"
	bye
fi
. /args.sh
echo
echo "STALEFS-GUEST-RUN $(cut -d' ' -f1 /proc/uptime)"
# A workload still running near the runner's time limit is stuck: say where
# each of its tasks sleeps (request_wait_answer: a FUSE request sent and not
# answered), so a hang is told from slowness and the guest's side shows.
# (virtio-fs connections are not in fusectl's /sys/fs/fuse/connections.)
if [ "$stuck_s" -gt 0 ]; then
	(
		sleep "$stuck_s"
		echo
		echo "STALEFS-GUEST-STUCK $(cut -d' ' -f1 /proc/uptime)"
		grep -E '^(MemFree|MemAvailable):' /proc/meminfo | tr -s ' ' | tr '\n' ' '
		echo
		for t in /proc/[0-9]*/task/[0-9]*; do
			{ read -r comm <"$t/comm"; } 2>/dev/null || continue
			case $comm in stalefs-guest-w*|umount|sh) ;; *) continue ;; esac
			echo "task ${t##*/} $comm $(cut -d' ' -f3 "$t/stat") $(cat "$t/wchan" 2>/dev/null):" \
				$(head -n 6 "$t/stack" 2>/dev/null | cut -d' ' -f2)
		done
		echo "STALEFS-GUEST-STUCK-END"
	) &
	watch=$!
fi
/bin/stalefs-guest-workload "$@" </dev/null
rc=$?
[ -n "${watch:-}" ] && kill "$watch" 2>/dev/null
# Only emergencies on the console from here: nothing may split the JSON.
dmesg -n 1
echo
echo "STALEFS-GUEST-EXIT $rc $(cut -d' ' -f1 /proc/uptime)"
if [ -n "$guest_json" ] && [ -f "$guest_json" ]; then
	echo "STALEFS-GUEST-JSON-BEGIN"
	cat "$guest_json"
	echo
	echo "STALEFS-GUEST-JSON-END $(wc -c <"$guest_json") $(sha256sum "$guest_json" | cut -d' ' -f1)"
fi
# Markers for a hang at the end: the console tail tells umount from poweroff.
echo "STALEFS-GUEST-UMOUNT"
umount /mnt
echo "STALEFS-GUEST-POWEROFF $?"
bye
INIT
chmod 755 "$R/init"
ln -s busybox "$R/bin/cut"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$W/initramfs.gz" ||
	die 99 "cannot build the initramfs (cpio/gzip)"
log "initramfs ready ($(elapsed) s): modules ${order[*]}"

# --- virtiofsd -----------------------------------------------------------
sock=$W/vfs.sock
vargs=(--socket-path="$sock" --shared-dir="$shared" --inode-file-handles="$mode"
	--cache="$cache" --sandbox="$sandbox" --thread-pool-size="$threads" --log-level="$vlevel")
((readonly)) && vargs+=(--readonly)
((xattr)) && vargs+=(--xattr)
vargs+=("${vextra[@]}")
# With setpriv, QEMU and virtiofsd get SIGKILL when this script dies, even by
# SIGKILL (only the temp dir stays then). In userns it is set inside the
# namespace: entering one clears the parent-death signal.
pdeath=()
setpriv --help 2>/dev/null | grep -q -- --pdeathsig && pdeath=(setpriv --pdeathsig KILL --)
vcmd=("${pdeath[@]}" "$virtiofsd" "${vargs[@]}")
sock_seen=0
[[ $privilege == userns ]] && vcmd=(unshare -Ur -- "${vcmd[@]}")
"${vcmd[@]}" </dev/null >"$W/virtiofsd.log" 2>&1 &
VFS_PID=$!
# Ready: it says it waits for the connection (it binds the socket before
# deciding whether it can run the mode at all), or, for a quieter build, the
# socket has been there for a second.
ready=0
for ((i = 0; i < 400; i++)); do
	kill -0 "$VFS_PID" 2>/dev/null || break
	if [[ -S $sock ]]; then
		grep -q 'Waiting for vhost-user socket connection' "$W/virtiofsd.log" && { ready=1; break; }
		((++sock_seen >= 20)) && { ready=1; break; }
	fi
	sleep 0.05
done
if ((!ready)); then
	vrc=0
	kill -0 "$VFS_PID" 2>/dev/null || { wait "$VFS_PID"; vrc=$?; VFS_PID=""; }
	last=$(grep -E 'ERROR|error:' "$W/virtiofsd.log" | tail -n 1)
	[[ -n $last ]] || last=$(tail -n 1 "$W/virtiofsd.log")
	# virtiofsd says so; stalefs-virtiofsd exits 77 (cannot run here).
	if grep -q 'Refusing to use (mandatory) file handles' "$W/virtiofsd.log" || [[ $vrc == 77 ]]; then
		die 77 "SKIP: virtiofsd refuses --inode-file-handles=$mode here (exit $vrc): $last"
	fi
	[[ -n $VFS_PID ]] && die 99 "virtiofsd did not get ready in 20 s: $last"
	die 99 "virtiofsd did not start (exit $vrc): $last"
fi
log "virtiofsd up ($(elapsed) s): ${vargs[*]}${privilege:+ [$privilege]}"

# --- QEMU ------------------------------------------------------------------
# maxcpus >= 2: TCG keeps the guest's barriers (the header says why).
"${pdeath[@]}" "$qemu" -accel tcg -m "$mem" -smp "$smp,maxcpus=$((smp > 2 ? smp : 2))" -nographic -nic none -no-reboot \
	-kernel "$kernel" -initrd "$W/initramfs.gz" \
	-append "console=ttyS0 quiet panic=-1${append:+ $append}" \
	-object "memory-backend-memfd,id=mem,size=${mem}M,share=on" -numa node,memdev=mem \
	-chardev "socket,id=c0,path=$sock" -device vhost-user-fs-pci,chardev=c0,tag=stalefs,queue-size=1024 \
	</dev/null >"$W/serial.log" 2>"$W/qemu.err" &
QEMU_PID=$!

# The console without CRs and terminal escapes (SeaBIOS and the kernel clear
# the screen); each marker starts a line (the guest prints a newline first).
console_text() {
	sed -e 's/\r//g' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[c78]//g' "$W/serial.log"
}
# Where the daemon's and QEMU's threads wait (a hang's first evidence).
where_they_wait() {
	local p t
	for p in "$VFS_PID" "$QEMU_PID"; do
		for t in /proc/"$p"/task/*; do
			[[ -r $t/wchan ]] || continue
			log "  pid $p tid ${t##*/} ($(cat "$t/comm" 2>/dev/null)): waits in" \
				"$(cat "$t/wchan" 2>/dev/null) $(head -n 2 "$t/stack" 2>/dev/null | tr '\n' ' ')"
		done
	done
}
deadline=$(awk -v a="$t_start" -v t="$timeout" 'BEGIN { printf "%.3f", a + t }')
timed_out=0 vfs_died=0 shutdown_hang="" ended_at="" polls=0
while kill -0 "$QEMU_PID" 2>/dev/null; do
	if awk -v d="$deadline" -v n="$(date +%s.%N)" 'BEGIN { exit !(n >= d) }'; then
		timed_out=1
		break
	fi
	# Shutdown watchdog: once the workload's result is on the console, the
	# guest unmounts and powers off in well under a second. Still there
	# --shutdown-timeout later, it hung on the way out: the result stands, the
	# hang is reported with its evidence, QEMU is stopped.
	if ((++polls % 10 == 0)); then
		if [[ -z $ended_at ]] && console_text | grep -q '^STALEFS-GUEST-\(JSON-END\|EXIT\) '; then
			ended_at=$(date +%s)
			[[ -n $guest_json ]] && ! console_text | grep -q '^STALEFS-GUEST-JSON-END ' && ended_at=""
		fi
		if [[ -n $ended_at ]] && (($(date +%s) - ended_at >= shutdown_s)); then
			shutdown_hang=$(console_text | grep -q '^STALEFS-GUEST-POWEROFF' && echo poweroff || echo umount)
			log "WARNING: the guest hung at $shutdown_hang, $shutdown_s s after its workload ended: QEMU" \
				"stopped, the workload's result kept; virtiofsd's log ends:"
			tail -n 5 "$W/virtiofsd.log" >&2
			where_they_wait
			kill -KILL "$QEMU_PID" 2>/dev/null
			break
		fi
	fi
	# virtiofsd leaves when QEMU closes the socket, as QEMU exits: still
	# there 5 s later, the daemon died under it (the guest would wait for
	# its replies forever).
	if ! kill -0 "$VFS_PID" 2>/dev/null; then
		for ((i = 0; i < 50; i++)); do
			kill -0 "$QEMU_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$QEMU_PID" 2>/dev/null && vfs_died=1
		break
	fi
	sleep 0.1
done
if ((vfs_died)); then
	vrc=0
	wait "$VFS_PID" || vrc=$?
	VFS_PID=""
	((vrc > 128)) && vrc="signal $((vrc - 128))"
	log "virtiofsd died while QEMU ran (exit $vrc): QEMU stopped; its log ends:"
	tail -n 3 "$W/virtiofsd.log" >&2
	final_rc=99
	exit 99
fi
if ((timed_out)); then
	log "timeout after $timeout s; console tail:"
	if console_text | grep -q '^STALEFS-GUEST-STUCK '; then
		console_text | sed -n '/^STALEFS-GUEST-STUCK /,/^STALEFS-GUEST-STUCK-END/p' | head -n 40 >&2
	else
		console_text | tail -n 5 >&2
	fi
	# stalefs-virtiofsd logs both sides of its queues on SIGUSR1 (for the
	# real virtiofsd SIGUSR1 is fatal: only ours gets it).
	if kill -0 "$VFS_PID" 2>/dev/null && grep -q 'stalefs-virtiofsd: ' "$W/virtiofsd.log"; then
		kill -USR1 "$VFS_PID" 2>/dev/null
		sleep 0.5
	fi
	log "virtiofsd ($(kill -0 "$VFS_PID" 2>/dev/null && echo running || echo gone)), its log ends:"
	tail -n 8 "$W/virtiofsd.log" >&2
	where_they_wait
	final_rc=124
	exit 124
fi
wait "$QEMU_PID"
qrc=$?
QEMU_PID=""
t_qemu=$(elapsed)
# virtiofsd leaves by itself once QEMU has gone; stop it if it does not.
for ((i = 0; i < 30; i++)); do
	kill -0 "$VFS_PID" 2>/dev/null || break
	sleep 0.1
done
if ! kill -0 "$VFS_PID" 2>/dev/null; then
	# Gone by itself: killed by a signal, it died under the guest (which
	# may have seen its requests fail and ended on its own).
	vrc=0
	wait "$VFS_PID" || vrc=$?
	VFS_PID=""
	if ((vrc > 128)); then
		log "virtiofsd died while QEMU ran (exit signal $((vrc - 128))): the guest's result is" \
			"not trusted; its log ends:"
		tail -n 3 "$W/virtiofsd.log" >&2
		final_rc=99
		exit 99
	fi
fi
stop_pid "$VFS_PID"
VFS_PID=""

console_text >"$W/console.txt"
err=$(grep -m1 '^STALEFS-GUEST-ERROR' "$W/console.txt")
if [[ -n $err ]]; then
	die 99 "guest: ${err#STALEFS-GUEST-ERROR }"
fi
run_line=$(grep -m1 '^STALEFS-GUEST-RUN ' "$W/console.txt")
exit_line=$(grep -m1 '^STALEFS-GUEST-EXIT ' "$W/console.txt")
if [[ -z $exit_line ]]; then
	log "the guest did not run the workload (QEMU exit $qrc); console tail:"
	tail -n 15 "$W/console.txt" >&2
	[[ -s $W/qemu.err ]] && { log "qemu stderr:"; tail -n 5 "$W/qemu.err" >&2; }
	final_rc=99
	exit 99
fi
read -r _ wrc t_end <<<"$exit_line"
t_run=${run_line#STALEFS-GUEST-RUN }
# The workload's own output (its summary on stderr), for the caller.
sed -n '/^STALEFS-GUEST-RUN /,/^STALEFS-GUEST-EXIT /p' "$W/console.txt" | sed '1d;$d' |
	sed -e '/^$/d' -e 's/^/guest: /' >&2

if [[ -n $guest_json ]]; then
	end_line=$(grep -m1 '^STALEFS-GUEST-JSON-END ' "$W/console.txt")
	if [[ -z $end_line ]]; then
		log "the workload exited $wrc and wrote no $guest_json"
		final_rc=99
		exit 99
	fi
	sed -n '/^STALEFS-GUEST-JSON-BEGIN$/,/^STALEFS-GUEST-JSON-END /p' "$W/console.txt" |
		sed '1d;$d' >"$W/out.json"
	# The guest printed the file, then a newline of its own: drop that.
	read -r _ want_len want_sum <<<"$end_line"
	got_len=$(wc -c <"$W/out.json")
	((got_len == want_len + 1)) ||
		die 99 "the JSON came back damaged from the serial console ($got_len bytes, want $want_len)"
	head -c "$want_len" "$W/out.json" >"$W/out.trim" && mv "$W/out.trim" "$W/out.json"
	if command -v sha256sum >/dev/null &&
		[[ $(sha256sum "$W/out.json" | cut -d' ' -f1) != "$want_sum" ]]; then
		die 99 "the JSON came back damaged from the serial console (SHA-256 differs)"
	fi
	if [[ -n $out ]]; then
		cp "$W/out.json" "$out" || die 99 "cannot write $out"
	else
		cat "$W/out.json"
	fi
fi
log "done: workload exit $wrc; guest reached the workload at ${t_run} s uptime, ended at ${t_end} s;" \
	"QEMU ran until ${t_qemu} s, total $(elapsed) s${shutdown_hang:+; WARNING: hung at $shutdown_hang}"
final_rc=$wrc
exit "$wrc"
