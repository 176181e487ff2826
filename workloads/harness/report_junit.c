// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs report --format junit`: JUnit XML, a testcase per cell; see report.h. */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* XML text or attribute value: & < > " ' escaped; control bytes and bytes
 * that are not UTF-8 become '?', so the document always parses. */
static void xml_put(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned char ch = *s;
		int more = ch >= 0xf0 && ch < 0xf5 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc2 ? 1 : 0;

		if (ch >= 0x80) {
			int i;

			if (ch >= 0xf5)
				more = 0;
			for (i = 1; i <= more && (s[i] & 0xc0) == 0x80; i++)
				;
			if (!more || i <= more) {
				fputc('?', f);
				s++;
				continue;
			}
			fwrite(s, 1, more + 1, f);
			s += more + 1;
			continue;
		}
		switch (ch) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': case '\n': case '\r': fputc(ch, f); break;
		default: fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f); break;
		}
		s++;
	}
}

static int junit_failure(FILE *f, const struct report_cell *c)
{
	char *col[NCOL];
	char *msg, *body;
	bool expects;

	if (report_row(c, col))
		return -ENOMEM;
	/* "any" is the default: it expects nothing worth saying. */
	expects = *c->params.expect && strcmp(c->params.expect, "any") != 0;
	if (report_cell_empty(c))
		msg = report_strf("%s", col[COL_NOTE]);
	else
		msg = report_strf("%s surfaced ESTALE in %s calls%s%s%s, %s integrity mismatches%s%s%s%s",
			   col[COL_ESTALE], col[COL_CALLS], strcmp(col[COL_RATE], "-") ? " (" : "",
			   strcmp(col[COL_RATE], "-") ? col[COL_RATE] : "",
			   strcmp(col[COL_RATE], "-") ? ")" : "", col[COL_MISM],
			   expects ? ", expected " : "", expects ? c->params.expect : "",
			   *col[COL_NOTE] ? "; " : "", col[COL_NOTE]);
	body = report_strf("status: %s\nmode: %s\nsurfaced ESTALE: %s of %s calls, %s\nby op: %s\n"
		    "other errnos: %s\nintegrity mismatches: %s\nattribution: %s\n"
		    "emitted/masked: %s\nfaults fired: %" PRIu64 "\nreps ran: %" PRIu64 " of %" PRIu64
		    "\nrepro: %s\n",
		    report_str_or(c->status, "-"), col[COL_MODE], col[COL_ESTALE], col[COL_CALLS],
		    col[COL_RATE], report_str_or(col[COL_BYOP], "-"), report_str_or(col[COL_ERRNOS], "-"),
		    col[COL_MISM], report_str_or(col[COL_ATTR], "-"), col[COL_EMIT], c->faults_fired,
		    c->reps_ran, c->reps, report_str_or(c->repro, "-"));
	report_row_free(col);
	if (!msg || !body) {
		free(msg);
		free(body);
		return -ENOMEM;
	}
	fputs("      <failure message=\"", f);
	xml_put(f, msg);
	fputs("\" type=\"fail\">", f);
	xml_put(f, body);
	fputs("</failure>\n", f);
	free(msg);
	free(body);
	return 0;
}

int report_junit(const struct report *r, const char *title, FILE *out)
{
	struct report_totals t;
	char *attrs;

	report_totals(r, &t);
	attrs = report_strf("tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\"",
		     t.cells, t.failed, t.skipped, t.duration_s);
	if (!attrs)
		return -ENOMEM;
	title = title ? title : REPORT_DEFAULT_TITLE;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
	xml_put(out, title);
	fprintf(out, "\" %s>\n  <testsuite name=\"", attrs);
	xml_put(out, title);
	fprintf(out, "\" %s>\n", attrs);
	free(attrs);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		struct report_piece sum;

		fputs("    <testcase classname=\"stalefs.matrix\" name=\"", out);
		xml_put(out, c->id);
		fprintf(out, "\" time=\"%.3f\">\n", c->duration_s);
		if (c->verdict == REPORT_FAIL) {
			if (junit_failure(out, c))
				return -ENOMEM;
		} else if (c->verdict == REPORT_SKIP) {
			fputs("      <skipped message=\"", out);
			xml_put(out, report_str_or(c->reason, report_str_or(c->status, "skipped")));
			fputs("\"/>\n", out);
		}
		if (!report_piece_open(&sum))
			return -ENOMEM;
		if (report_cell_summary(c, sum.f)) {
			report_piece_close(&sum);
			free(sum.s);
			return -ENOMEM;
		}
		if (report_piece_close(&sum))
			return -ENOMEM;
		fputs("      <system-out>", out);
		xml_put(out, sum.s);
		fputs("</system-out>\n    </testcase>\n", out);
		free(sum.s);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	return report_finish(out);
}
