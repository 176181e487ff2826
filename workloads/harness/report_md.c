// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs report --format markdown`: GitHub Markdown kept under a size limit; see report.h. */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void md_row(FILE *f, char *const col[NCOL])
{
	fputc('|', f);
	for (int i = 0; i < NCOL; i++) {
		fputc(' ', f);
		report_md_put(f, col[i]);
		fputs(" |", f);
	}
	fputc('\n', f);
}

static int md_perop(FILE *f, const struct report *r)
{
	bool any = false;

	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		struct report_item *it;
		size_t n;

		if (!c->estale_total && !report_counts_sum(&c->estale))
			continue;
		it = calloc(c->estale.n + 1, sizeof(*it));
		if (!it)
			return -ENOMEM;
		if (!any) {
			fputs("\n### Per operation\n\n| cell | op | ESTALE | calls | rate [95% CI] |\n"
			      "|---|---|--:|--:|---|\n", f);
			any = true;
		}
		n = report_counts_items(it, 0, NULL, &c->estale);
		qsort(it, n, sizeof(*it), report_item_cmp);
		for (size_t i = 0; i < n; i++) {
			uint64_t calls = report_counts_get(&c->calls, it[i].a);
			char rate[128];

			report_rate_ci(rate, sizeof(rate), it[i].n, calls);
			fputs("| ", f);
			report_md_put(f, c->id);
			fputs(" | ", f);
			report_md_put(f, it[i].a);
			fprintf(f, " | %" PRIu64 " | %" PRIu64 " | %s |\n", it[i].n, calls, rate);
		}
		free(it);
	}
	report_chains_section(f, r, true);
	return 0;
}

/* What a row is kept for when the table is cut: 0 failed or error, 1
 * estale, 2 the rest. */
static int md_class(const struct report_cell *c)
{
	return run_verdict_bad(c->verdict) ? 0 : c->verdict == VERDICT_ESTALE ? 1 : 2;
}

/* Cells in the chart, and the characters of a label (the rest of an id is
 * cut: Mermaid's quoted labels end at a quote). */
#define MD_CHART_MAX 30
#define MD_LABEL_MAX 28

/* A chart GitHub draws itself (Mermaid xychart-beta): each cell's surfaced
 * ESTALE rate in percent, the first MD_CHART_MAX cells with calls. */
static void md_chart(FILE *f, const struct report *r)
{
	size_t n = 0, shown = 0;
	double top = 0;

	for (size_t k = 0; k < r->n; k++) {
		uint64_t calls = report_cell_calls(&r->cells[k]);

		if (!calls)
			continue;
		n++;
		if (shown < MD_CHART_MAX && 100.0 * (double)r->cells[k].estale_total / (double)calls > top)
			top = 100.0 * (double)r->cells[k].estale_total / (double)calls;
		shown += shown < MD_CHART_MAX;
	}
	if (!shown)
		return;
	fputs("```mermaid\nxychart-beta\n  title \"ESTALE rate per cell (%)\"\n  x-axis [", f);
	for (size_t k = 0, i = 0; k < r->n && i < shown; k++) {
		const char *id = r->cells[k].id;
		size_t len = strlen(id);

		if (!report_cell_calls(&r->cells[k]))
			continue;
		fputs(i++ ? ", \"" : "\"", f);
		/* The id's end says most (the workload, the version): keep it. */
		if (len > MD_LABEL_MAX) {
			fputs("..", f);
			id += len - (MD_LABEL_MAX - 2);
		}
		for (; *id; id++)
			fputc(strchr("\"\\[]`", *id) || (unsigned char)*id < 0x20 ? '_' : *id, f);
		fputc('"', f);
	}
	fprintf(f, "]\n  y-axis \"ESTALE %%\" 0 --> %.3g\n  bar [", top > 0 ? top * 1.1 : 1.0);
	for (size_t k = 0, i = 0; k < r->n && i < shown; k++) {
		uint64_t calls = report_cell_calls(&r->cells[k]);

		if (calls)
			fprintf(f, "%s%.4g", i++ ? ", " : "",
				100.0 * (double)r->cells[k].estale_total / (double)calls);
	}
	fputs("]\n```\n", f);
	if (n > shown)
		fprintf(f, "\n(the chart shows the first %zu of %zu cells that ran)\n", shown, n);
	fputc('\n', f);
}

int report_markdown(const struct report *r, const char *title, size_t max, FILE *out)
{
	static const char repro_head[] = "\n### Reproduce\n\n```sh\n", repro_tail[] = "```\n";
	struct report_piece head, perop, *rows = NULL, *repro = NULL;
	bool *keep = NULL;
	size_t total, shown = r->n, reserve = 256;
	bool drop_perop = false, any_fail = false;
	struct report_totals t;
	int ret = -ENOMEM;

	memset(&head, 0, sizeof(head));
	memset(&perop, 0, sizeof(perop));
	rows = calloc(r->n + 1, sizeof(*rows));
	repro = calloc(r->n + 1, sizeof(*repro));
	keep = calloc(r->n + 1, sizeof(*keep));
	if (!rows || !repro || !keep)
		goto out;
	report_totals(r, &t);
	if (!report_piece_open(&head))
		goto out;
	fputs("## ", head.f);
	report_md_put(head.f, title ? title : REPORT_DEFAULT_TITLE);
	fputs("\n\n", head.f);
	report_totals_line(head.f, &t, "; ");
	fputs(".\n\n", head.f);
	if (report_headline(r, head.f)) {
		report_piece_close(&head);
		goto out;
	}
	fputs("\n\n", head.f);
	md_chart(head.f, r);
	report_baseline_md(head.f, r);
	md_row(head.f, (char *const *)report_col_head);
	fputc('|', head.f);
	for (int i = 0; i < NCOL; i++)
		fputs(report_col_right[i] ? "--:|" : "---|", head.f);
	fputc('\n', head.f);
	if (report_piece_close(&head))
		goto out;
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		char *col[NCOL];

		if (report_row(c, col))
			goto out;
		if (!report_piece_open(&rows[k])) {
			report_row_free(col);
			goto out;
		}
		md_row(rows[k].f, col);
		report_row_free(col);
		if (report_piece_close(&rows[k]))
			goto out;
		if (!run_verdict_bad(c->verdict))
			continue;
		any_fail = true;
		if (!report_piece_open(&repro[k]))
			goto out;
		/* The id as a shell comment, kept on its line. */
		fputs("# ", repro[k].f);
		report_md_put(repro[k].f, c->id);
		fprintf(repro[k].f, "\n%s\n", report_str_or(c->repro, "(no repro line)"));
		if (report_piece_close(&repro[k]))
			goto out;
	}
	if (!report_piece_open(&perop))
		goto out;
	if (md_perop(perop.f, r)) {
		report_piece_close(&perop);
		goto out;
	}
	if (report_piece_close(&perop))
		goto out;

	total = head.len + perop.len;
	for (size_t k = 0; k < r->n; k++)
		total += rows[k].len + repro[k].len;
	if (any_fail)
		total += sizeof(repro_head) + sizeof(repro_tail);
	if (total > max) {
		size_t used = head.len + reserve;
		bool fail_seen = false, full = false;

		drop_perop = perop.len > 0;
		total -= perop.len;
		if (total + reserve > max) {
			/* Rows by what matters: failed and error (with their repro
			 * lines), then estale, then the rest; shown in their order. */
			shown = 0;
			for (int pass = 0; pass < 3 && !full; pass++) {
				for (size_t k = 0; k < r->n; k++) {
					size_t add = rows[k].len + repro[k].len;

					if (md_class(&r->cells[k]) != pass)
						continue;
					if (repro[k].len && !fail_seen)
						add += sizeof(repro_head) + sizeof(repro_tail);
					if (used + add > max) {
						full = true;
						break;
					}
					used += add;
					fail_seen |= repro[k].len > 0;
					keep[k] = true;
					shown++;
				}
			}
		}
	}
	if (shown == r->n)
		memset(keep, 1, r->n * sizeof(*keep));

	fwrite(head.s, 1, head.len, out);
	for (size_t k = 0; k < r->n; k++)
		if (keep[k])
			fwrite(rows[k].s, 1, rows[k].len, out);
	if (!drop_perop)
		fwrite(perop.s, 1, perop.len, out);
	any_fail = false;
	for (size_t k = 0; k < r->n; k++) {
		if (!keep[k] || !repro[k].len)
			continue;
		if (!any_fail)
			fputs(repro_head, out);
		any_fail = true;
		fwrite(repro[k].s, 1, repro[k].len, out);
	}
	if (any_fail)
		fputs(repro_tail, out);
	if (drop_perop || shown < r->n) {
		fprintf(out, "\n_Truncated to stay under 1 MiB:");
		if (drop_perop)
			fprintf(out, " per-operation detail left out%s", shown < r->n ? ";" : ".");
		if (shown < r->n)
			fprintf(out, " %zu of %zu rows left out (failed and error cells kept first, then "
				"estale; all are in the other formats).", r->n - shown, r->n);
		fputs("_\n", out);
	}
	ret = report_finish(out);
out:
	free(head.s);
	free(perop.s);
	for (size_t k = 0; rows && k < r->n; k++)
		free(rows[k].s);
	for (size_t k = 0; repro && k < r->n; k++)
		free(repro[k].s);
	free(rows);
	free(repro);
	free(keep);
	return ret;
}
