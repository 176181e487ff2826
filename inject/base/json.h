/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing JSON strings, shared by every library that prints JSON (the
 * rule list, the daemon's stats and event log, the workload results, the
 * harness's cell lines): the one JSON writer, in the shared floor.
 */
#ifndef STALEFS_JSON_H
#define STALEFS_JSON_H

#include <stdio.h>

/* s as a quoted JSON string: '"' and '\' escaped, control bytes as \u00XX;
 * a byte that is not part of well-formed UTF-8 (a file name may hold any)
 * as \udc80 .. \udcff, Python's surrogateescape, so the line stays valid
 * JSON and the exact bytes come back (jsonv reads them so, as does
 * Python's json.loads(...).encode("utf-8", "surrogateescape")). */
void json_put_string(FILE *f, const char *s);
/* v as a JSON number of at most digits significant digits in %g form
 * (1e+100, not a hundred digits), or null when it is not finite. */
void json_put_number(FILE *f, double v, int digits);

#endif
