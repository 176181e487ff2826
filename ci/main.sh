#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The main job in one command: install what is needed, build, and run the
# small default ESTALE matrix (ci/estale-demo.sh). Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/install-deps.sh
bash ci/build.sh --builddir build --no-test
exec bash ci/estale-demo.sh build
