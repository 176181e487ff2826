// SPDX-License-Identifier: GPL-2.0-or-later
/* The JSON reader; see jsonv.h. Recursive descent, depth-limited. */
#include "jsonv.h"


#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"

#define JV_DEPTH_MAX 64

struct parser {
	const char *s, *end;
	const char *start;
	char *err;
	size_t errlen;
	int failed;
};

static void perr(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed++)
		return;
	va_start(ap, fmt);
	n = vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < p->errlen)
		snprintf(p->err + n, p->errlen - n, " at byte %td", p->s - p->start);
}

static void ws(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int lit(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n) != 0) {
		perr(p, "bad literal");
		return -1;
	}
	p->s += n;
	return 0;
}

static void put_utf8(char **o, unsigned int cp)
{
	char *q = *o;

	if (cp < 0x80) {
		*q++ = cp;
	} else if (cp < 0x800) {
		*q++ = 0xc0 | cp >> 6;
		*q++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*q++ = 0xe0 | cp >> 12;
		*q++ = 0x80 | (cp >> 6 & 0x3f);
		*q++ = 0x80 | (cp & 0x3f);
	} else {
		*q++ = 0xf0 | cp >> 18;
		*q++ = 0x80 | (cp >> 12 & 0x3f);
		*q++ = 0x80 | (cp >> 6 & 0x3f);
		*q++ = 0x80 | (cp & 0x3f);
	}
	*o = q;
}

static int hex4(struct parser *p, unsigned int *out)
{
	unsigned int v = 0;

	if (p->end - p->s < 4) {
		perr(p, "short \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		char c = *p->s++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else {
			perr(p, "bad \\u escape");
			return -1;
		}
	}
	*out = v;
	return 0;
}

/* A string; p->s is at the opening quote. The result is malloc'd. */
static char *string(struct parser *p)
{
	const char *q;
	char *out, *o;

	p->s++;
	/* The decoded string is never longer than the encoded one. */
	for (q = p->s; q < p->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= p->end) {
		perr(p, "unterminated string");
		return NULL;
	}
	out = o = malloc(q - p->s + 1);
	if (!out) {
		perr(p, "out of memory");
		return NULL;
	}
	while (*p->s != '"') {
		unsigned char c = *p->s++;
		unsigned int cp, lo;

		if (c < 0x20) {
			perr(p, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		switch (*p->s++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(p, &cp) < 0)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (p->end - p->s < 6 || p->s[0] != '\\' || p->s[1] != 'u') {
					perr(p, "lone surrogate");
					goto bad;
				}
				p->s += 2;
				if (hex4(p, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff) {
					perr(p, "bad surrogate pair");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc80 && cp < 0xdd00) {
				/* surrogateescape (json.h): the byte that was not UTF-8 */
				*o++ = (char)(cp - 0xdc00);
				break;
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				perr(p, "lone surrogate");
				goto bad;
			}
			if (!cp) {
				perr(p, "\\u0000 in string");
				goto bad;
			}
			put_utf8(&o, cp);
			break;
		default:
			perr(p, "bad escape");
			goto bad;
		}
	}
	p->s++;
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int value(struct parser *p, struct jv *v, int depth);

static int push(struct parser *p, struct jv *v, size_t *cap, char *key)
{
	if (v->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 4;
		struct jv *items = realloc(v->items, ncap * sizeof(*items));
		char **keys;

		if (!items) {
			perr(p, "out of memory");
			return -1;
		}
		v->items = items;
		if (v->type == JV_OBJ) {
			keys = realloc(v->keys, ncap * sizeof(*keys));
			if (!keys) {
				perr(p, "out of memory");
				return -1;
			}
			v->keys = keys;
		}
		*cap = ncap;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (v->type == JV_OBJ)
		v->keys[v->n] = key;
	v->n++;
	return 0;
}

static int container(struct parser *p, struct jv *v, int depth)
{
	char close = v->type == JV_OBJ ? '}' : ']';
	size_t cap = 0;

	p->s++;
	ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return 0;
	}
	for (;;) {
		char *key = NULL;

		ws(p);
		if (v->type == JV_OBJ) {
			if (p->s >= p->end || *p->s != '"') {
				perr(p, "expected a key");
				return -1;
			}
			key = string(p);
			if (!key)
				return -1;
			ws(p);
			if (p->s >= p->end || *p->s != ':') {
				free(key);
				perr(p, "expected ':'");
				return -1;
			}
			p->s++;
		}
		if (push(p, v, &cap, key) < 0) {
			free(key);
			return -1;
		}
		if (value(p, &v->items[v->n - 1], depth + 1) < 0)
			return -1;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return 0;
		}
		perr(p, "expected ',' or '%c'", close);
		return -1;
	}
}

static int number(struct parser *p, struct jv *v)
{
	const char *q = p->s;
	char buf[64];

	if (q < p->end && *q == '-')
		q++;
	if (q >= p->end || *q < '0' || *q > '9') {
		perr(p, "bad number");
		return -1;
	}
	while (q < p->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
			      *q == '+' || *q == '-'))
		q++;
	if (q - p->s >= (long)sizeof(buf)) {
		perr(p, "number too long");
		return -1;
	}
	memcpy(buf, p->s, q - p->s);
	buf[q - p->s] = '\0';
	char *end;

	v->num = strtod(buf, &end);
	if (*end || !isfinite(v->num)) {
		perr(p, "bad number");
		return -1;
	}
	v->type = JV_NUM;
	p->s = q;
	return 0;
}

static int value(struct parser *p, struct jv *v, int depth)
{
	if (depth > JV_DEPTH_MAX) {
		perr(p, "nested too deep");
		return -1;
	}
	ws(p);
	if (p->s >= p->end) {
		perr(p, "unexpected end");
		return -1;
	}
	switch (*p->s) {
	case '{':
		v->type = JV_OBJ;
		return container(p, v, depth);
	case '[':
		v->type = JV_ARR;
		return container(p, v, depth);
	case '"':
		v->type = JV_STR;
		v->str = string(p);
		return v->str ? 0 : -1;
	case 't':
		v->type = JV_BOOL;
		v->b = true;
		return lit(p, "true");
	case 'f':
		v->type = JV_BOOL;
		return lit(p, "false");
	case 'n':
		return lit(p, "null");
	default:
		return number(p, v);
	}
}

static void clear(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	clear(v);
	free(v);
}

struct jv *jv_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser p = { .s = text, .end = text + len, .start = text, .err = err,
			    .errlen = errlen };
	struct jv *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (value(&p, v, 0) == 0) {
		ws(&p);
		if (p.s == p.end)
			return v;
		perr(&p, "trailing bytes");
	}
	jv_free(v);
	return NULL;
}

struct jv *jv_parse_file(const char *path, char *err, size_t errlen)
{
	char perr_buf[256];
	size_t len;
	char *buf = textfile_read(path, &len);
	struct jv *v;

	if (!buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	v = jv_parse(buf, len, perr_buf, sizeof(perr_buf));
	if (!v)
		snprintf(err, errlen, "%s: %s", path, perr_buf);
	free(buf);
	return v;
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
	if (!v || v->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

const struct jv *jv_path(const struct jv *v, const char *path)
{
	char key[256];

	while (v && *path) {
		size_t n = strcspn(path, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		v = jv_get(v, key);
		path += n + (path[n] == '.');
	}
	return v;
}

double jv_num(const struct jv *v, double dflt)
{
	return v && v->type == JV_NUM ? v->num : dflt;
}

uint64_t jv_u64(const struct jv *v, uint64_t dflt)
{
	return v && v->type == JV_NUM && v->num >= 0 && v->num < 18446744073709551616.0
		       ? (uint64_t)v->num : dflt;
}

const char *jv_str(const struct jv *v, const char *dflt)
{
	return v && v->type == JV_STR ? v->str : dflt;
}

bool jv_bool(const struct jv *v, bool dflt)
{
	return v && v->type == JV_BOOL ? v->b : dflt;
}
