#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what `stalefs compare` needs: a real virtiofsd, QEMU, a static
# busybox and a guest kernel with virtiofs. Prints one line
#   virtiofsd=PATH kernel=PATH qemu=PATH busybox=PATH modules=DIR
# and writes the same keys (one per line, shell syntax) to $CACHE/paths.env.
#
# Debian 12: qemu-system-x86, busybox-static, cpio come from the system's
# archive (apt-get install). virtiofsd 1.13.x is only in trixie: it is fetched
# with a private apt configuration under $CACHE (the system's sources.list is
# not touched), extracted with the trixie glibc it needs into $CACHE/virtiofsd-root,
# and run through the wrapper $CACHE/virtiofsd-root/virtiofsd (private loader).
# Ubuntu 24.04: virtiofsd comes from the Ubuntu archive (apt-get install).
#
# The guest kernel is NOT installed on the host (a kernel package runs
# initramfs and bootloader hooks and changes /boot): the package that
# linux-image-cloud-amd64 (Debian; the 6.1 cloud kernel: fuse, virtiofs,
# virtio_pci as modules; 6.12 double-faults under QEMU 7.2 TCG) or
# linux-image-virtual (Ubuntu; plus its linux-modules package) depends on is
# fetched with `apt-get download` and unpacked under $CACHE/kernel.
#
# Idempotent: present pieces are reused. Exit 0 done, 77 something cannot be
# had here (one line on stderr says what), 2 bad usage.
set -euo pipefail

CACHE=${STALEFS_COMPARE_CACHE:-/var/cache/stalefs-compare}
VIRTIOFSD_SUITE=${STALEFS_VIRTIOFSD_SUITE:-trixie}

usage() {
	cat <<'EOF'
usage: ci/compare-setup.sh [-h|--help]

Installs QEMU, busybox-static and cpio with apt-get, fetches virtiofsd (Debian:
from trixie through a private apt configuration; Ubuntu: the archive's
package) and a guest kernel (unpacked, not installed) into the cache dir
$STALEFS_COMPARE_CACHE (default /var/cache/stalefs-compare), and writes
$CACHE/paths.env. $STALEFS_GUEST_KERNEL_PKG names another guest kernel package. Prints: virtiofsd=... kernel=... qemu=... busybox=... modules=...
Exit 0 done, 77 a piece cannot be had here (reason on stderr).
EOF
}

for arg in "$@"; do
	case $arg in
	-h | --help) usage; exit 0 ;;
	*) printf 'compare-setup: unknown argument: %s (try --help)\n' "$arg" >&2; exit 2 ;;
	esac
done

log() { printf 'compare-setup: %s\n' "$*" >&2; }
cannot() { printf 'compare-setup: SKIP: %s\n' "$*" >&2; exit 77; }

[[ $(uname -m) == x86_64 ]] || cannot "only x86_64 hosts are supported (this is $(uname -m))"
[[ -r /etc/os-release ]] || cannot "no /etc/os-release: unknown distribution"
# shellcheck disable=SC1091 # the host's file
. /etc/os-release
distro="${ID:-unknown}-${VERSION_ID:-unknown}"
case $distro in
debian-12 | ubuntu-24.04) ;;
*) cannot "unsupported distribution $distro (Debian 12 or Ubuntu 24.04)" ;;
esac

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || cannot "not root and sudo is not available"
	sudo=(sudo)
fi
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
	-o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)
mkdir_cache() { "${sudo[@]}" mkdir -p "$@"; }

is_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $status == "install ok installed" ]]
}

# System packages (apt-get update only when something is missing).
need=(qemu-system-x86 busybox-static cpio gzip xz-utils)
[[ $distro == ubuntu-24.04 ]] && need+=(virtiofsd zstd)
missing=()
for p in "${need[@]}"; do is_installed "$p" || missing+=("$p"); done
if ((${#missing[@]} > 0)); then
	log "apt-get install ${missing[*]}"
	"${apt[@]}" update </dev/null >&2 || cannot "apt-get update failed"
	"${apt[@]}" install --no-install-recommends "${missing[@]}" </dev/null >&2 ||
		cannot "apt-get install ${missing[*]} failed"
fi

qemu=$(command -v qemu-system-x86_64) || cannot "no qemu-system-x86_64 after installing qemu-system-x86"
busybox=/bin/busybox
[[ -x $busybox ]] || busybox=$(command -v busybox) || cannot "no busybox after installing busybox-static"
file_out=$(LC_ALL=C file -L "$busybox" 2>/dev/null || true)
if [[ -n $file_out && $file_out != *static* ]]; then
	cannot "$busybox is not statically linked (busybox-static needed)"
fi

mkdir_cache "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

# A private apt configuration: its own lists and archives dir under $1; the
# source list is $1/sources.list.
papt() {
	local dir=$1
	shift
	"${sudo[@]}" apt-get -q -y -o Dir::Etc::SourceList="$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" -o Dir::State::Status=/var/lib/dpkg/status "$@"
}

# The URI of the system's Debian archive (deb822 .sources or one-line lists).
debian_uri() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[[ -r $f ]] || continue
		uri=$(awk '
			/^[[:space:]]*$/ { if (u != "" && s ~ /(^| )bookworm( |$)/) { print u; exit } u = ""; s = "" }
			/^URIs:/ { u = $2 }
			/^Suites:/ { s = $0; sub(/^Suites:[ \t]*/, "", s) }
			END { if (u != "" && s ~ /(^| )bookworm( |$)/) print u }' "$f" | head -n 1)
		[[ -n $uri ]] && { echo "$uri"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[[ -r $f ]] || continue
		uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' "$f")
		[[ -n $uri ]] && { echo "$uri"; return; }
	done
	echo http://deb.debian.org/debian
}

# The guest kernel: the versioned image package a meta package depends on,
# fetched (with extra packages) and unpacked into $CACHE/kernel.
fetch_kernel() {
	local meta=$1 img pkgs=() ver dir=$CACHE/kernel
	img=${STALEFS_GUEST_KERNEL_PKG:-}
	[[ -n $img ]] || img=$(apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	# Debian: a 6.12 guest double-faults under QEMU 7.2 TCG with virtiofs; keep to 6.1.
	if [[ $distro == debian-12 && -n $img && $img != linux-image-6.1.* ]]; then
		img=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64$' |
			awk '{ print $1 }' | sort -V | tail -n 1)
	fi
	[[ -n $img ]] || cannot "apt-cache knows no kernel package behind $meta"
	ver=${img#linux-image-}
	pkgs=("$img")
	[[ $distro == ubuntu-24.04 ]] && pkgs+=("linux-modules-$ver")
	if [[ -f $dir/$ver/.done ]]; then
		echo "$ver"
		return
	fi
	log "fetching guest kernel ${pkgs[*]}"
	"${sudo[@]}" rm -rf "$dir/$ver"
	mkdir_cache "$dir/$ver/debs"
	(cd "$dir/$ver/debs" && "${sudo[@]}" apt-get -q download "${pkgs[@]}" </dev/null >&2) ||
		cannot "apt-get download ${pkgs[*]} failed"
	local deb
	for deb in "$dir/$ver"/debs/*.deb; do
		"${sudo[@]}" dpkg -x "$deb" "$dir/$ver/root" || cannot "dpkg -x $deb failed"
	done
	"${sudo[@]}" rm -rf "$dir/$ver/debs"
	"${sudo[@]}" touch "$dir/$ver/.done"
	echo "$ver"
}

find_kernel_files() {
	local ver=$1 root=$CACHE/kernel/$1/root
	kernel=$root/boot/vmlinuz-$ver
	modules=$root/lib/modules/$ver
	[[ -d $modules ]] || modules=$root/usr/lib/modules/$ver
	[[ -r $kernel ]] || cannot "no $kernel in the kernel package"
	[[ -d $modules ]] || cannot "no modules dir for $ver in the kernel package"
}

case $distro in
debian-12)
	# virtiofsd from trixie, with the libraries it needs, in a private root.
	root=$CACHE/virtiofsd-root
	virtiofsd=$root/virtiofsd
	if [[ ! -x $virtiofsd || ! -f $root/.done ]]; then
		papt_dir=$CACHE/apt-$VIRTIOFSD_SUITE
		mkdir_cache "$papt_dir/lists/partial" "$papt_dir/cache/archives/partial" "$papt_dir/debs"
		uri=$(debian_uri)
		log "virtiofsd from $uri $VIRTIOFSD_SUITE (private apt config in $papt_dir)"
		printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' \
			"$uri" "$VIRTIOFSD_SUITE" | "${sudo[@]}" tee "$papt_dir/sources.list" >/dev/null
		papt "$papt_dir" update </dev/null >&2 || cannot "apt-get update of $VIRTIOFSD_SUITE failed"
		"${sudo[@]}" rm -f "$papt_dir"/debs/*.deb
		(cd "$papt_dir/debs" && papt "$papt_dir" download virtiofsd libc6 libseccomp2 \
			libcap-ng0 libgcc-s1 </dev/null >&2) ||
			cannot "apt-get download of virtiofsd and its libraries from $VIRTIOFSD_SUITE failed"
		"${sudo[@]}" rm -rf "$root"
		for deb in "$papt_dir"/debs/*.deb; do
			"${sudo[@]}" dpkg -x "$deb" "$root" || cannot "dpkg -x $deb failed"
		done
		[[ -x $root/usr/libexec/virtiofsd ]] || cannot "no usr/libexec/virtiofsd in the package"
		[[ -x $root/usr/lib64/ld-linux-x86-64.so.2 ]] || cannot "no loader in the libc6 package"
		"${sudo[@]}" tee "$virtiofsd" >/dev/null <<EOF
#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Written by ci/compare-setup.sh: virtiofsd from $VIRTIOFSD_SUITE with its own glibc.
exec "$root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$root/usr/lib/x86_64-linux-gnu" "$root/usr/libexec/virtiofsd" "\$@"
EOF
		"${sudo[@]}" chmod 755 "$virtiofsd"
		"${sudo[@]}" touch "$root/.done"
	fi
	kmeta=linux-image-cloud-amd64
	;;
ubuntu-24.04)
	virtiofsd=/usr/libexec/virtiofsd
	[[ -x $virtiofsd ]] || virtiofsd=$(command -v virtiofsd) ||
		cannot "no virtiofsd after installing the virtiofsd package"
	kmeta=linux-image-virtual
	;;
esac

kver=$(fetch_kernel "$kmeta") || exit $?
find_kernel_files "$kver"

vver=$("$virtiofsd" --version 2>/dev/null | head -n 1) ||
	cannot "$virtiofsd does not run (--version failed)"
log "virtiofsd: $vver; guest kernel $kver"

{
	printf 'virtiofsd=%q\n' "$virtiofsd"
	printf 'kernel=%q\n' "$kernel"
	printf 'qemu=%q\n' "$qemu"
	printf 'busybox=%q\n' "$busybox"
	printf 'modules=%q\n' "$modules"
} | "${sudo[@]}" tee "$CACHE/paths.env.tmp" >/dev/null
"${sudo[@]}" mv -f "$CACHE/paths.env.tmp" "$CACHE/paths.env"
echo "virtiofsd=$virtiofsd kernel=$kernel qemu=$qemu busybox=$busybox modules=$modules"
