#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Pack the binaries a matrix job needs from a build dir into one tar (keeps
# the executable bits upload-artifact drops), paths as in the build dir:
#   ci/estale-pack.sh BUILDDIR OUT.tar     (unpack with tar -xf OUT.tar)
set -u
[ $# = 2 ] || { echo "usage: ci/estale-pack.sh BUILDDIR OUT.tar" >&2; exit 2; }
b=$1
[ -x "$b/stalefs" ] || { echo "estale-pack: no $b/stalefs" >&2; exit 1; }
files=("$b/stalefs")
for f in stalefs-virtiofsd workloads/stalefs-guest-workload; do
	[ -x "$b/$f" ] && files+=("$b/$f")
done
tar -cf "$2" "${files[@]}"
