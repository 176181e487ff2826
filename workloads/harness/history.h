/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The history file of `stalefs report --history FILE`: JSON lines (schema
 * "history/1"), one per cell of each report, appended night after night,
 * and read back as one series of points per cell key so that renderers can
 * show a rate over time.
 *
 * The file is untrusted input: at most HISTORY_MAX_LINES lines of at most
 * HISTORY_LINE_MAX bytes each; a line that does not read is an error naming
 * file:line, except a torn last line (no newline, a writer killed mid-line),
 * which is skipped and counted in h->torn.
 */
#ifndef STALEFS_HISTORY_H
#define STALEFS_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct report;

#define HISTORY_SCHEMA "history/1"
#define HISTORY_MAX_LINES 100000
#define HISTORY_LINE_MAX 65536

struct history_point {
	char date[32];		/* the report's started, ISO 8601 UTC */
	char kernel[65];
	char stalefs[32];
	uint64_t estale, calls;
	double rate, lo, hi;	/* estale/calls and its 95% interval */
};

struct history_series {
	char *key;		/* the cell's merge key (struct report_cell key) */
	char *id;		/* the cell as shown, from its latest line */
	struct history_point *v;	/* oldest first */
	size_t n, cap;
};

struct history {
	struct history_series *s;
	size_t n, cap;
	size_t torn;		/* torn last lines skipped */
};

/* Add f's lines to h (which starts zeroed, or from an earlier read). name
 * is for messages: "name:line: reason". 0, -EINVAL, -E2BIG (too many or too
 * long lines), -EIO or -ENOMEM, err saying why. */
int history_read(struct history *h, FILE *f, const char *name, char *err, size_t errlen);
/* Write one line per cell of r to f (dated r->made.started). 0 or -EIO. */
int history_append(const struct report *r, FILE *f);
/* The series of a cell key; NULL when there is none. */
const struct history_series *history_find(const struct history *h, const char *key);
void history_free(struct history *h);

#endif
