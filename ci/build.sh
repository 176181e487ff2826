#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Configure, build and test stalefs with meson; the single entry point used by CI.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: ci/build.sh [options]

Configure, build and test stalefs. Prints "summary: N passed, N failed,
N skipped" as its last line after the tests. Exit status: 0 when nothing
failed, 1 when the build or a test failed, 2 on a usage error.

  --builddir DIR    build directory (default: build)
  --buildtype T     meson buildtype (default: debugoptimized)
  --sanitize LIST   sanitizers, passed as -Db_sanitize=LIST (e.g. address,undefined)
  --cc CC           C compiler (sets CC)
  --valgrind        run the tests with "meson test --setup valgrind"
  --suite S         only run test suite S (repeatable)
  --no-suite S      do not run test suite S (repeatable)
  --werror          treat compiler warnings as errors
  --no-test         configure and build only
  -h, --help        show this help
EOF
}

log() { printf 'build.sh: %s\n' "$*" >&2; }

usage_error() {
	printf 'build.sh: %s (try --help)\n' "$*" >&2
	exit 2
}

# summarize LOGFILE: print the tail of the log of every failed test, then the
# line "summary: N passed, N failed, N skipped". Exits 1 if a test failed.
# LOGFILE is meson's testlog*.json (one JSON object per line); a missing file
# counts as no tests run.
summarize() {
	python3 - "$1" <<'EOF'
import json, os, sys

PASSED = {"OK", "EXPECTEDFAIL"}
FAILED = {"FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS", "INTERRUPT"}
SKIPPED = {"SKIP"}
TAIL = 60

def tail(text):
    lines = (text or "").splitlines()
    if len(lines) > TAIL:
        print(f"[... last {TAIL} of {len(lines)} lines ...]")
    for line in lines[-TAIL:]:
        print(line)

path = sys.argv[1]
passed = failed = skipped = 0
failures = []
if os.path.exists(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                test = json.loads(line)
            except ValueError:
                print(f"build.sh: {path}:{lineno}: not JSON, ignored", file=sys.stderr)
                continue
            result = test.get("result")
            if result in PASSED:
                passed += 1
            elif result in FAILED:
                failed += 1
                failures.append(test)
            elif result in SKIPPED:
                skipped += 1
            else:
                print(f"build.sh: {path}:{lineno}: unknown result {result!r}, ignored",
                      file=sys.stderr)
else:
    print(f"build.sh: {path}: no test log, no tests were run", file=sys.stderr)

for test in failures:
    print(f"=== log of failed test {test.get('name', '?')} ===")
    print(f"[result: {test.get('result')}, exit status: {test.get('returncode')}]")
    tail(test.get("stdout"))
    if test.get("stderr"):
        print("--- stderr ---")
        tail(test["stderr"])
sys.stdout.flush()
print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
EOF
}

# mounts_under DIR: print the mount points at or below DIR, one per line.
mounts_under() {
	local dir mp
	# resolve the parent only: DIR itself may be a dead FUSE mount
	dir=$(cd "$(dirname "$1")" && pwd -P) || return 0
	dir+=/$(basename "$1")
	while read -r _ _ _ _ mp _; do
		# undo mountinfo's \NNN octal escapes (%b wants \0NNN)
		mp=$(printf '%b' "${mp//\\/\\0}")
		if [[ $mp == "$dir" || $mp == "$dir"/* ]]; then
			printf '%s\n' "$mp"
		fi
	done </proc/self/mountinfo
}

# build_failed RUN_TESTS STEP: report a failed configure/build step; when tests
# were requested, still end with a summary line (no test was run).
build_failed() {
	log "$2 failed; no tests were run"
	if (($1)); then
		echo "summary: 0 passed, 0 failed, 0 skipped"
	fi
}

main() {
	local builddir=build buildtype=debugoptimized sanitize=none valgrind=0
	local werror=false run_tests=1
	local -a suites=()

	while (($# > 0)); do
		local opt=$1 val=
		case $opt in
		--*=*) val=${opt#*=}; opt=${opt%%=*} ;;
		esac
		case $opt in
		--builddir | --buildtype | --sanitize | --cc | --suite | --no-suite)
			if [[ $1 != *=* ]]; then
				(($# >= 2)) || usage_error "$opt needs a value"
				val=$2
				shift
			fi
			[[ -n $val ]] || usage_error "$opt needs a non-empty value"
			;;
		--valgrind | --werror | --no-test | -h | --help)
			[[ $1 != *=* ]] || usage_error "$opt takes no value"
			;;
		esac
		case $opt in
		--builddir) builddir=$val ;;
		--buildtype) buildtype=$val ;;
		--sanitize) sanitize=$val ;;
		--cc) export CC=$val ;;
		--suite) suites+=(--suite "$val") ;;
		--no-suite) suites+=(--no-suite "$val") ;;
		--valgrind) valgrind=1 ;;
		--werror) werror=true ;;
		--no-test) run_tests=0 ;;
		-h | --help) usage; exit 0 ;;
		*) usage_error "unknown argument: $1" ;;
		esac
		shift
	done
	if ((valgrind)) && [[ $sanitize != none ]]; then
		usage_error "--valgrind cannot be combined with --sanitize"
	fi

	local srcdir
	srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)

	# clang's sanitizer runtimes are not linked into shared objects, so
	# -Wl,--no-undefined (b_lundef) breaks the link.
	local lundef=true
	if [[ $sanitize != none ]] && "${CC:-cc}" --version 2>/dev/null | grep -qi clang; then
		lundef=false
	fi

	local -a opts=(-Dbuildtype="$buildtype" -Db_sanitize="$sanitize"
		-Db_lundef="$lundef" -Dwerror="$werror")
	local stamp="$builddir/ci-build-config.txt" config
	config=$(printf '%s\n' "CC=${CC:-}" "${opts[@]}")

	if [[ -f $builddir/meson-private/coredata.dat ]]; then
		if [[ -f $stamp && $(<"$stamp") == "$config" ]]; then
			log "reconfiguring $builddir"
			meson setup --reconfigure "${opts[@]}" "$builddir" "$srcdir" || { build_failed "$run_tests" configure; return 1; }
		else
			# --wipe deletes the build tree: never recurse into a mounted FUSE fs.
			local mounted
			mounted=$(mounts_under "$builddir")
			if [[ -n $mounted ]]; then
				log "refusing to wipe $builddir: file systems are mounted below it:"
				printf '  %s\n' "$mounted" >&2
				build_failed "$run_tests" configure
				return 1
			fi
			log "configuration changed, wiping $builddir"
			meson setup --wipe "${opts[@]}" "$builddir" "$srcdir" || { build_failed "$run_tests" configure; return 1; }
		fi
	else
		log "configuring $builddir"
		meson setup "${opts[@]}" "$builddir" "$srcdir" || { build_failed "$run_tests" configure; return 1; }
	fi
	printf '%s\n' "$config" >"$stamp"

	log "building $builddir"
	if ! meson compile -C "$builddir"; then
		build_failed "$run_tests" "build"
		return 1
	fi
	((run_tests)) || return 0

	local -a test_cmd=(meson test -C "$builddir" --print-errorlogs --num-processes 1)
	local logfile="$builddir/meson-logs/testlog.json"
	if ((valgrind)); then
		if grep -rqsE --include=meson.build "add_test_setup\(\s*['\"]valgrind['\"]" "$srcdir"; then
			test_cmd+=(--setup valgrind)
		else
			log "warning: meson.build defines no 'valgrind' test setup; using --wrapper valgrind"
			test_cmd+=(--wrapper "valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite"
				--timeout-multiplier 10)
		fi
		# meson names the log after the setup (or the wrapper's program).
		logfile="$builddir/meson-logs/testlog-valgrind.json"
	fi

	# ASan/LSan/TSan shadow memory breaks with the >28 bits of mmap
	# randomisation of newer kernels; run the tests without ASLR there.
	local rnd_bits
	rnd_bits=$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 0)
	if [[ $sanitize != none ]] && ((rnd_bits > 28)); then
		if setarch "$(uname -m)" -R true 2>/dev/null; then
			log "vm.mmap_rnd_bits=$rnd_bits: running the sanitized tests with ASLR disabled"
			test_cmd=(setarch "$(uname -m)" -R "${test_cmd[@]}")
		else
			log "warning: vm.mmap_rnd_bits=$rnd_bits may break sanitizers and setarch -R is unavailable"
		fi
	fi

	rm -f -- "$logfile" # never summarise a previous run
	test_cmd+=("${suites[@]}")
	log "running: ${test_cmd[*]}"
	local test_status=0 summary_status=0
	"${test_cmd[@]}" || test_status=$?
	summarize "$logfile" || summary_status=$?
	((test_status == 0 && summary_status == 0))
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	status=0
	main "$@" || status=$?
	# usage errors exit 2 directly; everything else is a build or test failure
	((status == 0)) || exit 1
fi
