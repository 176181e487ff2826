/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing JSON strings, shared by every library that prints JSON (the
 * rule list, the daemon's stats and event log, the workload results, the
 * harness's cell lines): the one JSON writer, in the shared floor.
 */
#ifndef STALEFS_JSON_H
#define STALEFS_JSON_H

#include <stdio.h>

/* s as a quoted JSON string: '"' and '\' escaped, control bytes as \u00XX. */
void json_put_string(FILE *f, const char *s);

#endif
