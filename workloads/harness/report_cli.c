// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs report [--format text|markdown|junit|json|html] [--wide] [--out FILE] [--title T]
 *                [--baseline FILE] [--history FILE] [--fail-on-change none|up|down|any] FILE...
 *
 * Merges the cell files of `stalefs run` and `stalefs matrix` (JSON lines;
 * FILE "-" is stdin) and writes one report to FILE or stdout. The text is
 * as wide as $COLUMNS, else the terminal on stdout, else 120 columns.
 * Exit codes: 0 report written and no cell failed, 1 report written and
 * some cell's verdict is failed or error (or no cell in the input), 2 usage
 * or unreadable/malformed input.
 */
#include "report.h"
#include "term.h"
#include "exitcode.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "history.h"

#define PROG "stalefs report"

enum { R_FORMAT = 1, R_OUT, R_TITLE, R_WIDE, R_BASELINE, R_HISTORY, R_FAIL_ON };

static const struct opt report_opts[] = {
	{ R_FORMAT, "format", OPT_CHOICE, "F", "text", .choices = "text|markdown|md|junit|json|html",
	  .help = "text for people, GitHub Markdown, JUnit XML, one JSON document or an HTML page with charts" },
	{ R_OUT, "out", OPT_STR, "FILE", "stdout", .help = "write the report here" },
	{ R_TITLE, "title", OPT_STR, "T", "\"" REPORT_DEFAULT_TITLE "\"",
	  .help = "the Markdown heading and the JUnit suite" },
	{ R_WIDE, "wide", OPT_FLAG, NULL, NULL,
	  .help = "text: every column (errnos, attribution, ops/s...), however wide" },
	{ R_BASELINE, "baseline", OPT_STR, "FILE", NULL,
	  .help = "compare each cell's ESTALE rate with FILE's (report --format json): up, down, same, new, gone" },
	{ R_HISTORY, "history", OPT_STR, "FILE", NULL,
	  .help = "append this report's cells to FILE (history/1 lines) and show each cell's trend" },
	{ R_FAIL_ON, "fail-on-change", OPT_CHOICE, "C", "none", .choices = "none|up|down|any",
	  .help = "exit 1 when some cell's rate went up (down, either way) against --baseline" },
};

/* --history: append r's cells, then read the whole file back into h. */
static int history_update(struct report *r, struct history *h, const char *path)
{
	char err[512];
	FILE *f = fopen(path, "a+e");
	int ret;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -errno;
	}
	ret = history_append(r, f);
	if (ret) {
		fprintf(stderr, PROG ": writing %s: %s\n", path, strerror(-ret));
		fclose(f);
		return ret;
	}
	rewind(f);
	ret = history_read(h, f, path, err, sizeof(err));
	fclose(f);
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err);
		return ret;
	}
	if (h->torn)
		fprintf(stderr, PROG ": %s: a torn line (a writer killed mid-line?): skipped\n", path);
	r->history = h;
	return 0;
}

static int baseline_load(struct report *r, struct report_baseline *b, const char *path)
{
	char err[512];
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -errno;
	}
	ret = report_baseline_read(b, f, path, err, sizeof(err));
	fclose(f);
	if (ret) {
		fprintf(stderr, PROG ": %s\n", err);
		return ret;
	}
	ret = report_baseline_compare(r, b);
	if (ret) {
		fprintf(stderr, PROG ": out of memory\n");
		return ret;
	}
	r->baseline = b;
	return 0;
}

static int read_input(struct report *r, const char *path)
{
	size_t torn = r->torn;
	char err[512];
	FILE *f;
	int ret;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "re");
	if (!f) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		return -errno;
	}
	ret = report_read(r, f, strcmp(path, "-") == 0 ? "<stdin>" : path, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	for (size_t i = 0; i < r->nwarn; i++)
		fprintf(stderr, PROG ": %s: %s\n", path, r->warn[i]);
	report_warn_clear(r);
	if (ret)
		fprintf(stderr, PROG ": %s\n", err);
	else if (r->torn > torn)
		fprintf(stderr, PROG ": %s: its last line is torn (a writer killed mid-line?): skipped\n",
			path);
	return ret;
}

int report_main(int argc, char **argv)
{
	enum report_format fmt = REPORT_TEXT;
	const char *out_path = NULL, *title = NULL, *base_path = NULL, *hist_path = NULL;
	const char *fail_on = "none";
	struct report_baseline base = { 0 };
	struct history hist = { 0 };
	bool wide = false;
	char *buf = NULL;
	size_t len = 0;
	struct report r;
	FILE *mem, *out;
	struct opts o;
	int id, first, ret = 2;

	if (opts_init(&o, PROG, report_opts, sizeof(report_opts) / sizeof(report_opts[0]), argc,
		      argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case R_FORMAT:
			if (report_format_parse(o.arg, &fmt)) {
				id = opts_bad(&o, "text, markdown, junit or json");
				goto parsed;
			}
			break;
		case R_OUT:
			out_path = o.arg;
			break;
		case R_TITLE:
			title = o.arg;
			break;
		case R_WIDE:
			wide = true;
			break;
		case R_BASELINE:
			base_path = o.arg;
			break;
		case R_HISTORY:
			hist_path = o.arg;
			break;
		case R_FAIL_ON:
			fail_on = o.arg;
			break;
		}
	}
parsed:
	first = o.optind;
	ret = opts_finish(&o, id, PROG " [options] FILE...",
			  "Merges harness cell files (JSON lines; FILE - is stdin) into one report: text\n"
			  "for people (the verdict and what to try, a table as wide as $COLUMNS or the\n"
			  "terminal, else 120 columns, then why each cell saw ESTALE), GitHub Markdown for\n"
			  "$GITHUB_STEP_SUMMARY (kept under 1 MiB, failed and error cells first), JUnit\n"
			  "XML, one JSON document (schema report/1), or one HTML page with charts.\n"
			  "Lines add up when their cell id, backend and params all match; lines with one\n"
			  "id but other params are shown apart as \"ID #hash\", with a warning.\n"
			  "A merged cell takes its lines' worst verdict: skipped < clean < estale <\n"
			  "failed < error. Rates come with 95% Wilson intervals.\n"
			  "A torn last line (a writer killed mid-line) is skipped with a warning.\n"
			  "--baseline: a cell's rate is up or down when two-sided Fisher's p < 0.01;\n"
			  "this alone does not change the exit code (--fail-on-change does).\n"
			  "exit: 0 written and no cell failed, 1 written and some cell failed or error,\n"
			  "or no cell in the input, or a --fail-on-change change, 2 usage or bad input");
	opts_fini(&o);
	if (ret >= 0)
		return ret;
	ret = EXIT_USAGE;	/* until the report is written */
	if (first >= argc) {
		fprintf(stderr, PROG ": need at least one cell file (or - for stdin)\n");
		return EXIT_USAGE;
	}

	report_init(&r);
	for (int i = first; i < argc; i++)
		if (read_input(&r, argv[i]))
			goto out;
	if (!r.n) {
		fprintf(stderr, PROG ": no cells in the input: nothing to report\n");
		ret = 1;
		goto out;
	}

	if (base_path && baseline_load(&r, &base, base_path))
		goto out;
	if (hist_path && history_update(&r, &hist, hist_path))
		goto out;

	/* Rendered whole before anything is written, so a failure leaves no
	 * half report behind. */
	mem = open_memstream(&buf, &len);
	if (!mem || (fmt == REPORT_TEXT ? report_text(&r, (unsigned int)term_width(out_path ? NULL : stdout), wide, mem)
				       : report_render(&r, fmt, title, mem))) {
		fprintf(stderr, PROG ": out of memory\n");
		if (mem)
			fclose(mem);
		goto out;
	}
	if (fclose(mem)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	out = out_path ? fopen(out_path, "we") : stdout;
	if (!out) {
		fprintf(stderr, PROG ": %s: %s\n", out_path, strerror(errno));
		goto out;
	}
	{
		bool bad = fwrite(buf, 1, len, out) != len || fflush(out) != 0 || ferror(out);

		if (out != stdout && fclose(out) != 0)
			bad = true;
		if (bad) {
			fprintf(stderr, PROG ": writing %s: %s\n", out_path ? out_path : "stdout",
				strerror(errno));
			goto out;
		}
	}
	if (out_path) {
		struct report_totals t;

		report_totals(&r, &t);
		fprintf(stderr, PROG ": %zu cells (%zu clean, %zu estale, %zu failed, %zu skipped, "
			"%zu error) -> %s\n", t.cells, t.clean, t.with_estale, t.failed, t.skipped,
			t.errored, out_path);
	}
	ret = report_failed(&r) ? 1 : 0;
	if (base_path && (((!strcmp(fail_on, "up") || !strcmp(fail_on, "any")) && base.up) ||
			  ((!strcmp(fail_on, "down") || !strcmp(fail_on, "any")) && base.down))) {
		fprintf(stderr, PROG ": %zu up, %zu down against %s (--fail-on-change %s)\n", base.up,
			base.down, base_path, fail_on);
		ret = 1;
	}
out:
	report_baseline_free(&base);
	history_free(&hist);
	free(buf);
	report_free(&r);
	return ret;
}
