#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# After ci/estale-job.sh: merge the cell files of DIR into reports
# (ci/estale-aggregate.sh) and write the action's outputs (estale, cells,
# failed: cells whose verdict is failed or error, dir) to $GITHUB_OUTPUT when
# it is set, else to stdout.
#   ci/estale-outputs.sh [--builddir DIR] DIR
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/build
if [ "${1:-}" = --builddir ]; then builddir=$2; shift 2; fi
[ $# = 1 ] || { echo "usage: ci/estale-outputs.sh [--builddir DIR] DIR" >&2; exit 2; }
dir=$1
rc=0
bash "$top/ci/estale-aggregate.sh" --builddir "$builddir" "$dir" || rc=$?
[ -f "$dir/report.json" ] || exit "$rc"
outputs=$(python3 - "$dir/report.json" "$dir" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cells = d["cells"]
print(f"estale={sum(c.get('estale_total', 0) for c in cells)}")
print(f"cells={len(cells)}")
print(f"failed={sum(1 for c in cells if c.get('verdict') in ('failed', 'error'))}")
print(f"dir={sys.argv[2]}")
PY
)
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$outputs" >>"$GITHUB_OUTPUT"; else echo "$outputs"; fi
exit "$rc"
