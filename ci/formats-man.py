#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""man/stalefs-formats.5 from workloads/harness/schemas/*.schema.json: the
prose here, a field table per format from the schemas' descriptions.
  ci/formats-man.py           print the page
  ci/formats-man.py --check   exit 1 (with a diff) when man/stalefs-formats.5
                              is not what the schemas make: regenerate with
                              ci/formats-man.py >man/stalefs-formats.5"""
import difflib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(ROOT, "workloads", "harness", "schemas")
PAGE = os.path.join(ROOT, "man", "stalefs-formats.5")
ORIGIN = ["schema", "stalefs", "kernel", "host", "started"]
# The order of the sections; a schema file not listed comes last.
ORDER = ["cell", "report", "history", "events", "host-events", "stats", "ctl-store", "workload", "doctor", "pinpoint"]

HEAD = r""".\" SPDX-License-Identifier: GPL-2.0-or-later
.\" Made by ci/formats-man.py from workloads/harness/schemas/; do not edit.
.TH STALEFS-FORMATS 5 "" "stalefs" "File Formats"
.SH NAME
stalefs-formats \- the JSON documents stalefs writes
.SH DESCRIPTION
Every JSON document stalefs writes is one JSON object (a JSON-lines file holds
one per line) that starts with the same five members: its
.B schema
and where and when it was made.
.TP
.B schema
The format's name and version,
.IR NAME / VERSION ,
e.g.\& \fBcell/1\fR.
.TP
.B stalefs
The stalefs version that wrote it.
.TP
.B kernel
The kernel release of the machine that wrote it (\fBuname \-r\fR).
.TP
.B host
Its host name (\fBuname \-n\fR).
.TP
.B started
When the thing the document is about began (each format says what), UTC, ISO
8601 to the second: \fB2026\-12\-04T22:55:01Z\fR.
.SS Versions
The version is a whole number.
It is raised when a field changes meaning or goes away.
New fields, and new members of a map (an op, an errno name), may appear
without a raise, so a reader must ignore fields it does not know, and must not
take the order of members as meaning.
A reader checks the
.I NAME
and that the
.I VERSION
is one it knows.
.SS Schemas
Each format has a JSON Schema (draft 2020\-12) in
.IR workloads/harness/schemas/ NAME .schema.json
in the source tree; the field lists below are made from their descriptions.
The schemas check required fields, types and enumerated values; they allow
unknown members.
\fBtests/integration/json\-formats.sh\fR checks real output against them
(with python3\-jsonschema).
"""

TAIL = r""".SH FILES
.TP
.I workloads/harness/schemas/*.schema.json
The schemas.
.TP
.I ci/formats-man.py
Makes this page from them.
.SH SEE ALSO
.BR stalefs (1),
.BR stalefs\-mount (8),
.BR stalefs\-rules (5),
and the README sections "Event log", "Stats", "Cell files" and "pinpoint JSON".
"""


def esc(text):
    """Text for roff: backslashes and a leading dot or quote defused."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def kind(node):
    """The field's type in words: integer, string (one of a, b), ..."""
    t = node.get("type", "object" if "properties" in node else "any")
    words = " or ".join(t) if isinstance(t, list) else t
    if "const" in node:
        words += " \\fB" + esc(json.dumps(node["const"])) + "\\fR"
    if "enum" in node:
        vals = ", ".join(esc(v) if isinstance(v, str) else "null" for v in node["enum"])
        words += ": one of " + vals
    if "minimum" in node and node.get("type") in ("integer", "number"):
        if node["minimum"] != 0:
            words += ", at least " + esc(str(node["minimum"]))
    if isinstance(node.get("additionalProperties"), dict):
        words += " (a map: name to " + kind(node["additionalProperties"]) + ")"
    return words


def fields(node, prefix, out, required):
    """(path, node, required) for every field below node, depth first."""
    for name, sub in node.get("properties", {}).items():
        path = prefix + name
        req = name in node.get("required", []) and required
        out.append((path, sub, req))
        if "properties" in sub:
            fields(sub, path + ".", out, req)
        items = sub.get("items")
        if isinstance(items, dict) and "properties" in items:
            fields(items, path + "[].", out, req)
        extra = sub.get("additionalProperties")
        if isinstance(extra, dict) and "properties" in extra:
            fields(extra, path + ".NAME.", out, req)


def section(stem, schema):
    lines = []
    name = schema["properties"]["schema"]["const"] if "properties" in schema else None
    defs = schema.get("$defs", {})
    if name is None:		# the event log: one of its line kinds
        name = defs["header"]["properties"]["schema"]["const"]
    lines.append('.SH "%s: %s"' % (esc(schema["title"].upper()), esc(name)))
    lines.append(esc(schema["description"]))
    lines.append(".PP")
    lines.append("Schema: \\fI%s.schema.json\\fR.  Fields marked * are always there." % esc(stem))
    parts = [("", schema)] if "properties" in schema else \
            [(k, v) for k, v in defs.items()]
    for part, node in parts:
        if part:
            lines.append('.SS "type %s"' % esc(part))
            lines.append(esc(node["description"]))
        out = []
        fields(node, "", out, True)
        for path, sub, req in out:
            if path in ORIGIN and path != "started":
                continue
            lines.append(".TP")
            lines.append("\\fB%s\\fR%s \\(em %s" % (esc(path), "*" if req else "", kind(sub)))
            desc = sub.get("description", "")
            if path == "started":
                desc = desc.split(" UTC,")[0] + "."
            lines.append(esc(desc))
    return lines


def page():
    files = sorted(f for f in os.listdir(SCHEMAS) if f.endswith(".schema.json"))
    stems = [f[:-len(".schema.json")] for f in files]
    stems.sort(key=lambda s: ORDER.index(s) if s in ORDER else len(ORDER))
    body = []
    for stem in stems:
        with open(os.path.join(SCHEMAS, stem + ".schema.json"), encoding="utf-8") as f:
            body += section(stem, json.load(f))
    return HEAD + "\n".join(body) + "\n" + TAIL


def main():
    text = page()
    if sys.argv[1:] == ["--check"]:
        try:
            with open(PAGE, encoding="utf-8") as f:
                have = f.read()
        except OSError as e:
            print("%s: %s" % (PAGE, e.strerror))
            return 1
        if have == text:
            return 0
        sys.stdout.writelines(difflib.unified_diff(have.splitlines(True), text.splitlines(True),
                                                   "man/stalefs-formats.5", "made from the schemas"))
        print("man/stalefs-formats.5 is not what the schemas make: "
              "ci/formats-man.py >man/stalefs-formats.5")
        return 1
    if sys.argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
