// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs report [--format text|markdown|junit|json] [--out FILE] [--title T] FILE...
 *
 * Merges the cell files of `stalefs run` and `stalefs matrix` (JSON lines;
 * FILE "-" is stdin) and writes one report to FILE or stdout.
 * Exit codes: 0 report written and no cell failed, 1 report written and
 * some cell's verdict is fail, 2 usage or unreadable/malformed input.
 */
#include "report.h"
#include "exitcode.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROG "stalefs report"

static void usage(FILE *f)
{
	fprintf(f, "usage: " PROG " [--format text|markdown|junit|json] [--out FILE] [--title T]\n"
		"       FILE...\n"
		"Merges harness cell files (JSON lines; FILE - is stdin; lines with the same\n"
		"cell id add up) into one report: an aligned table (text), GitHub Markdown for\n"
		"$GITHUB_STEP_SUMMARY (kept under 1 MiB), JUnit XML, or one JSON document.\n"
		"Rates come with 95%% Wilson intervals. --title names the Markdown heading and\n"
		"the JUnit suite (default \"%s\").\n"
		"exit: 0 written and no cell failed, 1 written and some cell failed, 2 usage or\n"
		"bad input\n", REPORT_DEFAULT_TITLE);
}

static int read_input(struct report *r, const char *path)
{
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
	if (ret)
		fprintf(stderr, PROG ": %s\n", err);
	return ret;
}

int report_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum report_format fmt = REPORT_TEXT;
	const char *out_path = NULL, *title = NULL;
	char *buf = NULL;
	size_t len = 0;
	struct report r;
	FILE *mem, *out;
	int c, ret = 2;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (report_format_parse(optarg, &fmt)) {
				fprintf(stderr, PROG ": bad --format '%s' (text, markdown, junit or json)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'o':
			out_path = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, PROG ": unknown or incomplete option '%s' (try --help)\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": need at least one cell file (or - for stdin)\n");
		return EXIT_USAGE;
	}

	report_init(&r);
	for (int i = optind; i < argc; i++)
		if (read_input(&r, argv[i]))
			goto out;
	if (!r.n)
		fprintf(stderr, PROG ": no cells in the input\n");

	/* Rendered whole before anything is written, so a failure leaves no
	 * half report behind. */
	mem = open_memstream(&buf, &len);
	if (!mem || report_render(&r, fmt, title, mem)) {
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
		fprintf(stderr, PROG ": %zu cells (%zu passed, %zu failed, %zu skipped) -> %s\n",
			t.cells, t.passed, t.failed, t.skipped, out_path);
	}
	ret = report_failed(&r) ? 1 : 0;
out:
	free(buf);
	report_free(&r);
	return ret;
}
