// SPDX-License-Identifier: GPL-2.0-or-later
/* pinpoint's time plan; see pinpoint_plan.h. */
#include "pinpoint_plan.h"
#include "clock.h"

#include <string.h>

#include "counts.h"

#define MIN_CELL_S 0.5		/* shortest cell a plan may give */

double plan_left(const struct plan *p)
{
	return p->limit ? p->limit - (mono_seconds() - p->t0) : 1e9;
}

double plan_seconds(const struct plan *p, int cells, double reserve)
{
	double left = plan_left(p) - reserve, s;

	if (!p->limit)
		return p->base_s;
	s = left / (cells > 0 ? cells : 1) - p->overhead;
	if (s > p->base_s)
		s = p->base_s;
	if (s < MIN_CELL_S)
		return left >= MIN_CELL_S + p->overhead ? MIN_CELL_S : 0;
	return s;
}

void plan_learn(struct plan *p, const struct cell *c, const struct run_result *r)
{
	double extra = r->duration_s - (c->count ? 0 : c->seconds * c->reps);

	if (c->count || strcmp(c->workload, "ostree") == 0)
		return;	/* its own length, not an overhead of the others */
	if (extra < 0)
		extra = 0;
	p->overhead = (p->overhead * p->overhead_n + extra) / (p->overhead_n + 1);
	p->overhead_n++;
}
