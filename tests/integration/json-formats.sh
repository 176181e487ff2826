#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every JSON document stalefs writes matches its schema in
# workloads/harness/schemas/ and starts with "schema":"NAME/VERSION" and the
# origin (this machine's kernel and host): a short run's cell line, the
# daemon's event log (header line first), stats and workload result, the
# control socket's stats and store replies, report --format json, doctor
# --json and a one-experiment pinpoint --format json. Each schema is strict
# enough to refuse a document without its schema member, with a started that
# is not ISO 8601, or with a value outside an enum; man/stalefs-formats.5 is
# what ci/formats-man.py makes from the schemas.
. "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
schemas=$src/workloads/harness/schemas
setup
require_python
python3 -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null ||
	skip "needs python3-jsonschema with draft 2020-12 (apt-get install python3-jsonschema)"
export TMPDIR=$T

# check.py SCHEMA FILE [lines]: FILE (one document, or JSON lines) against
# SCHEMA; one line per error, exit 1 if any. Also: the schema member names the
# schema's format, kernel and host are this machine's.
cat >"$T/check.py" <<'PY'
import json, os, sys, jsonschema
schema = json.load(open(sys.argv[1]))
lines = sys.argv[3:] == ["lines"]
text = open(sys.argv[2], encoding="utf-8").read()
docs = [l for l in text.splitlines() if l.strip()] if lines else [text]
v = jsonschema.Draft202012Validator(schema)
want = os.path.basename(sys.argv[1]).split(".")[0] + "/"
bad = 0
for k, raw in enumerate(docs):
    d = json.loads(raw)
    where = "%s%s" % (os.path.basename(sys.argv[2]), ":%d" % (k + 1) if lines else "")
    for e in sorted(v.iter_errors(d), key=lambda e: list(e.absolute_path)):
        print("%s: %s: %s" % (where, "/".join(map(str, e.absolute_path)) or "(top)", e.message[:300]))
        bad += 1
    if "schema" in d or not lines:
        if not str(d.get("schema", "")).startswith(want):
            print("%s: schema %r is not %s..." % (where, d.get("schema"), want)); bad += 1
        if d.get("kernel") != os.uname().release or d.get("host") != os.uname().nodename:
            print("%s: kernel/host %r/%r are not this machine's" % (where, d.get("kernel"), d.get("host"))); bad += 1
sys.exit(1 if bad else 0)
PY
check() {	# NAME FILE [lines]
	python3 "$T/check.py" "$schemas/$1.schema.json" "$2" ${3:+"$3"} >"$T/why" 2>&1 ||
		fail "$2 does not match $1.schema.json: $(head -n 5 "$T/why")"
}
# refused NAME FILE PYTHON: FILE's first document changed by PYTHON (over d)
# must fail its schema.
refused() {
	python3 - "$2" "$3" >"$T/broken.json" <<'PY' || fail "cannot break $2"
import json, sys
d = json.loads(open(sys.argv[1]).readline())
exec(sys.argv[2])
print(json.dumps(d))
PY
	python3 "$T/check.py" "$schemas/$1.schema.json" "$T/broken.json" >/dev/null 2>&1 &&
		fail "$1.schema.json accepts a document with $3"
	return 0
}

python3 - "$schemas" <<'PY' || fail "a schema file is not a valid draft 2020-12 schema"
import glob, json, sys, jsonschema
for f in sorted(glob.glob(sys.argv[1] + "/*.schema.json")):
    jsonschema.Draft202012Validator.check_schema(json.load(open(f)))
PY
python3 "$src/ci/formats-man.py" --check >"$T/man.diff" ||
	fail "man/stalefs-formats.5 is stale: $(tail -n 1 "$T/man.diff")"

# A short cell with a fault rule (error and fault events), its files kept.
rc=0
"$STALEFS" run --count 50 --objects 40 --max-links 5 --threads 1 --quiet \
	--inject errno:op=READ,every=7,errno=ESTALE --out "$T/cells.jsonl" \
	--workdir "$T/wd" --keep >"$T/run.out" 2>"$T/run.err" || rc=$?
[ "$rc" = 77 ] && skip "stalefs run cannot run here: $(tail -n 1 "$T/run.err")"
[ "$rc" = 0 ] || fail "stalefs run exit $rc: $(tail -n 3 "$T/run.err")"
cd "$T"/wd/stalefs-run.* || fail "run --keep kept no work dir"
check cell "$T/cells.jsonl" lines
check events events.jsonl lines
check stats stats.json
check workload workload.json
expect_eq "the event log's first line" \
	"$(head -n 1 events.jsonl | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["type"], d["schema"])')" \
	"header events/1"
expect_eq "event kinds" "$(python3 -c 'import json,sys; print(" ".join(sorted({json.loads(l)["type"] for l in open(sys.argv[1])})))' events.jsonl)" \
	"error fault header"
refused cell "$T/cells.jsonl" 'd["verdict"] = "pass"'
refused cell "$T/cells.jsonl" 'del d["params"]["mode"]'
refused events events.jsonl 'del d["schema"]'
refused stats stats.json 'd["started"] = "yesterday"'
refused workload workload.json 'd["estale_total"] = -1'
# The host actor's log on the kept tree: a header, then the changes.
"$STALEFS" workload churn --root backing --seconds 0.3 --layer-every 0.1 --events "$T/host.jsonl" \
	>/dev/null 2>"$T/churn.err" || fail "workload churn exit $?: $(tail -n 1 "$T/churn.err")"
check host-events "$T/host.jsonl" lines
expect_eq "the host log's first line" \
	"$(head -n 1 "$T/host.jsonl" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["type"], d["schema"])')" \
	"header host-events/1"
refused host-events "$T/host.jsonl" 'd["schema"] = "host-events/2"'
cd "$T" || fail "cd $T"

# The daemon's control socket: stats (the stats document) and store lines.
start_daemon --control="$T/ctl.sock"
echo x >"$BACKING/f"
cat "$MNT/f" >/dev/null
ctl stats >"$T/ctl-stats.json" || fail "ctl stats failed"
ctl store >"$T/ctl-store.jsonl" || fail "ctl store failed"
stop_daemon
check stats "$T/ctl-stats.json"
check ctl-store "$T/ctl-store.jsonl" lines
refused ctl-store "$T/ctl-store.jsonl" 'd["holds"] = "nothing"'

"$STALEFS" doctor --json >"$T/doctor.json" 2>"$T/doctor.err" || fail "doctor --json exit $?"
check doctor "$T/doctor.json"
refused doctor "$T/doctor.json" 'd["checks"][0]["status"] = "fine"'

# pinpoint: its shortest experiment (a fact, no test), 0.5 s a side.
rc=0
"$STALEFS" pinpoint --only unprivileged-prefer --seconds 0.5 --format json >"$T/pinpoint.json" \
	2>"$T/pinpoint.err" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 77 ] || fail "pinpoint exit $rc: $(tail -n 3 "$T/pinpoint.err")"
check pinpoint "$T/pinpoint.json"
refused pinpoint "$T/pinpoint.json" 'd["experiments"][0]["verdict"] = "maybe"'

# Last: the report's own change (schema, origin, backend and every param per
# cell) may not be in this build yet.
"$STALEFS" report --format json "$T/cells.jsonl" >"$T/report.json" 2>"$T/report.err" ||
	fail "report exit $?: $(tail -n 3 "$T/report.err")"
python3 "$T/check.py" "$schemas/report.schema.json" "$T/report.json" >"$T/why" 2>&1 ||
	fail "report --format json is not report/1 yet (schema, origin, backend and every param per cell, verdicts clean|estale|failed|skipped|error): $(head -n 5 "$T/why")"
# --baseline (against itself: every cell same) and --history (a line per cell).
"$STALEFS" report --format json --baseline "$T/report.json" --history "$T/history.jsonl" \
	"$T/cells.jsonl" >"$T/report-base.json" 2>"$T/report.err" ||
	fail "report --baseline --history exit $?: $(tail -n 3 "$T/report.err")"
check report "$T/report-base.json"
check history "$T/history.jsonl" lines
expect_eq "a report against itself" \
	"$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["baseline"]; print(b["up"], b["down"], b["new"], b["gone"])' "$T/report-base.json")" \
	"0 0 0 0"
refused history "$T/history.jsonl" 'd["ci95"] = [0.1]'
exit 0
