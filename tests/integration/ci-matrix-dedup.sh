#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The nightly workflow's shards cover every cell the old 48-job matrix (one
# job per mode x privilege x profile) covered that could run, with fallback
# read as prefer (the model runs it as prefer) and mandatory x
# unprivileged/userns left out (always cannot-run); and the shards partition
# the set: no cell twice, none missing. The shard commands come from the
# workflow itself (python3-yaml), so the test fails when the workflow drifts.
. "$(dirname "$0")/lib.sh"
require_python
python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml to read the workflow"
top=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# The old matrix's axes (git show 5ce82c3:.github/workflows/estale-matrix.yml).
"$STALEFS" matrix --modes never,prefer,mandatory,fallback --privileges root,unprivileged,userns \
	--profiles none,evict-storm,bcvk-overlay,nfs-silly-rename --workloads read,read+overlay \
	--list >"$T/old.list" || fail "old matrix --list"
python3 - "$top/.github/workflows/estale-matrix.yml" "$STALEFS" "$T/old.list" <<'PY' || fail "see above"
import re, shlex, subprocess, sys
import yaml

wf_path, stalefs, old_list = sys.argv[1:]
wf = yaml.safe_load(open(wf_path))
job = wf["jobs"]["shard"]
shards = job["strategy"]["matrix"]["shard"]
n = int(wf["env"]["SHARDS"])
assert shards == list(range(1, n + 1)), f"matrix.shard {shards} is not 1..SHARDS={n}"
assert job["strategy"]["fail-fast"] is False, "fail-fast must be false"
run = next(s["run"] for s in job["steps"] if "estale-job.sh" in s.get("run", ""))


def expand(text, shard):
    # ${{ a || 'x' }} -> x; ${{ matrix.shard }} -> shard; then the env values.
    text = re.sub(r"\$\{\{[^}]*\|\|\s*'([^']*)'\s*\}\}", r"\1", text)
    text = text.replace("${{ matrix.shard }}", str(shard))
    env = {k: str(v) for k, v in {**wf.get("env", {}), **job.get("env", {})}.items()}
    env = {k: v.replace("${{ matrix.shard }}", str(shard)) for k, v in env.items()}
    env = {k: re.sub(r"\$\{\{[^}]*\|\|\s*'([^']*)'\s*\}\}", r"\1", v) for k, v in env.items()}
    words = shlex.split(text)
    return [re.sub(r"\$([A-Z_]+)", lambda m: env[m.group(1)], w) for w in words]


def ids(listing):
    return [l for l in listing.splitlines() if l and not l.startswith(" ")]


seen = []
for shard in shards:
    words = expand(run, shard)
    groups, cur = [], None
    for w in words[words.index("--") + 1:] + ["--"]:
        if w == "--":
            groups.append(cur or [])
            cur = []
        else:
            cur = (cur or []) + [w]
    for g in groups:
        out = subprocess.run([stalefs, "matrix", *g, "--list"], capture_output=True, text=True)
        assert out.returncode == 0, (g, out.stderr)
        seen += ids(out.stdout)
new = set(seen)
assert len(seen) == len(new), "a cell in two shards: " + str(sorted(c for c in new if seen.count(c) > 1))


def runnable(cid):
    mode, priv = cid.split("/")[:2]
    return not (mode == "mandatory" and priv in ("unprivileged", "userns"))


old = set()
for cid in ids(open(old_list).read()):
    if not runnable(cid):
        continue
    parts = cid.split("/")
    if parts[0] == "fallback":
        parts[0] = "prefer"
    old.add("/".join(parts))
missing = sorted(old - new)
assert not missing, f"cells of the old matrix no shard runs: {missing}"
extra = sorted(c for c in new if not runnable(c) or c.startswith("fallback/"))
assert not extra, f"scheduled cells that cannot run or duplicate prefer: {extra}"
# Every shard together is the deduplicated set: each old runnable cell once.
unsharded = sorted(new)
assert sorted(old) == unsharded, (sorted(old), unsharded)
print(f"# {len(new)} cells in {n} shards ({len(ids(open(old_list).read()))} in the old matrix)")
PY
exit 0
