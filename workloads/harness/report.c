// SPDX-License-Identifier: GPL-2.0-or-later
/* Reading and merging cell lines, and the numbers every renderer uses;
 * see report.h. The renderers: report_render.c and report_{text,md,junit,json}.c. */
#include "report.h"
#include "report_render.h"

#include "cellline.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define Z95 1.959964

/* ---- small helpers ---------------------------------------------------- */

int report_grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	p = realloc(*v, ncap * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

/* ---- name → count lists ----------------------------------------------- */

static int counts_add(struct report_counts *c, const char *key, uint64_t n)
{
	char *k;

	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].key, key) == 0) {
			c->v[i].n += n;
			return 0;
		}
	}
	if (report_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)))
		return -ENOMEM;
	k = strdup(key);
	if (!k)
		return -ENOMEM;
	c->v[c->n].key = k;
	c->v[c->n].n = n;
	c->n++;
	return 0;
}

uint64_t report_counts_get(const struct report_counts *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return c->v[i].n;
	return 0;
}

uint64_t report_counts_sum(const struct report_counts *c)
{
	uint64_t s = 0;

	for (size_t i = 0; i < c->n; i++)
		s += c->v[i].n;
	return s;
}

static void counts_free(struct report_counts *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].key);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int counts_merge(struct report_counts *dst, const struct report_counts *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (counts_add(dst, src->v[i].key, src->v[i].n))
			return -ENOMEM;
	return 0;
}

static struct report_op_errors *op_errors(struct report_cell *c, const char *op)
{
	struct report_op_errors *e;

	for (size_t i = 0; i < c->nerrors; i++)
		if (strcmp(c->errors[i].op, op) == 0)
			return &c->errors[i];
	if (report_grow((void **)&c->errors, &c->errors_cap, c->nerrors + 1, sizeof(*c->errors)))
		return NULL;
	e = &c->errors[c->nerrors];
	memset(e, 0, sizeof(*e));
	e->op = strdup(op);
	if (!e->op)
		return NULL;
	c->nerrors++;
	return e;
}

/* ---- cells ------------------------------------------------------------ */

static void report_cell_free(struct report_cell *c)
{
	free(c->id);
	free(c->line_id);
	free(c->backend);
	cell_free(&c->params);
	free(c->params_json);
	free(c->key);
	free(c->status);
	free(c->reason);
	free(c->effective_mode);
	free(c->mode_reason);
	free(c->repro);
	counts_free(&c->calls);
	counts_free(&c->estale);
	for (size_t i = 0; i < c->nerrors; i++) {
		free(c->errors[i].op);
		counts_free(&c->errors[i].by_errno);
	}
	free(c->errors);
	counts_free(&c->inject);
	counts_free(&c->host);
	counts_free(&c->daemon);
	free(c->rep_results);
	memset(c, 0, sizeof(*c));
}

int report_verdict_rank(enum run_verdict v)
{
	switch (v) {
	case VERDICT_SKIPPED:
		return 0;
	case VERDICT_CLEAN:
		return 1;
	case VERDICT_ESTALE:
		return 2;
	case VERDICT_FAILED:
		return 3;
	case VERDICT_ERROR:
	default:
		return 4;
	}
}

static bool cell_ran(const struct report_cell *c)
{
	return strcmp(c->status, "ran") == 0 || c->reps_ran > 0;
}

/* *dst = a copy of text. */
static int dup_to(char **dst, const char *text)
{
	char *d = strdup(text);

	if (!d)
		return -ENOMEM;
	free(*dst);
	*dst = d;
	return 0;
}

/* c's params: a copy of the cell, its "params" object as text, and the
 * merge key (backend, id, params; NUL-separated pieces joined by '\n'). */
static int params_from_line(struct report_cell *c, const struct cell_line *l)
{
	size_t len = 0;
	FILE *f;

	if (cell_copy(&c->params, &l->cell))
		return -ENOMEM;
	f = open_memstream(&c->params_json, &len);
	if (!f)
		return -ENOMEM;
	cell_line_params_write(&l->cell, f);
	if (fclose(f))
		return -ENOMEM;
	c->key = report_strf("%s\n%s\n%s", c->backend, c->line_id, c->params_json);
	return c->key ? 0 : -ENOMEM;
}

static int attribution_from(struct report_cell *c, const struct attrib *a)
{
	for (int i = 0; i < a->nkeys; i++) {
		const char *src = a->key[i].source;
		struct report_counts *to = strcmp(src, "inject") == 0 ? &c->inject
					   : strcmp(src, "host") == 0 ? &c->host
					   : strcmp(src, "daemon") == 0 ? &c->daemon : NULL;

		if (to && counts_add(to, a->key[i].detail, a->key[i].n))
			return -ENOMEM;
	}
	c->kernel = a->kernel;
	c->unattributed = a->unattributed;
	c->emitted = a->emitted;
	c->masked = a->masked;
	return 0;
}

/* One report cell from a cell line that cellline.h read (and checked). */
static int cell_from_line(struct report_cell *c, const struct cell_line *l)
{
	const struct run_result *r = &l->result;

	memset(c, 0, sizeof(*c));
	c->merged = 1;
	if (dup_to(&c->id, l->id) || dup_to(&c->line_id, l->id) ||
	    dup_to(&c->backend, report_str_or(l->backend, "stalefs")) ||
	    dup_to(&c->status, run_status_name(r->status)) ||
	    dup_to(&c->reason, r->reason) || dup_to(&c->effective_mode, r->effective_mode) ||
	    dup_to(&c->mode_reason, r->mode_reason) || dup_to(&c->repro, l->repro) ||
	    params_from_line(c, l))
		return -ENOMEM;
	c->origin = r->origin;
	c->reps = l->cell.reps;
	c->reps_ran = r->reps_ran;
	for (int i = 0; i < r->nops; i++) {
		struct report_op_errors *e;

		if (counts_add(&c->calls, r->op[i].name, r->op[i].calls) ||
		    counts_add(&c->estale, r->op[i].name, r->op[i].estale))
			return -ENOMEM;
		if (!r->op[i].nerr)
			continue;
		e = op_errors(c, r->op[i].name);
		if (!e)
			return -ENOMEM;
		for (int j = 0; j < r->op[i].nerr; j++)
			if (counts_add(&e->by_errno, r->op[i].err[j].name, r->op[i].err[j].n))
				return -ENOMEM;
	}
	/* Lines older than "estale_total" count it per op only. */
	c->estale_total = r->estale_total ? r->estale_total : report_counts_sum(&c->estale);
	c->integrity.files = r->files;
	c->integrity.bytes = r->bytes;
	c->integrity.symlinks = r->symlinks;
	c->integrity.xattrs = r->xattrs;
	c->integrity.mismatches = r->mismatches;
	if (r->traced) {
		c->trace_seen = true;
		c->emitted_trace = r->emitted_trace;
	} else if (cell_ran(c)) {
		c->trace_missing = true;
	}
	if (attribution_from(c, &r->attrib))
		return -ENOMEM;
	c->chains = r->chains;
	c->faults_fired = r->faults_fired;
	c->ops_per_s = l->ops_per_s;
	c->duration_s = r->duration_s;
	c->setup_s = r->setup_s;
	c->teardown_s = r->teardown_s;
	c->verdict = r->verdict;
	if (r->reps_ran) {
		c->rep_results = calloc(r->reps_ran, sizeof(*c->rep_results));
		if (!c->rep_results)
			return -ENOMEM;
		c->rep_cap = r->reps_ran;
		for (unsigned int i = 0; i < r->reps_ran; i++)
			c->rep_results[c->nrep_results++] = (struct report_rep){
				.seed = r->rep[i].seed, .exit = r->rep[i].exit,
				.estale = r->rep[i].estale, .errors = r->rep[i].errors,
				.mismatches = r->rep[i].mismatches };
	}
	return 0;
}

static int status_rank(const char *s)
{
	if (strcmp(s, "error") == 0)
		return 4;
	if (strcmp(s, "timeout") == 0)
		return 3;
	if (strcmp(s, "ran") == 0)
		return 1;
	if (strcmp(s, "cannot-run") == 0)
		return 0;
	return *s ? 2 : -1;
}

static void take_str(char **dst, char **src)
{
	free(*dst);
	*dst = *src;
	*src = NULL;
}

/* Merge s (a fresh line) into d; s keeps what was not moved. */
static int cell_merge(struct report_cell *d, struct report_cell *s)
{
	double dur = d->duration_s + s->duration_s;

	if (status_rank(s->status) > status_rank(d->status)) {
		take_str(&d->status, &s->status);
		take_str(&d->reason, &s->reason);
	}
	if (!*d->effective_mode && *s->effective_mode) {
		take_str(&d->effective_mode, &s->effective_mode);
		take_str(&d->mode_reason, &s->mode_reason);
	}
	if (!*d->repro && *s->repro)
		take_str(&d->repro, &s->repro);
	d->reps += s->reps;
	d->reps_ran += s->reps_ran;
	if (counts_merge(&d->calls, &s->calls) || counts_merge(&d->estale, &s->estale))
		return -ENOMEM;
	for (size_t i = 0; i < s->nerrors; i++) {
		struct report_op_errors *e = op_errors(d, s->errors[i].op);

		if (!e || counts_merge(&e->by_errno, &s->errors[i].by_errno))
			return -ENOMEM;
	}
	d->estale_total += s->estale_total;
	d->integrity.files += s->integrity.files;
	d->integrity.bytes += s->integrity.bytes;
	d->integrity.symlinks += s->integrity.symlinks;
	d->integrity.xattrs += s->integrity.xattrs;
	d->integrity.mismatches += s->integrity.mismatches;
	d->emitted += s->emitted;
	d->emitted_trace += s->emitted_trace;
	d->trace_seen |= s->trace_seen;
	d->trace_missing |= s->trace_missing;
	d->masked += s->masked;
	if (counts_merge(&d->inject, &s->inject) || counts_merge(&d->host, &s->host) ||
	    counts_merge(&d->daemon, &s->daemon))
		return -ENOMEM;
	d->kernel += s->kernel;
	d->unattributed += s->unattributed;
	chains_add(&d->chains, &s->chains);
	d->faults_fired += s->faults_fired;
	/* ops/s over the time of both: weighted by their durations. */
	if (dur > 0)
		d->ops_per_s = (d->ops_per_s * d->duration_s + s->ops_per_s * s->duration_s) / dur;
	else if (s->ops_per_s > d->ops_per_s)
		d->ops_per_s = s->ops_per_s;
	d->duration_s = dur;
	d->setup_s += s->setup_s;
	d->teardown_s += s->teardown_s;
	if (report_verdict_rank(s->verdict) > report_verdict_rank(d->verdict))
		d->verdict = s->verdict;
	/* The earliest start; the host and kernel that go with it. */
	if (*s->origin.started &&
	    (!*d->origin.started || strcmp(s->origin.started, d->origin.started) < 0))
		d->origin = s->origin;
	if (s->nrep_results) {
		if (report_grow((void **)&d->rep_results, &d->rep_cap, d->nrep_results + s->nrep_results,
			 sizeof(*d->rep_results)))
			return -ENOMEM;
		memcpy(d->rep_results + d->nrep_results, s->rep_results,
		       s->nrep_results * sizeof(*s->rep_results));
		d->nrep_results += s->nrep_results;
	}
	d->merged++;
	return 0;
}

/* ---- the report ------------------------------------------------------- */

void report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	json_origin_now(&r->made);
}

void report_warn_clear(struct report *r)
{
	for (size_t i = 0; i < r->nwarn; i++)
		free(r->warn[i]);
	free(r->warn);
	r->warn = NULL;
	r->nwarn = 0;
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		report_cell_free(&r->cells[i]);
	free(r->cells);
	free(r->slots);
	free(r->id_slots);
	report_warn_clear(r);
	memset(r, 0, sizeof(*r));
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The cell's merge key (by_id false) or the lines' id (true). */
static const char *cell_key(const struct report_cell *c, bool by_id)
{
	return by_id ? c->line_id : c->key;
}

/* The slot of s in the key (or id) index: holding the first cell with it,
 * or the free one where it would go. */
static size_t *find_slot(const struct report *r, const char *s, bool by_id)
{
	size_t mask = r->nslots - 1, *slots = by_id ? r->id_slots : r->slots;

	for (size_t i = (size_t)hash_str(s) & mask;; i = (i + 1) & mask) {
		size_t *slot = &slots[i];

		if (!*slot || strcmp(cell_key(&r->cells[*slot - 1], by_id), s) == 0)
			return slot;
	}
}

static int rehash(struct report *r)
{
	size_t n = r->nslots ? r->nslots * 2 : 64;
	size_t *old = r->slots, *old_id = r->id_slots;

	r->slots = calloc(n, sizeof(*r->slots));
	r->id_slots = calloc(n, sizeof(*r->id_slots));
	if (!r->slots || !r->id_slots) {
		free(r->slots);
		free(r->id_slots);
		r->slots = old;
		r->id_slots = old_id;
		return -ENOMEM;
	}
	r->nslots = n;
	for (size_t i = 0; i < r->n; i++) {
		size_t *id_slot = find_slot(r, r->cells[i].line_id, true);

		*find_slot(r, r->cells[i].key, false) = i + 1;
		if (!*id_slot)
			*id_slot = i + 1;
	}
	free(old);
	free(old_id);
	return 0;
}

bool report_jv_equal(const struct jv *a, const struct jv *b)
{
	if (!a || !b || a->type != b->type || a->n != b->n)
		return a == b;
	switch (a->type) {
	case JV_STR:
		return strcmp(a->str, b->str) == 0;
	case JV_NUM:
		return a->num == b->num;
	case JV_BOOL:
		return a->b == b->b;
	case JV_ARR:
	case JV_OBJ:
		for (size_t i = 0; i < a->n; i++)
			if ((a->type == JV_OBJ && strcmp(a->keys[i], b->keys[i]) != 0) ||
			    !report_jv_equal(&a->items[i], &b->items[i]))
				return false;
		return true;
	default:
		return true;
	}
}

/* The first param (in the order lines write them) where a and b differ. */
static void first_difference(const struct report_cell *a, const struct report_cell *b, char *buf,
			     size_t len)
{
	char why[128];
	struct jv *x = jv_parse(a->params_json, strlen(a->params_json), why, sizeof(why));
	struct jv *y = jv_parse(b->params_json, strlen(b->params_json), why, sizeof(why));

	snprintf(buf, len, "%s", strcmp(a->backend, b->backend) ? "backend" : "params");
	if (x && y && x->type == JV_OBJ && !strcmp(a->backend, b->backend)) {
		for (size_t i = 0; i < x->n; i++) {
			if (!report_jv_equal(&x->items[i], jv_get(y, x->keys[i]))) {
				snprintf(buf, len, "%s", x->keys[i]);
				break;
			}
		}
	}
	jv_free(x);
	jv_free(y);
}

/* "ID #3fa2": the id and a short hash of what else makes the cell. */
static int split_id(struct report_cell *c)
{
	char *id = report_strf("%s #%04x", c->line_id, (unsigned int)(hash_str(c->key) & 0xffff));

	if (!id)
		return -ENOMEM;
	free(c->id);
	c->id = id;
	return 0;
}

/* c (new) has the id of first but other params: both get their suffix. */
static int split_cells(struct report *r, struct report_cell *first, struct report_cell *c)
{
	char what[64], *w;

	if (strcmp(first->id, first->line_id) == 0 && split_id(first))
		return -ENOMEM;
	if (split_id(c))
		return -ENOMEM;
	first_difference(first, c, what, sizeof(what));
	if (report_grow((void **)&r->warn, &r->warn_cap, r->nwarn + 1, sizeof(*r->warn)))
		return -ENOMEM;
	w = report_strf("%s: lines with this id differ in their params (first: %s): not merged, "
			"shown apart as %s and %s", c->line_id, what, first->id + strlen(first->line_id) + 1,
			c->id + strlen(c->line_id) + 1);
	if (!w)
		return -ENOMEM;
	r->warn[r->nwarn++] = w;
	return 0;
}

int report_add(struct report *r, const struct jv *line, char *err, size_t errlen)
{
	struct cell_line *l = malloc(sizeof(*l));
	struct report_cell c = { 0 };
	size_t *slot, *id_slot;
	int ret;

	if (!l)
		goto nomem;
	ret = cell_line_from_jv(l, line, err, errlen);
	if (ret) {
		free(l);
		return ret;
	}
	ret = (r->n + 1) * 2 > r->nslots ? rehash(r) : 0;
	if (!ret)
		ret = cell_from_line(&c, l);
	cell_line_free(l);
	free(l);
	if (ret)
		goto out;
	slot = find_slot(r, c.key, false);
	if (*slot) {
		ret = cell_merge(&r->cells[*slot - 1], &c);
		goto out;
	}
	id_slot = find_slot(r, c.line_id, true);
	if (*id_slot) {
		ret = split_cells(r, &r->cells[*id_slot - 1], &c);
		if (ret)
			goto out;
	}
	ret = report_grow((void **)&r->cells, &r->cap, r->n + 1, sizeof(*r->cells));
	if (ret)
		goto out;
	r->cells[r->n++] = c;
	*slot = r->n;
	if (!*id_slot)
		*id_slot = r->n;
	return 0;
out:
	report_cell_free(&c);
	if (!ret)
		return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

int report_read(struct report *r, FILE *f, const char *name, char *err, size_t errlen)
{
	char *line = NULL, why[256];
	unsigned long lineno = 0;
	size_t cap = 0;
	ssize_t len;
	int ret = 0;

	errno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		struct jv *v;
		ssize_t i;

		lineno++;
		for (i = 0; i < len && line[i] && strchr(" \t\r\n", line[i]); i++)
			;
		if (i == len)
			continue;
		v = jv_parse(line, len, why, sizeof(why));
		if (!v && line[len - 1] != '\n' && getc(f) == EOF && !ferror(f)) {
			r->torn++;	/* the last line, cut short: its writer was killed */
			break;
		}
		if (!v) {
			snprintf(err, errlen, "%s:%lu: %s", name, lineno, why);
			ret = -EINVAL;
			break;
		}
		ret = report_add(r, v, why, sizeof(why));
		jv_free(v);
		if (ret) {
			snprintf(err, errlen, "%s:%lu: %s", name, lineno, why);
			break;
		}
	}
	if (!ret && ferror(f)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno ? errno : EIO));
		ret = -EIO;
	}
	free(line);
	return ret;
}

struct report_ci report_wilson(uint64_t k, uint64_t n)
{
	struct report_ci ci = { 0, 1 };
	double z2 = Z95 * Z95, p, den, center, half;

	if (n == 0)
		return ci;
	if (k > n)
		k = n;
	p = (double)k / n;
	den = 1 + z2 / n;
	center = (p + z2 / (2.0 * n)) / den;
	half = Z95 * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / den;
	ci.lo = k == 0 ? 0 : fmax(0, center - half);
	ci.hi = k == n ? 1 : fmin(1, center + half);
	return ci;
}

void report_pct(char *buf, size_t len, double frac)
{
	double x = frac * 100;
	int dec;

	if (!(x > 0)) {
		snprintf(buf, len, "0%%");
		return;
	}
	if (x >= 100) {
		snprintf(buf, len, "100%%");
		return;
	}
	dec = 2 - (int)floor(log10(x));
	if (dec < 0)
		dec = 0;
	if (dec > 8)
		dec = 8;
	snprintf(buf, len, "%.*f%%", dec, x);
}

uint64_t report_cell_calls(const struct report_cell *c)
{
	return report_counts_sum(&c->calls);
}

void report_totals(const struct report *r, struct report_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->cells = r->n;
	for (size_t i = 0; i < r->n; i++) {
		const struct report_cell *c = &r->cells[i];

		switch (c->verdict) {
		case VERDICT_CLEAN: t->clean++; break;
		case VERDICT_ESTALE: t->with_estale++; break;
		case VERDICT_FAILED: t->failed++; break;
		case VERDICT_SKIPPED: t->skipped++; break;
		case VERDICT_ERROR: default: t->errored++; break;
		}
		t->calls += report_cell_calls(c);
		t->estale += c->estale_total;
		t->emitted += c->emitted;
		t->masked += c->masked;
		t->mismatches += c->integrity.mismatches;
		t->faults_fired += c->faults_fired;
		t->duration_s += c->duration_s;
	}
}

bool report_failed(const struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (run_verdict_bad(r->cells[i].verdict))
			return true;
	return false;
}

int report_format_parse(const char *s, enum report_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = REPORT_TEXT;
	else if (strcmp(s, "markdown") == 0 || strcmp(s, "md") == 0)
		*out = REPORT_MARKDOWN;
	else if (strcmp(s, "junit") == 0)
		*out = REPORT_JUNIT;
	else if (strcmp(s, "json") == 0)
		*out = REPORT_JSON;
	else if (strcmp(s, "html") == 0)
		*out = REPORT_HTML;
	else
		return -EINVAL;
	return 0;
}
