// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs compare`'s table; see compare.h. */
#include "compare.h"

#include <string.h>

#include "json.h"
#include "report.h"

/* Whether two sides agree on what they saw (names: how why calls them). */
static int sides_agree(const struct run_result *a, const char *an, const struct run_result *b,
		       const char *bn, char *why, size_t len)
{
	static const char *const errs[] = { "EBADF", "EIO" };

	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		if (a->status == RUN_CANNOT && b->status == RUN_CANNOT) {
			snprintf(why, len, "neither runs this cell");
			return 1;
		}
		snprintf(why, len, "%s %s, %s %s", an, run_status_name(a->status), bn,
			 run_status_name(b->status));
		return 0;
	}
	if (strcmp(a->effective_mode, b->effective_mode) != 0) {
		snprintf(why, len, "mode: %s ran %s, %s %s", an, a->effective_mode, bn,
			 b->effective_mode);
		return 0;
	}
	if (!a->estale_total != !b->estale_total) {
		snprintf(why, len, "ESTALE in %s only", a->estale_total ? an : bn);
		return 0;
	}
	for (int i = 0; i < 2; i++)
		if (!run_result_errno(a, errs[i]) != !run_result_errno(b, errs[i])) {
			snprintf(why, len, "%s in %s only", errs[i], run_result_errno(a, errs[i]) ? an : bn);
			return 0;
		}
	if (a->mismatches || b->mismatches) {
		snprintf(why, len, "wrong bytes read (%s)", a->mismatches ? an : bn);
		return 0;
	}
	return 1;
}

/* Whether the ESTALE rates' 95% Wilson intervals overlap. */
static bool rates_overlap(const struct run_result *a, const struct run_result *b)
{
	struct report_ci x = report_wilson(a->estale_total, run_result_calls(a));
	struct report_ci y = report_wilson(b->estale_total, run_result_calls(b));

	return x.lo <= y.hi && y.lo <= x.hi;
}

int compare_agree(const struct compare_row *row, char *why, size_t len)
{
	char ab[200] = "", vb[200] = "";
	int ok_ab, ok_vb;

	why[0] = '\0';
	ok_ab = sides_agree(row->a, "stalefs", row->b, "virtiofsd", ab, sizeof(ab));
	if (!row->v || row->v->status == RUN_CANNOT) {
		snprintf(why, len, "%s", ab);
		return ok_ab;
	}
	ok_vb = sides_agree(row->v, "stalefs-virtiofsd", row->b, "virtiofsd", vb, sizeof(vb));
	if (ok_vb && row->v->status == RUN_RAN && row->b->status == RUN_RAN &&
	    !rates_overlap(row->v, row->b)) {
		snprintf(vb, sizeof(vb), "ESTALE rates differ in the same guest (95%% intervals "
			 "apart)");
		ok_vb = 0;
	}
	if (ok_ab && ok_vb) {
		snprintf(why, len, "%s", ab);
		return 1;
	}
	if (row->a->status != RUN_RAN || row->b->status != RUN_RAN || row->v->status != RUN_RAN) {
		/* A side that did not run tells nothing about model or transport. */
		snprintf(why, len, "%s%s%s", ok_ab ? "" : ab, ok_ab || ok_vb ? "" : "; ",
			 ok_vb ? "" : vb);
		return 0;
	}
	if (!ok_ab && ok_vb) {
		/* The model holds behind the same transport: the row agrees. */
		snprintf(why, len, "the model agrees behind virtio-fs; on /dev/fuse %s: the transport "
			 "differs, not the model", ab);
		return 1;
	}
	if (!ok_ab)
		snprintf(why, len, "%s; behind virtio-fs too: %s: the model differs", ab, vb);
	else
		snprintf(why, len, "behind virtio-fs: %s", vb);
	return 0;
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
		fputs(",\"stalefs_virtiofsd\":", f);
		if (rows[i].v)
			compare_side_json(rows[i].v, f);
		else
			fputs("null", f);
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
	char id[512], a[256], b[256], v[256], why[512];
	int disagree = 0;

	if (markdown)
		fputs("| cell | stalefs | virtiofsd | stalefs-virtiofsd | verdict |\n"
		      "|---|---|---|---|---|\n", f);
	for (int i = 0; i < n; i++) {
		int ok = compare_agree(&rows[i], why, sizeof(why));

		disagree += !ok;
		cell_id(rows[i].c, id, sizeof(id));
		compare_side_text(rows[i].a, a, sizeof(a));
		compare_side_text(rows[i].b, b, sizeof(b));
		if (rows[i].v)
			compare_side_text(rows[i].v, v, sizeof(v));
		else
			snprintf(v, sizeof(v), "not built (libfuse older than 3.13)");
		if (markdown)
			fprintf(f, "| %s | %s | %s | %s | %s%s%s |\n", id, a, b, v,
				ok ? "agree" : "DISAGREE", why[0] ? ": " : "", why);
		else
			fprintf(f, "%s\n  stalefs:           %s\n  virtiofsd:         %s\n"
				"  stalefs-virtiofsd: %s\n  %s%s%s\n", id, a, b, v,
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
