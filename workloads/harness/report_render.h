/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to `stalefs report`: what the renderers (report_text.c,
 * report_md.c, report_junit.c, report_json.c) share with each other and
 * with the reader (report.c): a cell as a table row of strings, totals,
 * rates with their interval, sorted name/count items, text built in
 * memory, Markdown escaping and the cause-chain section.
 */
#ifndef STALEFS_REPORT_RENDER_H
#define STALEFS_REPORT_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "advice.h"
#include "report.h"

/* The columns of a cell's row. */
enum {
	COL_CELL, COL_MODE, COL_VERDICT, COL_CALLS, COL_ESTALE, COL_RATE, COL_BYOP,
	COL_ERRNOS, COL_MISM, COL_ATTR, COL_EMIT, COL_OPS, COL_NOTE, NCOL
};

extern const char *const report_col_head[NCOL];
extern const bool report_col_right[NCOL];

/* One name and its count (label "a b" or "a"), in first-seen order ord. */
struct report_item {
	const char *a, *b;	/* label: "a b" or "a" */
	uint64_t n;
	size_t ord;
};

/* Text rendered into memory, to be measured before it is written. */
struct report_piece {
	char *s;
	size_t len;
	FILE *f;
};

/* s, or dflt when s is NULL or "". */
const char *report_str_or(const char *s, const char *dflt);
/* A malloc'ed string; NULL when out of memory. */
char *report_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* report.c: a count by name (0 when missing), the sum. */
uint64_t report_counts_get(const struct report_counts *c, const char *key);
uint64_t report_counts_sum(const struct report_counts *c);

/* "13.7% [13.1%, 14.2%]" for k of n; "-" when n is 0. */
void report_rate_ci(char *buf, size_t len, uint64_t k, uint64_t n);
/* qsort order: the largest count first, then first seen. */
int report_item_cmp(const void *x, const void *y);
/* Append c's non-zero counts to it from index k (labelled "prefix key" when
 * prefix is given); the new number of items. */
size_t report_counts_items(struct report_item *it, size_t k, const char *prefix,
			   const struct report_counts *c);
/* Nothing to count: the cell did not run (or ran nothing). */
bool report_cell_empty(const struct report_cell *c);
/* The cell's row, every column malloc'ed ("-" when the cell is empty). 0
 * or -ENOMEM (then nothing is left to free). */
int report_row(const struct report_cell *c, char *col[NCOL]);
void report_row_free(char *col[NCOL]);
/* "N cells: A clean, B estale, C failed, D skipped, E error<sep>N surfaced ESTALE in N calls (rate)<sep>..." */
void report_totals_line(FILE *f, const struct report_totals *t, const char *sep);
/* Flush out: 0, or -EIO when it failed. */
int report_finish(FILE *out);
/* s escaped for HTML text and attribute values. */
void report_html_put(FILE *f, const char *s);
/* A rate-over-time chart of n points (oldest first), as inline SVG: a
 * <g class="trend" data-cell> with a <circle data-date data-rate> a point. */
void report_svg_trend(FILE *f, const char *cell, const char *const *dates, const double *rate,
		      const double *lo, const double *hi, size_t n, unsigned int width, unsigned int height);

/* NULL when out of memory. */
FILE *report_piece_open(struct report_piece *p);
/* 0, or -ENOMEM (p->s freed). */
int report_piece_close(struct report_piece *p);

/* Two JSON values are the same (object keys in the same order). */
bool report_jv_equal(const struct jv *a, const struct jv *b);

/* What advice.h is told about a cell, and what it says. */
void report_cell_advice(const struct report_cell *c, struct advice_in *in, struct advice *a);
/* The whole report in one paragraph (no newline): the worst verdict, how
 * many cells saw ESTALE, who made it and what to try (advice.h). 0 or -ENOMEM. */
int report_headline(const struct report *r, FILE *f);

/* Markdown table cell text: '|' escaped, line breaks as blanks. */
void report_md_put(FILE *f, const char *s);
/* Each cell's cause chains, biggest first; md: as a Markdown section. */
void report_chains_section(FILE *f, const struct report *r, bool md);

/* report_baseline.c: --baseline as a small Markdown table (nothing without
 * one), and a cell's change as one phrase: "up (0.5% -> 12%, p = 1e-20)". */
void report_baseline_md(FILE *f, const struct report *r);
void report_change_phrase(char *buf, size_t len, const struct report_cell *c);

#endif
