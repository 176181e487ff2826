// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs compare`'s table; see compare.h. */
#include "compare.h"

#include <string.h>

#include "json.h"
#include "report.h"

int compare_agree(const struct compare_row *row, char *why, size_t len)
{
	const struct run_result *a = row->a, *b = row->b;
	static const char *const errs[] = { "EBADF", "EIO" };

	why[0] = '\0';
	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		if (a->status == RUN_CANNOT && b->status == RUN_CANNOT) {
			snprintf(why, len, "neither runs this cell");
			return 1;
		}
		snprintf(why, len, "stalefs %s, virtiofsd %s", run_status_name(a->status),
			 run_status_name(b->status));
		return 0;
	}
	if (strcmp(a->effective_mode, b->effective_mode) != 0) {
		snprintf(why, len, "mode: stalefs ran %s, virtiofsd %s", a->effective_mode,
			 b->effective_mode);
		return 0;
	}
	if (!a->estale_total != !b->estale_total) {
		snprintf(why, len, "ESTALE in one only");
		return 0;
	}
	for (int i = 0; i < 2; i++)
		if (!run_result_errno(a, errs[i]) != !run_result_errno(b, errs[i])) {
			snprintf(why, len, "%s in one only", errs[i]);
			return 0;
		}
	if (a->mismatches || b->mismatches) {
		snprintf(why, len, "wrong bytes read");
		return 0;
	}
	return 1;
}

static void compare_side_text(const struct run_result *r, char *buf, size_t len)
{
	struct report_ci ci;
	char lo[16], hi[16], rate[16];

	if (r->status != RUN_RAN) {
		snprintf(buf, len, "%s", run_status_name(r->status));
		return;
	}
	ci = report_wilson(r->estale_total, run_result_calls(r));
	report_pct(rate, sizeof(rate),
		   run_result_calls(r) ? (double)r->estale_total / run_result_calls(r) : 0);
	report_pct(lo, sizeof(lo), ci.lo);
	report_pct(hi, sizeof(hi), ci.hi);
	snprintf(buf, len, "%s: %llu/%llu ESTALE %s [%s, %s], EBADF %llu, EIO %llu, bad bytes %llu",
		 r->effective_mode, (unsigned long long)r->estale_total,
		 (unsigned long long)run_result_calls(r), rate, lo, hi,
		 (unsigned long long)run_result_errno(r, "EBADF"), (unsigned long long)run_result_errno(r, "EIO"),
		 (unsigned long long)r->mismatches);
}

static void compare_side_json(const struct run_result *r, FILE *f)
{
	struct report_ci ci = report_wilson(r->estale_total, run_result_calls(r));

	fprintf(f, "{\"status\":\"%s\",\"reason\":", run_status_name(r->status));
	json_put_string(f, r->reason);
	fputs(",\"effective_mode\":", f);
	json_put_string(f, r->effective_mode);
	fprintf(f, ",\"calls\":%llu,\"estale\":%llu,\"ci95\":[%.6f,%.6f],\"ebadf\":%llu,"
		"\"eio\":%llu,\"mismatches\":%llu,\"emitted\":%llu}",
		(unsigned long long)run_result_calls(r), (unsigned long long)r->estale_total, ci.lo, ci.hi,
		(unsigned long long)run_result_errno(r, "EBADF"), (unsigned long long)run_result_errno(r, "EIO"),
		(unsigned long long)r->mismatches, (unsigned long long)r->attrib.emitted);
}

static int compare_table_json(const struct compare_row *rows, int n, FILE *f)
{
	char id[512], why[256];
	int disagree = 0;

	fputs("{\"rows\":[", f);
	for (int i = 0; i < n; i++) {
		int ok = compare_agree(&rows[i], why, sizeof(why));

		disagree += !ok;
		cell_id(rows[i].c, id, sizeof(id));
		fputs(i ? ",{\"cell\":" : "{\"cell\":", f);
		json_put_string(f, id);
		fputs(",\"stalefs\":", f);
		compare_side_json(rows[i].a, f);
		fputs(",\"virtiofsd\":", f);
		compare_side_json(rows[i].b, f);
		fprintf(f, ",\"agree\":%s,\"why\":", ok ? "true" : "false");
		json_put_string(f, why);
		fputc('}', f);
	}
	fprintf(f, "],\"cells\":%d,\"disagree\":%d}\n", n, disagree);
	return disagree;
}

/* Text: a block per cell; markdown: a row per cell. Then the totals. */
static int compare_table_text(const struct compare_row *rows, int n, bool markdown, FILE *f)
{
	char id[512], a[256], b[256], why[256];
	int disagree = 0;

	if (markdown)
		fputs("| cell | stalefs | virtiofsd | verdict |\n|---|---|---|---|\n", f);
	for (int i = 0; i < n; i++) {
		int ok = compare_agree(&rows[i], why, sizeof(why));

		disagree += !ok;
		cell_id(rows[i].c, id, sizeof(id));
		compare_side_text(rows[i].a, a, sizeof(a));
		compare_side_text(rows[i].b, b, sizeof(b));
		if (markdown)
			fprintf(f, "| %s | %s | %s | %s%s%s |\n", id, a, b, ok ? "agree" : "DISAGREE",
				why[0] ? ": " : "", why);
		else
			fprintf(f, "%s\n  stalefs:   %s\n  virtiofsd: %s\n  %s%s%s\n", id, a, b,
				ok ? "agree" : "DISAGREE", why[0] ? ": " : "", why);
	}
	fprintf(f, "%s%d cells, %d agree, %d disagree\n", markdown ? "\n" : "", n, n - disagree,
		disagree);
	return disagree;
}

int compare_table(const struct compare_row *rows, int n, int format, FILE *f)
{
	if (format == COMPARE_JSON)
		return compare_table_json(rows, n, f);
	return compare_table_text(rows, n, format == COMPARE_MARKDOWN, f);
}
