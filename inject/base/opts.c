// SPDX-License-Identifier: GPL-2.0-or-later
/* Option tables: parsing and help from one declaration (opts.h). */
#include "opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "number.h"

#define HELP_COL 28
#define HELP_WIDTH 120

int opts_init(struct opts *o, const char *cmd, const struct opt *tab, size_t n, int argc,
	      char **argv)
{
	*o = (struct opts){ .cmd = cmd, .tab = tab, .n = n, .argc = argc, .argv = argv, .pos = 1 };
	/* Room for every argument twice: the options' words, then the positionals. */
	o->positional = calloc((size_t)(argc > 0 ? argc : 1) * 2, sizeof(char *));
	return o->positional ? 0 : -ENOMEM;
}

void opts_fini(struct opts *o)
{
	free(o->positional);
	o->positional = NULL;
}

static int bad(struct opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct opts *o, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(o->err, sizeof(o->err), "%s: ", o->cmd);

	o->why = o->err + (n > 0 && (size_t)n < sizeof(o->err) ? n : 0);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(o->err))
		vsnprintf(o->err + n, sizeof(o->err) - n, fmt, ap);
	va_end(ap);
	return OPTS_BAD;
}

int opts_bad(struct opts *o, const char *why)
{
	return bad(o, "bad --%s '%s' (%s)", o->cur ? o->cur->name : "?", o->arg ? o->arg : "",
		   why);
}

/* Options' words go to the front half, positionals to the back half; at the
 * end argv is rewritten as argv[0], the options' words, the positionals. */
static void keep_word(struct opts *o, char *w)
{
	o->positional[o->argc + o->npos++] = w;
}

static int finish(struct opts *o)
{
	int nopt = 0;

	for (int i = 1; i < o->argc; i++)
		if (o->positional[i])
			o->argv[1 + nopt++] = o->positional[i];
	o->optind = 1 + nopt;
	for (int i = 0; i < o->npos; i++)
		o->argv[o->optind + i] = o->positional[o->argc + i];
	return OPTS_END;
}

static void range_text(const struct opt *t, char *buf, size_t len)
{
	buf[0] = '\0';
	if (t->kind == OPT_U64 && t->max)
		snprintf(buf, len, "%llu..%llu", (unsigned long long)t->min, (unsigned long long)t->max);
	else if (t->kind == OPT_U64)
		snprintf(buf, len, "%llu or more", (unsigned long long)t->min);
	else if (t->kind == OPT_DOUBLE && t->dmin == 0 && t->dmax == 0)
		snprintf(buf, len, "more than 0, at most 86400");
	else if (t->kind == OPT_DOUBLE)
		snprintf(buf, len, "%g to %g", t->dmin, t->dmax);
	else if (t->kind == OPT_CHOICE)
		snprintf(buf, len, "%s", t->choices);
}

/* Check and convert o->arg for o->cur. */
static int value(struct opts *o)
{
	const struct opt *t = o->cur;
	char why[96];

	range_text(t, why, sizeof(why));
	switch (t->kind) {
	case OPT_U64:
		if (number_u64(o->arg, 10, t->min, t->max ? t->max : UINT64_MAX, &o->u) < 0)
			return opts_bad(o, why);
		break;
	case OPT_DOUBLE:
		if (t->dmin == 0 && t->dmax == 0) {
			if (number_double(o->arg, 0, 86400, &o->d) < 0 || o->d == 0)
				return opts_bad(o, why);
		} else if (number_double(o->arg, t->dmin, t->dmax, &o->d) < 0) {
			return opts_bad(o, why);
		}
		break;
	case OPT_CHOICE: {
		size_t n = strlen(o->arg);
		uint64_t i = 0;

		for (const char *p = t->choices; p; p = strchr(p, '|'), p = p ? p + 1 : NULL, i++)
			if (n && strncmp(p, o->arg, n) == 0 && (p[n] == '|' || p[n] == '\0')) {
				o->u = i;
				return t->id;
			}
		return opts_bad(o, why);
	}
	default:
		break;
	}
	return t->id;
}

static const struct opt *find_long(const struct opts *o, const char *name, size_t len)
{
	for (size_t i = 0; i < o->n; i++)
		if (strlen(o->tab[i].name) == len && strncmp(o->tab[i].name, name, len) == 0)
			return &o->tab[i];
	return NULL;
}

static const struct opt *find_short(const struct opts *o, char c)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->tab[i].short_name == c)
			return &o->tab[i];
	return NULL;
}

static int next_long(struct opts *o, char *w)
{
	const char *name = w + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);

	if (len == 4 && strncmp(name, "help", 4) == 0 && !find_long(o, "help", 4))
		return OPTS_HELP;
	o->cur = find_long(o, name, len);
	if (!o->cur) {
		/* A prefix is not taken (getopt would), but it names what was meant. */
		for (size_t i = 0; len && i < o->n; i++)
			if (strncmp(o->tab[i].name, name, len) == 0)
				return bad(o, "unknown option '--%.*s' (did you mean --%s?)", (int)len,
					   name, o->tab[i].name);
		return bad(o, "unknown option '--%.*s' (see --help)", (int)len, name);
	}
	o->positional[o->pos - 1] = w;
	if (o->cur->kind == OPT_FLAG) {
		if (eq)
			return bad(o, "--%s takes no value", o->cur->name);
		o->arg = NULL;
		return o->cur->id;
	}
	if (eq) {
		o->arg = eq + 1;
	} else if (o->pos < o->argc) {
		o->positional[o->pos] = o->argv[o->pos];
		o->arg = o->argv[o->pos++];
	} else {
		return bad(o, "--%s needs a value (%s)", o->cur->name, o->cur->arg ? o->cur->arg : "?");
	}
	return value(o);
}

/* "-f", "-fd" (flags together), "-oVALUE" or "-o VALUE". */
static int next_short(struct opts *o, char *w, int *sub)
{
	char c = w[*sub];

	if (c == 'h' && !find_short(o, 'h'))
		return OPTS_HELP;
	o->cur = find_short(o, c);
	if (!o->cur)
		return bad(o, "unknown option '-%c' (see --help)", c);
	o->positional[o->pos - 1] = w;
	(*sub)++;
	if (o->cur->kind == OPT_FLAG) {
		o->arg = NULL;
		return o->cur->id;
	}
	if (w[*sub]) {
		o->arg = w + *sub;
	} else if (o->pos < o->argc) {
		o->positional[o->pos] = o->argv[o->pos];
		o->arg = o->argv[o->pos++];
	} else {
		return bad(o, "-%c needs a value (%s)", c, o->cur->arg ? o->cur->arg : "?");
	}
	*sub = 0;
	return value(o);
}

int opts_next(struct opts *o)
{
	char *w;

	if (o->sub) {
		w = o->argv[o->pos - 1];
		if (w[o->sub])
			return next_short(o, w, &o->sub);
		o->sub = 0;
	}
	while (o->pos < o->argc) {
		w = o->argv[o->pos++];
		if (strcmp(w, "--") == 0) {
			o->positional[o->pos - 1] = w;
			while (o->pos < o->argc)
				keep_word(o, o->argv[o->pos++]);
			break;
		}
		if (strncmp(w, "--", 2) == 0)
			return next_long(o, w);
		if (w[0] == '-' && w[1]) {
			o->sub = 1;
			return next_short(o, w, &o->sub);
		}
		keep_word(o, w);
	}
	return finish(o);
}

/* Print text from column col, wrapped at HELP_WIDTH, continuing at HELP_COL. */
static void wrap(FILE *f, int col, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t room = HELP_WIDTH - col, len = strlen(p);

		if (len > room) {
			len = room;
			while (len && p[len] != ' ')
				len--;
			if (!len)
				len = room;
		}
		fprintf(f, "%.*s\n", (int)len, p);
		p += len;
		while (*p == ' ')
			p++;
		if (*p)
			fprintf(f, "%*s", HELP_COL, "");
		col = HELP_COL;
	}
	if (!*text)
		fputc('\n', f);
}

void opts_help(const struct opts *o, FILE *f, const char *synopsis, const char *about)
{
	char left[96], right[512], range[96];

	fprintf(f, "usage: %s\n", synopsis);
	if (about && *about)
		fprintf(f, "\n%s%s", about, about[strlen(about) - 1] == '\n' ? "" : "\n");
	fprintf(f, "\noptions:\n");
	for (size_t i = 0; i <= o->n; i++) {
		const struct opt *t = i < o->n ? &o->tab[i] : NULL;
		int n;

		if (t) {
			n = snprintf(left, sizeof(left), "  %s%c%s--%s%s%s", t->short_name ? "-" : "",
				     t->short_name ? t->short_name : ' ', t->short_name ? ", " : "",
				     t->name, t->arg ? " " : "", t->arg ? t->arg : "");
			if (!t->short_name)	/* "  --name": no alias column */
				n = snprintf(left, sizeof(left), "  --%s%s%s", t->name, t->arg ? " " : "",
					     t->arg ? t->arg : "");
			range_text(t, range, sizeof(range));
			snprintf(right, sizeof(right), "%s%s%s%s%s%s%s", t->help ? t->help : "",
				 range[0] || t->def ? " (" : "", range,
				 range[0] && t->def ? "; " : "", t->def ? "default " : "",
				 t->def ? t->def : "", range[0] || t->def ? ")" : "");
		} else {
			n = snprintf(left, sizeof(left), "  -h, --help");
			snprintf(right, sizeof(right), "this help");
		}
		fputs(left, f);
		if (n >= HELP_COL - 1) {
			fputc('\n', f);
			n = 0;
		}
		fprintf(f, "%*s", HELP_COL - n, "");
		wrap(f, HELP_COL, right);
	}
}

int opts_finish(const struct opts *o, int id, const char *synopsis, const char *about)
{
	if (id == OPTS_HELP) {
		opts_help(o, stdout, synopsis, about);
		return EXIT_OK;
	}
	if (id == OPTS_BAD) {
		fprintf(stderr, "%s\n", o->err);
		return EXIT_USAGE;
	}
	return -1;
}
