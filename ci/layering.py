#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The house's layering: every #include "x.h" of a folder resolves to a header of
that folder or of a layer below it, and no header includes itself through
others (no include cycle). Prints one line per breach; exit 1 if any."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A folder and the folders its files may include from (its own first).
LAYERS = {
    "inject/base": ["inject/base"],
    "inject": ["inject", "inject/base"],
    "passthrough": ["passthrough", "inject", "inject/base"],
    "workloads": ["workloads", "inject", "inject/base"],
    "workloads/harness": ["workloads/harness", "workloads", "passthrough", "inject", "inject/base"],
}
GENERATED = {"build_config.h"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(folder):
    d = os.path.join(ROOT, folder)
    return sorted(f for f in os.listdir(d) if f.endswith((".c", ".h")))


def main():
    bad = []
    where = {}  # header name -> folder
    for folder in LAYERS:
        for f in sources(folder):
            if f.endswith(".h"):
                where.setdefault(f, folder)
    edges = {}
    for folder, allowed in LAYERS.items():
        for f in sources(folder):
            text = open(os.path.join(ROOT, folder, f), encoding="utf-8").read()
            for inc in INCLUDE.findall(text):
                if inc in GENERATED:
                    continue
                owner = next((a for a in allowed if os.path.exists(os.path.join(ROOT, a, inc))), None)
                if owner is None:
                    found = where.get(inc, "nowhere")
                    bad.append(f"{folder}/{f}: includes {inc} from {found}, above or beside its layer")
                    continue
                if f.endswith(".h"):
                    edges.setdefault(f"{folder}/{f}", []).append(f"{owner}/{inc}")
    # cycles among headers
    state = {}

    def visit(n, path):
        if state.get(n) == 1:
            cyc = path[path.index(n):] + [n]
            bad.append("include cycle: " + " -> ".join(cyc))
            return
        if state.get(n) == 2:
            return
        state[n] = 1
        for m in edges.get(n, []):
            visit(m, path + [n])
        state[n] = 2

    for n in list(edges):
        visit(n, [])
    for line in bad:
        print(line)
    print(f"layering: {len(bad)} breach(es) in {sum(len(sources(f)) for f in LAYERS)} files")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
