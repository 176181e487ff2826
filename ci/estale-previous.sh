#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Download the estale-report artifact of the latest successful scheduled run
# of a workflow before RUN_ID into DIR (report.json: the baseline;
# history.jsonl: carried forward). Needs gh and GH_TOKEN with actions: read.
#   ci/estale-previous.sh OWNER/REPO WORKFLOW.yml RUN_ID DIR
# Exit 0 always when the arguments are right (no previous run is no error), 2 usage.
set -u
[ $# = 4 ] || { echo "usage: ci/estale-previous.sh OWNER/REPO WORKFLOW RUN_ID DIR" >&2; exit 2; }
repo=$1 wf=$2 self=$3 dir=$4
mkdir -p "$dir"
command -v gh >/dev/null || { echo "estale-previous: no gh, no baseline"; exit 0; }
id=$(gh run list -R "$repo" --workflow "$wf" --event schedule --status success \
	--limit 5 --json databaseId --jq '.[].databaseId' 2>/dev/null | grep -vx "$self" | head -n 1)
if [ -z "$id" ]; then echo "estale-previous: no previous scheduled run, no baseline"; exit 0; fi
gh run download "$id" -R "$repo" -n estale-report -D "$dir" ||
	echo "estale-previous: run $id has no estale-report, no baseline"
ls "$dir"
exit 0
