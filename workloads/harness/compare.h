/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stalefs compare`'s table: per cell, stalefs and virtiofsd side by side
 * (text, markdown or JSON) and whether they agree. The guest runner that
 * gives the virtiofsd side is compare_guest.h (included here for the
 * command, run_cli.c); virtiofsd's log is counted by compare_vlog.h.
 */
#ifndef STALEFS_COMPARE_H
#define STALEFS_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "cell.h"
#include "compare_guest.h"
#include "run.h"

/* One row per cell: stalefs and virtiofsd side by side, and whether they
 * agree. Returns the number of cells that disagree. */
struct compare_row {
	const struct cell *c;
	const struct run_result *a;	/* stalefs */
	const struct run_result *b;	/* virtiofsd */
};
enum { COMPARE_TEXT, COMPARE_MARKDOWN, COMPARE_JSON };
int compare_table(const struct compare_row *rows, int n, int format, FILE *f);
/* Whether a row agrees; why not in why. */
int compare_agree(const struct compare_row *row, char *why, size_t len);

#endif
