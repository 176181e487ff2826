// SPDX-License-Identifier: GPL-2.0-or-later
/* virtiofsd's debug log, counted; see compare_vlog.h. */
#include "compare_vlog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Map unique -> opcode name while reading the log. */
struct vlog_pending {
	uint64_t unique;
	char op[24];
};

/* A decimal number at s (optional sign): true with *n, clamped to the
 * range of long long. */
static bool number(const char *s, long long *n)
{
	char *end;

	*n = strtoll(s, &end, 10);
	return end != s;
}

int vlog_count_text(const char *text, struct vlog_counts *v)
{
	enum { SLOTS = 1 << 16 };
	struct vlog_pending *p = calloc(SLOTS, sizeof(*p));
	const char *line = text;

	memset(v, 0, sizeof(*v));
	if (!p)
		return -ENOMEM;
	while (*line) {
		const char *eol = strchrnul(line, '\n'), *q;
		char buf[600], op[24];
		unsigned long long u;
		long long e;
		size_t n = eol - line < (long)sizeof(buf) - 1 ? (size_t)(eol - line) : sizeof(buf) - 1;

		memcpy(buf, line, n);
		buf[n] = '\0';
		line = *eol ? eol + 1 : eol;
		if ((q = strstr(buf, "Received request: opcode="))) {
			const char *uq = strstr(q, "unique=");

			if (sscanf(q, "Received request: opcode=%23[A-Za-z0-9_]", op) == 1 && uq &&
			    sscanf(uq, "unique=%llu", &u) == 1) {
				v->requests++;
				p[u % SLOTS].unique = u;
				snprintf(p[u % SLOTS].op, sizeof(p[0].op), "%s", op);
			}
		} else if ((q = strstr(buf, "Replying "))) {
			const char *eq = strstr(q, "error: "), *uq = strstr(q, "unique: ");

			/* The log is input: any digits, any length. strtoll
			 * clamps where sscanf's %d would overflow. */
			if (!eq || !uq || !number(eq + 7, &e) || sscanf(uq, "unique: %llu", &u) != 1)
				continue;
			v->replies++;
			if (!e)
				continue;
			v->errors++;
			v->by_errno[e < 0 && e > -256 ? -e : 0]++;
			if (e == -ESTALE) {
				const char *name = p[u % SLOTS].unique == u ? p[u % SLOTS].op : "?";
				int k;

				for (k = 0; k < 64 && v->estale_op_names[k][0] &&
					    strcmp(v->estale_op_names[k], name); k++)
					;
				if (k < 64) {
					snprintf(v->estale_op_names[k], sizeof(v->estale_op_names[k]), "%s", name);
					v->estale_by_op[k]++;
				}
			}
		} else if (strstr(buf, "disabling file handles")) {
			v->handles_disabled = 1;
		}
	}
	free(p);
	return 0;
}
