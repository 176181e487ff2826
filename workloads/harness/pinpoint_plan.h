/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pinpoint's time plan (--time-limit): the seconds of each next cell from
 * what is left of the limit, less a cell's measured overhead (daemon start,
 * tree, unmount), never below a shortest useful cell.
 */
#ifndef STALEFS_PINPOINT_PLAN_H
#define STALEFS_PINPOINT_PLAN_H

#include <stdbool.h>

#include "cell.h"
#include "run.h"

/* The time plan: cells' seconds from what is left of the limit. */
struct plan {
	double limit;		/* seconds in all, 0: none */
	double t0;
	double base_s;		/* seconds per cell without a limit */
	double overhead;	/* measured: a cell's time beyond its seconds */
	bool control_only;	/* every experiment is its control against itself */
	int overhead_n;
};

/* Seconds left of the limit (1e9 without one). */
double plan_left(const struct plan *p);
/* Seconds for each of the next cells, from what is left beyond reserve seconds; 0: no time. */
double plan_seconds(const struct plan *p, int cells, double reserve);
/* Learn the overhead from a cell that ran for its seconds. */
void plan_learn(struct plan *p, const struct cell *c, const struct run_result *r);

#endif
