/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cell line: the one-line JSON record of one cell's run that `stalefs
 * run`, `matrix`, `compare` and `pinpoint` append to their cell files and
 * `stalefs report` merges (README "Cell files"). This module owns the
 * format both ways: writing a line from the cell and the result the harness
 * filled, and reading one back into the same structs.
 *
 * Lines read back are untrusted (files on disk, other versions, other
 * tools): a line that does not fit the structs is refused with a one-line
 * reason, never truncated: strings longer than their field, more ops or
 * errnos or attribution keys than the result holds, names the harness does
 * not know (mode, privilege, cache, workload, expect, virtiofsd version,
 * status, verdict), rules that do not parse, mistyped values, counts that
 * are negative, fractional or beyond 2^53. Every line has "cell", "status"
 * and "verdict"; a "schema" other than cell/1 is refused (a newer stalefs
 * wrote it); other fields that are missing read as the cell's defaults
 * and zero (older lines lack the newer fields). `stalefs report` reads its
 * input through here, so what it merges is what run wrote.
 *
 * "kernel_messages" (what /dev/kmsg logged during the cell) is written, not
 * read back: the report has no use for it.
 * What the line does not carry: the cell's --timeout (only in "repro"), why
 * the trace was off (trace_why), and the workload's ops_total and work_s,
 * which it carries as their ratio "ops_per_s". errors_total is the sum of
 * the repetitions' errors.
 */
#ifndef STALEFS_CELLLINE_H
#define STALEFS_CELLLINE_H

#include <stddef.h>
#include <stdio.h>

#include "cell.h"
#include "run_result.h"

struct jv;

/* The line's "schema": lines without one (before it) read the same way. */
#define CELL_LINE_SCHEMA "cell/1"
#define CELL_LINE_ID_MAX 600
#define CELL_LINE_REPRO_MAX 8192

/* One line read back. */
struct cell_line {
	char id[CELL_LINE_ID_MAX];	/* "never/root/auto/none/read", "...@virtiofsd" */
	char backend[24];		/* "stalefs", "virtiofsd" or "stalefs-virtiofsd" */
	struct cell cell;		/* the params (owns its rules) */
	struct run_result result;	/* owns rep[] */
	double ops_per_s;
	char repro[CELL_LINE_REPRO_MAX];
};

/* Write the line of cell c and its result r, newline-terminated. backend
 * NULL for stalefs, else its name is added to the cell id ("...@virtiofsd")
 * and written as "backend". */
void cell_line_write(const struct cell *c, const struct run_result *r, const char *backend,
		     FILE *f);
/* The "params" object alone. */
void cell_line_params_write(const struct cell *c, FILE *f);

/* Read one line (len bytes, a trailing newline allowed) into l. 0, -EINVAL
 * with a one-line reason in err (l is then empty), or -ENOMEM. Free l with
 * cell_line_free() after 0. */
int cell_line_read(struct cell_line *l, const char *text, size_t len, char *err, size_t errlen);
/* The same from a parsed line. */
int cell_line_from_jv(struct cell_line *l, const struct jv *v, char *err, size_t errlen);
void cell_line_free(struct cell_line *l);

#endif
