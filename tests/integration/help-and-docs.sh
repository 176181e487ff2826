#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The help, the man pages and the completion agree with the binary: every
# command's and workload's --help exits 0 on stdout alone within 120 columns,
# every option an option table lists is named in stalefs(1) or
# stalefs-mount(8), `stalefs profiles` lists every inject/profiles file, the
# bash completion offers what the tables hold, and man renders each page
# without warnings. Mounts nothing; needs no root.
. "$(dirname "$0")/lib.sh"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$SRC/man
T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT TERM
unset STALEFS_PROFILES
errors=0
bad() { echo "FAIL: $*" >&2; errors=$((errors + 1)); }

# The man page source with roff's escapes taken out, for grep.
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\e/\\/g' "$1"; }
plain "$MAN/stalefs.1" >"$T/stalefs.1.txt"
plain "$MAN/stalefs-mount.8" >"$T/stalefs-mount.8.txt"

# section TITLE < help: the first word of each line of "TITLE:".
section() { awk -v t="$1:" '$0 == t { on = 1; next } on && /^$/ { on = 0 } on && /^  [a-z]/ { print $1 }'; }
# long_opts < help: the --name of each option line of the table.
long_opts() {
	awk '/^  -/ { line = $0; sub(/^  /, "", line); split(line, part, /   */); n = split(part[1], w, / /)
		      for (i = 1; i <= n; i++) if (w[i] ~ /^--/) print w[i] }'
}

# check_help PAGE WORDS...: `WORDS... --help` exits 0, prints to stdout only,
# fits 120 columns (counted in bytes: at least the columns), and each option
# of its table is named in PAGE. Prints the help's option count.
noptions=0
check_help() {
	local page=$1 what rc=0 o n=0
	shift
	what="$(basename "$1")${2:+ $2}${3:+ $3}"
	"$@" --help >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" = 0 ] || bad "$what --help: exit $rc"
	[ -s "$T/err" ] && bad "$what --help wrote to stderr: $(head -n 2 "$T/err")"
	[ -s "$T/out" ] || bad "$what --help printed nothing"
	LC_ALL=C awk -v w="$what" 'length($0) > 120 { print w " --help line " NR " has " length($0) " bytes"; exit 1 }' \
		"$T/out" >&2 || bad "$what --help is wider than 120 columns"
	for o in $(long_opts <"$T/out"); do
		n=$((n + 1))
		[ "$o" = --help ] && continue
		grep -Eq -- "(^|[^a-z0-9-])$o([^a-z0-9-]|$)" "$T/$page.txt" || bad "$what: $o is not in man/$page"
	done
	noptions=$((noptions + n))
}

# Every command of `stalefs --help`, and each documented in stalefs(1).
check_help stalefs.1 "$STALEFS"
"$STALEFS" --help | section commands >"$T/commands"
expect_eq "stalefs --help names profiles" "$(grep -cx profiles "$T/commands")" 1
[ "$(wc -l <"$T/commands")" -ge 10 ] || fail "stalefs --help lists only: $(tr '\n' ' ' <"$T/commands")"
while read -r cmd; do
	grep -Eq "^\.(B|SS stalefs) $cmd( |$)" "$T/stalefs.1.txt" || bad "command $cmd is not in man/stalefs.1"
	[ "$cmd" = version ] && continue
	page=stalefs.1
	[ "$cmd" = mount ] && page=stalefs-mount.8
	check_help "$page" "$STALEFS" "$cmd"
done <"$T/commands"
"$STALEFS" workload --help | section workloads >"$T/workloads"
[ "$(wc -l <"$T/workloads")" -ge 5 ] || fail "stalefs workload --help lists only: $(tr '\n' ' ' <"$T/workloads")"
while read -r w; do
	check_help stalefs.1 "$STALEFS" workload "$w"
	grep -Eq "^\.B $w$" "$T/stalefs.1.txt" || bad "workload $w is not in man/stalefs.1"
done <"$T/workloads"
if [ -n "${STALEFS_VIRTIOFSD:-}" ] && [ -x "$STALEFS_VIRTIOFSD" ]; then
	check_help stalefs-mount.8 "$STALEFS_VIRTIOFSD"
else
	note "no stalefs-virtiofsd in this build: its --help not checked"
fi
# Not vacuous: the tables were found and read.
[ "$noptions" -ge 150 ] || fail "only $noptions options found in all the --help outputs"
note "$noptions options checked against the man pages"

# Bad usage of the dispatcher: one line, exit 2.
for args in "" "frobnicate"; do
	rc=0; "$STALEFS" $args >"$T/out" 2>"$T/err" || rc=$?	# word splitting: "" is no argument
	expect_eq "stalefs ${args:-(nothing)}: exit" "$rc" 2
	expect_eq "stalefs ${args:-(nothing)}: stderr lines" "$(wc -l <"$T/err")" 1
done

# ctl: its help lists the daemon's commands; bad usage is one line, exit 2.
"$STALEFS" ctl --help | section commands >"$T/ctl"
for c in add list clear fire stats store reload; do
	grep -qx "$c" "$T/ctl" || bad "stalefs ctl --help does not list $c"
done
rc=0; "$STALEFS" ctl >"$T/out" 2>"$T/err" || rc=$?
expect_eq "ctl without SOCKET: exit" "$rc" 2
expect_eq "ctl without SOCKET: stderr lines" "$(wc -l <"$T/err")" 1

# profiles: every inject/profiles file, within 120 columns; NAME gives its rules.
"$STALEFS" profiles >"$T/profiles" 2>"$T/err" || fail "stalefs profiles: exit $?: $(cat "$T/err")"
[ -s "$T/err" ] && bad "stalefs profiles wrote to stderr: $(cat "$T/err")"
LC_ALL=C awk 'length($0) > 120' "$T/profiles" | grep -q . && bad "stalefs profiles is wider than 120 columns"
nprof=0
for f in "$SRC"/inject/profiles/*.rules; do
	name=$(basename "$f" .rules)
	nprof=$((nprof + 1))
	line=$(awk -v n="$name" '$1 == n' "$T/profiles")
	[ -n "$line" ] || { bad "stalefs profiles does not list $name"; continue; }
	[ "$(echo "$line" | wc -w)" -ge 3 ] || bad "profile $name has no description: '$line'"
	"$STALEFS" profiles "$name" >"$T/rules" || bad "stalefs profiles $name: exit $?"
	grep -v '^[[:space:]]*\(#\|$\)' "$f" | sed 's/[[:space:]]*#.*//' | cmp -s - "$T/rules" ||
		bad "stalefs profiles $name is not the file's rules: $(head -n 3 "$T/rules")"
done
[ "$nprof" -ge 1 ] || fail "no profiles in $SRC/inject/profiles"
# $STALEFS_PROFILES comes first and hides a source profile of the same name;
# a hostile comment (control bytes, one huge line) still fits one line.
mkdir "$T/prof"
printf '# SPDX-License-Identifier: GPL-2.0-or-later\n# Mine\033[2J %s.\nrestart\n' \
	"$(head -c 3000 /dev/zero | tr '\0' 'x')" >"$T/prof/server-restart.rules"
printf 'errno:op=GETATR,errno=ESTALE\n' >"$T/prof/broken.rules"
STALEFS_PROFILES=$T/prof "$STALEFS" profiles >"$T/mine" || bad "profiles with \$STALEFS_PROFILES: exit $?"
line=$(awk '$1 == "server-restart"' "$T/mine")
case $line in "server-restart "*"Mine?[2J"*...) ;; *) bad "STALEFS_PROFILES did not come first: '$line'" ;; esac
[ "$(wc -l <"$T/mine")" = $((nprof + 1)) ] || bad "profiles with \$STALEFS_PROFILES: $(wc -l <"$T/mine") lines"
LC_ALL=C awk 'length($0) > 120' "$T/mine" | grep -q . && bad "a long comment made a line wider than 120"
rc=0; STALEFS_PROFILES=$T/prof "$STALEFS" profiles broken >/dev/null 2>"$T/err" || rc=$?
expect_eq "a profile whose rule does not parse: exit" "$rc" 1
grep -q "broken.rules:1: op: unknown FUSE op 'GETATR'" "$T/err" || bad "bad rule message: $(cat "$T/err")"
rc=0; "$STALEFS" profiles no-such-profile >/dev/null 2>"$T/err" || rc=$?
expect_eq "no such profile: exit" "$rc" 2
expect_eq "no such profile: stderr lines" "$(wc -l <"$T/err")" 1

# The completion, sourced in a plain bash (no bash-completion package).
complete_words() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _stalefs; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$MAN/stalefs.bash-completion" "$@"
}
offers() {	# offers WANT WORDS...
	local want=$1
	shift
	complete_words "$@" | grep -qx -- "$want" || bad "completion of '${*:2}' does not offer $want: $(complete_words "$@" | tr '\n' ' ')"
}
offers --scenario "$STALEFS" run --sc
offers run "$STALEFS" r
offers profiles "$STALEFS" p
offers prefer "$STALEFS" run --mode ''
offers never "$STALEFS" matrix --cache n
offers userns "$STALEFS" run --privilege ''
offers --shared-dir "$STALEFS" mount --sh
offers mandatory "$STALEFS" mount --inode-file-handles = m	# bash splits at '='
offers --inode-file-handles=mandatory "$STALEFS" mount --inode-file-handles=m
offers --queue-depth "$STALEFS" workload storm --q
offers churn "$STALEFS" workload ''
offers reload "$STALEFS" ctl /run/x.sock ''
for f in "$SRC"/inject/profiles/*.rules; do
	offers "$(basename "$f" .rules)" "$STALEFS" run --profile ''
done
complete_words "$STALEFS" run --mode '' | grep -qx read && bad "--mode completion offers a workload"
if [ -n "${STALEFS_VIRTIOFSD:-}" ] && [ -x "$STALEFS_VIRTIOFSD" ]; then
	out=$(bash -c '. "$1"; COMP_WORDS=("$2" --socket-p); COMP_CWORD=1; _stalefs_virtiofsd; echo "${COMPREPLY[*]}"' \
		_ "$MAN/stalefs.bash-completion" "$STALEFS_VIRTIOFSD")
	expect_eq "stalefs-virtiofsd --socket-p completes" "$out" --socket-path
fi

# man renders each page without a warning.
if command -v man >/dev/null; then
	for page in "$MAN"/stalefs.1 "$MAN"/stalefs-mount.8 "$MAN"/stalefs-rules.5; do
		out=$(cd "$T" && MANWIDTH=120 man --warnings -l "$page" 2>&1 >/dev/null)
		[ -z "$out" ] || bad "man $(basename "$page"): $(echo "$out" | head -n 3)"
		MANWIDTH=120 man -l "$page" 2>/dev/null | grep -q . || bad "man $(basename "$page") rendered nothing"
	done
else
	note "no man (man-db) here: rendering not checked"
fi
so=$(sed -n 's/^\.so //p' "$MAN/stalefs-virtiofsd.8")
[ -f "$MAN/$(basename "$so")" ] || bad "stalefs-virtiofsd.8 points at a missing $so"

[ "$errors" = 0 ] || fail "$errors problems (above)"
echo "ok: help, man pages, profiles and completion agree"
