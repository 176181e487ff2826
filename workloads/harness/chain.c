// SPDX-License-Identifier: GPL-2.0-or-later
/* Cause chains of surfaced ESTALE; see chain.h. */
#include "chain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errname.h"
#include "json.h"
#include "jsonv.h"
#include "term.h"

#define WINDOW_NO_START_NS 1000000000ULL	/* io_uring events: the second before */
#define HOST_SPAN_MAX_NS 60000000000ULL		/* the longest host operation looked for */

/* No leading '/', no " (deleted)" (readlink of an unlinked dir) anywhere. */
static void norm_path(char *dst, size_t len, const char *src)
{
	size_t o = 0;

	while (*src == '/')
		src++;
	while (*src && o + 1 < len) {
		if (strncmp(src, " (deleted)", 10) == 0) {
			src += 10;
			continue;
		}
		dst[o++] = *src++;
	}
	dst[o] = '\0';
}

static int add_evt(struct chain_in *in, size_t *cap, const struct chain_evt *e)
{
	if (in->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		struct chain_evt *v = realloc(in->ev, nc * sizeof(*v));

		if (!v)
			return -ENOMEM;
		in->ev = v;
		*cap = nc;
	}
	in->ev[in->n++] = *e;
	return 0;
}

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* One log line into e; false when it is not a line we use. */
static bool parse_line(const struct jv *v, bool host, struct chain_evt *e)
{
	const char *type = jv_str(jv_get(v, "type"), "");

	memset(e, 0, sizeof(*e));
	e->t_ns = jv_u64(jv_get(v, "t_ns"), 0);
	e->start_ns = e->t_ns;
	e->pid = (uint32_t)jv_u64(jv_get(v, "pid"), 0);
	norm_path(e->path, sizeof(e->path), jv_str(jv_get(v, "path"), ""));
	if (host) {
		if (strcmp(type, "header") == 0)	/* the log's first line: no change */
			return false;
		e->type = 'h';
		copy(e->op, sizeof(e->op), jv_str(jv_get(v, "op"), "?"));
		norm_path(e->from, sizeof(e->from), jv_str(jv_get(v, "from"), ""));
		e->start_ns = jv_u64(jv_get(v, "start_ns"), e->t_ns);
		return e->t_ns != 0;
	}
	copy(e->op, sizeof(e->op), jv_str(jv_get(v, "op"), "?"));
	e->nodeid = jv_u64(jv_get(v, "nodeid"), 0);
	copy(e->name, sizeof(e->name), jv_str(jv_get(v, "name"), ""));
	if (strcmp(type, "error") == 0) {
		e->type = 'e';
		e->err = (int)jv_u64(jv_get(v, "errno"), 0);
		copy(e->source, sizeof(e->source), jv_str(jv_get(v, "source"), "?"));
		copy(e->detail, sizeof(e->detail), jv_str(jv_get(v, "detail"), "?"));
		copy(e->limit, sizeof(e->limit), jv_str(jv_get(v, "limit"), ""));
		e->limit_n = jv_u64(jv_get(v, "limit_n"), 0);
		e->fds = (long)jv_num(jv_get(v, "fds"), -1);
		e->guest_fds = jv_u64(jv_get(v, "guest_fds"), 0);
		e->old_nodeid = jv_u64(jv_get(v, "known"), 0);
		return true;
	}
	if (strcmp(type, "identity") == 0) {
		e->type = 'i';
		e->old_nodeid = jv_u64(jv_get(v, "old_nodeid"), 0);
		copy(e->detail, sizeof(e->detail), jv_str(jv_get(v, "change"), "?"));
		return true;
	}
	if (strcmp(type, "fault") == 0) {
		e->type = 'f';
		copy(e->op, sizeof(e->op), jv_str(jv_get(v, "kind"), "?"));
		e->rule = (unsigned int)jv_u64(jv_get(v, "rule"), 0);
		copy(e->detail, sizeof(e->detail), jv_str(jv_get(v, "answer"), ""));
		return true;
	}
	return false;
}

static int load_file(struct chain_in *in, size_t *cap, const char *path, bool host)
{
	char *line = NULL, err[128];
	size_t len = 0;
	ssize_t k;
	FILE *f;
	int ret = 0;

	if (!path)
		return 0;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (host)
		in->host_logged = true;
	while (ret == 0 && (k = getline(&line, &len, f)) > 0) {
		struct jv *v = jv_parse(line, (size_t)k, err, sizeof(err));
		struct chain_evt e;

		if (v && parse_line(v, host, &e))
			ret = add_evt(in, cap, &e);
		jv_free(v);
	}
	free(line);
	fclose(f);
	return ret;
}

static int by_time(const void *a, const void *b)
{
	const struct chain_evt *x = a, *y = b;

	return (x->t_ns > y->t_ns) - (x->t_ns < y->t_ns);
}

static uint64_t comp_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t last_comp_hash(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *c = slash ? slash + 1 : path;

	return comp_hash(c, strlen(c));
}

static int by_key(const void *a, const void *b)
{
	const struct chain_key *x = a, *y = b;

	if (x->hash != y->hash)
		return (x->hash > y->hash) - (x->hash < y->hash);
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * An error reply on a nodeid the daemon no longer knows (EBADF after a
 * fault evicted it) has no path of its own: the evict event logged it.
 */
static void paths_from_evictions(struct chain_in *in)
{
	for (size_t k = 0; k < in->n; k++) {
		struct chain_evt *e = &in->ev[k];
		char p[sizeof(e->path)];

		if (e->type != 'e' || e->path[0] || !e->nodeid)
			continue;
		for (size_t j = k; j-- > 0;) {
			const struct chain_evt *f = &in->ev[j];

			if (f->type != 'f' || f->nodeid != e->nodeid || strcmp(f->op, "evict") != 0)
				continue;
			if (f->path[0]) {
				snprintf(p, sizeof(p), "%.190s%s%.120s", f->path, e->name[0] ? "/" : "",
					 e->name);
				copy(e->path, sizeof(e->path), p);
			}
			break;
		}
	}
}

static bool is_answer(const struct chain_evt *e);

int chain_load(struct chain_in *in, const char *daemon_events, const char *host_events)
{
	size_t cap = 0;
	int ret;

	*in = (struct chain_in){ 0 };
	ret = load_file(in, &cap, daemon_events, false);
	if (ret == 0)
		ret = load_file(in, &cap, host_events, true);
	if (!in->n)
		return ret;
	qsort(in->ev, in->n, sizeof(*in->ev), by_time);
	paths_from_evictions(in);
	in->keys = calloc(in->n, sizeof(*in->keys));
	if (!in->keys)
		return -ENOMEM;
	for (size_t k = 0; k < in->n; k++)
		if (is_answer(&in->ev[k]) && in->ev[k].path[0])
			in->keys[in->nkeys++] = (struct chain_key){ last_comp_hash(in->ev[k].path), k };
	qsort(in->keys, in->nkeys, sizeof(*in->keys), by_key);
	return ret;
}

void chain_in_free(struct chain_in *in)
{
	free(in->ev);
	free(in->keys);
	*in = (struct chain_in){ 0 };
}

/* The first event at or after t. */
static size_t lower_bound(const struct chain_in *in, uint64_t t)
{
	size_t lo = 0, hi = in->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->ev[mid].t_ns < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is one path the other, a component-prefix of it, or its suffix from a
 * component boundary (a workload path relative to the overlay's root)? */
static bool path_related(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (!la || !lb)
		return false;
	if (la > lb) {
		const char *t = a;

		a = b;
		b = t;
		la = strlen(a);
		lb = strlen(b);
	}
	/* a is the shorter one */
	if (strncmp(a, b, la) == 0 && (b[la] == '\0' || b[la] == '/'))
		return true;
	return strcmp(b + lb - la, a) == 0 && b[lb - la - 1] == '/';
}

/* Does the answer e concern the workload's path? */
static bool answer_for(const struct chain_evt *e, const char *path)
{
	size_t lp = strlen(path), le = strlen(e->path);

	if (!lp || !le)
		return false;
	/* the daemon's host path ends with the workload's (overlay) path */
	if (le >= lp && strcmp(e->path + le - lp, path) == 0 && (le == lp || e->path[le - lp - 1] == '/'))
		return true;
	return lp > le && strcmp(path + lp - le, e->path) == 0 && path[lp - le - 1] == '/';
}

/*
 * An answer that invalidated a dentry the kernel held: an identity change,
 * or a failed LOOKUP of a name the kernel had (a plain negative lookup, e.g.
 * overlayfs asking a layer that lacks the name, invalidates nothing).
 */
static bool is_answer(const struct chain_evt *e)
{
	return e->type == 'i' || (e->type == 'e' && strcmp(e->op, "LOOKUP") == 0 && e->old_nodeid);
}

static bool host_explains(const struct chain_evt *x, const struct chain_evt *e)
{
	/* A swapped-out layer lives on, deleted, under the copy's old name. */
	return x->type == 'h' && (path_related(x->path, e->path) || path_related(x->from, e->path));
}

/*
 * The latest fault on e's nodeid or host event on its path before e, or a
 * host event still under way when e was answered (a layer swap deletes the
 * old tree for a while before it logs its end).
 */
static const struct chain_evt *cause_of(const struct chain_in *in, const struct chain_evt *e)
{
	size_t end = lower_bound(in, e->t_ns + 1);
	uint64_t nodeid = e->type == 'i' ? e->old_nodeid : e->nodeid;

	for (size_t k = end; k-- > 0;) {
		const struct chain_evt *x = &in->ev[k];

		if (x->type == 'f' && nodeid && x->nodeid == nodeid &&
		    (strcmp(x->op, "evict") == 0 || strcmp(x->op, "renode") == 0 ||
		     strcmp(x->op, "gen-bump") == 0 || strcmp(x->op, "restart") == 0))
			return x;
		if (host_explains(x, e))
			return x;
	}
	for (size_t k = end; k < in->n && in->ev[k].t_ns < e->t_ns + HOST_SPAN_MAX_NS; k++)
		if (in->ev[k].start_ns <= e->t_ns && host_explains(&in->ev[k], e))
			return &in->ev[k];
	return NULL;
}

/* The last 60 bytes of a path, from a component boundary. */
static const char *short_path(const char *p)
{
	size_t n = strlen(p);
	const char *s;

	if (n <= 60)
		return p;
	s = strchr(p + n - 60, '/');
	return s ? s + 1 : p + n - 60;
}

struct link3 {
	char layer[64], reply[200], cause[200], example[400];
	char note[240];		/* the host event, for the example */
	bool complete;
};

/* The reply and cause links for the daemon's answer r. */
static void explain_answer(const struct chain_in *in, const struct chain_evt *r, struct link3 *l)
{
	const struct chain_evt *why;
	char eb[24];

	if (r->type == 'i') {
		if (strcmp(r->detail, "nodeid") == 0)
			snprintf(l->reply, sizeof(l->reply), "%s answered another nodeid", r->op);
		else
			snprintf(l->reply, sizeof(l->reply), "%s answered a new %s", r->op,
				 strcmp(r->detail, "submount") == 0 ? "submount flag" : r->detail);
	} else if (r->limit[0]) {
		snprintf(l->reply, sizeof(l->reply), "%s answered %s (%s %llu reached)", r->op,
			 errname(r->err, eb, sizeof(eb)),
			 strcmp(r->limit, "guest-fd") == 0 ? "guest-fd limit" : r->limit,
			 (unsigned long long)r->limit_n);
	} else {
		snprintf(l->reply, sizeof(l->reply), "%s answered %s (%s %s)", r->op,
			 errname(r->err, eb, sizeof(eb)), r->source, r->detail);
	}
	if (r->type == 'e' && strcmp(r->source, "inject") == 0) {
		snprintf(l->cause, sizeof(l->cause), "fault %s", r->detail);
		l->complete = true;
		return;
	}
	why = cause_of(in, r);
	if (why && why->type == 'f') {
		snprintf(l->cause, sizeof(l->cause), "fault rule %u %s", why->rule, why->op);
		l->complete = true;
	} else if (why) {
		snprintf(l->cause, sizeof(l->cause), "host %s", why->op);
		if (why->t_ns > r->t_ns)	/* under way: the answer came before it ended */
			snprintf(l->note, sizeof(l->note), "; during a host %.20s of %.160s", why->op,
				 short_path(why->path));
		else
			snprintf(l->note, sizeof(l->note), "; host %.20s of %.160s %.1f ms before",
				 why->op, short_path(why->path), (double)(r->t_ns - why->t_ns) / 1e6);
		l->complete = true;
	} else if (r->limit[0]) {
		snprintf(l->cause, sizeof(l->cause), in->host_logged ? "no host change on this path"
								       : "no host change");
		l->complete = true;
	} else if (!in->host_logged && r->type == 'e' && strcmp(r->source, "host") == 0) {
		snprintf(l->cause, sizeof(l->cause), "host syscall %s (no host actor ran)", r->detail);
		l->complete = true;
	} else {
		snprintf(l->cause, sizeof(l->cause), "unknown (no fault, limit or logged host event)");
	}
}

/* The latest answer before t whose path ends with path or one of its ancestors. */
static const struct chain_evt *last_answer_above(const struct chain_in *in, const char *path,
						 uint64_t t)
{
	const struct chain_evt *best = NULL;
	size_t len = strlen(path);

	for (size_t end = 0; end <= len; end++) {
		size_t start, lo = 0, hi = in->nkeys;
		uint64_t h;
		char prefix[320];

		if (path[end] != '/' && path[end] != '\0')
			continue;
		start = end;
		while (start > 0 && path[start - 1] != '/')
			start--;
		h = comp_hash(path + start, end - start);
		snprintf(prefix, sizeof(prefix), "%.*s", (int)end, path);
		while (lo < hi) {	/* the first key > (h, last index before t) */
			size_t mid = lo + (hi - lo) / 2;

			if (in->keys[mid].hash < h ||
			    (in->keys[mid].hash == h && in->ev[in->keys[mid].idx].t_ns <= t))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k-- > 0 && in->keys[k].hash == h;) {
			const struct chain_evt *e = &in->ev[in->keys[k].idx];

			if (!answer_for(e, prefix))
				continue;
			if (!best || e->t_ns > best->t_ns)
				best = e;
			break;
		}
	}
	return best;
}

static void explain_one(const struct chain_in *in, const struct jv *s, struct link3 *l)
{
	uint64_t t = jv_u64(jv_get(s, "t_ns"), 0), start = jv_u64(jv_get(s, "start_ns"), 0);
	uint32_t tid = (uint32_t)jv_u64(jv_get(s, "tid"), 0);
	const char *op = jv_str(jv_get(s, "op"), "?");
	char path[320];
	const struct chain_evt *estale = NULL, *answer = NULL;
	uint64_t from = start ? start : (t > WINDOW_NO_START_NS ? t - WINDOW_NO_START_NS : 0);
	bool earlier = false;

	memset(l, 0, sizeof(*l));
	norm_path(path, sizeof(path), jv_str(jv_get(s, "path"), jv_str(jv_get(s, "opened_by"), "")));
	for (size_t k = lower_bound(in, from); k < in->n && in->ev[k].t_ns <= t; k++) {
		const struct chain_evt *e = &in->ev[k];

		if (start && e->pid != tid)
			continue;
		/* Without a thread to go by (io_uring), an answer must be for this path;
		 * the daemon's own ESTALE is joined on time alone, as attrib does. */
		if (!start && !(e->type == 'e' && e->err == ESTALE) && !answer_for(e, path))
			continue;
		if (e->type == 'e' && e->err == ESTALE)
			estale = e;
		else if (is_answer(e))
			answer = e;
	}
	if (estale) {
		snprintf(l->layer, sizeof(l->layer), "FUSE (the daemon's ESTALE, passed on)");
		explain_answer(in, estale, l);
		snprintf(l->reply, sizeof(l->reply), "%s answered ESTALE (%s %s)", estale->op,
			 estale->source, estale->detail);
		if (strcmp(estale->source, "host") == 0 && !l->complete) {
			snprintf(l->cause, sizeof(l->cause), "host syscall %s", estale->detail);
			l->complete = true;
		}
		snprintf(l->example, sizeof(l->example), "%.16s %.100s%.200s", op, short_path(path), l->note);
		return;
	}
	if (!answer && path[0]) {
		/* The last answer for this path or a directory above it: the
		 * overlay dentry it invalidated stays bound to the dead one. */
		answer = last_answer_above(in, path, t);
		earlier = answer != NULL;
	}
	/* Two paths: direct readers' names are the layers' own (overlay/<layer>/diff/...). */
	if (in->overlay && strncmp(path, "overlay/", 8) != 0)
		snprintf(l->layer, sizeof(l->layer), "overlayfs (lower revalidation)");
	else
		snprintf(l->layer, sizeof(l->layer), "FUSE client (no ESTALE from the daemon)");
	if (!answer) {
		snprintf(l->reply, sizeof(l->reply), "no daemon answer found");
		snprintf(l->cause, sizeof(l->cause), "unknown");
		snprintf(l->example, sizeof(l->example), "%s %s", op, short_path(path));
		return;
	}
	explain_answer(in, answer, l);
	{
		char more[160] = "";

		if (answer->type == 'i')
			snprintf(more, sizeof(more), " (nodeid %llu -> %llu)",
				 (unsigned long long)answer->old_nodeid, (unsigned long long)answer->nodeid);
		else if (answer->limit[0])
			snprintf(more, sizeof(more), " (%ld fds open, %llu guest fds)", answer->fds,
				 (unsigned long long)answer->guest_fds);
		snprintf(l->example, sizeof(l->example), "%.16s %.100s%.60s%s%.150s", op, short_path(path), more,
			 earlier ? " (answered before the call)" : "", l->note);
	}
}

void chain_text(const struct chain *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s <- %s <- %s", c->layer, c->reply, c->cause);
}

static struct chain *slot_for(struct chains *out, const char *layer, const char *reply,
			      const char *cause)
{
	for (int i = 0; i < out->n; i++)
		if (!strcmp(out->c[i].layer, layer) && !strcmp(out->c[i].reply, reply) &&
		    !strcmp(out->c[i].cause, cause))
			return &out->c[i];
	if (out->n == CHAINS_MAX) {
		struct chain *last = &out->c[CHAINS_MAX - 1];

		/* Out of room: the last one counts the rest, as incomplete. */
		copy(last->layer, sizeof(last->layer), "(other layers)");
		copy(last->reply, sizeof(last->reply), "(other replies)");
		copy(last->cause, sizeof(last->cause), "(other causes)");
		last->complete = false;
		return last;
	}
	struct chain *c = &out->c[out->n++];

	memset(c, 0, sizeof(*c));
	copy(c->layer, sizeof(c->layer), layer);
	copy(c->reply, sizeof(c->reply), reply);
	copy(c->cause, sizeof(c->cause), cause);
	return c;
}

static void add_count(struct chains *out, const struct link3 *l, uint64_t n, uint64_t sampled)
{
	struct chain *c = slot_for(out, l->layer, l->reply, l->cause);

	if (!c->n && !c->sampled) {
		c->complete = l->complete;
		copy(c->example, sizeof(c->example), l->example);
	}
	c->n += n;
	c->sampled += sampled;
	out->total += n;
	if (c->complete)
		out->complete += n;
}

void chain_explain(struct chains *out, const struct chain_in *in, const struct jv *ev,
		   const uint64_t *weight, uint64_t total)
{
	size_t nev = ev && ev->type == JV_ARR ? ev->n : 0;
	uint64_t counted = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nev; i++) {
		struct link3 l;
		uint64_t w = weight && weight[i] ? weight[i] : 1;

		explain_one(in, &ev->items[i], &l);
		add_count(out, &l, w, 1);
		counted += w;
	}
	out->sampled = nev;
	out->unsampled = total > counted ? total - counted : 0;
	if (out->unsampled) {
		struct link3 l = { .complete = false };

		copy(l.layer, sizeof(l.layer), "(not sampled)");
		copy(l.reply, sizeof(l.reply), "(not sampled)");
		copy(l.cause, sizeof(l.cause), "(not sampled)");
		add_count(out, &l, out->unsampled, 0);
	}
}

void chains_add(struct chains *a, const struct chains *b)
{
	for (int i = 0; i < b->n; i++) {
		const struct chain *s = &b->c[i];
		struct chain *d = slot_for(a, s->layer, s->reply, s->cause);

		if (!d->n && !d->sampled) {
			d->complete = s->complete;
			copy(d->example, sizeof(d->example), s->example);
		}
		d->n += s->n;
		d->sampled += s->sampled;
		if (d->complete)
			a->complete += s->n;
	}
	a->total += b->total;
	a->sampled += b->sampled;
	a->unsampled += b->unsampled;
}

static int by_count(const void *x, const void *y)
{
	const struct chain *a = *(const struct chain *const *)x, *b = *(const struct chain *const *)y;

	return (a->n < b->n) - (a->n > b->n);
}

/* The chains, biggest first. */
static int sorted(const struct chains *c, const struct chain **v)
{
	for (int i = 0; i < c->n; i++)
		v[i] = &c->c[i];
	qsort(v, (size_t)c->n, sizeof(*v), by_count);
	return c->n;
}

void chains_json(const struct chains *c, FILE *f)
{
	const struct chain *v[CHAINS_MAX];
	int n = sorted(c, v);

	fprintf(f, "{\"total\":%llu,\"complete\":%llu,\"sampled\":%llu,\"unsampled\":%llu,\"list\":[",
		(unsigned long long)c->total, (unsigned long long)c->complete,
		(unsigned long long)c->sampled, (unsigned long long)c->unsampled);
	for (int i = 0; i < n; i++) {
		char text[480];

		chain_text(v[i], text, sizeof(text));
		fprintf(f, "%s{\"chain\":", i ? "," : "");
		json_put_string(f, text);
		fputs(",\"layer\":", f);
		json_put_string(f, v[i]->layer);
		fputs(",\"reply\":", f);
		json_put_string(f, v[i]->reply);
		fputs(",\"cause\":", f);
		json_put_string(f, v[i]->cause);
		fprintf(f, ",\"complete\":%s,\"n\":%llu,\"sampled\":%llu,\"example\":",
			v[i]->complete ? "true" : "false", (unsigned long long)v[i]->n,
			(unsigned long long)v[i]->sampled);
		json_put_string(f, v[i]->example);
		fputc('}', f);
	}
	fputs("]}", f);
}

void chains_from_json(struct chains *c, const struct jv *v)
{
	const struct jv *list = jv_get(v, "list");

	memset(c, 0, sizeof(*c));
	c->total = jv_u64(jv_get(v, "total"), 0);
	c->complete = jv_u64(jv_get(v, "complete"), 0);
	c->sampled = jv_u64(jv_get(v, "sampled"), 0);
	c->unsampled = jv_u64(jv_get(v, "unsampled"), 0);
	for (size_t i = 0; list && list->type == JV_ARR && i < list->n && c->n < CHAINS_MAX; i++) {
		const struct jv *x = &list->items[i];
		struct chain *d = &c->c[c->n++];

		copy(d->layer, sizeof(d->layer), jv_str(jv_get(x, "layer"), ""));
		copy(d->reply, sizeof(d->reply), jv_str(jv_get(x, "reply"), ""));
		copy(d->cause, sizeof(d->cause), jv_str(jv_get(x, "cause"), ""));
		copy(d->example, sizeof(d->example), jv_str(jv_get(x, "example"), ""));
		d->complete = jv_bool(jv_get(x, "complete"), false);
		d->n = jv_u64(jv_get(x, "n"), 0);
		d->sampled = jv_u64(jv_get(x, "sampled"), 0);
	}
}

/* Print first then s, wrapped at width, continuation lines indented by cont. */
void chains_print(const struct chains *c, FILE *f, const char *indent, int width)
{
	const struct chain *v[CHAINS_MAX];
	int n = sorted(c, v);
	char cont[64];

	snprintf(cont, sizeof(cont), "%s      ", indent);
	for (int i = 0; i < n; i++) {
		char line[1400], text[480];

		if (!v[i]->n)
			continue;
		chain_text(v[i], text, sizeof(text));
		snprintf(line, sizeof(line), "%llu ESTALE: %s%s; e.g. %s",
			 (unsigned long long)v[i]->n, text, v[i]->complete ? "" : " [incomplete]",
			 v[i]->example);
		term_fold(f, indent, cont, line, width);
	}
}
