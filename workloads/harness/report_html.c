// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `report --format html`: one self-contained page (inline CSS and SVG, no
 * script, nothing fetched): the verdict and what to try, a chart of each
 * cell's ESTALE rate with its 95% interval, each cell's ESTALE by cause, the
 * rate over time from --history, and the table with chains and repro lines.
 * Chart elements carry data attributes (data-cell, data-rate, data-lo,
 * data-hi, data-cause, data-n, data-date) so a test reads the page's DOM.
 * Every text from the cell files is escaped: ids, paths and rules are
 * untrusted.
 */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

#define CHART_W 1000	/* the SVGs' width; labels take LABEL_W of it */
#define LABEL_W 420
#define ROW_H 22

void report_html_put(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

/* x of a rate on the chart's linear scale, top the largest upper bound. */
static double xpos(double rate, double top)
{
	return LABEL_W + (CHART_W - LABEL_W - 20) * (top > 0 ? rate / top : 0);
}

static void rate_chart(FILE *f, const struct report *r)
{
	double top = 0;
	unsigned int h = (unsigned int)(r->n * ROW_H + 40);
	char pct[32];

	for (size_t k = 0; k < r->n; k++) {
		struct report_ci ci = report_wilson(r->cells[k].estale_total, report_cell_calls(&r->cells[k]));

		if (report_cell_calls(&r->cells[k]) && ci.hi > top)
			top = ci.hi;
	}
	report_pct(pct, sizeof(pct), top);
	fprintf(f, "<h2>ESTALE rate per cell, with its 95%% interval</h2>\n"
		"<svg class=\"chart rates\" width=\"%d\" height=\"%u\" viewBox=\"0 0 %d %u\" "
		"xmlns=\"http://www.w3.org/2000/svg\">\n", CHART_W, h, CHART_W, h);
	fprintf(f, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%u\" class=\"axis\"/>"
		"<text x=\"%d\" y=\"%u\" class=\"tick\">0</text><text x=\"%d\" y=\"%u\" class=\"tick\" "
		"text-anchor=\"end\">%s</text>\n", LABEL_W, LABEL_W, h - 25, LABEL_W, h - 8,
		CHART_W - 20, h - 8, pct);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		uint64_t calls = report_cell_calls(c);
		struct report_ci ci = report_wilson(c->estale_total, calls);
		double rate = calls ? (double)c->estale_total / (double)calls : 0;
		double y = 14 + (double)k * ROW_H;
		char rt[96];

		if (!calls)
			continue;
		report_rate_ci(rt, sizeof(rt), c->estale_total, calls);
		fputs("<g class=\"rate\" data-cell=\"", f);
		report_html_put(f, c->id);
		fprintf(f, "\" data-rate=\"%.9g\" data-lo=\"%.9g\" data-hi=\"%.9g\" data-verdict=\"%s\">",
			rate, ci.lo, ci.hi, run_verdict_name(c->verdict));
		fprintf(f, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\" class=\"label\">", LABEL_W - 6, y + 13);
		report_html_put(f, c->id);
		fprintf(f, "</text><rect class=\"bar %s\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"14\"/>",
			run_verdict_name(c->verdict), LABEL_W, y + 2, xpos(rate, top) - LABEL_W);
		fprintf(f, "<line class=\"whisker\" x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\"/>",
			xpos(ci.lo, top), y + 9, xpos(ci.hi, top), y + 9);
		fprintf(f, "<title>%s</title></g>\n", rt);
	}
	fputs("</svg>\n", f);
}

static void cause_chart(FILE *f, const struct report *r)
{
	bool any = false;

	for (size_t k = 0; k < r->n; k++)
		any |= r->cells[k].chains.n > 0;
	if (!any)
		return;
	fputs("<h2>ESTALE by cause (kernel layer &lt;- daemon answer &lt;- cause)</h2>\n", f);
	for (size_t k = 0; k < r->n; k++) {
		const struct chains *cs = &r->cells[k].chains;
		uint64_t all = 0;
		double x = 0;

		for (int i = 0; i < cs->n && i < CHAINS_MAX; i++)
			all += cs->c[i].n;
		if (!all)
			continue;
		fputs("<div class=\"causes\"><p class=\"cell\">", f);
		report_html_put(f, r->cells[k].id);
		fprintf(f, "</p><svg class=\"chart causes\" width=\"%d\" height=\"20\" "
			"xmlns=\"http://www.w3.org/2000/svg\">", CHART_W);
		for (int i = 0; i < cs->n && i < CHAINS_MAX; i++) {
			double w = (CHART_W - 2.0) * (double)cs->c[i].n / (double)all;

			fputs("<rect class=\"cause\" data-cell=\"", f);
			report_html_put(f, r->cells[k].id);
			fputs("\" data-cause=\"", f);
			report_html_put(f, cs->c[i].cause);
			fprintf(f, "\" data-n=\"%" PRIu64 "\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"18\" "
				"style=\"fill:hsl(%d,55%%,55%%)\"><title>", cs->c[i].n, x, w, (i * 67) % 360);
			fprintf(f, "%" PRIu64 " ESTALE: ", cs->c[i].n);
			report_html_put(f, cs->c[i].layer);
			fputs(" &lt;- ", f);
			report_html_put(f, cs->c[i].reply);
			fputs(" &lt;- ", f);
			report_html_put(f, cs->c[i].cause);
			fputs("</title></rect>", f);
			x += w;
		}
		fputs("</svg><ul class=\"legend\">", f);
		for (int i = 0; i < cs->n && i < CHAINS_MAX; i++) {
			fprintf(f, "<li><span class=\"key\" style=\"background:hsl(%d,55%%,55%%)\"></span>%" PRIu64
				" ", (i * 67) % 360, cs->c[i].n);
			report_html_put(f, cs->c[i].layer);
			fputs(" &lt;- ", f);
			report_html_put(f, cs->c[i].reply);
			fputs(" &lt;- ", f);
			report_html_put(f, cs->c[i].cause);
			fputs("</li>", f);
		}
		fputs("</ul></div>\n", f);
	}
}

void report_svg_trend(FILE *f, const char *cell, const char *const *dates, const double *rate,
		      const double *lo, const double *hi, size_t n, unsigned int width, unsigned int height)
{
	double top = 0, step = n > 1 ? (width - 80.0) / (double)(n - 1) : 0;

	for (size_t i = 0; i < n; i++)
		if (hi[i] > top)
			top = hi[i];
	if (top <= 0)
		top = 1;
	fputs("<svg class=\"chart trend\" xmlns=\"http://www.w3.org/2000/svg\"", f);
	fprintf(f, " width=\"%u\" height=\"%u\"><g class=\"trend\" data-cell=\"", width, height);
	report_html_put(f, cell);
	fputs("\"><polyline class=\"line\" points=\"", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", 40 + step * (double)i,
			height - 20 - (height - 30) * rate[i] / top);
	fputs("\"/>", f);
	for (size_t i = 0; i < n; i++) {
		double x = 40 + step * (double)i;

		fprintf(f, "<line class=\"whisker\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\"/>", x, x,
			height - 20 - (height - 30) * lo[i] / top, height - 20 - (height - 30) * hi[i] / top);
		fprintf(f, "<circle r=\"3\" cx=\"%.1f\" cy=\"%.1f\" data-date=\"", x,
			height - 20 - (height - 30) * rate[i] / top);
		report_html_put(f, dates[i]);
		fprintf(f, "\" data-rate=\"%.9g\"><title>", rate[i]);
		report_html_put(f, dates[i]);
		fprintf(f, ": %.3g%%</title></circle>", 100 * rate[i]);
	}
	fputs("</g></svg>\n", f);
}

/* Each cell's rate over the reports in --history, oldest first. */
static int trends(FILE *f, const struct report *r)
{
	bool head = false;

	for (size_t k = 0; r->history && k < r->n; k++) {
		const struct history_series *s = history_find(r->history, r->cells[k].key);
		const char **dates;
		double *v;

		if (!s || s->n < 1)
			continue;
		dates = calloc(s->n, sizeof(*dates));
		v = calloc(3 * s->n, sizeof(*v));
		if (!dates || !v) {
			free(dates);
			free(v);
			return -ENOMEM;
		}
		for (size_t i = 0; i < s->n; i++) {
			dates[i] = s->v[i].date;
			v[i] = s->v[i].rate;
			v[s->n + i] = s->v[i].lo;
			v[2 * s->n + i] = s->v[i].hi;
		}
		if (!head)
			fputs("<h2>ESTALE rate over time (--history)</h2>\n", f);
		head = true;
		fputs("<p class=\"cell\">", f);
		report_html_put(f, r->cells[k].id);
		fputs("</p>\n", f);
		report_svg_trend(f, r->cells[k].id, dates, v, v + s->n, v + 2 * s->n, s->n, CHART_W, 140);
		free(dates);
		free(v);
	}
	return 0;
}

static void table(FILE *f, const struct report *r)
{
	fputs("<h2>Cells</h2>\n<table><tr><th>cell</th><th>mode</th><th>verdict</th><th>ESTALE/calls</th>"
	      "<th>rate [95% CI]</th><th>made by</th></tr>\n", f);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		uint64_t calls = report_cell_calls(c);
		struct advice_in in;
		struct advice a;
		char rt[96] = "-";

		report_cell_advice(c, &in, &a);
		if (calls)
			report_rate_ci(rt, sizeof(rt), c->estale_total, calls);
		fputs("<tr><td>", f);
		report_html_put(f, c->id);
		fputs("</td><td>", f);
		report_html_put(f, report_str_or(c->effective_mode, "-"));
		fprintf(f, "</td><td class=\"%s\">%s</td><td>%" PRIu64 "/%" PRIu64 "</td><td>%s</td><td>",
			run_verdict_name(c->verdict), run_verdict_name(c->verdict), c->estale_total, calls, rt);
		report_html_put(f, a.who);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (!c->chains.n && !c->estale_total && !run_verdict_bad(c->verdict))
			continue;
		fputs("<details><summary>", f);
		report_html_put(f, c->id);
		fputs("</summary><ul>", f);
		for (int i = 0; i < c->chains.n && i < CHAINS_MAX; i++) {
			fprintf(f, "<li>%" PRIu64 " ESTALE: ", c->chains.c[i].n);
			report_html_put(f, c->chains.c[i].layer);
			fputs(" &lt;- ", f);
			report_html_put(f, c->chains.c[i].reply);
			fputs(" &lt;- ", f);
			report_html_put(f, c->chains.c[i].cause);
			fputs("; e.g. ", f);
			report_html_put(f, c->chains.c[i].example);
			fputs("</li>", f);
		}
		fputs("</ul><pre class=\"repro\">", f);
		report_html_put(f, report_str_or(c->repro, "(no repro line)"));
		fputs("</pre></details>\n", f);
	}
}

int report_html(const struct report *r, const char *title, FILE *out)
{
	struct report_totals t;
	struct report_piece head;

	memset(&head, 0, sizeof(head));
	if (!report_piece_open(&head))
		return -ENOMEM;
	if (report_headline(r, head.f)) {
		report_piece_close(&head);
		return -ENOMEM;
	}
	if (report_piece_close(&head))
		return -ENOMEM;
	report_totals(r, &t);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", out);
	report_html_put(out, title ? title : REPORT_DEFAULT_TITLE);
	fputs("</title>\n<style>\nbody{font:14px sans-serif;margin:1.5em;max-width:1040px}"
	      "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}"
	      ".label,.tick{font:12px sans-serif}.axis{stroke:#444}.whisker{stroke:#222;stroke-width:1.5}"
	      ".bar{fill:#4a7fb5}.bar.estale{fill:#d9822b}.bar.failed,.bar.error{fill:#c23030}"
	      ".line{fill:none;stroke:#4a7fb5;stroke-width:2}.legend{list-style:none;padding:0;margin:2px 0 10px}"
	      ".key{display:inline-block;width:10px;height:10px;margin-right:6px}"
	      "td.failed,td.error{color:#c23030;font-weight:bold}td.estale{color:#b0641a}"
	      "pre.repro{white-space:pre-wrap;background:#f4f4f4;padding:4px}\n</style></head><body>\n<h1>", out);
	report_html_put(out, title ? title : REPORT_DEFAULT_TITLE);
	fputs("</h1>\n<p class=\"verdict\">", out);
	report_html_put(out, head.s);
	fputs("</p>\n<p class=\"totals\">", out);
	fprintf(out, "%zu cells: %zu clean, %zu estale, %zu failed, %zu skipped, %zu error; %" PRIu64
		" surfaced ESTALE in %" PRIu64 " calls.", t.cells, t.clean, t.with_estale, t.failed, t.skipped,
		t.errored, t.estale, t.calls);
	fputs("</p>\n", out);
	free(head.s);
	rate_chart(out, r);
	cause_chart(out, r);
	if (trends(out, r))
		return -ENOMEM;
	table(out, r);
	fputs("</body></html>\n", out);
	return report_finish(out);
}
