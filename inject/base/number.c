// SPDX-License-Identifier: GPL-2.0-or-later
/* Strict number parsing (number.h). */
#include "number.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

int number_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long n;
	char *end;

	if (!s || *s < '0' || *s > '9')	/* no sign, no space, not empty */
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || n < min || n > max)
		return -ERANGE;
	if (errno)
		return -EINVAL;
	*out = n;
	return 0;
}

int number_uint(const char *s, unsigned int max, unsigned int *out)
{
	uint64_t n;
	int ret = number_u64(s, 10, 0, max, &n);

	if (ret == 0)
		*out = (unsigned int)n;
	return ret;
}

int number_double(const char *s, double min, double max, double *out)
{
	char *end;
	double d;

	if (!s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	d = strtod(s, &end);
	if (*end || end == s || !isfinite(d))
		return -EINVAL;
	if (d < min || d > max)
		return -ERANGE;
	*out = d;
	return 0;
}
