/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A one-line reason for the caller, and the -errno to return with it. */
#ifndef STALEFS_ERRMSG_H
#define STALEFS_ERRMSG_H

#include <stddef.h>

/* Format the reason into err (len bytes) and return ret. */
int errmsg(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
