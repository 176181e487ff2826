// SPDX-License-Identifier: GPL-2.0-or-later
/* Running pinpoint's cells and judging them; see pinpoint_verdict.h. */
#include "pinpoint_verdict.h"

#include <string.h>

#include "compare_guest.h"

#define MIN_CALLS 1500		/* fewer calls cannot bound a rate under 2 in 1000 */

const char *verdict_top_errno(const struct run_result *r)
{
	const char *best = "";
	uint64_t most = 0;

	for (int i = 0; i < r->nops; i++)
		for (int e = 0; e < r->op[i].nerr; e++) {
			uint64_t n = run_result_errno(r, r->op[i].err[e].name);

			if (n > most) {
				most = n;
				best = r->op[i].err[e].name;
			}
		}
	return best;
}

static uint64_t measured(enum measure m, const struct run_result *r)
{
	switch (m) {
	case M_ESTALE:
		return r->estale_total;
	case M_EMITTED:
		return r->attrib.emitted;
	case M_EIO:
		return run_result_errno(r, "EIO");
	default:
		return 0;
	}
}
const struct chain *verdict_top_chain(const struct run_result *r)
{
	const struct chain *best = NULL;

	for (int i = 0; i < r->chains.n; i++)
		if (!best || r->chains.c[i].n > best->n)
			best = &r->chains.c[i];
	return best;
}
int verdict_run_side(struct side *s, enum measure m, const struct run_opts *o, FILE *out,
		     struct plan *pl, char *err, size_t errlen)
{
	int ret = o->guest ? guest_run_cell(&s->cell, o->guest, &s->r, err, errlen)
			   : run_cell(&s->cell, o, &s->r, err, errlen);

	if (ret < 0)
		return -1;
	s->ran = true;
	s->guest = o->guest != NULL;
	s->count = measured(m, &s->r);
	s->calls = run_result_calls(&s->r);
	plan_learn(pl, &s->cell, &s->r);
	if (out) {
		run_result_json(&s->cell, &s->r, out);
		fflush(out);
	}
	return 0;
}

void verdict_judge(const struct experiment *e, struct outcome *x)
{
	const struct run_result *a = &x->a.r, *b = &x->b.r;

	if (a->status != RUN_RAN || b->status != RUN_RAN) {
		const struct run_result *bad = a->status != RUN_RAN ? a : b;

		x->f = F_NO_RUN;
		snprintf(x->why, sizeof(x->why), "%s: %s", run_status_name(bad->status), bad->reason);
		return;
	}
	if (e->measure == M_MODE) {
		x->f = strcmp(a->effective_mode, "never") == 0 ? F_SEEN : F_NOT_SEEN;
		return;
	}
	signif_compare(x->a.count, x->a.calls, x->b.count, x->b.calls, &x->st);
	x->f = F_NOT_SEEN;
	if (x->st.p < PINPOINT_ALPHA) {
		x->f = F_SEEN;
	} else if (x->a.count && (!x->b.calls || x->a.count * x->b.calls > x->b.count * x->a.calls)) {
		/* (as rates: the cell's above the control's, or a control of no calls) */
		x->f = F_TOO_SHORT;
		snprintf(x->why, sizeof(x->why), "%llu in the cell, but the test cannot tell it from "
			 "the control (p >= %.2f)", (unsigned long long)x->a.count, PINPOINT_ALPHA);
	} else if (!x->a.count && (x->a.calls < MIN_CALLS || x->b.calls < MIN_CALLS)) {
		x->f = F_TOO_SHORT;
		snprintf(x->why, sizeof(x->why), "none in %llu calls (at least %d needed to bound the "
			 "rate under 2 in 1000)", (unsigned long long)x->a.calls, MIN_CALLS);
	}
}

void verdict_judge_mitigation(const struct outcome *x, struct mit_result *m)
{
	const struct run_result *r = &m->s.r;

	if (r->status != RUN_RAN) {
		m->f = MF_NO_RUN;
		return;
	}
	/* Is the cause's rate above the mitigated run's? */
	signif_compare(x->a.count, x->a.calls, m->s.count, m->s.calls, &m->st);
	if (m->st.p >= PINPOINT_ALPHA)
		m->f = m->s.count ? MF_KEPT : MF_TOO_SHORT;
	else
		m->f = m->s.count ? MF_REDUCED : MF_REMOVED;
}
void verdict_free(struct outcome *x)
{
	struct side *sides[] = { &x->a, &x->b };

	for (int k = 0; k < 2; k++) {
		if (sides[k]->ran)
			run_result_free(&sides[k]->r);
		cell_free(&sides[k]->cell);
	}
	for (int k = 0; k < x->nmit; k++) {
		if (x->mit[k].s.ran)
			run_result_free(&x->mit[k].s.r);
		cell_free(&x->mit[k].s.cell);
	}
}
