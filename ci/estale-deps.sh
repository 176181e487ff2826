#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The fewest Debian/Ubuntu packages stalefs needs (no clang, no test tools):
#   ci/estale-deps.sh --runtime   to run a downloaded stalefs (fuse3, libfuse3, liburing)
#   ci/estale-deps.sh --build     also to build it (meson, ninja, gcc, headers)
# Uses sudo only when not root. Exit 0 done, 1 apt failed, 2 usage.
set -u
pkgs=(fuse3 libfuse3-3 liburing2 python3 util-linux procps kmod)
case ${1:-} in
--runtime) ;;
--build) pkgs+=(meson ninja-build pkg-config gcc libc6-dev libfuse3-dev liburing-dev) ;;
*) echo "usage: ci/estale-deps.sh --runtime|--build" >&2; exit 2 ;;
esac
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300)
"${apt[@]}" update </dev/null >&2 || exit 1
"${apt[@]}" install --no-install-recommends "${missing[@]}" </dev/null >&2 || exit 1
