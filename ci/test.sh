#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test in one command: install what is needed, build with ASan+UBSan,
# run the unit, lint and integration suites (not the benchmarks; the compare
# tests boot QEMU guests against the real virtiofsd), and end with
# "summary: N passed, N failed, N skipped". Run as root (the integration
# tests mount). Usage: ci/test.sh [BUILDDIR]   (default: build-test)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh --lint
if [[ ! -e /dev/fuse ]] && command -v modprobe >/dev/null; then
	modprobe fuse || echo "ci/test.sh: warning: modprobe fuse failed" >&2
fi
# stalefs compare: virtiofsd, QEMU and a guest kernel (no system change
# beyond apt), and the guest's static workload, which cannot be linked with
# sanitizers: a plain build makes it, and the tests find it in the env.
if bash ci/compare-setup.sh >&2; then
	if { [ -d build-guest ] || meson setup build-guest -Dguest=enabled >/dev/null; } &&
		ninja -C build-guest workloads/stalefs-guest-workload >/dev/null; then
		STALEFS_GUEST_WORKLOAD=$PWD/build-guest/workloads/stalefs-guest-workload
		export STALEFS_GUEST_WORKLOAD
	else
		echo "ci/test.sh: warning: no static guest workload; the compare tests will skip" >&2
	fi
else
	echo "ci/test.sh: warning: ci/compare-setup.sh failed; the compare tests will skip" >&2
fi
exec bash ci/build.sh --builddir "${1:-build-test}" --sanitize address,undefined --no-suite bench
