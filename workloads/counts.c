// SPDX-License-Identifier: GPL-2.0-or-later
/* Workload counters as JSON; see counts.h. */
#include "counts.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errname.h"
#include "json.h"

const char *counts_errno_name(int e, char *buf, size_t len)
{
	return e ? errname(e, buf, len) : "other";	/* errno 0 counts the others */
}

void counts_json_origin(FILE *f, double seconds)
{
	struct json_origin o;

	json_origin_since(&o, seconds);
	json_put_origin(f, COUNTS_WORKLOAD_SCHEMA, &o);
}

void counts_json_op(FILE *f, bool first, const char *name, uint64_t ok,
		    const uint64_t err[COUNTS_ERRNO_MAX], uint64_t *total)
{
	const char *sep = "";
	char eb[16];

	fprintf(f, "%s\"%s\":{\"ok\":%llu,\"errors\":{", first ? "" : ",", name,
		(unsigned long long)ok);
	*total += ok;
	for (int e = 0; e < COUNTS_ERRNO_MAX; e++) {
		if (!err[e])
			continue;
		fprintf(f, "%s\"%s\":%llu", sep, counts_errno_name(e, eb, sizeof(eb)),
			(unsigned long long)err[e]);
		*total += err[e];
		sep = ",";
	}
	fputc('}', f);
}

/* splitmix64: small, deterministic, good enough for sampling. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, m). */
static uint64_t rng_below(uint64_t *s, uint64_t m)
{
	return (uint64_t)(((unsigned __int128)rng_next(s) * m) >> 64);
}

#define INDEX_SLOTS (2 * COUNTS_BUCKETS_MAX)	/* a power of two */

void counts_estale_init(struct counts_estale *c, uint64_t seed)
{
	memset(c, 0, sizeof(*c));
	c->rng = seed ^ 0x5354414c45ULL;	/* "STALE": seed 0 still mixes */
}

void counts_estale_free(struct counts_estale *c)
{
	uint64_t rng = c->rng;

	free(c->b);
	free(c->index);
	memset(c, 0, sizeof(*c));
	c->rng = rng;
}

/* The parent directory of path: "a/b" for "a/b/c", "." for "c". */
static void parent_dir(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		snprintf(dir, len, "%s", slash ? "/" : ".");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

static size_t key_hash(int op, const char *dir)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (unsigned int)op;

	for (const unsigned char *p = (const unsigned char *)dir; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 29)) & (INDEX_SLOTS - 1);
}

/* The keyed bucket for (op, dir), a new one, or NULL when none can be had. */
static struct counts_bucket *bucket_for(struct counts_estale *c, int op, const char *dir)
{
	size_t slot = key_hash(op, dir);
	struct counts_bucket *b;

	if (!c->index) {
		c->index = calloc(INDEX_SLOTS, sizeof(*c->index));
		if (!c->index)
			return NULL;
	}
	for (; c->index[slot]; slot = (slot + 1) & (INDEX_SLOTS - 1)) {
		b = &c->b[c->index[slot] - 1];
		if (b->op == op && strcmp(b->dir, dir) == 0)
			return b;
	}
	if (c->nb == COUNTS_BUCKETS_MAX)
		return NULL;
	if (c->nb == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		void *grown = realloc(c->b, cap * sizeof(*c->b));

		if (!grown)
			return NULL;
		c->b = grown;
		c->cap = cap;
	}
	b = &c->b[c->nb++];
	memset(b, 0, offsetof(struct counts_bucket, ev));
	b->op = op;
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	c->index[slot] = (uint16_t)c->nb;
	return b;
}

void counts_estale_add(struct counts_estale *c, const struct wl_event *ev)
{
	int op = ev->op >= 0 && ev->op < COUNTS_OPS_MAX ? ev->op : COUNTS_OPS_MAX - 1;
	const uint64_t rest = COUNTS_SAMPLES - 1;	/* reservoir past the first event */
	struct counts_bucket *b;
	char dir[sizeof(b->dir)];

	parent_dir(ev->path, dir, sizeof(dir));
	b = bucket_for(c, op, dir);
	if (!b) {
		b = &c->overflow[op];
		if (!b->n) {
			b->op = op;
			strcpy(b->dir, "*");
		}
	}
	c->total++;
	b->n++;
	if (b->n == 1) {
		b->ev[0] = *ev;
		b->kept = 1;
	} else if (b->n - 1 <= rest) {
		b->ev[b->n - 1] = *ev;
		b->kept = b->n;
	} else {
		/* Algorithm R over the events after the first: the m-th of them
		 * replaces a kept one with probability rest / m. */
		uint64_t j = rng_below(&c->rng, b->n - 1);

		if (j < rest)
			b->ev[1 + j] = *ev;
	}
}

size_t counts_estale_nbuckets(const struct counts_estale *c)
{
	size_t n = c->nb;

	for (int op = 0; op < COUNTS_OPS_MAX; op++)
		n += c->overflow[op].n > 0;
	return n;
}

const struct counts_bucket *counts_estale_bucket(const struct counts_estale *c, size_t i)
{
	if (i < c->nb)
		return &c->b[i];
	i -= c->nb;
	for (int op = 0; op < COUNTS_OPS_MAX; op++)
		if (c->overflow[op].n && i-- == 0)
			return &c->overflow[op];
	return NULL;
}

void counts_estale_json(FILE *f, const struct counts_estale *c, const char *const op_names[],
			const bool fd_ops[])
{
	size_t nb = counts_estale_nbuckets(c);
	const char *sep = "";

	fprintf(f, "\"estale_total\":%llu,\"estale\":[", (unsigned long long)c->total);
	for (size_t i = 0; i < nb; i++) {
		const struct counts_bucket *b = counts_estale_bucket(c, i);
		const struct wl_event *ev[COUNTS_SAMPLES];

		/* By time; insertion sort keeps slot order for equal times. */
		for (unsigned int k = 0; k < b->kept; k++) {
			unsigned int j = k;

			for (; j > 0 && ev[j - 1]->t_ns > b->ev[k].t_ns; j--)
				ev[j] = ev[j - 1];
			ev[j] = &b->ev[k];
		}
		for (unsigned int k = 0; k < b->kept; k++) {
			fprintf(f, "%s{\"t_ns\":%llu,\"start_ns\":%llu,\"tid\":%d,\"op\":\"%s\",\"%s\":",
				sep, (unsigned long long)ev[k]->t_ns,
				(unsigned long long)ev[k]->start_ns, ev[k]->tid, op_names[ev[k]->op],
				fd_ops[ev[k]->op] ? "opened_by" : "path");
			json_put_string(f, ev[k]->path);
			fprintf(f, ",\"bucket\":%zu}", i);
			sep = ",";
		}
	}
	fputs("],\"estale_buckets\":[", f);
	for (size_t i = 0; i < nb; i++) {
		const struct counts_bucket *b = counts_estale_bucket(c, i);

		fprintf(f, "%s{\"op\":\"%s\",\"dir\":", i ? "," : "", op_names[b->op]);
		json_put_string(f, b->dir);
		fprintf(f, ",\"n\":%llu,\"kept\":%u}", (unsigned long long)b->n, b->kept);
	}
	fputc(']', f);
}
