// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `stalefs report --format text`, for people: the verdict and a next step
 * in words (advice.h), a compact table that fits the width (--wide: every
 * column), the totals, and per cell the why (cause chains) and the repro
 * lines of failed and error cells; see report.h.
 */
#include "report.h"
#include "report_render.h"
#include "term.h"
#include "history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The compact table's columns. */
enum { T_CELL, T_MODE, T_VERDICT, T_COUNT, T_RATE, T_WHO, NT };

static const char *const t_head[NT] = {
	"cell", "mode", "verdict", "ESTALE/calls", "rate [95% CI]", "made by",
};
static const char rate_short[] = "rate";
static const bool t_right[NT] = { [T_COUNT] = true };

#define MIN_CELL 12

static void put_padded(FILE *f, const char *s, size_t width, bool right)
{
	size_t len = strlen(s);

	if (len > width)
		len = width;
	if (right)
		fprintf(f, "%*s%.*s", (int)(width - len), "", (int)len, s);
	else
		fprintf(f, "%.*s%*s", (int)len, s, (int)(width - len), "");
}

/* One table line; trailing blanks are not written. */
static void text_line(FILE *f, char *const *col, const size_t *width, const bool *right, int ncol)
{
	int last = ncol - 1;

	while (last > 0 && !*col[last])
		last--;
	for (int i = 0; i <= last; i++) {
		if (i)
			fputs("  ", f);
		put_padded(f, col[i], i == last && !right[i] && strlen(col[i]) < width[i] ?
			   strlen(col[i]) : width[i], right[i]);
	}
	fputc('\n', f);
}

/* id cut to width: its start, "..", and its end (the workload, the suffix). */
static char *shorten(const char *id, size_t width)
{
	size_t len = strlen(id), tail;

	if (len <= width || width < 8)
		return strdup(id);
	tail = (width - 2) / 2;
	return report_strf("%.*s..%s", (int)(width - 2 - tail), id, id + len - tail);
}

static int compact_row(const struct report_cell *c, char *col[NT])
{
	struct advice_in in;
	struct advice a;
	char rate[128];

	memset(col, 0, NT * sizeof(*col));
	report_cell_advice(c, &in, &a);
	col[T_CELL] = strdup(c->id);
	col[T_MODE] = strdup(report_str_or(c->effective_mode, report_str_or(c->params.mode, "-")));
	col[T_VERDICT] = strdup(run_verdict_name(c->verdict));
	if (report_cell_empty(c)) {
		col[T_COUNT] = strdup("-");
		col[T_RATE] = strdup("-");
		col[T_WHO] = strdup("");
	} else {
		report_rate_ci(rate, sizeof(rate), c->estale_total, in.calls);
		col[T_COUNT] = report_strf("%" PRIu64 "/%" PRIu64, c->estale_total, in.calls);
		col[T_RATE] = strdup(rate);
		col[T_WHO] = strdup(c->estale_total ? a.who : "");
	}
	for (int i = 0; i < NT; i++) {
		if (!col[i]) {
			for (int j = 0; j < NT; j++)
				free(col[j]);
			return -ENOMEM;
		}
	}
	return 0;
}

static int compact_table(const struct report *r, unsigned int width, FILE *out)
{
	char *(*rows)[NT] = calloc(r->n ? r->n : 1, sizeof(*rows));
	size_t w[NT], other = 0;
	int ret = 0;

	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < NT; i++)
		w[i] = strlen(t_head[i]);
	for (size_t k = 0; k < r->n; k++) {
		ret = compact_row(&r->cells[k], rows[k]);
		if (ret)
			goto out;
		for (int i = 0; i < NT; i++)
			if (strlen(rows[k][i]) > w[i])
				w[i] = strlen(rows[k][i]);
	}
	for (int i = T_MODE; i < NT; i++)
		other += w[i] + 2;
	/* Narrow: rates without their interval. */
	if (MIN_CELL + other > width) {
		w[T_RATE] = strlen(rate_short);
		for (size_t k = 0; k < r->n; k++) {
			rows[k][T_RATE][strcspn(rows[k][T_RATE], " ")] = '\0';
			if (strlen(rows[k][T_RATE]) > w[T_RATE])
				w[T_RATE] = strlen(rows[k][T_RATE]);
		}
		other = 0;
		for (int i = T_MODE; i < NT; i++)
			other += w[i] + 2;
	}
	/* The cell column takes what is left; long ids are cut in the middle. */
	if (w[T_CELL] + other > width && w[T_CELL] > MIN_CELL) {
		w[T_CELL] = width > other + MIN_CELL ? width - other : MIN_CELL;
		for (size_t k = 0; k < r->n; k++) {
			char *s = shorten(rows[k][T_CELL], w[T_CELL]);

			if (!s) {
				ret = -ENOMEM;
				goto out;
			}
			free(rows[k][T_CELL]);
			rows[k][T_CELL] = s;
		}
	}
	{
		const char *head[NT];

		memcpy(head, t_head, sizeof(head));
		if (w[T_RATE] < strlen(t_head[T_RATE]))
			head[T_RATE] = rate_short;
		text_line(out, (char *const *)head, w, t_right, NT);
	}
	for (size_t k = 0; k < r->n; k++)
		text_line(out, rows[k], w, t_right, NT);
out:
	for (size_t k = 0; k < r->n; k++)
		for (int i = 0; i < NT; i++)
			free(rows[k][i]);
	free(rows);
	return ret;
}

static int wide_table(const struct report *r, FILE *out)
{
	char *(*rows)[NCOL] = calloc(r->n ? r->n : 1, sizeof(*rows));
	size_t width[NCOL];
	int ret = 0;

	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < NCOL; i++)
		width[i] = strlen(report_col_head[i]);
	for (size_t k = 0; k < r->n; k++) {
		ret = report_row(&r->cells[k], rows[k]);
		if (ret)
			goto out;
		for (int i = 0; i < NCOL; i++)
			if (strlen(rows[k][i]) > width[i])
				width[i] = strlen(rows[k][i]);
	}
	text_line(out, (char *const *)report_col_head, width, report_col_right, NCOL);
	for (size_t k = 0; k < r->n; k++)
		text_line(out, rows[k], width, report_col_right, NCOL);
out:
	for (size_t k = 0; k < r->n; k++)
		report_row_free(rows[k]);
	free(rows);
	return ret;
}

/* The whole report in a sentence and a next step, above the table. */
static int headline(const struct report *r, unsigned int width, FILE *out)
{
	struct report_piece p;

	if (!report_piece_open(&p))
		return -ENOMEM;
	if (report_headline(r, p.f)) {
		report_piece_close(&p);
		free(p.s);
		return -ENOMEM;
	}
	if (report_piece_close(&p))
		return -ENOMEM;
	term_fold(out, "", "", p.s, (int)width);
	free(p.s);
	fputc('\n', out);
	return 0;
}

/* Per cell: why (its verdict in words, its chains) and what did not run. */
static int details(const struct report *r, unsigned int width, FILE *out)
{
	bool any = false;

	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		struct advice_in in;
		struct advice a;
		char line[1024];

		if (!c->estale_total && !c->chains.total)
			continue;
		if (!any)
			fputs("\nwhy (kernel layer <- daemon answer <- cause):\n", out);
		any = true;
		report_cell_advice(c, &in, &a);
		advice_sentence(&in, &a, line, sizeof(line));
		term_fold(out, "", "", c->id, (int)width);
		term_fold(out, "  ", "  ", line, (int)width);
		if (c->chains.total) {
			fprintf(out, "  %.1f%% of %" PRIu64 " with a complete chain:\n",
				100.0 * (double)c->chains.complete / (double)c->chains.total, c->chains.total);
			chains_print(&c->chains, out, "    ", (int)width);
		}
	}
	any = false;
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		char *col[NCOL];

		if (report_row(c, col))
			return -ENOMEM;
		if (*col[COL_NOTE]) {
			if (!any)
				fputs("\nnotes:\n", out);
			any = true;
			term_fold(out, "", "", c->id, (int)width);
			term_fold(out, "  ", "  ", col[COL_NOTE], (int)width);
		}
		report_row_free(col);
	}
	any = false;
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (!run_verdict_bad(c->verdict))
			continue;
		if (!any)
			fputs("\nreproduce the failed and error cells:\n", out);
		any = true;
		term_fold(out, "  # ", "  # ", c->id, (int)width);
		term_fold_command(out, "  ", report_str_or(c->repro, "(no repro line)"), (int)width);
	}
	return 0;
}

static void rate_of(char *buf, size_t len, uint64_t k, uint64_t n)
{
	report_pct(buf, len, n ? (double)(k > n ? n : k) / (double)n : 0.0);
}

/* --baseline: the counts, then one line per cell whose rate changed. */
static void baseline_lines(const struct report *r, unsigned int width, FILE *out)
{
	const struct report_baseline *b = r->baseline;
	char line[1024];

	if (!b)
		return;
	snprintf(line, sizeof(line), "against baseline of %s (stalefs %s, kernel %s): %zu up, %zu down, "
		 "%zu same, %zu new, %zu gone", report_str_or(b->started, "?"),
		 report_str_or(b->stalefs, "?"), report_str_or(b->kernel, "?"), b->up, b->down, b->same,
		 b->added, b->gone);
	term_fold(out, "", "  ", line, (int)width);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		char was[32], now[32], p[32];

		if (c->base.change != CHANGE_UP && c->base.change != CHANGE_DOWN &&
		    c->base.change != CHANGE_NEW)
			continue;
		rate_of(now, sizeof(now), c->estale_total, report_cell_calls(c));
		if (c->base.change == CHANGE_NEW) {
			snprintf(line, sizeof(line), "%s: rate %s: new", c->id, now);
		} else {
			rate_of(was, sizeof(was), c->base.estale, c->base.calls);
			if (c->base.p < 1e-16)
				snprintf(p, sizeof(p), "p < 1e-16");
			else
				snprintf(p, sizeof(p), "p = %.2g", c->base.p);
			snprintf(line, sizeof(line), "%s: rate %s -> %s, %s: %s", c->id, was, now, p,
				 report_change_name(c->base.change));
		}
		term_fold(out, "  ", "    ", line, (int)width);
	}
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].matched)
			continue;
		snprintf(line, sizeof(line), "%s: gone (in the baseline, not in this report)", b->v[i].id);
		term_fold(out, "  ", "    ", line, (int)width);
	}
}

/* --history: per cell with a series, its rates oldest first (the last 8). */
static void trend_lines(const struct report *r, unsigned int width, FILE *out)
{
	bool any = false;

	if (!r->history)
		return;
	for (size_t k = 0; k < r->n; k++) {
		const struct history_series *s = history_find(r->history, r->cells[k].key);
		char line[1024], pct[32];
		size_t from, len;

		if (!s || !s->n)
			continue;
		if (!any)
			fputs("\ntrend (ESTALE rate per report, oldest first):\n", out);
		any = true;
		from = s->n > 8 ? s->n - 8 : 0;
		len = (size_t)snprintf(line, sizeof(line), "%s: trend:", r->cells[k].id);
		for (size_t i = from; i < s->n && len < sizeof(line); i++) {
			report_pct(pct, sizeof(pct), s->v[i].rate);
			len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", pct);
		}
		if (len < sizeof(line))
			snprintf(line + len, sizeof(line) - len, " (last %zu of %zu, since %s)", s->n - from,
				 s->n, s->v[from].date);
		term_fold(out, "  ", "    ", line, (int)width);
	}
}

int report_text(const struct report *r, unsigned int width, bool wide, FILE *out)
{
	struct report_totals t;
	struct report_piece p;
	int ret;

	if (width < 40)
		width = 40;
	ret = headline(r, width, out);
	if (!ret)
		baseline_lines(r, width, out);
	if (!ret)
		ret = wide ? wide_table(r, out) : compact_table(r, width, out);
	if (ret)
		return ret;
	report_totals(r, &t);
	if (!report_piece_open(&p))
		return -ENOMEM;
	fputs("total: ", p.f);
	report_totals_line(p.f, &t, "; ");
	if (report_piece_close(&p))
		return -ENOMEM;
	term_fold(out, "", "", p.s, (int)(wide ? (unsigned int)p.len + 1 : width));
	free(p.s);
	ret = details(r, width, out);
	if (ret)
		return ret;
	trend_lines(r, width, out);
	return report_finish(out);
}
