// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs report --format text`: an aligned table, the totals, the why
 * section and the failing cells' repro lines; see report.h. */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void put_padded(FILE *f, const char *s, size_t width, bool right)
{
	size_t len = strlen(s);

	if (right)
		fprintf(f, "%*s%s", (int)(width - len), "", s);
	else
		fprintf(f, "%s%*s", s, (int)(width - len), "");
}

/* One table line; trailing blanks are not written. */
static void text_line(FILE *f, char *const col[NCOL], const size_t width[NCOL])
{
	int last = NCOL - 1;

	while (last > 0 && !*col[last])
		last--;
	for (int i = 0; i <= last; i++) {
		if (i)
			fputs("  ", f);
		put_padded(f, col[i], i == last && !report_col_right[i] ? strlen(col[i]) : width[i],
			   report_col_right[i]);
	}
	fputc('\n', f);
}

int report_text(const struct report *r, FILE *out)
{
	struct report_totals t;
	size_t width[NCOL];
	char *(*rows)[NCOL];
	bool any_fail = false;
	int ret = 0;

	rows = calloc(r->n ? r->n : 1, sizeof(*rows));
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
	text_line(out, (char *const *)report_col_head, width);
	for (size_t k = 0; k < r->n; k++)
		text_line(out, rows[k], width);
	report_totals(r, &t);
	fputs("total: ", out);
	report_totals_line(out, &t, "; ");
	fputc('\n', out);
	report_chains_section(out, r, false);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (c->verdict != REPORT_FAIL)
			continue;
		if (!any_fail)
			fputs("\nreproduce the failing cells:\n", out);
		any_fail = true;
		fprintf(out, "  # %s\n  %s\n", c->id, report_str_or(c->repro, "(no repro line)"));
	}
	ret = report_finish(out);
out:
	for (size_t k = 0; k < r->n; k++)
		report_row_free(rows[k]);
	free(rows);
	return ret;
}
