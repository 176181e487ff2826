#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test in one command: install what is needed, build with ASan+UBSan,
# run the unit, lint and integration suites (not the benchmarks; the compare
# tests boot QEMU guests against the real virtiofsd), then a ThreadSanitizer
# row (BUILDDIR-tsan: the unit tests and the `threads` suite, the tests whose
# daemons run threads at once), a libFuzzer row (BUILDDIR-fuzz, clang: each
# fuzz target for 15 s), and end with one line for all rows,
# "summary: N passed, N failed, N skipped". Run as root (the integration
# tests mount). Usage: ci/test.sh [--no-tsan] [BUILDDIR]   (default: build-test)
set -euo pipefail
cd "$(dirname "$0")/.."
tsan=1
if [[ ${1:-} == --no-tsan ]]; then
	tsan=0
	shift
fi
builddir=${1:-build-test}
bash ci/install-deps.sh --lint --browser
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

# row NAME BUILD.SH-ARGS...: run one row; its summary line goes to $rows.
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT
status=0
row() {
	local name=$1 out
	shift
	out=$(mktemp)
	bash ci/build.sh "$@" | tee "$out" || status=1
	printf '%s %s\n' "$name" "$(grep '^summary: ' "$out" | tail -n 1)" >>"$rows"
	rm -f "$out"
}
row asan+ubsan --builddir "$builddir" --sanitize address,undefined --no-suite bench
if ((tsan)); then
	row tsan --builddir "$builddir-tsan" --sanitize thread --suite unit --suite threads
fi
# libFuzzer row: each fuzz target for 15 s from its corpus in the tree, built
# by clang with ASan+UBSan (tests/fuzz/), where this clang has libFuzzer.
if printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
	clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	row libfuzzer --builddir "$builddir-fuzz" --cc clang --sanitize address,undefined \
		--suite libfuzzer
else
	echo "ci/test.sh: this clang has no libFuzzer: the libfuzzer row does not run" >&2
fi
# One summary for all rows; a row without a summary line (a failed build)
# counts as a failure.
python3 - "$rows" <<'EOF2'
import re, sys
total = [0, 0, 0]
for line in open(sys.argv[1]):
    name, _, rest = line.strip().partition(" ")
    m = re.match(r"summary: (\d+) passed, (\d+) failed, (\d+) skipped", rest)
    if not m:
        print(f"ci/test.sh: row {name}: no summary (the build failed)", file=sys.stderr)
        total[1] += 1
        continue
    print(f"ci/test.sh: row {name}: {rest}", file=sys.stderr)
    for i in range(3):
        total[i] += int(m.group(i + 1))
print(f"summary: {total[0]} passed, {total[1]} failed, {total[2]} skipped")
EOF2
exit "$status"
