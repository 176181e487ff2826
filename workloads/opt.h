/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option values of the `stalefs workload` subcommands, checked one way:
 * a bad value prints "stalefs workload CMD: bad --OPT 'V' (range)" on
 * stderr and returns -EINVAL (the caller exits 2).
 */
#ifndef STALEFS_OPT_H
#define STALEFS_OPT_H

#include <stdint.h>

/* A whole number in [min, max]. */
int opt_u64(const char *cmd, const char *opt, const char *v, uint64_t min, uint64_t max,
	    uint64_t *out);
/* Seconds: more than 0, at most a day. */
int opt_seconds(const char *cmd, const char *opt, const char *v, double *out);
/* A file to log into: created or truncated, opened O_APPEND; *fd replaces
 * (and closes) an earlier one when not -1. */
int opt_log_file(const char *cmd, const char *opt, const char *v, int *fd);

#endif
