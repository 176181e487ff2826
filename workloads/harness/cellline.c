// SPDX-License-Identifier: GPL-2.0-or-later
/* The cell line, written and read back; see cellline.h. */
#include "cellline.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonv.h"

void cell_line_params_write(const struct cell *c, FILE *f)
{
	fputs("{\"mode\":", f);
	json_put_string(f, c->mode);
	fputs(",\"privilege\":", f);
	json_put_string(f, c->privilege);
	fputs(",\"cache\":", f);
	json_put_string(f, c->cache);
	fputs(",\"profile\":", f);
	json_put_string(f, c->profile);
	fputs(",\"rules\":[", f);
	for (int i = 0; i < c->nrules; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, c->rules[i]);
	}
	fputs("],\"virtiofsd_version\":", f);
	json_put_string(f, c->version);
	fprintf(f, ",\"rlimit_nofile\":%lld", (long long)c->rlimit_nofile);
	fputs(",\"workload\":", f);
	json_put_string(f, c->workload);
	fprintf(f, ",\"overlay\":%s,\"churn\":%s,\"layer_every\":%.3f,\"drop_caches_ms\":%u,"
		"\"xattr\":%s,\"threads\":%u,\"rounds\":%u,\"seconds\":%.3f,\"count\":%llu,\"reps\":%u,"
		"\"until_estale\":%s,\"seed\":%llu,\"objects\":%llu,\"max_links\":%u,\"expect\":\"%s\"",
		c->overlay ? "true" : "false", c->churn ? "true" : "false", c->layer_every,
		c->drop_caches_ms, c->xattr ? "true" : "false", c->threads, c->rounds,
		c->count ? 0.0 : c->seconds, (unsigned long long)c->count, c->reps,
		c->until_estale ? "true" : "false", (unsigned long long)c->seed,
		(unsigned long long)c->objects, c->max_links, cell_expect_name(c->expect));
	fprintf(f, ",\"readonly\":%s", c->readonly ? "true" : "false");
	fprintf(f, ",\"two_path\":%s,\"second_daemon\":%s,\"memory_pressure\":%u,\"dir_move_every\":%.3f,"
		"\"submount_every\":%.3f,\"podman_every\":%.3f}", c->two_path ? "true" : "false",
		c->second_daemon ? "true" : "false", c->memory_pct, c->dir_move_every, c->submount_every,
		c->podman_every);
}

void cell_line_write(const struct cell *c, const struct run_result *r, const char *backend,
		     FILE *f)
{
	char id[CELL_LINE_ID_MAX], repro[CELL_LINE_REPRO_MAX];
	const char *sep;

	cell_id(c, id, sizeof(id));
	if (backend)
		snprintf(id + strlen(id), sizeof(id) - strlen(id), "@%s", backend);
	cell_repro(c, repro, sizeof(repro));
	fputc('{', f);
	json_put_origin(f, CELL_LINE_SCHEMA, &r->origin);
	fputs(",\"cell\":", f);
	json_put_string(f, id);
	fprintf(f, ",\"backend\":\"%s\",\"params\":", backend ? backend : "stalefs");
	cell_line_params_write(c, f);
	fprintf(f, ",\"status\":\"%s\",\"reason\":", run_status_name(r->status));
	json_put_string(f, r->reason);
	fputs(",\"effective_mode\":", f);
	json_put_string(f, r->effective_mode);
	fputs(",\"mode_reason\":", f);
	json_put_string(f, r->mode_reason);
	fprintf(f, ",\"reps\":%u,\"reps_ran\":%u,\"calls\":{", c->reps, r->reps_ran);
	for (int i = 0; i < r->nops; i++)
		fprintf(f, "%s\"%s\":%llu", i ? "," : "", r->op[i].name,
			(unsigned long long)r->op[i].calls);
	fputs("},\"estale\":{", f);
	sep = "";
	for (int i = 0; i < r->nops; i++) {
		if (!r->op[i].estale)
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, r->op[i].name, (unsigned long long)r->op[i].estale);
		sep = ",";
	}
	fputs("},\"errors\":{", f);
	sep = "";
	for (int i = 0; i < r->nops; i++) {
		if (!r->op[i].nerr)
			continue;
		fprintf(f, "%s\"%s\":{", sep, r->op[i].name);
		for (int e = 0; e < r->op[i].nerr; e++)
			fprintf(f, "%s\"%s\":%llu", e ? "," : "", r->op[i].err[e].name,
				(unsigned long long)r->op[i].err[e].n);
		fputc('}', f);
		sep = ",";
	}
	fprintf(f, "},\"estale_total\":%llu,\"integrity\":{\"files\":%llu,\"bytes\":%llu,"
		"\"symlinks\":%llu,\"xattrs\":%llu,\"mismatches\":%llu},\"emitted\":%llu,"
		"\"emitted_trace\":",
		(unsigned long long)r->estale_total, (unsigned long long)r->files,
		(unsigned long long)r->bytes, (unsigned long long)r->symlinks,
		(unsigned long long)r->xattrs, (unsigned long long)r->mismatches,
		(unsigned long long)r->attrib.emitted);
	if (r->traced)
		fprintf(f, "%llu", (unsigned long long)r->emitted_trace);
	else
		fputs("null", f);
	fprintf(f, ",\"trace_lost\":%llu,\"masked\":%llu,\"attribution\":",
		(unsigned long long)r->trace_lost, (unsigned long long)r->attrib.masked);
	attrib_json(&r->attrib, f);
	fputs(",\"chains\":", f);
	chains_json(&r->chains, f);
	fprintf(f, ",\"memory\":{\"peak\":%llu,\"squeezes\":%llu,\"reclaimed\":%llu,"
		"\"limit_hits\":%llu}", (unsigned long long)r->mem_peak,
		(unsigned long long)r->mem_squeezes, (unsigned long long)r->mem_reclaimed,
		(unsigned long long)r->mem_hits);
	if (r->kmsg) {	/* what the kernel logged during the cell */
		fputs(",\"kernel_messages\":", f);
		kmsg_write_json(f, r->kmsg);
	}
	fprintf(f, ",\"faults_fired\":%llu,\"ops_per_s\":%.1f,\"duration_s\":%.3f,\"setup_s\":%.3f,"
		"\"teardown_s\":%.3f,\"verdict\":\"%s\",\"repro\":",
		(unsigned long long)r->faults_fired, r->work_s > 0 ? r->ops_total / r->work_s : 0.0,
		r->duration_s, r->setup_s, r->teardown_s, run_verdict_name(r->verdict));
	json_put_string(f, repro);
	fputs(",\"rep_results\":[", f);
	for (unsigned int i = 0; i < r->reps_ran; i++)
		fprintf(f, "%s{\"seed\":%llu,\"exit\":%d,\"estale\":%llu,\"errors\":%llu,"
			"\"mismatches\":%llu}", i ? "," : "", (unsigned long long)r->rep[i].seed,
			r->rep[i].exit, (unsigned long long)r->rep[i].estale,
			(unsigned long long)r->rep[i].errors, (unsigned long long)r->rep[i].mismatches);
	fputs("]}\n", f);
}


/* ---- reading a line back ------------------------------------------------ */

/* Counts are exact in a double below 2^53. */
#define EXACT_MAX 9007199254740992.0

/* The reader's first error sticks; later reads are no-ops that return 0. */
struct rd {
	char *err;
	size_t errlen;
	int ret;
};

static int rd_fail(struct rd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int rd_fail(struct rd *d, const char *fmt, ...)
{
	va_list ap;

	if (d->ret)
		return d->ret;
	va_start(ap, fmt);
	vsnprintf(d->err, d->errlen, fmt, ap);
	va_end(ap);
	d->ret = -EINVAL;
	return d->ret;
}

/* A member that must be an object (or missing: NULL). */
static const struct jv *rd_obj(struct rd *d, const struct jv *o, const char *key)
{
	const struct jv *v = jv_get(o, key);

	if (v && v->type != JV_OBJ) {
		rd_fail(d, "\"%s\" is not an object", key);
		return NULL;
	}
	return v;
}

/* A whole number in [min, max]; missing: dflt. */
static double rd_whole(struct rd *d, const struct jv *v, const char *key, double min, double max,
		       double dflt)
{
	if (d->ret || !v)
		return dflt;
	if (v->type != JV_NUM || !isfinite(v->num) || v->num != floor(v->num) || v->num < min ||
	    v->num > max) {
		rd_fail(d, "\"%s\" is not a whole number from %.0f to %.0f", key, min, max);
		return dflt;
	}
	return v->num;
}

static uint64_t rd_u64(struct rd *d, const struct jv *o, const char *key)
{
	return (uint64_t)rd_whole(d, jv_get(o, key), key, 0, EXACT_MAX, 0);
}

/* A number of seconds (or a rate): finite, not negative. */
static double rd_secs(struct rd *d, const struct jv *o, const char *key, double dflt)
{
	const struct jv *v = jv_get(o, key);

	if (d->ret || !v)
		return dflt;
	if (v->type != JV_NUM || !isfinite(v->num) || v->num < 0 || v->num > EXACT_MAX) {
		rd_fail(d, "\"%s\" is not a number from 0 to 2^53", key);
		return dflt;
	}
	return v->num;
}

static bool rd_bool(struct rd *d, const struct jv *o, const char *key, bool dflt)
{
	const struct jv *v = jv_get(o, key);

	if (d->ret || !v)
		return dflt;
	if (v->type != JV_BOOL) {
		rd_fail(d, "\"%s\" is not true or false", key);
		return dflt;
	}
	return v->b;
}

/* Copy a string value into buf (size bytes): refused when longer. */
static void rd_copy(struct rd *d, const struct jv *v, const char *key, char *buf, size_t size)
{
	size_t n;

	if (d->ret || !v)
		return;
	if (v->type != JV_STR) {
		rd_fail(d, "\"%s\" is not a string", key);
		return;
	}
	n = strlen(v->str);
	if (n >= size) {
		rd_fail(d, "\"%s\" is longer than %zu bytes", key, size - 1);
		return;
	}
	memcpy(buf, v->str, n + 1);
}

static void rd_str(struct rd *d, const struct jv *o, const char *key, char *buf, size_t size)
{
	rd_copy(d, jv_get(o, key), key, buf, size);
}

/* A named cell option: its value goes through cell_set(), the command
 * line's own check (the mode, cache, version, ... names it knows). */
static void rd_option(struct rd *d, struct cell *c, const struct jv *params, const char *key,
		      const char *option)
{
	char v[128], why[256];
	int ret;

	v[0] = '\0';
	rd_str(d, params, key, v, sizeof(v));
	if (d->ret || !jv_get(params, key))
		return;
	ret = cell_set(c, option, v, why, sizeof(why));
	if (ret == -ENOMEM)
		d->ret = -ENOMEM;
	else if (ret)
		rd_fail(d, "params \"%s\": %s", key, why);
}

static void read_params(struct rd *d, struct cell *c, const struct jv *p)
{
	const struct jv *rules = jv_get(p, "rules");

	rd_option(d, c, p, "mode", "mode");
	rd_option(d, c, p, "privilege", "privilege");
	rd_option(d, c, p, "cache", "cache");
	rd_option(d, c, p, "virtiofsd_version", "virtiofsd-version");
	rd_option(d, c, p, "workload", "workload");
	rd_option(d, c, p, "expect", "expect");
	/* Not through cell_set: the profile file need not exist where the line is read. */
	rd_str(d, p, "profile", c->profile, sizeof(c->profile));
	if (rules && rules->type != JV_ARR)
		rd_fail(d, "\"rules\" is not an array");
	else if (rules && rules->n > CELL_MAX_RULES)
		rd_fail(d, "more than %d rules", CELL_MAX_RULES);
	for (size_t i = 0; rules && !d->ret && i < rules->n; i++) {
		char why[256];
		int ret;

		if (rules->items[i].type != JV_STR) {
			rd_fail(d, "rule %zu is not a string", i + 1);
			break;
		}
		ret = cell_set(c, "inject", rules->items[i].str, why, sizeof(why));
		if (ret == -ENOMEM)
			d->ret = -ENOMEM;
		else if (ret)
			rd_fail(d, "rule %zu: %s", i + 1, why);
	}
	c->rlimit_nofile = (int64_t)rd_whole(d, jv_get(p, "rlimit_nofile"), "rlimit_nofile", -1,
					     1073741816, c->rlimit_nofile);
	c->overlay = rd_bool(d, p, "overlay", c->overlay);
	c->churn = rd_bool(d, p, "churn", c->churn);
	c->xattr = rd_bool(d, p, "xattr", c->xattr);
	c->until_estale = rd_bool(d, p, "until_estale", c->until_estale);
	c->readonly = rd_bool(d, p, "readonly", c->readonly);
	c->two_path = rd_bool(d, p, "two_path", c->two_path);
	c->second_daemon = rd_bool(d, p, "second_daemon", c->second_daemon);
	c->layer_every = rd_secs(d, p, "layer_every", c->layer_every);
	c->dir_move_every = rd_secs(d, p, "dir_move_every", c->dir_move_every);
	c->submount_every = rd_secs(d, p, "submount_every", c->submount_every);
	c->podman_every = rd_secs(d, p, "podman_every", c->podman_every);
	c->drop_caches_ms = rd_whole(d, jv_get(p, "drop_caches_ms"), "drop_caches_ms", 0, 3600000,
				     c->drop_caches_ms);
	c->memory_pct = rd_whole(d, jv_get(p, "memory_pressure"), "memory_pressure", 0, 99,
				 c->memory_pct);
	c->threads = rd_whole(d, jv_get(p, "threads"), "threads", 1, 256, c->threads);
	c->rounds = rd_whole(d, jv_get(p, "rounds"), "rounds", 1, 1000, c->rounds);
	c->count = rd_whole(d, jv_get(p, "count"), "count", 0, EXACT_MAX, c->count);
	/* Written as 0 when the cell ran a count. */
	if (!c->count)
		c->seconds = rd_secs(d, p, "seconds", c->seconds);
	c->reps = rd_whole(d, jv_get(p, "reps"), "reps", 1, 100000, c->reps);
	c->seed = rd_whole(d, jv_get(p, "seed"), "seed", 0, EXACT_MAX, c->seed);
	c->objects = rd_whole(d, jv_get(p, "objects"), "objects", 1, 10000000, c->objects);
	c->max_links = rd_whole(d, jv_get(p, "max_links"), "max_links", 1, 65000, c->max_links);
}

/* "calls", "estale" and "errors": per op, in the order the ops first appear. */
static void read_ops(struct rd *d, struct run_result *r, const struct jv *v)
{
	const struct jv *calls = rd_obj(d, v, "calls"), *estale = rd_obj(d, v, "estale");
	const struct jv *errors = rd_obj(d, v, "errors");
	const struct jv *lists[] = { calls, estale, errors };

	for (size_t l = 0; l < 3; l++) {
		const struct jv *o = lists[l];

		for (size_t i = 0; o && !d->ret && i < o->n; i++) {
			const char *name = o->keys[i];
			const struct jv *e = &o->items[i];
			int k;

			if (strlen(name) >= sizeof(r->op[0].name)) {
				rd_fail(d, "op name \"%.32s\" is longer than %zu bytes", name,
					sizeof(r->op[0].name) - 1);
				break;
			}
			k = run_result_op(r, name);
			if (k < 0) {
				rd_fail(d, "more than %d ops", RUN_OPS);
				break;
			}
			if (l == 0)
				r->op[k].calls = (uint64_t)rd_whole(d, e, "calls", 0, EXACT_MAX, 0);
			else if (l == 1)
				r->op[k].estale = (uint64_t)rd_whole(d, e, "estale", 0, EXACT_MAX, 0);
			else if (e->type != JV_OBJ)
				rd_fail(d, "\"errors\" of %s is not an object", name);
			else if (e->n > RUN_ERRS)
				rd_fail(d, "more than %d errnos for %s", RUN_ERRS, name);
			for (size_t j = 0; l == 2 && !d->ret && j < e->n; j++) {
				int n = r->op[k].nerr;

				if (strlen(e->keys[j]) >= sizeof(r->op[k].err[n].name)) {
					rd_fail(d, "errno name \"%.32s\" is longer than %zu bytes",
						e->keys[j], sizeof(r->op[k].err[n].name) - 1);
					break;
				}
				strcpy(r->op[k].err[n].name, e->keys[j]);
				r->op[k].err[n].n = (uint64_t)rd_whole(d, &e->items[j], "errors", 0,
								       EXACT_MAX, 0);
				r->op[k].nerr++;
			}
		}
	}
}

/* "attribution": keys of each source object, then the kernel's and the unattributed. */
static void read_attribution(struct rd *d, struct attrib *a, const struct jv *v)
{
	static const char *const sources[] = { "inject", "host", "daemon", "other" };
	const struct jv *at = rd_obj(d, v, "attribution");

	for (size_t s = 0; s < 4 && !d->ret; s++) {
		const struct jv *o = rd_obj(d, at, sources[s]);

		for (size_t i = 0; o && !d->ret && i < o->n; i++) {
			if (a->nkeys == ATTRIB_KEYS) {
				rd_fail(d, "more than %d attribution keys", ATTRIB_KEYS);
				break;
			}
			if (strlen(o->keys[i]) >= sizeof(a->key[0].detail)) {
				rd_fail(d, "attribution \"%.32s\" is longer than %zu bytes", o->keys[i],
					sizeof(a->key[0].detail) - 1);
				break;
			}
			strcpy(a->key[a->nkeys].source, sources[s]);
			strcpy(a->key[a->nkeys].detail, o->keys[i]);
			a->key[a->nkeys].n = (uint64_t)rd_whole(d, &o->items[i], "attribution", 0,
								EXACT_MAX, 0);
			a->nkeys++;
		}
	}
	a->kernel = rd_u64(d, at, "kernel");
	a->unattributed = rd_u64(d, at, "unattributed");
	a->emitted = rd_u64(d, v, "emitted");
	a->masked = rd_u64(d, v, "masked");
}

/* "chains": each string must fit its field (chains_from_json would cut it). */
static void read_chains(struct rd *d, struct chains *c, const struct jv *v)
{
	const struct jv *ch = rd_obj(d, v, "chains"), *list = jv_get(ch, "list");
	struct chain x;

	if (list && list->type != JV_ARR)
		rd_fail(d, "\"chains\" \"list\" is not an array");
	else if (list && list->n > CHAINS_MAX)
		rd_fail(d, "more than %d chains", CHAINS_MAX);
	for (size_t i = 0; list && !d->ret && i < list->n; i++) {
		const struct jv *o = &list->items[i];

		if (o->type != JV_OBJ) {
			rd_fail(d, "chain %zu is not an object", i + 1);
			break;
		}
		rd_str(d, o, "layer", x.layer, sizeof(x.layer));
		rd_str(d, o, "reply", x.reply, sizeof(x.reply));
		rd_str(d, o, "cause", x.cause, sizeof(x.cause));
		rd_str(d, o, "example", x.example, sizeof(x.example));
		rd_bool(d, o, "complete", false);
		rd_u64(d, o, "n");
		rd_u64(d, o, "sampled");
	}
	rd_u64(d, ch, "total");
	rd_u64(d, ch, "complete");
	rd_u64(d, ch, "sampled");
	rd_u64(d, ch, "unsampled");
	if (!d->ret)
		chains_from_json(c, ch);
}

static void read_reps(struct rd *d, struct run_result *r, const struct jv *v)
{
	const struct jv *reps = jv_get(v, "rep_results");

	if (reps && reps->type != JV_ARR) {
		rd_fail(d, "\"rep_results\" is not an array");
		return;
	}
	if ((reps ? reps->n : 0) != r->reps_ran) {
		rd_fail(d, "%zu rep_results for %u reps_ran", reps ? reps->n : 0, r->reps_ran);
		return;
	}
	if (!r->reps_ran)
		return;
	r->rep = calloc(r->reps_ran, sizeof(*r->rep));
	if (!r->rep) {
		d->ret = -ENOMEM;
		return;
	}
	for (size_t i = 0; i < reps->n && !d->ret; i++) {
		const struct jv *o = &reps->items[i];
		struct run_rep *p = &r->rep[i];

		if (o->type != JV_OBJ) {
			rd_fail(d, "rep_results %zu is not an object", i + 1);
			break;
		}
		p->seed = rd_u64(d, o, "seed");
		p->exit = (int)rd_whole(d, jv_get(o, "exit"), "exit", -1, 255, -1);
		p->estale = rd_u64(d, o, "estale");
		p->errors = rd_u64(d, o, "errors");
		p->mismatches = rd_u64(d, o, "mismatches");
		r->errors_total += p->errors;
	}
}

static void read_result(struct rd *d, struct cell_line *l, const struct jv *v)
{
	struct run_result *r = &l->result;
	const struct jv *integrity = rd_obj(d, v, "integrity"), *mem = rd_obj(d, v, "memory");
	const struct jv *trace = jv_get(v, "emitted_trace");
	char name[16] = "", schema[32] = "";

	rd_str(d, v, "schema", schema, sizeof(schema));
	if (!d->ret && schema[0] && strcmp(schema, CELL_LINE_SCHEMA) != 0)
		rd_fail(d, "schema \"%s\" is not %s, the cell line this stalefs reads", schema,
			CELL_LINE_SCHEMA);
	rd_str(d, v, "kernel", r->origin.kernel, sizeof(r->origin.kernel));
	rd_str(d, v, "host", r->origin.host, sizeof(r->origin.host));
	rd_str(d, v, "started", r->origin.started, sizeof(r->origin.started));
	rd_str(d, v, "status", name, sizeof(name));
	if (!d->ret && run_status_parse(name, &r->status))
		rd_fail(d, "unknown status \"%s\"", name);
	rd_str(d, v, "reason", r->reason, sizeof(r->reason));
	rd_str(d, v, "effective_mode", r->effective_mode, sizeof(r->effective_mode));
	rd_str(d, v, "mode_reason", r->mode_reason, sizeof(r->mode_reason));
	r->reps_ran = rd_whole(d, jv_get(v, "reps_ran"), "reps_ran", 0, l->cell.reps, 0);
	read_ops(d, r, v);
	r->estale_total = rd_u64(d, v, "estale_total");
	r->files = rd_u64(d, integrity, "files");
	r->bytes = rd_u64(d, integrity, "bytes");
	r->symlinks = rd_u64(d, integrity, "symlinks");
	r->xattrs = rd_u64(d, integrity, "xattrs");
	r->mismatches = rd_u64(d, integrity, "mismatches");
	r->traced = trace && trace->type != JV_NULL;
	r->emitted_trace = (uint64_t)rd_whole(d, trace && trace->type != JV_NULL ? trace : NULL,
					      "emitted_trace", 0, EXACT_MAX, 0);
	r->trace_lost = rd_u64(d, v, "trace_lost");
	read_attribution(d, &r->attrib, v);
	read_chains(d, &r->chains, v);
	r->mem_peak = rd_u64(d, mem, "peak");
	r->mem_squeezes = rd_u64(d, mem, "squeezes");
	r->mem_reclaimed = rd_u64(d, mem, "reclaimed");
	r->mem_hits = rd_u64(d, mem, "limit_hits");
	r->faults_fired = rd_u64(d, v, "faults_fired");
	l->ops_per_s = rd_secs(d, v, "ops_per_s", 0);
	r->duration_s = rd_secs(d, v, "duration_s", 0);
	r->setup_s = rd_secs(d, v, "setup_s", 0);
	r->teardown_s = rd_secs(d, v, "teardown_s", 0);
	strcpy(name, "");
	rd_str(d, v, "verdict", name, sizeof(name));
	if (!d->ret) {
		int legacy = run_verdict_parse(name, &r->verdict);

		if (legacy < 0)
			rd_fail(d, "unknown verdict \"%s\"", name);
		else if (legacy && r->verdict == VERDICT_CLEAN && r->estale_total)
			r->verdict = VERDICT_ESTALE;
		else if (legacy && r->verdict == VERDICT_FAILED && r->status != RUN_RAN)
			r->verdict = VERDICT_ERROR;
	}
	read_reps(d, r, v);
}

int cell_line_from_jv(struct cell_line *l, const struct jv *v, char *err, size_t errlen)
{
	struct rd d = { .err = err, .errlen = errlen };
	const struct jv *params;

	memset(l, 0, sizeof(*l));
	cell_default(&l->cell);
	strcpy(l->backend, "stalefs");
	if (!v || v->type != JV_OBJ) {
		rd_fail(&d, "not a cell object");
		goto out;
	}
	rd_str(&d, v, "cell", l->id, sizeof(l->id));
	if (!d.ret && !l->id[0])
		rd_fail(&d, "no \"cell\" id");
	rd_str(&d, v, "backend", l->backend, sizeof(l->backend));
	params = rd_obj(&d, v, "params");
	if (!d.ret)
		read_params(&d, &l->cell, params);
	if (!d.ret)
		read_result(&d, l, v);
	rd_str(&d, v, "repro", l->repro, sizeof(l->repro));
out:
	if (d.ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	if (d.ret)
		cell_line_free(l);
	return d.ret;
}

int cell_line_read(struct cell_line *l, const char *text, size_t len, char *err, size_t errlen)
{
	struct jv *v = jv_parse(text, len, err, errlen);
	int ret;

	if (!v) {
		memset(l, 0, sizeof(*l));
		return -EINVAL;
	}
	ret = cell_line_from_jv(l, v, err, errlen);
	jv_free(v);
	return ret;
}

void cell_line_free(struct cell_line *l)
{
	cell_free(&l->cell);
	run_result_free(&l->result);
	memset(l, 0, sizeof(*l));
}
