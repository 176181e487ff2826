#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# python3 ci/run-blocks.py OUTDIR FILE...: write every `run:` block of the given
# workflow/action files as OUTDIR/<file>-<n>.sh (with ${{ ... }} replaced by a
# placeholder) so shellcheck can check them; prints the paths.
import os
import re
import sys

import yaml


def blocks(node):
    if isinstance(node, dict):
        if isinstance(node.get("run"), str):
            yield node["run"], node.get("shell", "bash")
        for v in node.values():
            yield from blocks(v)
    elif isinstance(node, list):
        for v in node:
            yield from blocks(v)


def main():
    if len(sys.argv) < 3:
        print("usage: run-blocks.py OUTDIR FILE...", file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for f in sys.argv[2:]:
        with open(f) as fh:
            doc = yaml.safe_load(fh)
        for n, (text, shell) in enumerate(blocks(doc)):
            if "bash" not in shell and shell != "sh":
                continue
            text = re.sub(r"\$\{\{.*?\}\}", "GHA_EXPR", text)
            name = os.path.join(out, f"{os.path.basename(os.path.dirname(f))}-{os.path.basename(f)}-{n}.sh")
            with open(name, "w") as fh:
                fh.write("#!/bin/bash\n# from %s\n%s\n" % (f, text))
            print(name)
    return 0


sys.exit(main())
