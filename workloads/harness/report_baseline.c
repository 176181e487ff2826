// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs report --baseline FILE`: each cell's ESTALE rate against the
 * same cell of an earlier report/1 document (two-sided Fisher); see report.h. */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "signif.h"

const char *report_change_name(enum report_change c)
{
	switch (c) {
	case CHANGE_SAME: return "same";
	case CHANGE_UP: return "up";
	case CHANGE_DOWN: return "down";
	case CHANGE_NEW: return "new";
	default: return "";
	}
}

void report_baseline_free(struct report_baseline *b)
{
	jv_free(b->doc);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

static bool count_of(const struct jv *v, uint64_t *out)
{
	if (!v || v->type != JV_NUM || !(v->num >= 0) || v->num > 9007199254740992.0 ||
	    v->num != (double)(uint64_t)v->num)
		return false;
	*out = (uint64_t)v->num;
	return true;
}

static void copy_str(char *dst, size_t len, const struct jv *v)
{
	snprintf(dst, len, "%s", jv_str(v, ""));
}

int report_baseline_read(struct report_baseline *b, FILE *f, const char *name, char *err,
			 size_t errlen)
{
	const struct jv *cells;
	char *text = NULL, why[256];
	size_t len = 0, cap = 0;
	int ret = -EINVAL;

	memset(b, 0, sizeof(*b));
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *t;

			if (cap >= REPORT_BASELINE_MAX) {
				snprintf(err, errlen, "%s: larger than %u bytes", name, REPORT_BASELINE_MAX);
				ret = -E2BIG;
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			if (cap > REPORT_BASELINE_MAX)
				cap = REPORT_BASELINE_MAX;
			t = realloc(text, cap + 1);
			if (!t)
				goto nomem;
			text = t;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno ? errno : EIO));
		ret = -EIO;
		goto out;
	}
	b->doc = jv_parse(text ? text : "", len, why, sizeof(why));
	if (!b->doc) {
		snprintf(err, errlen, "%s: %s", name, why);
		goto out;
	}
	if (strcmp(jv_str(jv_get(b->doc, "schema"), ""), REPORT_SCHEMA) != 0) {
		snprintf(err, errlen, "%s: not a report/1 document (stalefs report --format json)", name);
		goto out;
	}
	copy_str(b->started, sizeof(b->started), jv_get(b->doc, "started"));
	copy_str(b->stalefs, sizeof(b->stalefs), jv_get(b->doc, "stalefs"));
	copy_str(b->kernel, sizeof(b->kernel), jv_get(b->doc, "kernel"));
	cells = jv_get(b->doc, "cells");
	if (!cells || cells->type != JV_ARR) {
		snprintf(err, errlen, "%s: no \"cells\" array", name);
		goto out;
	}
	b->v = calloc(cells->n ? cells->n : 1, sizeof(*b->v));
	if (!b->v)
		goto nomem;
	for (size_t i = 0; i < cells->n; i++) {
		const struct jv *c = &cells->items[i];
		struct report_base_cell *e = &b->v[b->n];

		e->id = jv_str(jv_get(c, "cell"), NULL);
		e->line_id = jv_str(jv_get(c, "line_id"), e->id);
		e->backend = jv_str(jv_get(c, "backend"), "stalefs");
		e->params = jv_get(c, "params");
		if (!e->id || !e->line_id || !e->params || e->params->type != JV_OBJ ||
		    !count_of(jv_get(c, "estale_total"), &e->estale) ||
		    !count_of(jv_get(c, "calls_total"), &e->calls)) {
			snprintf(err, errlen, "%s: cell %zu: needs \"cell\", \"params\", \"estale_total\" "
				 "and \"calls_total\"", name, i + 1);
			goto out;
		}
		if (e->estale > e->calls)
			e->estale = e->calls;
		b->n++;
	}
	ret = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
	ret = -ENOMEM;
out:
	free(text);
	if (ret) {
		jv_free(b->doc);
		free(b->v);
		memset(b, 0, sizeof(*b));
	}
	return ret;
}

int report_baseline_compare(struct report *r, struct report_baseline *b)
{
	char why[128];

	b->up = b->down = b->same = b->added = b->gone = 0;
	for (size_t i = 0; i < b->n; i++)
		b->v[i].matched = false;
	for (size_t k = 0; k < r->n; k++) {
		struct report_cell *c = &r->cells[k];
		struct jv *params = jv_parse(c->params_json, strlen(c->params_json), why, sizeof(why));
		struct report_base_cell *e = NULL;
		uint64_t calls = report_cell_calls(c), est = c->estale_total;

		if (!params)
			return -ENOMEM;	/* our own text: only memory can fail */
		for (size_t i = 0; i < b->n && !e; i++)
			if (!b->v[i].matched && strcmp(b->v[i].line_id, c->line_id) == 0 &&
			    strcmp(b->v[i].backend, c->backend) == 0 &&
			    report_jv_equal(b->v[i].params, params))
				e = &b->v[i];
		jv_free(params);
		if (est > calls)
			est = calls;
		memset(&c->base, 0, sizeof(c->base));
		if (!e) {
			c->base.change = CHANGE_NEW;
			c->base.p = 1.0;
			b->added++;
			continue;
		}
		e->matched = true;
		c->base.estale = e->estale;
		c->base.calls = e->calls;
		c->base.p = signif_fisher_two_sided(est, calls, e->estale, e->calls);
		if (c->base.p >= REPORT_CHANGE_P || !calls || !e->calls) {
			c->base.change = CHANGE_SAME;
			b->same++;
		} else if ((double)est * (double)e->calls > (double)e->estale * (double)calls) {
			c->base.change = CHANGE_UP;
			b->up++;
		} else {
			c->base.change = CHANGE_DOWN;
			b->down++;
		}
	}
	for (size_t i = 0; i < b->n; i++)
		b->gone += !b->v[i].matched;
	return 0;
}

static void pct_of(char *buf, size_t len, uint64_t k, uint64_t n)
{
	report_pct(buf, len, n ? (double)(k > n ? n : k) / (double)n : 0.0);
}

void report_change_phrase(char *buf, size_t len, const struct report_cell *c)
{
	char was[32], now[32];

	pct_of(now, sizeof(now), c->estale_total, report_cell_calls(c));
	pct_of(was, sizeof(was), c->base.estale, c->base.calls);
	if (c->base.change == CHANGE_NEW)
		snprintf(buf, len, "new (%s)", now);
	else
		snprintf(buf, len, "%s (%s -> %s, p = %.2g)", report_change_name(c->base.change), was, now,
			 c->base.p);
}

void report_baseline_md(FILE *f, const struct report *r)
{
	const struct report_baseline *b = r->baseline;
	char ph[256];

	if (!b)
		return;
	fputs("Against the baseline of ", f);
	report_md_put(f, report_str_or(b->started, "?"));
	fputs(" (stalefs ", f);
	report_md_put(f, report_str_or(b->stalefs, "?"));
	fputs(", kernel ", f);
	report_md_put(f, report_str_or(b->kernel, "?"));
	fprintf(f, "): %zu up, %zu down, %zu same, %zu new, %zu gone.\n\n", b->up, b->down, b->same,
		b->added, b->gone);
	if (!b->up && !b->down && !b->added && !b->gone)
		return;
	fputs("| cell | change |\n|---|---|\n", f);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (c->base.change == CHANGE_SAME || c->base.change == CHANGE_NONE)
			continue;
		report_change_phrase(ph, sizeof(ph), c);
		fputs("| ", f);
		report_md_put(f, c->id);
		fputs(" | ", f);
		report_md_put(f, ph);
		fputs(" |\n", f);
	}
	for (size_t i = 0; i < b->n; i++) {
		if (b->v[i].matched)
			continue;
		fputs("| ", f);
		report_md_put(f, b->v[i].id);
		fputs(" | gone |\n", f);
	}
	fputc('\n', f);
}
