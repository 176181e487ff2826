// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stalefs pinpoint [--only NAME,...] [--seconds S] [--reps N] [--seed S]
 *                  [--virtiofsd-version V] [--rlimit-nofile N] [--time-limit S]
 *                  [--format text|json] [--out FILE] [--trace auto|on|off]
 *                  [--control-only] [--list]
 *
 * Each experiment runs a cell and its control (same tree and seed, one
 * condition changed) and tests whether the cell's count (ESTALE calls, or
 * the daemon's ESTALE replies, or EIO) is above the control's: Fisher's
 * exact test, one-sided, p < 0.01 (signif.h). The verdict is SEEN, NOT SEEN
 * (no more than the control, with enough calls to tell), TOO SHORT (too few
 * calls, or a count the test cannot tell from the control's) or COULD NOT
 * RUN. Every cause of ESTALE seen is then run again under the mitigations
 * that apply to it (a higher fd limit, the 1.13.2 model, cache=always, file
 * handles as root, no host change), each judged against the cause's own run.
 *
 * --time-limit S fits everything into S seconds: the seconds of each cell
 * are planned from what is left (experiments first, then mitigations) and
 * what is left undone is said. Exit: 0 every selected experiment ran (or
 * could not run here and says why), 2 usage, 77 none could run, 99 harness
 * error, 124 the time limit left experiments unrun, 130 interrupted.
 * --format json prints one document (README "pinpoint JSON"); --out FILE
 * appends every cell line (experiments, controls, mitigations) for
 * `stalefs report`.
 */
#include "pinpoint.h"
#include "clock.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "counts.h"
#include "proc.h"
#include "run.h"
#include "exitcode.h"

#include "pinpoint_experiment.h"
#include "pinpoint_json.h"
#include "pinpoint_plan.h"
#include "pinpoint_text.h"
#include "pinpoint_verdict.h"

#define MITIGATION_SHARE 0.3	/* of the time limit kept for mitigations */

/* One pinpoint run: every experiment's outcome and what its steps share. */
struct pinpoint {
	struct outcome *xs;	/* NEXP of them */
	bool sel[NEXP];		/* --only */
	struct run_opts o;
	struct plan pl;
	FILE *out;		/* --out, or NULL */
	FILE *text;		/* stdout for text output, NULL for JSON */
	int code;		/* the exit code so far */
	int ran;		/* some experiment could run */
	int left;		/* selected experiments not yet planned */
	int mit_cells;		/* mitigation cells still to plan */
	char err[512];
};

/* Every name in --only is an experiment. 0, or -EINVAL after saying which not. */
static int only_check(const char *only)
{
	for (const char *p = only; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < NEXP; i++)
			if (strlen(experiments[i].name) == n && strncmp(p, experiments[i].name, n) == 0)
				break;
		if (i == NEXP) {
			fprintf(stderr, "stalefs pinpoint: no experiment '%.*s' (see --list)\n", (int)n, p);
			return -EINVAL;
		}
	}
	return 0;
}

/* Every cell is built before anything runs: a bad one is our error. 0 or
 * EXIT_INTERNAL. */
static int pinpoint_build(struct pinpoint *pp, const char *only, bool control_only,
			  const struct cell *base)
{
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];
		struct outcome *x = &pp->xs[i];

		memset(x, 0, sizeof(*x));
		x->f = F_NOT_RUN;
		pp->sel[i] = experiment_selected(only, e->name);
		pp->left += pp->sel[i];
		/* --control-only: the control against itself, a check of the test (never SEEN but
		 * by chance, p < 0.01). */
		if (experiment_build_cell(&x->a.cell, e->scenario, control_only ? e->control : e->cell,
					  base, pp->err, sizeof(pp->err)) ||
		    experiment_build_cell(&x->b.cell, e->scenario, e->control, base, pp->err,
					  sizeof(pp->err))) {
			fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, pp->err);
			return EXIT_INTERNAL;
		}
	}
	return 0;
}

/* Each selected experiment's cell and control, in the time planned. 0, or
 * EXIT_INTERNAL on a harness error. */
static int pinpoint_run_experiments(struct pinpoint *pp)
{
	for (size_t i = 0; i < NEXP && !proc_interrupted; i++) {
		const struct experiment *e = &experiments[i];
		struct outcome *x = &pp->xs[i];
		double s;

		if (!pp->sel[i])
			continue;
		/* Both cells of this and of every later experiment share what is left, less
		 * the mitigations' share of the limit. */
		s = plan_seconds(&pp->pl, 2 * pp->left, MITIGATION_SHARE * pp->pl.limit);
		if (!s)	/* the mitigations' share, before an experiment goes unrun */
			s = plan_seconds(&pp->pl, 2 * pp->left, 0);
		pp->left--;
		if (!s) {
			snprintf(x->why, sizeof(x->why), "the time limit (%g s) was used up",
				 pp->pl.limit);
			continue;
		}
		x->a.cell.seconds = x->b.cell.seconds = s;
		fprintf(stderr, "stalefs pinpoint: %s (%.1f s a cell) ...\n", e->name, s);
		if (verdict_run_side(&x->a, e->measure, &pp->o, pp->out, &pp->pl, pp->err,
				     sizeof(pp->err)) < 0 ||
		    verdict_run_side(&x->b, e->measure, &pp->o, pp->out, &pp->pl, pp->err,
				     sizeof(pp->err)) < 0) {
			fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, pp->err);
			return EXIT_INTERNAL;
		}
		verdict_judge(e, x);
		if (x->f != F_NO_RUN)
			pp->ran = 1;
		if (x->a.r.status == RUN_ERROR || x->b.r.status == RUN_ERROR)
			pp->code = EXIT_INTERNAL;
		if (x->a.r.status == RUN_INTERRUPTED || x->b.r.status == RUN_INTERRUPTED)
			break;
		if (x->f == F_SEEN && e->measure == M_ESTALE)
			for (size_t k = 0; k < NMIT; k++)
				pp->mit_cells += mitigations[k].applies(&x->a.cell);
		if (pp->text) {
			pinpoint_print_experiment(e, x, pp->text);
			fflush(pp->text);
		}
	}
	return 0;
}

/* The mitigations of every cause seen, in the time left. 0, or
 * EXIT_INTERNAL on a harness error. */
static int pinpoint_run_mitigations(struct pinpoint *pp)
{
	for (size_t i = 0; i < NEXP && !proc_interrupted; i++) {
		const struct experiment *e = &experiments[i];
		struct outcome *x = &pp->xs[i];

		if (!pp->sel[i] || x->f != F_SEEN || e->measure != M_ESTALE)
			continue;
		for (size_t k = 0; k < NMIT && !proc_interrupted; k++) {
			struct mit_result *m;
			double s;

			if (!mitigations[k].applies(&x->a.cell))
				continue;
			m = &x->mit[x->nmit++];
			m->m = &mitigations[k];
			m->f = MF_NOT_TRIED;
			if (cell_copy(&m->s.cell, &x->a.cell) < 0) {
				fprintf(stderr, "stalefs pinpoint: out of memory\n");
				return EXIT_INTERNAL;
			}
			s = plan_seconds(&pp->pl, pp->mit_cells--, 0);
			if (!s)
				continue;
			m->m->apply(&m->s.cell);
			m->s.cell.seconds = s;
			fprintf(stderr, "stalefs pinpoint: %s under %s (%.1f s) ...\n", e->name,
				m->m->name, s);
			if (verdict_run_side(&m->s, e->measure, &pp->o, pp->out, &pp->pl, pp->err,
					     sizeof(pp->err)) < 0) {
				fprintf(stderr, "stalefs pinpoint: %s: %s\n", e->name, pp->err);
				return EXIT_INTERNAL;
			}
			verdict_judge_mitigation(x, m);
		}
	}
	return 0;
}

/* 124 when the time limit left experiments unrun, 130 interrupted, 77 none
 * could run; a harness error (99) stays. */
static void pinpoint_settle_code(struct pinpoint *pp)
{
	for (size_t i = 0; i < NEXP; i++)
		if (pp->sel[i] && pp->xs[i].f == F_NOT_RUN && pp->code != 99 && !proc_interrupted)
			pp->code = EXIT_TIME_LIMIT;
	if (proc_interrupted)
		pp->code = EXIT_INTERRUPTED;
	else if (!pp->code && !pp->ran)
		pp->code = EXIT_CANNOT_RUN;
}

/* Text: the time used, the mitigations by cause, the conclusion (the
 * experiments were printed as they ran). JSON: the whole document. */
static void pinpoint_print(const struct pinpoint *pp)
{
	const struct outcome *xs = pp->xs;

	if (!pp->text) {
		pinpoint_print_json(pp->sel, xs, &pp->pl, pp->code, stdout);
		return;
	}
	if (pp->pl.limit)
		printf("\n(%.0f s of the %.0f s time limit used)\n", mono_seconds() - pp->pl.t0,
		       pp->pl.limit);
	for (size_t i = 0; i < NEXP; i++)
		if (pp->sel[i] && xs[i].nmit) {
			printf("\nMitigations, by cause\n");
			break;
		}
	for (size_t i = 0; i < NEXP; i++)
		if (pp->sel[i] && xs[i].nmit)
			pinpoint_print_experiment(&experiments[i], &xs[i], pp->text);
	pinpoint_print_conclusion(pp->sel, xs, pp->text);
}

static int usage(FILE *f)
{
	fprintf(f, "usage: stalefs pinpoint [--only NAME,...] [--seconds 3] [--reps 1] [--seed 1]\n"
		"       [--virtiofsd-version 1.13.0|1.13.2] [--rlimit-nofile N] [--time-limit S]\n"
		"       [--format text|json] [--out FILE] [--trace auto|on|off] [--control-only] [--list]\n"
		"Runs each experiment's cell against its control, tests the difference (Fisher, p < 0.01),\n"
		"reruns each cause found under the mitigations that apply, and concludes, also for bcvk.\n"
		"--time-limit fits the whole run into S seconds; --list names the experiments;\n"
		"--control-only runs each control against itself (an A/A check of the test).\n");
	return f == stdout ? 0 : EXIT_USAGE;
}

int pinpoint_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "only", required_argument, NULL, 'o' },
		{ "seconds", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 'S' },
		{ "virtiofsd-version", required_argument, NULL, 'V' },
		{ "rlimit-nofile", required_argument, NULL, 'R' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'O' },
		{ "trace", required_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "control-only", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct outcome xs[NEXP];
	struct pinpoint pp = { .xs = xs };
	struct run_opts o = { .quiet = true };
	struct plan pl = { .overhead = 1.5 };
	struct cell base;
	const char *only = NULL, *out_path = NULL;
	bool json = false, control_only = false;
	char err[512], *end;
	int c, ret;

	cell_default(&base);
	base.seconds = 3;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			only = optarg;
			break;
		case 's':
		case 'r':
		case 'S':
		case 'V':
		case 'R':
			if (cell_set(&base, c == 's' ? "seconds" : c == 'r' ? "reps" : c == 'S' ? "seed"
					    : c == 'V' ? "virtiofsd-version" : "rlimit-nofile", optarg, err,
				     sizeof(err))) {
				fprintf(stderr, "stalefs pinpoint: %s\n", err);
				return EXIT_USAGE;
			}
			break;
		case 'T':
			pl.limit = strtod(optarg, &end);
			if (*end || end == optarg || !(pl.limit >= 10 && pl.limit <= 86400)) {
				fprintf(stderr, "stalefs pinpoint: bad --time-limit '%s' (10 to 86400 s)\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'F':
			if (strcmp(optarg, "text") && strcmp(optarg, "json")) {
				fprintf(stderr, "stalefs pinpoint: bad --format '%s' (text|json)\n", optarg);
				return EXIT_USAGE;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case 'O':
			out_path = optarg;
			break;
		case 't':
			if (strcmp(optarg, "auto") && strcmp(optarg, "on") && strcmp(optarg, "off")) {
				fprintf(stderr, "stalefs pinpoint: bad --trace '%s' (auto|on|off)\n", optarg);
				return EXIT_USAGE;
			}
			o.trace = strcmp(optarg, "on") == 0 ? 1 : strcmp(optarg, "off") == 0 ? -1 : 0;
			break;
		case 'C':
			control_only = true;
			break;
		case 'l':
			for (size_t i = 0; i < NEXP; i++) {
				char first[40];

				snprintf(first, sizeof(first), "%-24s", experiments[i].name);
				pinpoint_fold(stdout, first, 25, experiments[i].question);
			}
			return 0;
		case 'h':
			return usage(stdout);
		default:
			fprintf(stderr, "stalefs pinpoint: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "stalefs pinpoint: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (only_check(only) < 0)
		return EXIT_USAGE;
	ret = pinpoint_build(&pp, only, control_only, &base);
	if (ret)
		return ret;
	if (out_path && !(pp.out = fopen(out_path, "ae"))) {
		fprintf(stderr, "stalefs pinpoint: --out %s: %s\n", out_path, strerror(errno));
		return EXIT_USAGE;
	}
	if (!json)
		pp.text = stdout;
	pp.o = o;
	pp.pl = pl;
	pp.pl.t0 = mono_seconds();
	pp.pl.control_only = control_only;
	pp.pl.base_s = base.seconds;
	proc_on_signals();
	if (pp.text && control_only)
		printf("A/A check: each experiment's control against itself; a SEEN here is a false "
		       "positive.\n");
	ret = pinpoint_run_experiments(&pp);
	if (!ret)
		ret = pinpoint_run_mitigations(&pp);
	if (ret)
		return ret;
	if (pp.out)
		fclose(pp.out);
	pinpoint_settle_code(&pp);
	pinpoint_print(&pp);
	for (size_t i = 0; i < NEXP; i++)
		verdict_free(&pp.xs[i]);
	return pp.code;
}
