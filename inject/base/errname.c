// SPDX-License-Identifier: GPL-2.0-or-later
/* errno names; see errname.h. */
#include "errname.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *errname(int e, char *buf, size_t len)
{
	const char *n = e > 0 ? strerrorname_np(e) : NULL;

	if (n)
		return n;
	snprintf(buf, len, "E%d", e);
	return buf;
}

int errname_parse(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);

	if (*name && !*end)
		return n > 0 && n <= ERRNAME_MAX ? (int)n : -1;
	for (int i = 1; i < 200; i++) {
		const char *e = strerrorname_np(i);

		if (e && strcmp(e, name) == 0)
			return i;
	}
	return -1;
}
