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

/*
 * Where and when a document was made. Every JSON document stalefs writes (a
 * cell line, a report, the event log's first line, the stats, pinpoint's
 * result) carries these first, with its schema: "NAME/VERSION", a format name
 * and a whole number raised when a field changes meaning or goes away
 * (man/stalefs-formats.5).
 */
struct json_origin {
	char kernel[65];	/* uname -r */
	char host[65];		/* uname -n */
	char started[32];	/* UTC, ISO 8601 to the second: 2026-12-04T22:55:01Z */
};

/* This machine, and the time now. */
void json_origin_now(struct json_origin *o);
/* This machine, and the time seconds ago (a document written at the end of
 * what it describes). */
void json_origin_since(struct json_origin *o, double seconds);
/* "schema":"SCHEMA","stalefs":"0.1.0","kernel":"...","host":"...","started":"..."
 * with no brace or comma around it. */
void json_put_origin(FILE *f, const char *schema, const struct json_origin *o);

#endif
