#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test in one command: install what is needed, build with ASan+UBSan,
# run the unit, lint and integration suites (not the benchmarks), and end with
# "summary: N passed, N failed, N skipped". Run as root (the integration
# tests mount). Usage: ci/test.sh [BUILDDIR]   (default: build-test)
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh --lint
if [[ ! -e /dev/fuse ]] && command -v modprobe >/dev/null; then
	modprobe fuse || echo "ci/test.sh: warning: modprobe fuse failed" >&2
fi
exec bash ci/build.sh --builddir "${1:-build-test}" --sanitize address,undefined --no-suite bench
