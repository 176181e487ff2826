// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fault-injection engine; see inject.h. Determinism: each rule draws
 * from its own xorshift64* stream seeded by seed= (and its id when no seed
 * is given), so the same rules and the same serial request order give the
 * same faults.
 */
#include "inject.h"

#include "build_config.h"

#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

struct inject_rule {
	struct rule r;
	uint64_t matched;	/* inj->lock */
	uint64_t fired;		/* inj->lock */
	uint64_t rng;		/* inj->lock */
	uint64_t sticky_nodeid;	/* inj->lock */
	enum op sticky_op;	/* inj->lock */
	uint32_t sticky_left;	/* inj->lock */
};

int inject_init(struct inject *inj, const struct inject_target *target)
{
	*inj = (struct inject){ .next_id = 1 };
	if (target)
		inj->target = *target;
	return -pthread_mutex_init(&inj->lock, NULL);
}

void inject_destroy(struct inject *inj)
{
	free(inj->rules);
	inj->rules = NULL;
	pthread_mutex_destroy(&inj->lock);
}

static uint64_t rng_seed(uint64_t seed, unsigned int id)
{
	uint64_t x = seed + 0x9e3779b97f4a7c15ULL * (id + 1);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x ? x : 1;
}

/* A uniform double in [0, 1). */
static double rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) / (double)(1ULL << 53);
}

static void update_active_locked(struct inject *inj)
{
	unsigned int mask = 0;

	for (size_t i = 0; i < inj->nrules; i++)
		mask |= 1u << inj->rules[i].r.kind;
	__atomic_store_n(&inj->active, mask, __ATOMIC_RELEASE);
}

int inject_add(struct inject *inj, const char *text, char *err, size_t errlen)
{
	struct inject_rule ir = { 0 };
	int ret = rule_parse(text, &ir.r, err, errlen);

	if (ret < 0)
		return ret;
	if (inj->target.refused_kinds & (1u << ir.r.kind)) {
		snprintf(err, errlen, "%s cannot be done here: %s", fault_kind_name(ir.r.kind),
			 inj->target.refused_why ? inj->target.refused_why : "not supported");
		return -EINVAL;
	}
	pthread_mutex_lock(&inj->lock);
	if (inj->nrules == inj->cap) {
		size_t cap = inj->cap ? inj->cap * 2 : 8;
		struct inject_rule *n = realloc(inj->rules, cap * sizeof(*n));

		if (!n) {
			pthread_mutex_unlock(&inj->lock);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		inj->rules = n;
		inj->cap = cap;
	}
	ir.r.id = inj->next_id++;
	ir.rng = rng_seed(ir.r.seed, ir.r.seed ? 0 : ir.r.id);
	inj->rules[inj->nrules++] = ir;
	update_active_locked(inj);
	ret = ir.r.id;
	pthread_mutex_unlock(&inj->lock);
	return ret;
}

int inject_add_file(struct inject *inj, const char *path, char *err, size_t errlen)
{
	char line[RULE_TEXT_MAX + 2], msg[RULE_TEXT_MAX];
	int n = 0, lineno = 0, ret;
	FILE *f = fopen(path, "re");

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;

		lineno++;
		s += strspn(s, " \t");
		e = s + strcspn(s, "#\n");
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		if (!*s)
			continue;
		ret = inject_add(inj, s, msg, sizeof(msg));
		if (ret < 0) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
			fclose(f);
			return ret;
		}
		n++;
	}
	fclose(f);
	return n;
}

void inject_clear(struct inject *inj)
{
	pthread_mutex_lock(&inj->lock);
	inj->nrules = 0;
	update_active_locked(inj);
	pthread_mutex_unlock(&inj->lock);
}

bool inject_active(struct inject *inj, enum fault_kind kind)
{
	return __atomic_load_n(&inj->active, __ATOMIC_ACQUIRE) & (1u << kind);
}

/* Does rule ir fire for this (already selected) match? Caller holds the lock. */
static bool fires_locked(struct inject_rule *ir, const struct inject_point *pt)
{
	const struct rule *r = &ir->r;
	uint64_t n;

	ir->matched++;
	if (ir->sticky_left && ir->sticky_nodeid == pt->nodeid && ir->sticky_op == pt->op) {
		ir->sticky_left--;
		return true;
	}
	if (ir->matched <= r->after)
		return false;
	n = ir->matched - r->after;
	if (r->every > 1 && n % r->every != 0)
		return false;
	if (r->count && ir->fired >= r->count)
		return false;
	if (r->prob < 1.0 && rng_next(&ir->rng) >= r->prob)
		return false;
	ir->sticky_left = r->sticky;
	ir->sticky_nodeid = pt->nodeid;
	ir->sticky_op = pt->op;
	return true;
}

bool inject_match(struct inject *inj, enum fault_kind kind, const struct inject_point *pt,
		  struct inject_fire *fire)
{
	char pathbuf[4096];
	const char *path = NULL;
	bool path_tried = false, hit = false;

	if (!inject_active(inj, kind))
		return false;
	pthread_mutex_lock(&inj->lock);
	for (size_t i = 0; i < inj->nrules && !hit; i++) {
		struct inject_rule *ir = &inj->rules[i];

		if (ir->r.kind != kind)
			continue;
		if (kind == FAULT_HOST_ESTALE && !(ir->r.syscalls & pt->syscall))
			continue;
		if (rule_wants_path(&ir->r) && !path_tried) {
			/* The callback only reads host state; it must not call back in. */
			path_tried = true;
			if (inj->target.path_of &&
			    inj->target.path_of(inj->target.arg, pt->nodeid, pt->name, pathbuf,
						sizeof(pathbuf)) == 0)
				path = pathbuf;
		}
		if (!rule_selects(&ir->r, pt->op, pt->nodeid, path) || !fires_locked(ir, pt))
			continue;
		ir->fired++;
		hit = true;
		*fire = (struct inject_fire){
			.seq = ++inj->seq,
			.rule_id = ir->r.id,
			.kind = kind,
			.err = ir->r.err,
			.delay_ms = ir->r.delay_ms,
			.action = ir->r.action,
			.gen = ir->r.gen,
		};
		memcpy(fire->rule_text, ir->r.text, sizeof(fire->rule_text));
		memcpy(fire->to, ir->r.to, sizeof(fire->to));
	}
	pthread_mutex_unlock(&inj->lock);
	return hit;
}

uint64_t inject_next_seq(struct inject *inj)
{
	uint64_t seq;

	pthread_mutex_lock(&inj->lock);
	seq = ++inj->seq;
	pthread_mutex_unlock(&inj->lock);
	return seq;
}

void inject_report(struct inject *inj, const struct inject_fire *fire,
		   const struct inject_point *pt, const char *answer)
{
	struct inject_event ev = {
		.seq = fire->seq,
		.rule_id = fire->rule_id,
		.kind = fire->kind,
		.op = pt->op,
		.nodeid = pt->nodeid,
		.name = pt->name,
		.rule_text = fire->rule_text,
		.answer = answer,
		.path = pt->path,
	};

	if (inj->target.log)
		inj->target.log(inj->target.arg, &ev);
}

void inject_list(struct inject *inj, FILE *f)
{
	pthread_mutex_lock(&inj->lock);
	for (size_t i = 0; i < inj->nrules; i++) {
		const struct inject_rule *ir = &inj->rules[i];

		fprintf(f, "{\"id\":%u,\"kind\":\"%s\",\"rule\":", ir->r.id, fault_kind_name(ir->r.kind));
		json_put_string(f, ir->r.text);
		fprintf(f, ",\"matched\":%llu,\"fired\":%llu}\n", (unsigned long long)ir->matched,
			(unsigned long long)ir->fired);
	}
	pthread_mutex_unlock(&inj->lock);
}

int inject_counters(struct inject *inj, unsigned int id, uint64_t *matched, uint64_t *fired)
{
	int ret = -ENOENT;

	pthread_mutex_lock(&inj->lock);
	for (size_t i = 0; i < inj->nrules; i++) {
		if (inj->rules[i].r.id == id) {
			*matched = inj->rules[i].matched;
			*fired = inj->rules[i].fired;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&inj->lock);
	return ret;
}

int inject_find_profile(const char *name, char *buf, size_t len)
{
	const char *dirs[] = { getenv("STALEFS_PROFILES"), STALEFS_SRC_PROFILES,
			       STALEFS_INSTALLED_PROFILES };

	if (strchr(name, '/') || access(name, R_OK) == 0) {
		snprintf(buf, len, "%s", name);
		return access(buf, R_OK) == 0 ? 0 : -ENOENT;
	}
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(buf, len, "%s/%s.rules", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}
