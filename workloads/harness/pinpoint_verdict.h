/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running an experiment's cells and judging them: a cell's count against
 * its control's (Fisher's exact test, one-sided, signif.h) gives SEEN, NOT
 * SEEN, TOO SHORT or COULD NOT RUN; a mitigation's run against the cause's
 * gives removed, reduced, not removed or too short.
 */
#ifndef STALEFS_PINPOINT_VERDICT_H
#define STALEFS_PINPOINT_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cell.h"
#include "chain.h"
#include "run.h"
#include "signif.h"

#include "pinpoint_experiment.h"
#include "pinpoint_plan.h"

#define PINPOINT_ALPHA 0.01	/* SEEN below this p */

enum finding { F_SEEN, F_NOT_SEEN, F_TOO_SHORT, F_NO_RUN, F_NOT_RUN };
enum mfinding { MF_REMOVED, MF_REDUCED, MF_KEPT, MF_TOO_SHORT, MF_NO_RUN, MF_NOT_TRIED };

/* One cell run and what the verdicts need of it. */
struct side {
	struct cell cell;
	struct run_result r;
	bool ran;		/* run_cell was called (r is valid) */
	bool guest;		/* it ran in a QEMU guest behind virtio-fs (--virtio-fs) */
	uint64_t count, calls;	/* the measure, and the trials */
};

struct mit_result {
	const struct mitigation *m;
	struct side s;
	enum mfinding f;
	struct signif st;	/* the cause's run against this one */
};

struct outcome {
	enum finding f;
	char why[600];		/* COULD NOT RUN / NOT RUN / TOO SHORT: in words */
	struct side a, b;	/* the cell and its control */
	struct signif st;
	struct mit_result mit[NMIT];
	int nmit;
};

/* Run one side and count its measure; with out, append its cell line.
 * 0, or -1 on a harness error (err says why). */
int verdict_run_side(struct side *s, enum measure m, const struct run_opts *o, FILE *out,
		     struct plan *pl, char *err, size_t errlen);
/* The verdict of an experiment whose cell and control ran. */
void verdict_judge(const struct experiment *e, struct outcome *x);
/* The verdict of a mitigation run against the cause's run. */
void verdict_judge_mitigation(const struct outcome *x, struct mit_result *m);
void verdict_free(struct outcome *x);

/* The errno most calls of r failed with, "" when none failed. */
const char *verdict_top_errno(const struct run_result *r);
/* The chain behind most of a run's ESTALE, or NULL. */
const struct chain *verdict_top_chain(const struct run_result *r);

#endif
