#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# pinpoint --virtio-fs runs its cells in a QEMU guest against
# stalefs-virtiofsd: overlay-churn (an overlay over the share, names moved to
# new inodes on the host) is SEEN there too, as the guest kernel's overlay's
# ESTALE with none from the daemon, and removed with no host change; an
# experiment a guest cannot hold (a second daemon) says why it could not run.
# No QEMU, daemon or temp dir is left. Skips without compare-setup's pieces.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
require_guest stalefs-virtiofsd kernel qemu busybox modules
T=$(mktemp -d "${TMPDIR:-/tmp}/stalefs-it.XXXXXX")
trap cleanup EXIT
trap 'exit 130' INT TERM
export TMPDIR=$T
rc=0
"$STALEFS" pinpoint --virtio-fs --only overlay-churn,two-daemons --seconds 3 --format json \
	>"$T/pp.json" 2>"$T/pp.err" || rc=$?
[ "$rc" = 0 ] || fail "pinpoint --virtio-fs exited $rc: $(tail -n 5 "$T/pp.err")"
python3 - "$T/pp.json" <<'PY' || fail "verdicts: $(cat "$T/pp.json")"
import json, sys
d = json.load(open(sys.argv[1]))
ex = {e["name"]: e for e in d["experiments"]}
oc = ex["overlay-churn"]
assert oc["verdict"] == "seen", (oc["verdict"], oc["why"])
assert oc["cell"]["estale"] > 0 and oc["control"]["estale"] == 0, (oc["cell"], oc["control"])
assert oc["cell"]["transport"] == oc["control"]["transport"] == "virtio-fs", oc["cell"]["transport"]
mit = {m["name"]: m["verdict"] for m in oc.get("mitigations", [])}
assert mit.get("no host change") == "removed", mit
td = ex["two-daemons"]
assert td["verdict"] == "could-not-run" and "behind virtio-fs" in td["why"], td
print("# overlay-churn behind virtio-fs:", oc["cell"]["estale"], "ESTALE in", oc["cell"]["calls"], "calls")
PY
for _ in $(seq 1 50); do pgrep -f "$T/" >/dev/null || break; sleep 0.1; done
left=$(pgrep -af "$T/")
[ -z "$left" ] || fail "processes left: $left"
ls -d "$T"/stalefs-compare.* "$T"/stalefs-guest.* 2>/dev/null && fail "temp dirs left"
exit 0
