// SPDX-License-Identifier: GPL-2.0-or-later
/* Merging cell lines and rendering reports; see report.h. */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define Z95 1.959964

/* ---- small helpers ---------------------------------------------------- */

static int grow(void **v, size_t *cap, size_t need, size_t size)
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

/* *dst = a copy of the string v (or "" when v is missing or no string). */
static int set_str(char **dst, const struct jv *v)
{
	char *s = strdup(jv_str(v, ""));

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static const char *str_or(const char *s, const char *dflt)
{
	return s && *s ? s : dflt;
}

static char *strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *strf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
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
	if (grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)))
		return -ENOMEM;
	k = strdup(key);
	if (!k)
		return -ENOMEM;
	c->v[c->n].key = k;
	c->v[c->n].n = n;
	c->n++;
	return 0;
}

static uint64_t counts_get(const struct report_counts *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].key, key) == 0)
			return c->v[i].n;
	return 0;
}

static uint64_t counts_sum(const struct report_counts *c)
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

/* Add every member of a JSON object (non-numbers count 0). */
static int counts_add_jv(struct report_counts *c, const struct jv *obj)
{
	if (!obj || obj->type != JV_OBJ)
		return 0;
	for (size_t i = 0; i < obj->n; i++)
		if (counts_add(c, obj->keys[i], jv_u64(&obj->items[i], 0)))
			return -ENOMEM;
	return 0;
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
	if (grow((void **)&c->errors, &c->errors_cap, c->nerrors + 1, sizeof(*c->errors)))
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

static void params_free(struct report_params *p)
{
	free(p->mode);
	free(p->privilege);
	free(p->cache);
	free(p->profile);
	free(p->workload);
	free(p->expect);
	for (size_t i = 0; i < p->nrules; i++)
		free(p->rules[i]);
	free(p->rules);
}

static void cell_free(struct report_cell *c)
{
	free(c->id);
	params_free(&c->params);
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

static int params_from_jv(struct report_params *p, const struct jv *v)
{
	const struct jv *rules = jv_get(v, "rules");

	if (set_str(&p->mode, jv_get(v, "mode")) || set_str(&p->privilege, jv_get(v, "privilege")) ||
	    set_str(&p->cache, jv_get(v, "cache")) || set_str(&p->profile, jv_get(v, "profile")) ||
	    set_str(&p->workload, jv_get(v, "workload")) || set_str(&p->expect, jv_get(v, "expect")))
		return -ENOMEM;
	if (rules && rules->type == JV_ARR && rules->n) {
		p->rules = calloc(rules->n, sizeof(*p->rules));
		if (!p->rules)
			return -ENOMEM;
		for (size_t i = 0; i < rules->n; i++) {
			if (rules->items[i].type != JV_STR)
				continue;
			p->rules[p->nrules] = strdup(rules->items[i].str);
			if (!p->rules[p->nrules])
				return -ENOMEM;
			p->nrules++;
		}
	}
	p->overlay = jv_bool(jv_get(v, "overlay"), false);
	p->churn = jv_bool(jv_get(v, "churn"), false);
	p->drop_caches_ms = jv_u64(jv_get(v, "drop_caches_ms"), 0);
	p->threads = jv_u64(jv_get(v, "threads"), 0);
	p->seconds = jv_num(jv_get(v, "seconds"), 0);
	p->count = jv_u64(jv_get(v, "count"), 0);
	p->reps = jv_u64(jv_get(v, "reps"), 0);
	p->seed = jv_u64(jv_get(v, "seed"), 0);
	p->objects = jv_u64(jv_get(v, "objects"), 0);
	p->max_links = jv_u64(jv_get(v, "max_links"), 0);
	return 0;
}

static enum report_verdict verdict_parse(const struct jv *v)
{
	const char *s = jv_str(v, "");

	if (!*s || strcmp(s, "skip") == 0)
		return REPORT_SKIP;
	if (strcmp(s, "pass") == 0)
		return REPORT_PASS;
	return REPORT_FAIL;
}

static const char *verdict_name(enum report_verdict v)
{
	return v == REPORT_PASS ? "pass" : v == REPORT_FAIL ? "fail" : "skip";
}

static bool cell_ran(const struct report_cell *c)
{
	return strcmp(c->status, "ran") == 0 || c->reps_ran > 0;
}

/* A JSON number that is not negative or huge, else 0. */
static double nonneg(const struct jv *v)
{
	double d = jv_num(v, 0);

	return d > 0 && d < 1e15 ? d : 0;
}

static int cell_from_jv(struct report_cell *c, const struct jv *v)
{
	const struct jv *errors = jv_get(v, "errors");
	const struct jv *trace = jv_get(v, "emitted_trace");
	const struct jv *reps = jv_get(v, "rep_results");
	const struct jv *it;

	memset(c, 0, sizeof(*c));
	c->merged = 1;
	if (set_str(&c->id, jv_get(v, "cell")) || set_str(&c->status, jv_get(v, "status")) ||
	    set_str(&c->reason, jv_get(v, "reason")) ||
	    set_str(&c->effective_mode, jv_get(v, "effective_mode")) ||
	    set_str(&c->mode_reason, jv_get(v, "mode_reason")) ||
	    set_str(&c->repro, jv_get(v, "repro")))
		return -ENOMEM;
	if (params_from_jv(&c->params, jv_get(v, "params")))
		return -ENOMEM;
	c->reps = jv_u64(jv_get(v, "reps"), 0);
	c->reps_ran = jv_u64(jv_get(v, "reps_ran"), 0);
	if (counts_add_jv(&c->calls, jv_get(v, "calls")) ||
	    counts_add_jv(&c->estale, jv_get(v, "estale")))
		return -ENOMEM;
	if (errors && errors->type == JV_OBJ) {
		for (size_t i = 0; i < errors->n; i++) {
			struct report_op_errors *e;

			if (errors->items[i].type != JV_OBJ)
				continue;
			e = op_errors(c, errors->keys[i]);
			if (!e || counts_add_jv(&e->by_errno, &errors->items[i]))
				return -ENOMEM;
		}
	}
	it = jv_get(v, "estale_total");
	c->estale_total = it ? jv_u64(it, 0) : counts_sum(&c->estale);
	it = jv_get(v, "integrity");
	c->integrity.files = jv_u64(jv_get(it, "files"), 0);
	c->integrity.bytes = jv_u64(jv_get(it, "bytes"), 0);
	c->integrity.symlinks = jv_u64(jv_get(it, "symlinks"), 0);
	c->integrity.xattrs = jv_u64(jv_get(it, "xattrs"), 0);
	c->integrity.mismatches = jv_u64(jv_get(it, "mismatches"), 0);
	c->emitted = jv_u64(jv_get(v, "emitted"), 0);
	if (trace && trace->type == JV_NUM) {
		c->trace_seen = true;
		c->emitted_trace = jv_u64(trace, 0);
	} else if (cell_ran(c)) {
		c->trace_missing = true;
	}
	c->masked = jv_u64(jv_get(v, "masked"), 0);
	it = jv_get(v, "attribution");
	if (counts_add_jv(&c->inject, jv_get(it, "inject")) ||
	    counts_add_jv(&c->host, jv_get(it, "host")) ||
	    counts_add_jv(&c->daemon, jv_get(it, "daemon")))
		return -ENOMEM;
	c->kernel = jv_u64(jv_get(it, "kernel"), 0);
	c->unattributed = jv_u64(jv_get(it, "unattributed"), 0);
	chains_from_json(&c->chains, jv_get(v, "chains"));
	c->faults_fired = jv_u64(jv_get(v, "faults_fired"), 0);
	c->ops_per_s = nonneg(jv_get(v, "ops_per_s"));
	c->duration_s = nonneg(jv_get(v, "duration_s"));
	c->setup_s = nonneg(jv_get(v, "setup_s"));
	c->teardown_s = nonneg(jv_get(v, "teardown_s"));
	c->verdict = verdict_parse(jv_get(v, "verdict"));
	if (reps && reps->type == JV_ARR && reps->n) {
		c->rep_results = calloc(reps->n, sizeof(*c->rep_results));
		if (!c->rep_results)
			return -ENOMEM;
		c->rep_cap = reps->n;
		for (size_t i = 0; i < reps->n; i++) {
			const struct jv *r = &reps->items[i];
			struct report_rep *o = &c->rep_results[c->nrep_results];
			double ex;

			if (r->type != JV_OBJ)
				continue;
			ex = jv_num(jv_get(r, "exit"), 0);
			o->seed = jv_u64(jv_get(r, "seed"), 0);
			o->exit = ex > -1e9 && ex < 1e9 ? (int64_t)ex : 0;
			o->estale = jv_u64(jv_get(r, "estale"), 0);
			o->errors = jv_u64(jv_get(r, "errors"), 0);
			o->mismatches = jv_u64(jv_get(r, "mismatches"), 0);
			c->nrep_results++;
		}
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
	if (s->verdict > d->verdict)
		d->verdict = s->verdict;
	if (s->nrep_results) {
		if (grow((void **)&d->rep_results, &d->rep_cap, d->nrep_results + s->nrep_results,
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
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n; i++)
		cell_free(&r->cells[i]);
	free(r->cells);
	free(r->slots);
	memset(r, 0, sizeof(*r));
}

static size_t hash_id(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of id: holding its cell, or the free one where it would go. */
static size_t *find_slot(const struct report *r, const char *id)
{
	size_t mask = r->nslots - 1;

	for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
		size_t *slot = &r->slots[i];

		if (!*slot || strcmp(r->cells[*slot - 1].id, id) == 0)
			return slot;
	}
}

static int rehash(struct report *r)
{
	size_t n = r->nslots ? r->nslots * 2 : 64;
	size_t *old = r->slots;

	r->slots = calloc(n, sizeof(*r->slots));
	if (!r->slots) {
		r->slots = old;
		return -ENOMEM;
	}
	r->nslots = n;
	for (size_t i = 0; i < r->n; i++)
		*find_slot(r, r->cells[i].id) = i + 1;
	free(old);
	return 0;
}

int report_add(struct report *r, const struct jv *line, char *err, size_t errlen)
{
	struct report_cell c;
	size_t *slot;
	int ret;

	if (!line || line->type != JV_OBJ) {
		snprintf(err, errlen, "not a cell object");
		return -EINVAL;
	}
	if (!*jv_str(jv_get(line, "cell"), "")) {
		snprintf(err, errlen, "no \"cell\" id");
		return -EINVAL;
	}
	memset(&c, 0, sizeof(c));
	ret = (r->n + 1) * 2 > r->nslots ? rehash(r) : 0;
	if (!ret)
		ret = cell_from_jv(&c, line);
	if (ret)
		goto out;
	slot = find_slot(r, c.id);
	if (*slot) {
		ret = cell_merge(&r->cells[*slot - 1], &c);
		goto out;
	}
	ret = grow((void **)&r->cells, &r->cap, r->n + 1, sizeof(*r->cells));
	if (ret)
		goto out;
	r->cells[r->n++] = c;
	*slot = r->n;
	return 0;
out:
	cell_free(&c);
	if (ret)
		snprintf(err, errlen, "out of memory");
	return ret;
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
	return counts_sum(&c->calls);
}

void report_totals(const struct report *r, struct report_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->cells = r->n;
	for (size_t i = 0; i < r->n; i++) {
		const struct report_cell *c = &r->cells[i];

		if (c->verdict == REPORT_PASS)
			t->passed++;
		else if (c->verdict == REPORT_FAIL)
			t->failed++;
		else
			t->skipped++;
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
		if (r->cells[i].verdict == REPORT_FAIL)
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
	else
		return -EINVAL;
	return 0;
}

/* ---- pieces shared by the renderers ------------------------------------ */

/* "13.7% [13.1%, 14.2%]" for k of n; "-" when n is 0. */
static void rate_ci(char *buf, size_t len, uint64_t k, uint64_t n)
{
	struct report_ci ci = report_wilson(k, n);
	char p[32], lo[32], hi[32];

	if (!n) {
		snprintf(buf, len, "-");
		return;
	}
	report_pct(p, sizeof(p), (double)(k > n ? n : k) / n);
	report_pct(lo, sizeof(lo), ci.lo);
	report_pct(hi, sizeof(hi), ci.hi);
	snprintf(buf, len, "%s [%s, %s]", p, lo, hi);
}

struct item {
	const char *a, *b;	/* label: "a b" or "a" */
	uint64_t n;
	size_t ord;
};

static int item_cmp(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* Items sorted by count, the largest first, as "a b n, a n" with at most
 * limit of them (0: all) and "+N more". */
static void put_items(FILE *f, struct item *it, size_t n, size_t limit)
{
	qsort(it, n, sizeof(*it), item_cmp);
	for (size_t i = 0; i < n; i++) {
		if (limit && i == limit) {
			fprintf(f, ", +%zu more", n - i);
			break;
		}
		fprintf(f, "%s%s%s%s %" PRIu64, i ? ", " : "", it[i].a, it[i].b ? " " : "",
			it[i].b ? it[i].b : "", it[i].n);
	}
}

static size_t counts_items(struct item *it, size_t k, const char *prefix,
			   const struct report_counts *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!c->v[i].n)
			continue;
		it[k] = (struct item){ prefix ? prefix : c->v[i].key, prefix ? c->v[i].key : NULL,
				       c->v[i].n, k };
		k++;
	}
	return k;
}

/* The list of a cell's things, as one malloc'ed string. */
enum list_kind { LIST_ESTALE, LIST_ERRNOS, LIST_ATTRIBUTION };

static char *cell_list(const struct report_cell *c, enum list_kind kind, size_t limit)
{
	size_t max = 2, n = 0, len = 0;
	struct item *it;
	char *s = NULL;
	FILE *f;

	max += c->estale.n + c->inject.n + c->host.n + c->daemon.n;
	for (size_t i = 0; i < c->nerrors; i++)
		max += c->errors[i].by_errno.n;
	it = calloc(max, sizeof(*it));
	if (!it)
		return NULL;
	switch (kind) {
	case LIST_ESTALE:
		n = counts_items(it, 0, NULL, &c->estale);
		break;
	case LIST_ERRNOS:
		for (size_t i = 0; i < c->nerrors; i++)
			n = counts_items(it, n, c->errors[i].op, &c->errors[i].by_errno);
		break;
	case LIST_ATTRIBUTION:
		n = counts_items(it, 0, "inject", &c->inject);
		n = counts_items(it, n, "host", &c->host);
		n = counts_items(it, n, "daemon", &c->daemon);
		if (c->kernel) {
			it[n] = (struct item){ "kernel", NULL, c->kernel, n };
			n++;
		}
		if (c->unattributed) {
			it[n] = (struct item){ "unattributed", NULL, c->unattributed, n };
			n++;
		}
		break;
	}
	f = open_memstream(&s, &len);
	if (f) {
		put_items(f, it, n, limit);
		if (fclose(f)) {
			free(s);
			s = NULL;
		}
	}
	free(it);
	return s;
}

/* "never (asked prefer)" when the mode that took effect is another. */
static char *mode_str(const struct report_cell *c)
{
	const char *eff = c->effective_mode, *asked = c->params.mode;

	if (!*eff)
		return *asked ? strf("- (asked %s)", asked) : strdup("-");
	if (*asked && strcmp(eff, asked) != 0)
		return strf("%s (asked %s)", eff, asked);
	return strdup(eff);
}

static char *emitted_str(const struct report_cell *c)
{
	if (c->trace_seen && !c->trace_missing && c->emitted_trace != c->emitted)
		return strf("%" PRIu64 "/%" PRIu64 " (trace %" PRIu64 ")", c->emitted, c->masked,
			    c->emitted_trace);
	return strf("%" PRIu64 "/%" PRIu64, c->emitted, c->masked);
}

/* Nothing to count: the cell did not run (or ran nothing). */
static bool cell_empty(const struct report_cell *c)
{
	return strcmp(c->status, "ran") != 0 && !c->reps_ran && !report_cell_calls(c);
}

static char *note_str(const struct report_cell *c)
{
	bool mode_differs = *c->effective_mode && *c->params.mode &&
			    strcmp(c->effective_mode, c->params.mode) != 0 && *c->mode_reason;
	const char *status = str_or(c->status, "no status");

	if (strcmp(c->status, "ran") != 0 && *c->reason)
		return mode_differs ? strf("%s: %s; mode: %s", status, c->reason, c->mode_reason) :
				      strf("%s: %s", status, c->reason);
	if (strcmp(c->status, "ran") != 0)
		return mode_differs ? strf("%s; mode: %s", status, c->mode_reason) : strdup(status);
	return mode_differs ? strf("mode: %s", c->mode_reason) : strdup("");
}

enum {
	COL_CELL, COL_MODE, COL_VERDICT, COL_CALLS, COL_ESTALE, COL_RATE, COL_BYOP,
	COL_ERRNOS, COL_MISM, COL_ATTR, COL_EMIT, COL_OPS, COL_NOTE, NCOL
};

static const char *const col_head[NCOL] = {
	"cell", "mode", "verdict", "calls", "ESTALE", "rate [95% CI]", "ESTALE by op",
	"other errnos", "mismatches", "attribution", "emitted/masked", "ops/s", "note",
};
static const bool col_right[NCOL] = {
	[COL_CALLS] = true, [COL_ESTALE] = true, [COL_MISM] = true, [COL_OPS] = true,
};

#define LIST_LIMIT_ESTALE 6
#define LIST_LIMIT_OTHER 3

static void row_free(char *col[NCOL])
{
	for (int i = 0; i < NCOL; i++) {
		free(col[i]);
		col[i] = NULL;
	}
}

static int cell_row(const struct report_cell *c, char *col[NCOL])
{
	uint64_t calls = report_cell_calls(c);
	char rate[128];

	memset(col, 0, NCOL * sizeof(*col));
	col[COL_CELL] = strdup(c->id);
	col[COL_MODE] = mode_str(c);
	col[COL_VERDICT] = strdup(verdict_name(c->verdict));
	col[COL_NOTE] = note_str(c);
	if (cell_empty(c)) {
		for (int i = COL_CALLS; i < COL_NOTE; i++)
			col[i] = strdup("-");
	} else {
		rate_ci(rate, sizeof(rate), c->estale_total, calls);
		col[COL_CALLS] = strf("%" PRIu64, calls);
		col[COL_ESTALE] = strf("%" PRIu64, c->estale_total);
		col[COL_RATE] = strdup(rate);
		col[COL_BYOP] = cell_list(c, LIST_ESTALE, LIST_LIMIT_ESTALE);
		col[COL_ERRNOS] = cell_list(c, LIST_ERRNOS, LIST_LIMIT_OTHER);
		col[COL_MISM] = strf("%" PRIu64, c->integrity.mismatches);
		col[COL_ATTR] = cell_list(c, LIST_ATTRIBUTION, LIST_LIMIT_OTHER);
		col[COL_EMIT] = emitted_str(c);
		col[COL_OPS] = strf("%.0f", c->ops_per_s);
	}
	for (int i = 0; i < NCOL; i++) {
		if (!col[i]) {
			row_free(col);
			return -ENOMEM;
		}
	}
	return 0;
}

int report_cell_summary(const struct report_cell *c, FILE *out)
{
	char *col[NCOL];

	if (cell_row(c, col))
		return -ENOMEM;
	fprintf(out, "%s: mode %s, verdict %s", c->id, col[COL_MODE], col[COL_VERDICT]);
	if (cell_empty(c)) {
		fprintf(out, ", %s", col[COL_NOTE]);
	} else {
		fprintf(out, ", %s calls, %s surfaced ESTALE", col[COL_CALLS], col[COL_ESTALE]);
		if (strcmp(col[COL_RATE], "-") != 0)
			fprintf(out, " %s", col[COL_RATE]);
		if (*col[COL_BYOP])
			fprintf(out, " (%s)", col[COL_BYOP]);
		if (*col[COL_ERRNOS])
			fprintf(out, ", other errnos %s", col[COL_ERRNOS]);
		fprintf(out, ", %s mismatches", col[COL_MISM]);
		if (*col[COL_ATTR])
			fprintf(out, ", attribution %s", col[COL_ATTR]);
		fprintf(out, ", emitted/masked %s, %s ops/s", col[COL_EMIT], col[COL_OPS]);
		if (*col[COL_NOTE])
			fprintf(out, ", %s", col[COL_NOTE]);
	}
	row_free(col);
	return 0;
}

static void totals_line(FILE *f, const struct report_totals *t, const char *sep)
{
	char rate[128];

	rate_ci(rate, sizeof(rate), t->estale, t->calls);
	fprintf(f, "%zu cell%s: %zu passed, %zu failed, %zu skipped%s%" PRIu64
		" surfaced ESTALE in %" PRIu64 " calls", t->cells, t->cells == 1 ? "" : "s",
		t->passed, t->failed, t->skipped, sep, t->estale, t->calls);
	if (t->calls)
		fprintf(f, " (%s)", rate);
	fprintf(f, "%s%" PRIu64 " integrity mismatches, %" PRIu64 " emitted, %" PRIu64 " masked",
		sep, t->mismatches, t->emitted, t->masked);
}

static int finish(FILE *out)
{
	return fflush(out) || ferror(out) ? -EIO : 0;
}

/* ---- text ------------------------------------------------------------- */

static void put_padded(FILE *f, const char *s, size_t width, bool right)
{
	size_t len = strlen(s);

	if (right)
		fprintf(f, "%*s%s", (int)(width - len), "", s);
	else
		fprintf(f, "%s%*s", s, (int)(width - len), "");
}

/* One table line; trailing blanks are not written. */
static void text_line(FILE *f, char *const col[NCOL], const size_t width[NCOL])
{
	int last = NCOL - 1;

	while (last > 0 && !*col[last])
		last--;
	for (int i = 0; i <= last; i++) {
		if (i)
			fputs("  ", f);
		put_padded(f, col[i], i == last && !col_right[i] ? strlen(col[i]) : width[i],
			   col_right[i]);
	}
	fputc('\n', f);
}

static void chains_section(FILE *f, const struct report *r, bool md);

int report_text(const struct report *r, FILE *out)
{
	struct report_totals t;
	size_t width[NCOL];
	char *(*rows)[NCOL];
	bool any_fail = false;
	int ret = 0;

	rows = calloc(r->n ? r->n : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (int i = 0; i < NCOL; i++)
		width[i] = strlen(col_head[i]);
	for (size_t k = 0; k < r->n; k++) {
		ret = cell_row(&r->cells[k], rows[k]);
		if (ret)
			goto out;
		for (int i = 0; i < NCOL; i++)
			if (strlen(rows[k][i]) > width[i])
				width[i] = strlen(rows[k][i]);
	}
	text_line(out, (char *const *)col_head, width);
	for (size_t k = 0; k < r->n; k++)
		text_line(out, rows[k], width);
	report_totals(r, &t);
	fputs("total: ", out);
	totals_line(out, &t, "; ");
	fputc('\n', out);
	chains_section(out, r, false);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (c->verdict != REPORT_FAIL)
			continue;
		if (!any_fail)
			fputs("\nreproduce the failing cells:\n", out);
		any_fail = true;
		fprintf(out, "  # %s\n  %s\n", c->id, str_or(c->repro, "(no repro line)"));
	}
	ret = finish(out);
out:
	for (size_t k = 0; k < r->n; k++)
		row_free(rows[k]);
	free(rows);
	return ret;
}

/* ---- markdown --------------------------------------------------------- */

/* Table cell text: '|' escaped, line breaks as blanks. */
static void md_put(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

static void md_row(FILE *f, char *const col[NCOL])
{
	fputc('|', f);
	for (int i = 0; i < NCOL; i++) {
		fputc(' ', f);
		md_put(f, col[i]);
		fputs(" |", f);
	}
	fputc('\n', f);
}

/* Things rendered into memory, to be measured before they are written. */
struct piece {
	char *s;
	size_t len;
	FILE *f;
};

static FILE *piece_open(struct piece *p)
{
	p->s = NULL;
	p->len = 0;
	p->f = open_memstream(&p->s, &p->len);
	return p->f;
}

static int piece_close(struct piece *p)
{
	int bad = !p->f || fclose(p->f) != 0;

	p->f = NULL;
	if (bad) {
		free(p->s);
		p->s = NULL;
		p->len = 0;
		return -ENOMEM;
	}
	return 0;
}

/*
 * Why: each cell's cause chains, biggest first, and how many of its ESTALE
 * have a complete one. md: as a Markdown section of bullets.
 */
static void chains_section(FILE *f, const struct report *r, bool md)
{
	bool any = false;

	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];

		if (!c->chains.total)
			continue;
		if (!any)
			fputs(md ? "\n### Why: cause chains (kernel layer <- daemon answer <- cause)\n\n"
				 : "\nwhy (kernel layer <- daemon answer <- cause):\n", f);
		any = true;
		if (md) {
			fputs("- **", f);
			md_put(f, c->id);
			fprintf(f, "**: %" PRIu64 " ESTALE, %.1f%% with a complete chain\n", c->chains.total,
				100.0 * (double)c->chains.complete / (double)c->chains.total);
			chains_print(&c->chains, f, "  - ", 1000);
		} else {
			fprintf(f, "%s: %" PRIu64 " ESTALE, %.1f%% with a complete chain\n", c->id,
				c->chains.total, 100.0 * (double)c->chains.complete / (double)c->chains.total);
			chains_print(&c->chains, f, "  ", 120);
		}
	}
}

static int md_perop(FILE *f, const struct report *r)
{
	bool any = false;

	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		struct item *it;
		size_t n;

		if (!c->estale_total && !counts_sum(&c->estale))
			continue;
		it = calloc(c->estale.n + 1, sizeof(*it));
		if (!it)
			return -ENOMEM;
		if (!any) {
			fputs("\n### Per operation\n\n| cell | op | ESTALE | calls | rate [95% CI] |\n"
			      "|---|---|--:|--:|---|\n", f);
			any = true;
		}
		n = counts_items(it, 0, NULL, &c->estale);
		qsort(it, n, sizeof(*it), item_cmp);
		for (size_t i = 0; i < n; i++) {
			uint64_t calls = counts_get(&c->calls, it[i].a);
			char rate[128];

			rate_ci(rate, sizeof(rate), it[i].n, calls);
			fputs("| ", f);
			md_put(f, c->id);
			fputs(" | ", f);
			md_put(f, it[i].a);
			fprintf(f, " | %" PRIu64 " | %" PRIu64 " | %s |\n", it[i].n, calls, rate);
		}
		free(it);
	}
	chains_section(f, r, true);
	return 0;
}

int report_markdown(const struct report *r, const char *title, size_t max, FILE *out)
{
	static const char repro_head[] = "\n### Reproduce\n\n```sh\n", repro_tail[] = "```\n";
	struct piece head, perop, *rows = NULL, *repro = NULL;
	size_t total, shown = r->n, reserve = 256;
	bool drop_perop = false, any_fail = false;
	struct report_totals t;
	int ret = -ENOMEM;

	memset(&head, 0, sizeof(head));
	memset(&perop, 0, sizeof(perop));
	rows = calloc(r->n + 1, sizeof(*rows));
	repro = calloc(r->n + 1, sizeof(*repro));
	if (!rows || !repro)
		goto out;
	report_totals(r, &t);
	if (!piece_open(&head))
		goto out;
	fputs("## ", head.f);
	md_put(head.f, title ? title : REPORT_DEFAULT_TITLE);
	fputs("\n\n", head.f);
	totals_line(head.f, &t, "; ");
	fputs(".\n\n", head.f);
	md_row(head.f, (char *const *)col_head);
	fputc('|', head.f);
	for (int i = 0; i < NCOL; i++)
		fputs(col_right[i] ? "--:|" : "---|", head.f);
	fputc('\n', head.f);
	if (piece_close(&head))
		goto out;
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		char *col[NCOL];

		if (cell_row(c, col))
			goto out;
		if (!piece_open(&rows[k])) {
			row_free(col);
			goto out;
		}
		md_row(rows[k].f, col);
		row_free(col);
		if (piece_close(&rows[k]))
			goto out;
		if (c->verdict != REPORT_FAIL)
			continue;
		any_fail = true;
		if (!piece_open(&repro[k]))
			goto out;
		/* The id as a shell comment, kept on its line. */
		fputs("# ", repro[k].f);
		md_put(repro[k].f, c->id);
		fprintf(repro[k].f, "\n%s\n", str_or(c->repro, "(no repro line)"));
		if (piece_close(&repro[k]))
			goto out;
	}
	if (!piece_open(&perop))
		goto out;
	if (md_perop(perop.f, r)) {
		piece_close(&perop);
		goto out;
	}
	if (piece_close(&perop))
		goto out;

	total = head.len + perop.len;
	for (size_t k = 0; k < r->n; k++)
		total += rows[k].len + repro[k].len;
	if (any_fail)
		total += sizeof(repro_head) + sizeof(repro_tail);
	if (total > max) {
		size_t used = head.len + reserve;
		bool fail_seen = false;

		drop_perop = perop.len > 0;
		total -= perop.len;
		if (total + reserve > max) {
			for (shown = 0; shown < r->n; shown++) {
				size_t add = rows[shown].len + repro[shown].len;

				if (repro[shown].len && !fail_seen)
					add += sizeof(repro_head) + sizeof(repro_tail);
				if (used + add > max)
					break;
				used += add;
				fail_seen |= repro[shown].len > 0;
			}
		}
	}

	fwrite(head.s, 1, head.len, out);
	for (size_t k = 0; k < shown; k++)
		fwrite(rows[k].s, 1, rows[k].len, out);
	if (!drop_perop)
		fwrite(perop.s, 1, perop.len, out);
	any_fail = false;
	for (size_t k = 0; k < shown; k++) {
		if (!repro[k].len)
			continue;
		if (!any_fail)
			fputs(repro_head, out);
		any_fail = true;
		fwrite(repro[k].s, 1, repro[k].len, out);
	}
	if (any_fail)
		fputs(repro_tail, out);
	if (drop_perop || shown < r->n) {
		fprintf(out, "\n_Truncated to stay under 1 MiB:");
		if (drop_perop)
			fprintf(out, " per-operation detail left out%s", shown < r->n ? ";" : ".");
		if (shown < r->n)
			fprintf(out, " %zu of %zu cells shown (the rest are in the other formats).",
				shown, r->n);
		fputs("_\n", out);
	}
	ret = finish(out);
out:
	free(head.s);
	free(perop.s);
	for (size_t k = 0; rows && k < r->n; k++)
		free(rows[k].s);
	for (size_t k = 0; repro && k < r->n; k++)
		free(repro[k].s);
	free(rows);
	free(repro);
	return ret;
}

/* ---- JUnit ------------------------------------------------------------ */

/* XML text or attribute value: & < > " ' escaped; control bytes and bytes
 * that are not UTF-8 become '?', so the document always parses. */
static void xml_put(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned char ch = *s;
		int more = ch >= 0xf0 && ch < 0xf5 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc2 ? 1 : 0;

		if (ch >= 0x80) {
			int i;

			if (ch >= 0xf5)
				more = 0;
			for (i = 1; i <= more && (s[i] & 0xc0) == 0x80; i++)
				;
			if (!more || i <= more) {
				fputc('?', f);
				s++;
				continue;
			}
			fwrite(s, 1, more + 1, f);
			s += more + 1;
			continue;
		}
		switch (ch) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': case '\n': case '\r': fputc(ch, f); break;
		default: fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f); break;
		}
		s++;
	}
}

static int junit_failure(FILE *f, const struct report_cell *c)
{
	char *col[NCOL];
	char *msg, *body;

	if (cell_row(c, col))
		return -ENOMEM;
	if (cell_empty(c))
		msg = strf("%s", col[COL_NOTE]);
	else
		msg = strf("%s surfaced ESTALE in %s calls%s%s%s, %s integrity mismatches%s%s%s%s",
			   col[COL_ESTALE], col[COL_CALLS], strcmp(col[COL_RATE], "-") ? " (" : "",
			   strcmp(col[COL_RATE], "-") ? col[COL_RATE] : "",
			   strcmp(col[COL_RATE], "-") ? ")" : "", col[COL_MISM],
			   *c->params.expect ? ", expected " : "", c->params.expect,
			   *col[COL_NOTE] ? "; " : "", col[COL_NOTE]);
	body = strf("status: %s\nmode: %s\nsurfaced ESTALE: %s of %s calls, %s\nby op: %s\n"
		    "other errnos: %s\nintegrity mismatches: %s\nattribution: %s\n"
		    "emitted/masked: %s\nfaults fired: %" PRIu64 "\nreps ran: %" PRIu64 " of %" PRIu64
		    "\nrepro: %s\n",
		    str_or(c->status, "-"), col[COL_MODE], col[COL_ESTALE], col[COL_CALLS],
		    col[COL_RATE], str_or(col[COL_BYOP], "-"), str_or(col[COL_ERRNOS], "-"),
		    col[COL_MISM], str_or(col[COL_ATTR], "-"), col[COL_EMIT], c->faults_fired,
		    c->reps_ran, c->reps, str_or(c->repro, "-"));
	row_free(col);
	if (!msg || !body) {
		free(msg);
		free(body);
		return -ENOMEM;
	}
	fputs("      <failure message=\"", f);
	xml_put(f, msg);
	fputs("\" type=\"fail\">", f);
	xml_put(f, body);
	fputs("</failure>\n", f);
	free(msg);
	free(body);
	return 0;
}

int report_junit(const struct report *r, const char *title, FILE *out)
{
	struct report_totals t;
	char *attrs;

	report_totals(r, &t);
	attrs = strf("tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\"",
		     t.cells, t.failed, t.skipped, t.duration_s);
	if (!attrs)
		return -ENOMEM;
	title = title ? title : REPORT_DEFAULT_TITLE;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", out);
	xml_put(out, title);
	fprintf(out, "\" %s>\n  <testsuite name=\"", attrs);
	xml_put(out, title);
	fprintf(out, "\" %s>\n", attrs);
	free(attrs);
	for (size_t k = 0; k < r->n; k++) {
		const struct report_cell *c = &r->cells[k];
		struct piece sum;

		fputs("    <testcase classname=\"stalefs.matrix\" name=\"", out);
		xml_put(out, c->id);
		fprintf(out, "\" time=\"%.3f\">\n", c->duration_s);
		if (c->verdict == REPORT_FAIL) {
			if (junit_failure(out, c))
				return -ENOMEM;
		} else if (c->verdict == REPORT_SKIP) {
			fputs("      <skipped message=\"", out);
			xml_put(out, str_or(c->reason, str_or(c->status, "skipped")));
			fputs("\"/>\n", out);
		}
		if (!piece_open(&sum))
			return -ENOMEM;
		if (report_cell_summary(c, sum.f)) {
			piece_close(&sum);
			free(sum.s);
			return -ENOMEM;
		}
		if (piece_close(&sum))
			return -ENOMEM;
		fputs("      <system-out>", out);
		xml_put(out, sum.s);
		fputs("</system-out>\n    </testcase>\n", out);
		free(sum.s);
	}
	fputs("  </testsuite>\n</testsuites>\n", out);
	return finish(out);
}

/* ---- JSON ------------------------------------------------------------- */

static void json_counts(FILE *f, const struct report_counts *c)
{
	fputc('{', f);
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, c->v[i].key);
		fprintf(f, ":%" PRIu64, c->v[i].n);
	}
	fputc('}', f);
}

static void json_key_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	json_put_string(f, val);
}

static void json_rate(FILE *f, uint64_t k, uint64_t n)
{
	struct report_ci ci = report_wilson(k, n);

	fprintf(f, ",\"estale_rate\":%.6g,\"ci95\":[%.6g,%.6g]",
		n ? (double)(k > n ? n : k) / n : 0.0, ci.lo, ci.hi);
}

static void json_params(FILE *f, const struct report_params *p)
{
	fputs("{\"mode\":", f);
	json_put_string(f, p->mode);
	json_key_str(f, "privilege", p->privilege);
	json_key_str(f, "cache", p->cache);
	json_key_str(f, "profile", p->profile);
	fputs(",\"rules\":[", f);
	for (size_t i = 0; i < p->nrules; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, p->rules[i]);
	}
	fputc(']', f);
	json_key_str(f, "workload", p->workload);
	fprintf(f, ",\"overlay\":%s,\"churn\":%s,\"drop_caches_ms\":%" PRIu64 ",\"threads\":%"
		PRIu64 ",\"seconds\":%.3f,\"count\":%" PRIu64 ",\"reps\":%" PRIu64 ",\"seed\":%"
		PRIu64 ",\"objects\":%" PRIu64 ",\"max_links\":%" PRIu64,
		p->overlay ? "true" : "false", p->churn ? "true" : "false", p->drop_caches_ms,
		p->threads, p->seconds, p->count, p->reps, p->seed, p->objects, p->max_links);
	json_key_str(f, "expect", p->expect);
	fputc('}', f);
}

static void json_cell(FILE *f, const struct report_cell *c)
{
	uint64_t calls = report_cell_calls(c);

	fputs("{\"cell\":", f);
	json_put_string(f, c->id);
	fputs(",\"params\":", f);
	json_params(f, &c->params);
	json_key_str(f, "status", c->status);
	json_key_str(f, "reason", c->reason);
	json_key_str(f, "effective_mode", c->effective_mode);
	json_key_str(f, "mode_reason", c->mode_reason);
	fprintf(f, ",\"reps\":%" PRIu64 ",\"reps_ran\":%" PRIu64 ",\"merged\":%u,\"calls\":",
		c->reps, c->reps_ran, c->merged);
	json_counts(f, &c->calls);
	fprintf(f, ",\"calls_total\":%" PRIu64 ",\"estale\":", calls);
	json_counts(f, &c->estale);
	fputs(",\"errors\":{", f);
	for (size_t i = 0; i < c->nerrors; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, c->errors[i].op);
		fputc(':', f);
		json_counts(f, &c->errors[i].by_errno);
	}
	fprintf(f, "},\"estale_total\":%" PRIu64, c->estale_total);
	json_rate(f, c->estale_total, calls);
	fprintf(f, ",\"integrity\":{\"files\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"symlinks\":%"
		PRIu64 ",\"xattrs\":%" PRIu64 ",\"mismatches\":%" PRIu64 "},\"emitted\":%" PRIu64,
		c->integrity.files, c->integrity.bytes, c->integrity.symlinks, c->integrity.xattrs,
		c->integrity.mismatches, c->emitted);
	if (c->trace_seen && !c->trace_missing)
		fprintf(f, ",\"emitted_trace\":%" PRIu64, c->emitted_trace);
	else
		fputs(",\"emitted_trace\":null", f);
	fprintf(f, ",\"masked\":%" PRIu64 ",\"attribution\":{\"inject\":", c->masked);
	json_counts(f, &c->inject);
	fputs(",\"host\":", f);
	json_counts(f, &c->host);
	fputs(",\"daemon\":", f);
	json_counts(f, &c->daemon);
	fprintf(f, ",\"kernel\":%" PRIu64 ",\"unattributed\":%" PRIu64 "},\"faults_fired\":%" PRIu64
		",\"ops_per_s\":%.1f,\"duration_s\":%.3f,\"setup_s\":%.3f,\"teardown_s\":%.3f",
		c->kernel, c->unattributed, c->faults_fired, c->ops_per_s, c->duration_s,
		c->setup_s, c->teardown_s);
	fputs(",\"chains\":", f);
	chains_json(&c->chains, f);
	json_key_str(f, "verdict", verdict_name(c->verdict));
	json_key_str(f, "repro", c->repro);
	fputs(",\"rep_results\":[", f);
	for (size_t i = 0; i < c->nrep_results; i++) {
		const struct report_rep *p = &c->rep_results[i];

		fprintf(f, "%s{\"seed\":%" PRIu64 ",\"exit\":%" PRId64 ",\"estale\":%" PRIu64
			",\"errors\":%" PRIu64 ",\"mismatches\":%" PRIu64 "}", i ? "," : "",
			p->seed, p->exit, p->estale, p->errors, p->mismatches);
	}
	fputs("]}", f);
}

int report_json(const struct report *r, FILE *out)
{
	struct report_totals t;

	fputs("{\"cells\":[", out);
	for (size_t k = 0; k < r->n; k++) {
		fputs(k ? ",\n" : "\n", out);
		json_cell(out, &r->cells[k]);
	}
	report_totals(r, &t);
	fprintf(out, "\n],\n\"totals\":{\"cells\":%zu,\"passed\":%zu,\"failed\":%zu,\"skipped\":%zu,"
		"\"calls\":%" PRIu64 ",\"estale_total\":%" PRIu64, t.cells, t.passed, t.failed,
		t.skipped, t.calls, t.estale);
	json_rate(out, t.estale, t.calls);
	fprintf(out, ",\"mismatches\":%" PRIu64 ",\"emitted\":%" PRIu64 ",\"masked\":%" PRIu64
		",\"faults_fired\":%" PRIu64 ",\"duration_s\":%.3f}}\n", t.mismatches, t.emitted,
		t.masked, t.faults_fired, t.duration_s);
	return finish(out);
}

int report_render(const struct report *r, enum report_format fmt, const char *title, FILE *out)
{
	switch (fmt) {
	case REPORT_MARKDOWN:
		return report_markdown(r, title, REPORT_MARKDOWN_MAX, out);
	case REPORT_JUNIT:
		return report_junit(r, title, out);
	case REPORT_JSON:
		return report_json(r, out);
	case REPORT_TEXT:
	default:
		return report_text(r, out);
	}
}
