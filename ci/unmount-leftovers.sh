#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Lazily unmount every stalefs FUSE mount and every overlay below $TMPDIR (or
# /tmp) that a killed run may have left, deepest first, so that an artifact
# upload walking the work dirs does not hit ENOTCONN. Prints what it did.
# Usage: ci/unmount-leftovers.sh [DIR]   (default: ${TMPDIR:-/tmp})
set -u
dir=${1:-${TMPDIR:-/tmp}}
n=0
while read -r mnt fstype; do
	case $fstype in
	fuse.stalefs) ;;
	overlay) case $mnt in "$dir"/*) ;; *) continue ;; esac ;;
	*) continue ;;
	esac
	if umount -l "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null; then
		echo "unmounted $mnt ($fstype)"
		n=$((n + 1))
	fi
done < <(awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1) }' /proc/self/mountinfo | sort -r)
echo "unmount-leftovers: $n mounts"
