#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lazily unmount what a killed run of this job left below the job's own
# directories: stalefs FUSE mounts, overlays, tmpfs and the bind mounts of a
# rebind fault, deepest first, so that an artifact upload walking the work dirs
# does not hit ENOTCONN. Mounts anywhere else (another user's, another job's on
# a shared machine) are never touched. Prints what it did.
# Usage: ci/unmount-leftovers.sh DIR...   (the job's work dirs, e.g. its TMPDIR)
set -u
if [ $# = 0 ]; then
	echo "usage: ci/unmount-leftovers.sh DIR... (the job's own work dirs)" >&2
	exit 2
fi
dirs=()
for d in "$@"; do
	[ -d "$d" ] || continue
	dirs+=("$(cd "$d" && pwd -P)")
done
n=0
# mountinfo's mount point field has octal escapes (\040 for a space): the
# dirs are compared escaped the same way.
esc() {
	local s=${1//\\/\\134}
	s=${s// /\\040}
	s=${s//$'\t'/\\011}
	printf '%s' "${s//$'\n'/\\012}"
}
while read -r mnt fstype; do
	below=no
	for d in "${dirs[@]}"; do
		case $mnt in "$(esc "$d")"/*) below=yes ;; esac
	done
	[ "$below" = yes ] || continue
	path=$(printf '%b' "${mnt//\\/\\0}")
	if umount -l "$path" 2>/dev/null || fusermount3 -uz "$path" 2>/dev/null; then
		echo "unmounted $path ($fstype)"
		n=$((n + 1))
	fi
done < <(awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1) }' /proc/self/mountinfo | sort -r)
echo "unmount-leftovers: $n mounts below ${dirs[*]:-(none)}"
