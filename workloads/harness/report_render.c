// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pieces the renderers share (see report_render.h) and
 * report_render(), which picks one.
 */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *report_str_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

char *report_strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* "13.7% [13.1%, 14.2%]" for k of n; "-" when n is 0. */
void report_rate_ci(char *buf, size_t len, uint64_t k, uint64_t n)
{
	struct report_ci ci = report_wilson(k, n);
	char p[32], lo[32], hi[32];

	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	report_pct(p, sizeof(p), (double)(k > n ? n : k) / n);
	report_pct(lo, sizeof(lo), ci.lo);
	report_pct(hi, sizeof(hi), ci.hi);
	snprintf(buf, len, "%s [%s, %s]", p, lo, hi);
}

int report_item_cmp(const void *x, const void *y)
{
	const struct report_item *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Items sorted by count, the largest first, as "a b n, a n" with at most
 * limit of them (0: all) and "+N more". */
static void put_items(FILE *f, struct report_item *it, size_t n, size_t limit)
{
	qsort(it, n, sizeof(*it), report_item_cmp);
	for (size_t i = 0; i < n; i++) {
		if (limit && i == limit) {
			fprintf(f, ", +%zu more", n - i);
			break;
		}
		fprintf(f, "%s%s%s%s %" PRIu64, i ? ", " : "", it[i].a, it[i].b ? " " : "",
			it[i].b ? it[i].b : "", it[i].n);
	}
}

size_t report_counts_items(struct report_item *it, size_t k, const char *prefix,
			   const struct report_counts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!c->v[i].n)
			continue;
		it[k] = (struct report_item){ prefix ? prefix : c->v[i].key, prefix ? c->v[i].key : NULL,
				       c->v[i].n, k };
		k++;
	}
	return k;
}

#define LIST_LIMIT_ESTALE 6
#define LIST_LIMIT_OTHER 3

/* The list of a cell's things, as one malloc'ed string. */
enum list_kind { LIST_ESTALE, LIST_ERRNOS, LIST_ATTRIBUTION };

static char *cell_list(const struct report_cell *c, enum list_kind kind, size_t limit)
{
	size_t max = 2, n = 0, len = 0;
	struct report_item *it;
	char *s = NULL;
	FILE *f;

	max += c->estale.n + c->inject.n + c->host.n + c->daemon.n;
	for (size_t i = 0; i < c->nerrors; i++)
		max += c->errors[i].by_errno.n;
	it = calloc(max, sizeof(*it));
	if (!it)
		return NULL;
	switch (kind) {
	case LIST_ESTALE:
		n = report_counts_items(it, 0, NULL, &c->estale);
		break;
	case LIST_ERRNOS:
		for (size_t i = 0; i < c->nerrors; i++)
			n = report_counts_items(it, n, c->errors[i].op, &c->errors[i].by_errno);
		break;
	case LIST_ATTRIBUTION:
		n = report_counts_items(it, 0, "inject", &c->inject);
		n = report_counts_items(it, n, "host", &c->host);
		n = report_counts_items(it, n, "daemon", &c->daemon);
		if (c->kernel) {
			it[n] = (struct report_item){ "kernel", NULL, c->kernel, n };
			n++;
		}
		if (c->unattributed) {
			it[n] = (struct report_item){ "unattributed", NULL, c->unattributed, n };
			n++;
		}
		break;
	}
	f = open_memstream(&s, &len);
	if (f) {
		put_items(f, it, n, limit);
		if (fclose(f)) {
			free(s);
			s = NULL;
		}
	}
	free(it);
	return s;
}

/* "never (asked prefer)" when the mode that took effect is another. */
static char *mode_str(const struct report_cell *c)
{
	const char *eff = c->effective_mode, *asked = c->params.mode;

	if (!*eff)
		return *asked ? report_strf("- (asked %s)", asked) : strdup("-");
	if (*asked && strcmp(eff, asked) != 0)
		return report_strf("%s (asked %s)", eff, asked);
	return strdup(eff);
}

static char *emitted_str(const struct report_cell *c)
{
	if (c->trace_seen && !c->trace_missing && c->emitted_trace != c->emitted)
		return report_strf("%" PRIu64 "/%" PRIu64 " (trace %" PRIu64 ")", c->emitted, c->masked,
			    c->emitted_trace);
	return report_strf("%" PRIu64 "/%" PRIu64, c->emitted, c->masked);
}

/* Nothing to count: the cell did not run (or ran nothing). */
bool report_cell_empty(const struct report_cell *c)
{
	return strcmp(c->status, "ran") != 0 && !c->reps_ran && !report_cell_calls(c);
}

static char *note_str(const struct report_cell *c)
{
	bool mode_differs = *c->effective_mode && *c->params.mode &&
			    strcmp(c->effective_mode, c->params.mode) != 0 && *c->mode_reason;
	const char *status = report_str_or(c->status, "no status");

	if (strcmp(c->status, "ran") != 0 && *c->reason)
		return mode_differs ? report_strf("%s: %s; mode: %s", status, c->reason, c->mode_reason) :
				      report_strf("%s: %s", status, c->reason);
	if (strcmp(c->status, "ran") != 0)
		return mode_differs ? report_strf("%s; mode: %s", status, c->mode_reason) : strdup(status);
	return mode_differs ? report_strf("mode: %s", c->mode_reason) : strdup("");
}

const char *const report_col_head[NCOL] = {
	"cell", "mode", "verdict", "calls", "ESTALE", "rate [95% CI]", "ESTALE by op",
	"other errnos", "mismatches", "attribution", "emitted/masked", "ops/s", "note",
};
const bool report_col_right[NCOL] = {
	[COL_CALLS] = true, [COL_ESTALE] = true, [COL_MISM] = true, [COL_OPS] = true,
};

void report_row_free(char *col[NCOL])
{
	for (int i = 0; i < NCOL; i++) {
		free(col[i]);
		col[i] = NULL;
	}
}

int report_row(const struct report_cell *c, char *col[NCOL])
{
	uint64_t calls = report_cell_calls(c);
	char rate[128];

	memset(col, 0, NCOL * sizeof(*col));
	col[COL_CELL] = strdup(c->id);
	col[COL_MODE] = mode_str(c);
	col[COL_VERDICT] = strdup(run_verdict_name(c->verdict));
	col[COL_NOTE] = note_str(c);
	if (report_cell_empty(c)) {
		for (int i = COL_CALLS; i < COL_NOTE; i++)
			col[i] = strdup("-");
	} else {
		report_rate_ci(rate, sizeof(rate), c->estale_total, calls);
		col[COL_CALLS] = report_strf("%" PRIu64, calls);
		col[COL_ESTALE] = report_strf("%" PRIu64, c->estale_total);
		col[COL_RATE] = strdup(rate);
		col[COL_BYOP] = cell_list(c, LIST_ESTALE, LIST_LIMIT_ESTALE);
		col[COL_ERRNOS] = cell_list(c, LIST_ERRNOS, LIST_LIMIT_OTHER);
		col[COL_MISM] = report_strf("%" PRIu64, c->integrity.mismatches);
		col[COL_ATTR] = cell_list(c, LIST_ATTRIBUTION, LIST_LIMIT_OTHER);
		col[COL_EMIT] = emitted_str(c);
		col[COL_OPS] = report_strf("%.0f", c->ops_per_s);
	}
	for (int i = 0; i < NCOL; i++) {
		if (!col[i]) {
			report_row_free(col);
			return -ENOMEM;
		}
	}
	return 0;
}

int report_cell_summary(const struct report_cell *c, FILE *out)
{
	char *col[NCOL];

	if (report_row(c, col))
		return -ENOMEM;
	fprintf(out, "%s: mode %s, verdict %s", c->id, col[COL_MODE], col[COL_VERDICT]);
	if (report_cell_empty(c)) {
		fprintf(out, ", %s", col[COL_NOTE]);
	} else {
		fprintf(out, ", %s calls, %s surfaced ESTALE", col[COL_CALLS], col[COL_ESTALE]);
		if (strcmp(col[COL_RATE], "-") != 0)
			fprintf(out, " %s", col[COL_RATE]);
		if (*col[COL_BYOP])
			fprintf(out, " (%s)", col[COL_BYOP]);
		if (*col[COL_ERRNOS])
			fprintf(out, ", other errnos %s", col[COL_ERRNOS]);
		fprintf(out, ", %s mismatches", col[COL_MISM]);
		if (*col[COL_ATTR])
			fprintf(out, ", attribution %s", col[COL_ATTR]);
		fprintf(out, ", emitted/masked %s, %s ops/s", col[COL_EMIT], col[COL_OPS]);
		if (*col[COL_NOTE])
			fprintf(out, ", %s", col[COL_NOTE]);
	}
	report_row_free(col);
	return 0;
}

void report_totals_line(FILE *f, const struct report_totals *t, const char *sep)
{
	char rate[128];

	report_rate_ci(rate, sizeof(rate), t->estale, t->calls);
	fprintf(f, "%zu cell%s: %zu clean, %zu estale, %zu failed, %zu skipped, %zu error%s%" PRIu64
		" surfaced ESTALE in %" PRIu64 " calls", t->cells, t->cells == 1 ? "" : "s",
		t->clean, t->with_estale, t->failed, t->skipped, t->errored, sep, t->estale, t->calls);
	if (t->calls)
		fprintf(f, " (%s)", rate);
	fprintf(f, "%s%" PRIu64 " integrity mismatches, %" PRIu64 " emitted, %" PRIu64 " masked",
		sep, t->mismatches, t->emitted, t->masked);
}

int report_finish(FILE *out)
{
	return fflush(out) || ferror(out) ? -EIO : 0;
}

FILE *report_piece_open(struct report_piece *p)
{
	p->s = NULL;
	p->len = 0;
	p->f = open_memstream(&p->s, &p->len);
	return p->f;
}

int report_piece_close(struct report_piece *p)
{
	int bad = !p->f || fclose(p->f) != 0;

	p->f = NULL;
	if (bad) {
		free(p->s);
		p->s = NULL;
		p->len = 0;
		return -ENOMEM;
	}
	return 0;
}

void report_cell_advice(const struct report_cell *c, struct advice_in *in, struct advice *a)
{
	*in = (struct advice_in){
		.chains = &c->chains, .estale = c->estale_total, .calls = report_cell_calls(c),
		.emitted = c->emitted, .masked = c->masked, .kernel = c->kernel,
		.mode = report_str_or(c->effective_mode, c->params.mode), .cache = c->params.cache,
		.verdict = c->verdict,
	};
	advice_explain(in, a);
}

/* The worst verdict over the cells (skipped when there are none). */
static enum run_verdict worst(const struct report *r)
{
	enum run_verdict v = VERDICT_SKIPPED;

	for (size_t k = 0; k < r->n; k++)
		if (report_verdict_rank(r->cells[k].verdict) > report_verdict_rank(v))
			v = r->cells[k].verdict;
	return v;
}

int report_headline(const struct report *r, FILE *f)
{
	struct chains *all = calloc(1, sizeof(*all));
	struct report_totals t;
	struct advice_in in = { .chains = all, .verdict = worst(r) };
	const struct report_cell *top = NULL;
	struct advice a;
	size_t saw = 0;

	if (!all)
		return -ENOMEM;
	report_totals(r, &t);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		chains_add(all, &c->chains);
		in.emitted += c->emitted;
		in.masked += c->masked;
		in.kernel += c->kernel;
		if (c->estale_total)
			saw++;
		if (c->estale_total && (!top || c->estale_total > top->estale_total))
			top = c;
	}
	in.estale = t.estale;
	in.calls = t.calls;
	/* The mode and cache of the cell with the most ESTALE stand for all. */
	if (top) {
		in.mode = report_str_or(top->effective_mode, top->params.mode);
		in.cache = top->params.cache;
	}
	advice_explain(&in, &a);
	fprintf(f, "%s: ", run_verdict_name(in.verdict));
	if (saw)
		fprintf(f, "%zu of %zu cell%s saw ESTALE (%" PRIu64 " in %" PRIu64 " calls); made by %s.",
			saw, t.cells, t.cells == 1 ? "" : "s", t.estale, t.calls, a.made_by);
	else
		fprintf(f, "no cell of %zu saw ESTALE (%" PRIu64 " calls).", t.cells, t.calls);
	if (t.failed && t.errored)
		fprintf(f, " %zu failed and %zu error: repro lines below.", t.failed, t.errored);
	else if (t.failed || t.errored)
		fprintf(f, " %zu %s: repro line%s below.", t.failed + t.errored,
			t.failed ? "failed" : "error", t.failed + t.errored == 1 ? "" : "s");
	if (t.skipped)
		fprintf(f, " %zu could not run here.", t.skipped);
	if (*a.next)
		fprintf(f, " What to try: %s.", a.next);
	free(all);
	return 0;
}

/* Table cell text: '|' escaped, line breaks as blanks. */
void report_md_put(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/*
 * Why: each cell's cause chains, biggest first, and how many of its ESTALE
 * have a complete one. md: as a Markdown section of bullets.
 */
void report_chains_section(FILE *f, const struct report *r, bool md)
{
	bool any = false;

	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (!c->chains.total)
			continue;
		if (!any)
			fputs(md ? "\n### Why: cause chains (kernel layer <- daemon answer <- cause)\n\n"
				 : "\nwhy (kernel layer <- daemon answer <- cause):\n", f);
		any = true;
		if (md) {
			fputs("- **", f);
			report_md_put(f, c->id);
			fprintf(f, "**: %" PRIu64 " ESTALE, %.1f%% with a complete chain\n", c->chains.total,
				100.0 * (double)c->chains.complete / (double)c->chains.total);
			chains_print(&c->chains, f, "  - ", 1000);
		} else {
			fprintf(f, "%s: %" PRIu64 " ESTALE, %.1f%% with a complete chain\n", c->id,
				c->chains.total, 100.0 * (double)c->chains.complete / (double)c->chains.total);
			chains_print(&c->chains, f, "  ", 120);
		}
	}
}

int report_render(const struct report *r, enum report_format fmt, const char *title, FILE *out)
{
	switch (fmt) {
	case REPORT_MARKDOWN:
		return report_markdown(r, title, REPORT_MARKDOWN_MAX, out);
	case REPORT_JUNIT:
		return report_junit(r, title, out);
	case REPORT_JSON:
		return report_json(r, out);
	case REPORT_HTML:
		return report_html(r, title, out);
	case REPORT_TEXT:
	default:
		return report_text(r, REPORT_TEXT_WIDTH, false, out);
	}
}

