/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The exit codes of every stalefs command, in one table. A caller that
 * starts another stalefs command reads them the same way: only
 * EXIT_CANNOT_RUN means "this machine or privilege cannot do it" (a skip);
 * EXIT_USAGE is bad input, which from a harness that built the command
 * line is the harness's own error.
 */
#ifndef STALEFS_EXITCODE_H
#define STALEFS_EXITCODE_H

enum {
	EXIT_OK = 0,		/* it worked, or found what it was asked to */
	EXIT_FAIL = 1,		/* it ran and failed (or found a failure) */
	EXIT_USAGE = 2,		/* bad options or input: one line says which */
	EXIT_CANNOT_RUN = 77,	/* not here: a privilege, a device, a kernel feature */
	EXIT_INTERNAL = 99,	/* our own error */
	EXIT_TIME_LIMIT = 124,	/* a time limit ran out */
	EXIT_INTERRUPTED = 130,	/* SIGINT or SIGTERM */
};

#endif
