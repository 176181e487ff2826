// SPDX-License-Identifier: GPL-2.0-or-later
/* Option values of `stalefs workload`; see opt.h. */
#include "opt.h"

#include "number.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int opt_u64(const char *cmd, const char *opt, const char *v, uint64_t min, uint64_t max,
	    uint64_t *out)
{
	uint64_t n;

	if (number_u64(v, 10, min, max, &n) < 0) {
		fprintf(stderr, "stalefs workload %s: bad --%s '%s' (%llu..%llu)\n", cmd, opt, v,
			(unsigned long long)min, (unsigned long long)max);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

int opt_seconds(const char *cmd, const char *opt, const char *v, double *out)
{
	double d;

	if (number_double(v, 0.0, 86400, &d) < 0 || d == 0) {
		fprintf(stderr, "stalefs workload %s: bad --%s '%s' (0 to 86400)\n", cmd, opt, v);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int opt_log_file(const char *cmd, const char *opt, const char *v, int *fd)
{
	int nfd = *v ? open(v, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644) : -1;

	if (nfd < 0) {
		fprintf(stderr, "stalefs workload %s: bad --%s '%s' (%s)\n", cmd, opt, v,
			strerror(*v ? errno : ENOENT));
		return -EINVAL;
	}
	if (*fd >= 0)
		close(*fd);
	*fd = nfd;
	return 0;
}
