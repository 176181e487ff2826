/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option tables. A command declares each option once (name, argument,
 * default, range or choices, help line); parsing, range checks and --help
 * all come from that table, so the help cannot drift from the parser.
 *
 * Parsing follows GNU: options anywhere, "--" ends them, "--name=value" or
 * "--name value", exact names only (no prefixes), "-h"/"--help" always.
 * Positional arguments end up, in order, at argv[opts.optind..argc-1].
 *
 *	static const struct opt tab[] = {
 *		{ 'r', "root", OPT_STR, "DIR", NULL, .help = "the tree (required)" },
 *		{ 'n', "objects", OPT_U64, "N", "2000", .max = 10000000, .help = "objects" },
 *	};
 *	struct opts o;
 *	opts_init(&o, "stalefs workload gen", tab, N, argc, argv);
 *	while ((id = opts_next(&o)) > 0) switch (id) { case 'n': p.objects = o.u; ... }
 *	if (id == OPTS_HELP) ... opts_help(&o, stdout, ...); if (id == OPTS_BAD) exit 2
 */
#ifndef STALEFS_OPTS_H
#define STALEFS_OPTS_H

#include <stdint.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,	/* no argument */
	OPT_STR,	/* any text (the caller checks it) */
	OPT_U64,	/* a whole number in [min, max] (max 0: no upper bound) */
	OPT_DOUBLE,	/* a decimal in [dmin, dmax] (both 0: more than 0, at most a day) */
	OPT_CHOICE,	/* one of choices "a|b|c"; its index in o.u */
};

struct opt {
	int id;			/* > 0, what opts_next returns */
	const char *name;	/* the long name, without "--" */
	enum opt_kind kind;
	const char *arg;	/* the argument's name in help ("N", "DIR"); NULL for flags */
	const char *def;	/* the default as shown in help; NULL: none */
	uint64_t min, max;
	double dmin, dmax;
	const char *choices;
	const char *help;	/* one line: what it means */
	char short_name;	/* a one-letter alias ('f' for -f), or 0 */
};

#define OPTS_END 0
#define OPTS_HELP (-1)
#define OPTS_BAD (-2)

struct opts {
	const char *cmd;	/* "stalefs workload gen", for messages */
	const struct opt *tab;
	size_t n;
	int argc;
	char **argv;
	int optind;		/* after OPTS_END: the first positional argument */
	/* The value of the option opts_next just returned. */
	const char *arg;
	uint64_t u;
	double d;
	const struct opt *cur;
	char err[256];		/* after OPTS_BAD: one line, "CMD: ..." */
	const char *why;	/* err without the "CMD: " in front */
	/* private */
	int pos, npos;
	int sub;		/* inside a "-fd" word: the next letter's index */
	char **positional;
};

/* 0, or -ENOMEM. argv is reordered in place; call opts_fini after. */
int opts_init(struct opts *o, const char *cmd, const struct opt *tab, size_t n, int argc,
	      char **argv);
/* The next option's id, OPTS_END (then positionals start at o->optind), OPTS_HELP, or
 * OPTS_BAD with o->err set (print it, exit 2). */
int opts_next(struct opts *o);
void opts_fini(struct opts *o);
/* A bad value found by the caller: fills o->err ("CMD: bad --NAME 'V' (why)"), OPTS_BAD. */
int opts_bad(struct opts *o, const char *why);

/* The end of a command's option loop, one way for every command: after
 * OPTS_HELP the help on stdout and EXIT_OK, after OPTS_BAD the error line on
 * stderr and EXIT_USAGE; -1 when the options parsed and the command goes on. */
int opts_finish(const struct opts *o, int id, const char *synopsis, const char *about);

/* "usage: SYNOPSIS", the description, then one line per option with its
 * argument, help, range or choices and default, wrapped at 120 columns. */
void opts_help(const struct opts *o, FILE *f, const char *synopsis, const char *about);

#endif
