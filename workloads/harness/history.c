// SPDX-License-Identifier: GPL-2.0-or-later
/* The report history file (JSON lines, history/1); see history.h. */
#include "history.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonv.h"
#include "report.h"

int history_append(const struct report *r, FILE *f)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct report_cell *c = &r->cells[i];
		uint64_t calls = report_cell_calls(c), k = c->estale_total > calls ? calls : c->estale_total;
		struct report_ci ci = report_wilson(k, calls);

		fputc('{', f);
		json_put_origin(f, HISTORY_SCHEMA, &r->made);
		fputs(",\"key\":", f);
		json_put_string(f, c->key);
		fputs(",\"cell\":", f);
		json_put_string(f, c->id);
		fputs(",\"line_id\":", f);
		json_put_string(f, c->line_id);
		fputs(",\"backend\":", f);
		json_put_string(f, c->backend);
		fprintf(f, ",\"estale\":%" PRIu64 ",\"calls\":%" PRIu64 ",\"rate\":", k, calls);
		json_put_number(f, calls ? (double)k / (double)calls : 0.0, 6);
		fputs(",\"ci95\":[", f);
		json_put_number(f, ci.lo, 6);
		fputc(',', f);
		json_put_number(f, ci.hi, 6);
		fputs("],\"verdict\":", f);
		json_put_string(f, run_verdict_name(c->verdict));
		fputs("}\n", f);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}

const struct history_series *history_find(const struct history *h, const char *key)
{
	for (size_t i = h->n; i-- > 0;)
		if (strcmp(h->s[i].key, key) == 0)
			return &h->s[i];
	return NULL;
}

void history_free(struct history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->s[i].key);
		free(h->s[i].id);
		free(h->s[i].v);
	}
	free(h->s);
	memset(h, 0, sizeof(*h));
}

/* dst (size len) = v's string; false when v is not a string or too long. */
static bool copy_str(char *dst, size_t len, const struct jv *v)
{
	if (!v || v->type != JV_STR || strlen(v->str) >= len)
		return false;
	memcpy(dst, v->str, strlen(v->str) + 1);
	return true;
}

static bool count_of(const struct jv *v, uint64_t *out)
{
	if (!v || v->type != JV_NUM || !(v->num >= 0) || v->num > 9007199254740992.0 ||
	    v->num != (double)(uint64_t)v->num)
		return false;
	*out = (uint64_t)v->num;
	return true;
}

static bool frac_of(const struct jv *v, double *out)
{
	if (!v || v->type != JV_NUM || !(v->num >= 0) || !(v->num <= 1))
		return false;
	*out = v->num;
	return true;
}

/* One line's point, key and id; NULL, or what is wrong with it. */
static const char *point_from(const struct jv *d, struct history_point *p, const char **key,
			      const char **id)
{
	const struct jv *ci = jv_get(d, "ci95");
	const char *schema = jv_str(jv_get(d, "schema"), "");

	if (!d || d->type != JV_OBJ)
		return "not a JSON object";
	if (strncmp(schema, "history/", 8) != 0)
		return "no \"schema\":\"history/...\"";
	if (strcmp(schema, HISTORY_SCHEMA) != 0)
		return "a history version this stalefs does not know";
	*key = jv_str(jv_get(d, "key"), NULL);
	*id = jv_str(jv_get(d, "cell"), NULL);
	if (!*key || !*id)
		return "no \"key\" or \"cell\" string";
	memset(p, 0, sizeof(*p));
	if (!copy_str(p->date, sizeof(p->date), jv_get(d, "started")) ||
	    !copy_str(p->kernel, sizeof(p->kernel), jv_get(d, "kernel")) ||
	    !copy_str(p->stalefs, sizeof(p->stalefs), jv_get(d, "stalefs")))
		return "\"started\", \"kernel\" or \"stalefs\" missing or too long";
	if (!count_of(jv_get(d, "estale"), &p->estale) || !count_of(jv_get(d, "calls"), &p->calls) ||
	    p->estale > p->calls)
		return "\"estale\" and \"calls\" must be counts, estale <= calls";
	if (!frac_of(jv_get(d, "rate"), &p->rate) || !ci || ci->type != JV_ARR || ci->n != 2 ||
	    !frac_of(&ci->items[0], &p->lo) || !frac_of(&ci->items[1], &p->hi))
		return "\"rate\" and \"ci95\" must be fractions in [0, 1]";
	return NULL;
}

/* p joins key's series, in date order (later lines of one date after). */
static int add_point(struct history *h, const char *key, const char *id,
		     const struct history_point *p)
{
	struct history_series *s = (struct history_series *)history_find(h, key);
	char *nid = strdup(id);
	size_t at;

	if (!nid)
		return -ENOMEM;
	if (!s) {
		if (report_grow((void **)&h->s, &h->cap, h->n + 1, sizeof(*h->s)))
			goto nomem;
		s = &h->s[h->n];
		memset(s, 0, sizeof(*s));
		s->key = strdup(key);
		if (!s->key)
			goto nomem;
		h->n++;
	}
	if (report_grow((void **)&s->v, &s->cap, s->n + 1, sizeof(*s->v)))
		goto nomem;
	for (at = s->n; at > 0 && strcmp(s->v[at - 1].date, p->date) > 0; at--)
		;
	memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof(*s->v));
	s->v[at] = *p;
	s->n++;
	if (at == s->n - 1) {	/* the latest line names the cell */
		free(s->id);
		s->id = nid;
	} else if (!s->id) {
		s->id = nid;
	} else {
		free(nid);
	}
	return 0;
nomem:
	free(nid);
	return -ENOMEM;
}

int history_read(struct history *h, FILE *f, const char *name, char *err, size_t errlen)
{
	char *buf = malloc(HISTORY_LINE_MAX + 2), why[256];
	unsigned long lineno = 0;
	int ret = 0;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	while (fgets(buf, HISTORY_LINE_MAX + 2, f)) {
		size_t len = strlen(buf);
		bool nl = len && buf[len - 1] == '\n';
		const char *bad, *key = NULL, *id = NULL;
		struct history_point p;
		struct jv *d;
		size_t i;

		lineno++;
		if (lineno > HISTORY_MAX_LINES) {
			snprintf(err, errlen, "%s:%lu: more than %d lines", name, lineno, HISTORY_MAX_LINES);
			ret = -E2BIG;
			break;
		}
		if (!nl && len == HISTORY_LINE_MAX + 1) {
			snprintf(err, errlen, "%s:%lu: line longer than %d bytes", name, lineno,
				 HISTORY_LINE_MAX);
			ret = -E2BIG;
			break;
		}
		for (i = 0; i < len && strchr(" \t\r\n", buf[i]); i++)
			;
		if (i == len)
			continue;
		d = jv_parse(buf, len, why, sizeof(why));
		if (!d && !nl && getc(f) == EOF && !ferror(f)) {
			h->torn++;	/* the last line, cut short */
			break;
		}
		if (!d) {
			snprintf(err, errlen, "%s:%lu: %s", name, lineno, why);
			ret = -EINVAL;
			break;
		}
		bad = point_from(d, &p, &key, &id);
		if (bad) {
			snprintf(err, errlen, "%s:%lu: %s", name, lineno, bad);
			ret = -EINVAL;
		} else if (add_point(h, key, id, &p)) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
		}
		jv_free(d);
		if (ret)
			break;
	}
	if (!ret && ferror(f)) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno ? errno : EIO));
		ret = -EIO;
	}
	free(buf);
	return ret;
}
