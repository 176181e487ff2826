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
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cell.h"
#include "modes.h"
#include "opts.h"
#include "counts.h"
#include "proc.h"
#include "run.h"
#include "compare_guest.h"
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

/* 124 when the time limit left experiments unrun or cut one's cell, 130
 * interrupted, 77 none could run; a harness error (99) stays. */
static void pinpoint_settle_code(struct pinpoint *pp)
{
	for (size_t i = 0; i < NEXP; i++) {
		const struct outcome *x = &pp->xs[i];
		bool cut = x->f == F_NO_RUN && (x->a.r.status == RUN_TIMEOUT || x->b.r.status == RUN_TIMEOUT);

		if (pp->sel[i] && (x->f == F_NOT_RUN || cut) && pp->code != 99 && !proc_interrupted)
			pp->code = EXIT_TIME_LIMIT;
	}
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

enum {
	P_ONLY = 1, P_SECONDS, P_REPS, P_SEED, P_VERSION, P_RLIMIT, P_TIME_LIMIT, P_FORMAT, P_OUT,
	P_TRACE, P_LIST, P_CONTROL_ONLY, P_VIRTIO_FS,
};

static const struct opt pinpoint_opts[] = {
	{ P_ONLY, "only", OPT_STR, "NAME,...", "all", .help = "run only these experiments (--list names them)" },
	{ P_SECONDS, "seconds", OPT_DOUBLE, "S", "3", .dmin = 0.1, .dmax = 86400,
	  .help = "how long each cell reads (planned down by --time-limit)" },
	{ P_REPS, "reps", OPT_U64, "N", "1", .min = 1, .max = 100000, .help = "repetitions of each cell" },
	{ P_SEED, "seed", OPT_U64, "N", "1", .max = UINT64_MAX / 2, .help = "the seed of the trees and the fault rules" },
	{ P_VERSION, "virtiofsd-version", OPT_CHOICE, "V", "1.13.2", .choices = modes_version_list,
	  .help = "the virtiofsd release modelled" },
	{ P_RLIMIT, "rlimit-nofile", OPT_U64, "N", "the daemon's", .max = 1073741816,
	  .help = "the daemon's fd limit" },
	{ P_TIME_LIMIT, "time-limit", OPT_DOUBLE, "S", "none", .dmin = 10, .dmax = 86400,
	  .help = "fit the whole run into S seconds; what is left undone is said (exit 124)" },
	{ P_FORMAT, "format", OPT_CHOICE, "F", "text", .choices = "text|json",
	  .help = "the verdicts as text, or one JSON document (README \"pinpoint JSON\")" },
	{ P_OUT, "out", OPT_STR, "FILE", "none", .help = "append every cell line here, for stalefs report" },
	{ P_TRACE, "trace", OPT_CHOICE, "T", "auto", .choices = "auto|on|off",
	  .help = "chain ESTALE to the kernel through tracefs (auto: where it can)" },
	{ P_LIST, "list", OPT_FLAG, .help = "name the experiments and their questions, then exit" },
	{ P_VIRTIO_FS, "virtio-fs", OPT_FLAG,
	  .help = "run every cell in a QEMU guest against stalefs-virtiofsd (ci/compare-setup.sh; "
		  "a guest boots per cell)" },
	{ P_CONTROL_ONLY, "control-only", OPT_FLAG,
	  .help = "run each control against itself (an A/A check of the test)" },
};

static void list_experiments(void)
{
	for (size_t i = 0; i < NEXP; i++) {
		char first[40];

		snprintf(first, sizeof(first), "%-24s", experiments[i].name);
		pinpoint_fold(stdout, first, 25, experiments[i].question);
	}
}

/* One option into the base cell or the run; OPTS_BAD or the id. */
static int pinpoint_opt(struct opts *po, int id, struct cell *base, struct run_opts *o,
			struct plan *pl, const char **only, const char **out_path, bool *json,
			bool *control_only, bool *list, bool *virtio_fs)
{
	static const char *const cell_names[] = {
		[P_SECONDS] = "seconds", [P_REPS] = "reps", [P_SEED] = "seed",
		[P_VERSION] = "virtiofsd-version", [P_RLIMIT] = "rlimit-nofile",
	};
	char err[512];

	switch (id) {
	case P_ONLY:
		*only = po->arg;
		break;
	case P_SECONDS:
	case P_REPS:
	case P_SEED:
	case P_VERSION:
	case P_RLIMIT:
		if (cell_set(base, cell_names[id], po->arg, err, sizeof(err))) {
			snprintf(po->err, sizeof(po->err), "stalefs pinpoint: %.200s", err);
			return OPTS_BAD;
		}
		break;
	case P_TIME_LIMIT:
		pl->limit = po->d;
		break;
	case P_FORMAT:
		*json = po->u == 1;
		break;
	case P_OUT:
		*out_path = po->arg;
		break;
	case P_TRACE:
		o->trace = po->u == 1 ? 1 : po->u == 2 ? -1 : 0;
		break;
	case P_LIST:
		*list = true;
		break;
	case P_CONTROL_ONLY:
		*control_only = true;
		break;
	case P_VIRTIO_FS:
		*virtio_fs = true;
		break;
	}
	return id;
}

int pinpoint_main(int argc, char **argv)
{
	static struct outcome xs[NEXP];
	struct pinpoint pp = { .xs = xs };
	struct run_opts o = { .quiet = true };
	struct plan pl = { .overhead = 1.5 };
	struct cell base;
	const char *only = NULL, *out_path = NULL;
	bool json = false, control_only = false, list = false, virtio_fs = false;
	static char daemon[PATH_MAX];
	static struct guest_opts g;
	struct opts po;
	int id, ret;

	cell_default(&base);
	base.seconds = 3;
	if (opts_init(&po, "stalefs pinpoint", pinpoint_opts,
		      sizeof(pinpoint_opts) / sizeof(pinpoint_opts[0]), argc, argv) < 0)
		return EXIT_INTERNAL;
	while ((id = opts_next(&po)) > 0)
		if (pinpoint_opt(&po, id, &base, &o, &pl, &only, &out_path, &json, &control_only,
				 &list, &virtio_fs) == OPTS_BAD) {
			id = OPTS_BAD;
			break;
		}
	if (id == OPTS_END && po.optind != argc) {
		snprintf(po.err, sizeof(po.err), "stalefs pinpoint: unexpected argument '%s'",
			 argv[po.optind]);
		id = OPTS_BAD;
	}
	ret = opts_finish(&po, id, "stalefs pinpoint [options]",
			  "Runs each experiment's cell against its control, tests the difference (Fisher,\n"
			  "p < 0.01), reruns each cause found under the mitigations that apply, and\n"
			  "concludes, also for bcvk.\n"
			  "exit: 0 every selected experiment ran (or says why not), 2 usage, 77 none\n"
			  "could run here, 99 harness error, 124 the time limit left experiments unrun,\n"
			  "130 interrupted");
	opts_fini(&po);
	if (ret >= 0)
		return ret;
	if (list) {
		list_experiments();
		return EXIT_OK;
	}
	if (only_check(only) < 0)
		return EXIT_USAGE;
	if (virtio_fs) {
		if (guest_find_daemon(daemon, sizeof(daemon)) < 0) {
			fprintf(stderr, "stalefs pinpoint: --virtio-fs: no stalefs-virtiofsd next to this "
				"stalefs (built only with libfuse 3.13 or newer; see stalefs doctor)\n");
			return EXIT_CANNOT_RUN;
		}
		g.daemon = daemon;
		o.guest = &g;
		pl.overhead = 8;	/* a guest's boot and shutdown, per cell */
	}
	ret = pinpoint_build(&pp, only, control_only, &base);
	if (ret)
		return ret;
	if (!virtio_fs && (ret = run_can_mount("stalefs pinpoint")))
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
	if (pp.pl.limit)	/* the plan fits the cells in; this stops one that runs over */
		pp.o.deadline = pp.pl.t0 + pp.pl.limit;
	pp.pl.control_only = control_only;
	pp.pl.base_s = base.seconds;
	proc_on_signals();
	if (pp.text && virtio_fs)
		printf("Behind virtio-fs: every cell runs in a QEMU guest (its own kernel, delete_stale) "
		       "against stalefs-virtiofsd.\n");
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
