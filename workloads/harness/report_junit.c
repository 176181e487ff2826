// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs report --format junit`: JUnit XML, a testcase per cell; see report.h. */
#include "report.h"
#include "report_render.h"

#include "build_config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "cellline.h"
#include "json.h"
#include "jsonv.h"

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
	expects = c->params.expect != EXPECT_ANY;
	if (report_cell_empty(c))
		msg = report_strf("%s", col[COL_NOTE]);
	else
		msg = report_strf("%s surfaced ESTALE in %s calls%s%s%s, %s integrity mismatches%s%s%s%s",
			   col[COL_ESTALE], col[COL_CALLS], strcmp(col[COL_RATE], "-") ? " (" : "",
			   strcmp(col[COL_RATE], "-") ? col[COL_RATE] : "",
			   strcmp(col[COL_RATE], "-") ? ")" : "", col[COL_MISM],
			   expects ? ", expected " : "", expects ? cell_expect_name(c->params.expect) : "",
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
	fputs("\" type=\"failed\">", f);
	xml_put(f, body);
	fputs("</failure>\n", f);
	free(msg);
	free(body);
	return 0;
}

/* <property name="name" value="value"/> */
static void junit_property(FILE *f, const char *indent, const char *name, const char *value)
{
	fprintf(f, "%s<property name=\"", indent);
	xml_put(f, name);
	fputs("\" value=\"", f);
	xml_put(f, value);
	fputs("\"/>\n", f);
}

/* The distinct non-empty values of a field over the cells, joined by ", ". */
static char *distinct(const struct report *r, size_t field_off)
{
	struct report_piece p;

	if (!report_piece_open(&p))
		return NULL;
	for (size_t k = 0; k < r->n; k++) {
		const char *v = (const char *)&r->cells[k].origin + field_off;
		bool seen = false;

		for (size_t j = 0; j < k && !seen; j++)
			seen = strcmp((const char *)&r->cells[j].origin + field_off, v) == 0;
		if (*v && !seen)
			fprintf(p.f, "%s%s", ftell(p.f) ? ", " : "", v);
	}
	return report_piece_close(&p) ? NULL : p.s;
}

/* The suite's properties: the stalefs that made the report and the
 * kernels the cells ran on. */
static int junit_properties(FILE *f, const struct report *r)
{
	char *kernels = distinct(r, offsetof(struct json_origin, kernel));

	if (!kernels)
		return -ENOMEM;
	fputs("    <properties>\n", f);
	junit_property(f, "      ", "stalefs", STALEFS_VERSION);
	junit_property(f, "      ", "kernel", report_str_or(kernels, r->made.kernel));
	fputs("    </properties>\n", f);
	free(kernels);
	return 0;
}

/* The default cell's params, parsed (NULL when out of memory). */
static struct jv *default_params(void)
{
	struct report_piece p;
	struct cell dflt;
	char why[128];
	struct jv *v;

	cell_default(&dflt);
	if (!report_piece_open(&p)) {
		cell_free(&dflt);
		return NULL;
	}
	cell_line_params_write(&dflt, p.f);
	cell_free(&dflt);
	if (report_piece_close(&p))
		return NULL;
	v = jv_parse(p.s, p.len, why, sizeof(why));
	free(p.s);
	return v;
}

/* A testcase's properties: its backend and the params that differ from the
 * defaults (the JSON report has them all). */
static int junit_cell_properties(FILE *f, const struct report_cell *c, const struct jv *dflt)
{
	char why[128];
	struct jv *v = jv_parse(c->params_json, strlen(c->params_json), why, sizeof(why));
	int ret = 0;

	fputs("      <properties>\n", f);
	junit_property(f, "        ", "backend", c->backend);
	if (c->base.change != CHANGE_NONE) {
		char ph[256];

		report_change_phrase(ph, sizeof(ph), c);
		junit_property(f, "        ", "baseline", ph);
	}
	for (size_t i = 0; v && v->type == JV_OBJ && i < v->n; i++) {
		const struct jv *x = &v->items[i], *d = jv_get(dflt, v->keys[i]);
		struct report_piece val;

		if (d && report_jv_equal(x, d))
			continue;
		if (!report_piece_open(&val)) {
			ret = -ENOMEM;
			break;
		}
		if (x->type == JV_STR)
			fputs(x->str, val.f);
		else if (x->type == JV_NUM)
			json_put_number(val.f, x->num, 10);
		else if (x->type == JV_BOOL)
			fputs(x->b ? "true" : "false", val.f);
		else if (x->type == JV_ARR)
			for (size_t j = 0; j < x->n; j++)
				fprintf(val.f, "%s%s", j ? " ; " : "", jv_str(&x->items[j], "?"));
		if (report_piece_close(&val)) {
			ret = -ENOMEM;
			break;
		}
		junit_property(f, "        ", v->keys[i], val.s);
		free(val.s);
	}
	jv_free(v);
	fputs("      </properties>\n", f);
	return ret;
}

/* The earliest cell start, or the report's own time. */
static const char *junit_timestamp(const struct report *r)
{
	const char *t = NULL;

	for (size_t k = 0; k < r->n; k++) {
		const char *s = r->cells[k].origin.started;

		if (*s && (!t || strcmp(s, t) < 0))
			t = s;
	}
	return t ? t : r->made.started;
}

/* <error>: the harness stopped (status error, timeout, interrupted). */
static void junit_error(FILE *f, const struct report_cell *c)
{
	fputs("      <error message=\"", f);
	xml_put(f, report_str_or(c->status, "error"));
	if (*c->reason) {
		fputs(": ", f);
		xml_put(f, c->reason);
	}
	fputs("\" type=\"", f);
	xml_put(f, report_str_or(c->status, "error"));
	fputs("\">repro: ", f);
	xml_put(f, report_str_or(c->repro, "-"));
	fputs("\n</error>\n", f);
}

int report_junit(const struct report *r, const char *title, FILE *out)
{
	struct report_totals t;
	char *attrs, *hosts, stamp[32];
	struct jv *dflt;
	int ret = -ENOMEM;

	report_totals(r, &t);
	attrs = report_strf("tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\"",
			    t.cells, t.failed, t.errored, t.skipped, t.duration_s);
	hosts = distinct(r, offsetof(struct json_origin, host));
	if (!attrs || !hosts) {
		free(attrs);
		free(hosts);
		return -ENOMEM;
	}
	/* JUnit's timestamp is ISO 8601 without a zone: the cells' is UTC. */
	snprintf(stamp, sizeof(stamp), "%s", junit_timestamp(r));
	if (*stamp && stamp[strlen(stamp) - 1] == 'Z')
		stamp[strlen(stamp) - 1] = '\0';
	title = title ? title : REPORT_DEFAULT_TITLE;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
	xml_put(out, title);
	fprintf(out, "\" %s>\n  <testsuite name=\"", attrs);
	xml_put(out, title);
	fprintf(out, "\" %s timestamp=\"", attrs);
	xml_put(out, stamp);
	fputs("\" hostname=\"", out);
	xml_put(out, report_str_or(hosts, report_str_or(r->made.host, "localhost")));
	fputs("\">\n", out);
	free(attrs);
	free(hosts);
	dflt = default_params();
	if (!dflt || junit_properties(out, r))
		goto out;
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		struct report_piece sum;

		fputs("    <testcase classname=\"stalefs.matrix\" name=\"", out);
		xml_put(out, c->id);
		fprintf(out, "\" time=\"%.3f\">\n", c->duration_s);
		if (junit_cell_properties(out, c, dflt))
			goto out;
		if (c->verdict == VERDICT_FAILED) {
			if (junit_failure(out, c))
				goto out;
		} else if (c->verdict == VERDICT_ERROR) {
			junit_error(out, c);
		} else if (c->verdict == VERDICT_SKIPPED) {
			fputs("      <skipped message=\"", out);
			xml_put(out, report_str_or(c->reason, report_str_or(c->status, "skipped")));
			fputs("\"/>\n", out);
		}
		if (!report_piece_open(&sum))
			goto out;
		if (report_cell_summary(c, sum.f)) {
			report_piece_close(&sum);
			free(sum.s);
			goto out;
		}
		if (report_piece_close(&sum))
			goto out;
		fputs("      <system-out>", out);
		xml_put(out, sum.s);
		fputs("</system-out>\n    </testcase>\n", out);
		free(sum.s);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	ret = report_finish(out);
out:
	jv_free(dflt);
	return ret;
}
