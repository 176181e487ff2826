/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pinpoint's JSON output (--format json, README "pinpoint JSON"): one
 * document with every selected experiment's verdict, its cells, the
 * statistics, the mitigations, the bcvk lines and the exit code.
 */
#ifndef STALEFS_PINPOINT_JSON_H
#define STALEFS_PINPOINT_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "pinpoint_plan.h"
#include "pinpoint_verdict.h"

void pinpoint_print_json(const bool *sel, const struct outcome *xs, const struct plan *pl,
			 int code, FILE *f);

#endif
