// SPDX-License-Identifier: GPL-2.0-or-later
/* Attribution of surfaced ESTALE; see attrib.h. */
#include "attrib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonv.h"

static int by_time(const void *a, const void *b)
{
	const struct attrib_reply *x = a, *y = b;

	return (x->t_ns > y->t_ns) - (x->t_ns < y->t_ns);
}

static void bump(struct attrib *a, const char *source, const char *detail, uint64_t n)
{
	for (int i = 0; i < a->nkeys; i++)
		if (strcmp(a->key[i].source, source) == 0 && strcmp(a->key[i].detail, detail) == 0) {
			a->key[i].n += n;
			return;
		}
	if (a->nkeys == ATTRIB_KEYS - 1 && strcmp(detail, "other") != 0) {
		/* Out of room: the last key counts the rest, whatever their source. */
		bump(a, "other", "other", n);
		return;
	}
	if (a->nkeys == ATTRIB_KEYS) {
		a->key[ATTRIB_KEYS - 1].n += n;
		return;
	}
	snprintf(a->key[a->nkeys].source, sizeof(a->key[0].source), "%s", source);
	snprintf(a->key[a->nkeys].detail, sizeof(a->key[0].detail), "%s", detail);
	a->key[a->nkeys++].n = n;
}

/* The first reply at or after t. */
static size_t lower_bound(const struct attrib_reply *r, size_t n, uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].t_ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void attrib_join(struct attrib *a, struct attrib_reply *replies, size_t nreplies,
		 const struct attrib_seen *seen, size_t nseen, uint64_t total)
{
	uint64_t used = 0, weight = 0;

	memset(a, 0, sizeof(*a));
	if (nreplies)
		qsort(replies, nreplies, sizeof(*replies), by_time);
	for (size_t i = 0; i < nseen; i++) {
		const struct attrib_seen *s = &seen[i];
		bool by_tid = s->start_ns != 0;
		uint64_t from = by_tid ? s->start_ns : (s->t_ns > 1000000000ULL ? s->t_ns - 1000000000ULL : 0);
		struct attrib_reply *last = NULL;

		for (size_t k = lower_bound(replies, nreplies, from);
		     k < nreplies && replies[k].t_ns <= s->t_ns; k++) {
			struct attrib_reply *r = &replies[k];

			if (r->used || (by_tid && r->pid != (uint32_t)s->tid))
				continue;
			if (by_tid) {	/* every reply of this syscall */
				r->used = true;
				used++;
			}
			last = r;
		}
		uint64_t w = s->weight ? s->weight : 1;

		weight += w;
		if (!last) {
			a->kernel += w;
			continue;
		}
		if (!by_tid) {
			/* The same caller's earlier replies in the window belong to
			 * the same failed call (the VFS's retry): used up too. */
			for (size_t k = lower_bound(replies, nreplies, from);
			     k < nreplies && &replies[k] <= last; k++)
				if (!replies[k].used && replies[k].pid == last->pid) {
					replies[k].used = true;
					used++;
				}
		}
		bump(a, last->source, last->detail, w);
	}
	a->unattributed = total > weight ? total - weight : 0;
	a->emitted = nreplies;
	/* Surfaced ESTALE beyond the event list may have used replies too. */
	a->masked = nreplies - used > a->unattributed ? nreplies - used - a->unattributed : 0;
}

void attrib_weigh(struct attrib_seen *seen, size_t nseen, const struct jv *ev, const struct jv *bk)
{
	size_t nb = bk && bk->type == JV_ARR ? bk->n : 0;
	uint64_t *kept = nb ? calloc(nb, sizeof(*kept)) : NULL, *given = nb ? calloc(nb, sizeof(*given)) : NULL;
	size_t *first = nb ? calloc(nb, sizeof(*first)) : NULL;
	uint64_t *b = nseen ? calloc(nseen, sizeof(*b)) : NULL;

	if (!kept || !given || !first || !b)
		goto out;	/* no buckets (or no memory): every event weighs 1 */
	for (size_t i = 0; i < nseen; i++) {
		b[i] = jv_u64(jv_get(&ev->items[i], "bucket"), UINT64_MAX);
		if (b[i] >= nb)
			continue;
		if (!kept[b[i]]++)
			first[b[i]] = i;
	}
	/* A bucket's n over its kept events; its first one takes the remainder. */
	for (size_t i = 0; i < nseen; i++) {
		if (b[i] >= nb)
			continue;
		seen[i].weight = jv_u64(jv_get(&bk->items[b[i]], "n"), 0) / kept[b[i]];
		given[b[i]] += seen[i].weight;
	}
	for (size_t k = 0; k < nb; k++)
		if (kept[k]) {
			uint64_t n = jv_u64(jv_get(&bk->items[k], "n"), 0);

			seen[first[k]].weight += n > given[k] ? n - given[k] : 0;
		}
	for (size_t i = 0; i < nseen; i++)
		if (b[i] < nb && !seen[i].weight)
			seen[i].weight = 1;
out:
	free(kept);
	free(given);
	free(first);
	free(b);
}

void attrib_add(struct attrib *a, const struct attrib *b)
{
	for (int i = 0; i < b->nkeys; i++)
		bump(a, b->key[i].source, b->key[i].detail, b->key[i].n);
	a->kernel += b->kernel;
	a->unattributed += b->unattributed;
	a->emitted += b->emitted;
	a->masked += b->masked;
}

void attrib_json(const struct attrib *a, FILE *f)
{
	/* Every source the daemon names, and "other" (unknown sources, overflow). */
	static const char *const sources[] = { "inject", "host", "daemon", "other" };
	uint64_t unknown = 0, other = 0;

	for (int i = 0; i < a->nkeys; i++)
		if (strcmp(a->key[i].source, "inject") && strcmp(a->key[i].source, "host") &&
		    strcmp(a->key[i].source, "daemon"))
			*(strcmp(a->key[i].source, "other") ? &unknown : &other) += a->key[i].n;
	fputc('{', f);
	for (int s = 0; s < 4; s++) {
		const char *sep = "";

		if (s == 3 && !unknown && !other)	/* "other" only when there is some */
			break;

		fprintf(f, "\"%s\":{", sources[s]);
		for (int i = 0; i < a->nkeys; i++) {
			if (strcmp(a->key[i].source, sources[s]) != 0)
				continue;
			fputs(sep, f);
			json_put_string(f, a->key[i].detail);
			fprintf(f, ":%llu", (unsigned long long)a->key[i].n);
			sep = ",";
		}
		if (s == 3 && unknown)
			fprintf(f, "%s\"unknown source\":%llu", sep, (unsigned long long)unknown);
		fputs("},", f);
	}
	fprintf(f, "\"kernel\":%llu,\"unattributed\":%llu}", (unsigned long long)a->kernel,
		(unsigned long long)a->unattributed);
}

/* The daemon's ESTALE replies and fired faults from its event log. */
struct attrib_reply *attrib_read_replies(const char *path, size_t *n, uint64_t *faults)
{
	struct attrib_reply *v = NULL;
	size_t cap = 0;
	char *line = NULL, err[128];
	size_t len = 0;
	ssize_t k;
	FILE *f = fopen(path, "re");

	*n = 0;
	if (!f)
		return NULL;
	while ((k = getline(&line, &len, f)) > 0) {
		struct jv *e = jv_parse(line, k, err, sizeof(err));
		const char *type = jv_str(jv_get(e, "type"), "");

		if (e && strcmp(type, "fault") == 0)
			(*faults)++;
		if (e && strcmp(type, "error") == 0 && jv_u64(jv_get(e, "errno"), 0) == ESTALE) {
			if (*n == cap) {
				struct attrib_reply *g = realloc(v, (cap ? cap * 2 : 256) * sizeof(*v));

				if (!g) {
					jv_free(e);
					break;
				}
				v = g;
				cap = cap ? cap * 2 : 256;
			}
			struct attrib_reply *a = &v[(*n)++];

			memset(a, 0, sizeof(*a));
			a->t_ns = jv_u64(jv_get(e, "t_ns"), 0);
			a->pid = jv_u64(jv_get(e, "pid"), 0);
			snprintf(a->source, sizeof(a->source), "%s", jv_str(jv_get(e, "source"), "?"));
			snprintf(a->detail, sizeof(a->detail), "%s", jv_str(jv_get(e, "detail"), "?"));
		}
		jv_free(e);
	}
	free(line);
	fclose(f);
	return v;
}
