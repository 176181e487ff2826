/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Numbers from text we did not write (options, rule text, control-socket
 * lines, files read back), parsed one strict way: the whole string, no
 * sign, no spaces, in range. 0 / -EINVAL (-ERANGE past the range).
 */
#ifndef STALEFS_NUMBER_H
#define STALEFS_NUMBER_H

#include <stdint.h>

/* A whole number in [min, max]; base 10, or 0 for C's 0x/0 prefixes. */
int number_u64(const char *s, int base, uint64_t min, uint64_t max, uint64_t *out);
/* An unsigned int in [0, max], decimal. */
int number_uint(const char *s, unsigned int max, unsigned int *out);
/* A finite decimal in [min, max] ("1.5", "2e3"; not "inf" or "nan"). */
int number_double(const char *s, double min, double max, double *out);

#endif
