/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is an experiment's count above its control's? Two counts of events (calls
 * that ended in ESTALE, replies the daemon sent) out of two numbers of
 * trials (calls), compared as rates:
 *   - Fisher's exact test, one-sided (the cell's rate above the control's):
 *     the hypergeometric tail P(X >= a) of the 2x2 table, from log-gamma;
 *   - the rate ratio with a 95% interval (Katz's log method; 0.5 added to
 *     every cell of the table when a count is 0);
 *   - with no event in n trials, the 95% upper bound of the rate (1 - 0.05^(1/n),
 *     about 3/n), which says how short a run was.
 * Trials are taken as independent. ESTALE that sticks to one name repeats on
 * every call of it, so p is smaller than for independent events: read it as
 * "this is no fluke of the run", not as a measure of effect size.
 */
#ifndef STALEFS_SIGNIF_H
#define STALEFS_SIGNIF_H

#include <stdint.h>

struct signif {
	uint64_t a, n1;		/* the cell: events, trials */
	uint64_t c, n2;		/* the control */
	double p;		/* one-sided Fisher p: the cell's rate is higher */
	double ratio, lo, hi;	/* rate ratio (cell/control) and its 95% interval */
	double upper1;		/* 95% upper bound of the cell's rate (events per trial) */
};

/* Fill s for a events in n1 trials against c in n2. Counts above trials are
 * clamped to the trials. With no trials on a side, p is 1 and the ratio 0. */
void signif_compare(uint64_t a, uint64_t n1, uint64_t c, uint64_t n2, struct signif *s);
/* One-sided Fisher p of a in n1 against c in n2 (1 when a side has no trials). */
double signif_fisher_greater(uint64_t a, uint64_t n1, uint64_t c, uint64_t n2);
/* Two-sided Fisher p of a in n1 against c in n2: the summed probability of
 * every table with the same margins no likelier than this one (a relative
 * tolerance of 1e-7 keeps ties). 1 when a side has no trials. */
double signif_fisher_two_sided(uint64_t a, uint64_t n1, uint64_t c, uint64_t n2);
/* The 95% upper bound of a rate with no event in n trials (1 for n = 0). */
double signif_zero_upper(uint64_t n);

#endif
