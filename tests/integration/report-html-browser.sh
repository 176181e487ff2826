#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `stalefs report --format html` in a real browser (headless Chromium): the
# page loads from a file with nothing fetched and no script, its DOM has a
# rate group per cell whose data-rate is the JSON report's rate, the cause
# segments of the cell that saw ESTALE, the trend of a cell with --history,
# and a screenshot of it is a real PNG.
. "$(dirname "$0")/lib.sh"
setup
require_python
browser=
for b in chromium chromium-browser; do
	p=$(command -v "$b" 2>/dev/null) || continue
	# Ubuntu's chromium-browser is a shim for a snap: no use headless here.
	head -c 4 "$(readlink -f "$p")" | grep -q ELF && { browser=$p; break; }
	grep -q snap "$(readlink -f "$p")" 2>/dev/null || { browser=$p; break; }
done
[ -n "$browser" ] || skip "no chromium (Debian's package) to load the page in"
export TMPDIR=$T
small=(--mode never --threads 1 --count 40 --objects 40 --max-links 5 --quiet)
"$STALEFS" run "${small[@]}" --out "$T/cells.jsonl" >/dev/null 2>&1 || fail "a clean cell"
"$STALEFS" run "${small[@]}" --inject 'errno:op=READ,errno=ESTALE,count=3' --out "$T/cells.jsonl" \
	>/dev/null 2>&1 || fail "an ESTALE cell"
"$STALEFS" report --format json --out "$T/report.json" "$T/cells.jsonl" || fail "json report"
"$STALEFS" report --format html --history "$T/history.jsonl" --out "$T/report.html" "$T/cells.jsonl" ||
	fail "html report"
grep -qi '<script' "$T/report.html" && fail "the page has a script"
grep -Eqi '(src|href)="(https?:)?//' "$T/report.html" && fail "the page fetches something"
run_browser() {	# OUT ARGS...: chromium headless on the page, stdout to OUT
	local out=$1
	shift
	timeout 120 "$browser" --headless=new --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$T/profile" --enable-logging=stderr --v=0 "$@" "file://$T/report.html" \
		>"$out" 2>>"$T/browser.err"
}
run_browser "$T/dom.html" --dump-dom || fail "chromium --dump-dom: $(tail -n 3 "$T/browser.err")"
grep -q 'class="rate"' "$T/dom.html" || fail "the DOM has no rate chart: $(head -c 300 "$T/dom.html")"
grep -Eq 'Uncaught|SEVERE.*CONSOLE' "$T/browser.err" && fail "errors in the page: $(grep -E 'Uncaught|CONSOLE' "$T/browser.err" | head -3)"
python3 - "$T/dom.html" "$T/report.json" <<'PY' || fail "the page's charts do not match the report"
import html.parser, json, sys
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.rates, self.causes, self.trend = {}, [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "")
        if tag == "g" and cls == "rate":
            self.rates[a["data-cell"]] = float(a["data-rate"])
        if tag == "rect" and cls == "cause":
            self.causes.append((a["data-cell"], a["data-cause"], int(a["data-n"])))
        if tag == "circle" and "data-date" in a:
            self.trend.append(float(a["data-rate"]))
p = Page()
p.feed(open(sys.argv[1]).read())
cells = json.load(open(sys.argv[2]))["cells"]
assert len(p.rates) == len(cells) == 2, (p.rates, len(cells))
for c in cells:
    calls = sum(c["calls"].values())
    want = c["estale_total"] / calls
    assert abs(p.rates[c["cell"]] - want) < 1e-6, (c["cell"], p.rates[c["cell"]], want)
est = [c["cell"] for c in cells if c["estale_total"]]
assert est and any(cell == est[0] and n > 0 for cell, cause, n in p.causes), p.causes
assert len(p.trend) == 2, p.trend
PY
run_browser /dev/null --screenshot="$T/page.png" --window-size=1200,1600 ||
	fail "chromium --screenshot: $(tail -n 3 "$T/browser.err")"
[ "$(head -c 8 "$T/page.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "the screenshot is not a PNG"
[ "$(stat -c %s "$T/page.png")" -gt 10000 ] || fail "the screenshot is nearly empty ($(stat -c %s "$T/page.png") bytes)"
note "screenshot $(stat -c %s "$T/page.png") bytes"
echo PASS
