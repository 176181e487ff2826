#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One ESTALE matrix job, the same in a GitHub Actions matrix job and by hand:
#   ci/estale-job.sh [--builddir DIR] [--out DIR] [--name NAME] [--allow-userns]
#                    [--time-limit S] -- MATRIX-ARGS... [-- MATRIX-ARGS...]...
# e.g. ci/estale-job.sh --name never-root-none -- --modes never --privileges root \
#        --profiles none --workloads read,read+overlay --seconds 5 --reps 3
# It records what the machine can do (stalefs doctor --json), relaxes Ubuntu's
# AppArmor user-namespace restriction when allowed (--allow-userns) and the
# cells need it (a userns privilege; needs root), runs `stalefs matrix MATRIX-ARGS --out OUT/cells-NAME.jsonl`,
# one `stalefs matrix` run per group of MATRIX-ARGS (groups separated by --,
# all appended to the one cell file; --time-limit S is the whole job's budget,
# each group gets what is left), writes OUT/summary-NAME.md (stalefs report), and unmounts leftovers.
# Exit: the matrix's (0 as expected, 1 not, 77 nothing could run, ...), 2 usage.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=$top/build
out=$top/build/estale
name=job
allow_userns=no
time_limit=
while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--allow-userns) allow_userns=yes; shift ;;
	--time-limit) time_limit=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "estale-job: unknown option '$1' (matrix arguments go after --)" >&2; exit 2 ;;
	esac
done
case $name in *[!A-Za-z0-9._+-]*) echo "estale-job: bad --name '$name'" >&2; exit 2 ;; esac
stalefs=$builddir/stalefs
[ -x "$stalefs" ] || { echo "estale-job: no $stalefs (build first: ci/build.sh --no-test)" >&2; exit 2; }
mkdir -p "$out"
rm -f "$out/cells-$name.jsonl"
"$stalefs" doctor --json >"$out/doctor-$name.json" || true
if [ "$allow_userns" = yes ] && [[ " $* " == *userns* ]] &&
	[ -e /proc/sys/kernel/apparmor_restrict_unprivileged_userns ]; then
	sysctl -w kernel.apparmor_restrict_unprivileged_userns=0
fi
rc=0
# The cells' work dirs go below the job's own dir, so a killed run's mounts are
# found there and nowhere else is touched (unmount-leftovers.sh).
work=$out/.work
mkdir -p "$work"
start=$SECONDS
# run_group ARGS...: one matrix run; the worst exit wins (77 only when all are 77).
run_group() {
	local limit=() g=0 left
	if [ -n "$time_limit" ]; then
		left=$((${time_limit%.*} - (SECONDS - start)))
		[ "$left" -ge 1 ] || left=1
		limit=(--time-limit "$left")
	fi
	TMPDIR=$work "$stalefs" matrix "$@" "${limit[@]}" --out "$out/cells-$name.jsonl" || g=$?
	if [ "$rc" = none ] || [ "$rc" = 77 ] || { [ "$g" != 0 ] && [ "$g" != 77 ]; }; then rc=$g; fi
}
rc=none
group=()
for a in "$@"; do
	if [ "$a" = -- ]; then run_group "${group[@]}"; group=(); else group+=("$a"); fi
done
run_group "${group[@]}"
bash "$top/ci/unmount-leftovers.sh" "$work" >&2
rm -rf --one-file-system "$work"
if [ -s "$out/cells-$name.jsonl" ]; then
	"$stalefs" report --format markdown --title "stalefs: $name" --out "$out/summary-$name.md" \
		"$out/cells-$name.jsonl" || true
	"$stalefs" report "$out/cells-$name.jsonl" || true
fi
exit "$rc"
