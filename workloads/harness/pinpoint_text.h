/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pinpoint's text output: a verdict block per experiment (the cell against
 * its control, the chain behind ESTALE, the mitigations), the conclusion,
 * and what it means for bcvk; all folded at 120 columns.
 */
#ifndef STALEFS_PINPOINT_TEXT_H
#define STALEFS_PINPOINT_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "pinpoint_experiment.h"
#include "pinpoint_verdict.h"

/*
 * Print text folded at 120 columns: the first line after first, the
 * others indented by indent spaces; breaks at spaces.
 */
void pinpoint_fold(FILE *f, const char *first, int indent, const char *text);

void pinpoint_print_experiment(const struct experiment *e, const struct outcome *x, FILE *f);
/* "Conclusion" and "What this means for bcvk" for the selected experiments. */
void pinpoint_print_conclusion(const bool *sel, const struct outcome *xs, FILE *f);

/* "p = 0.0031", "p < 1e-16" */
void pinpoint_p_text(double p, char *buf, size_t len);
/* The bcvk conclusion, one sentence per line, from what ran (xs: NEXP
 * outcomes). Returns the number of lines. */
int pinpoint_bcvk_lines(const struct outcome *xs, char lines[][1024], int max);

#endif
