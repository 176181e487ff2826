/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where an error came from. Internal functions return 0 / -errno; the place
 * that first sees a failure also names its source here (a host syscall such
 * as "open_by_handle_at", or a daemon rule such as "unknown-nodeid"). The
 * reply edge (ops.c) reads it into the event log. Thread-local: one request
 * runs on one thread from start to reply.
 */
#ifndef STALEFS_ERRSRC_H
#define STALEFS_ERRSRC_H

#include <errno.h>
#include <stddef.h>

/* Source kinds, in the event log's "source" field. */
#define ERRSRC_HOST "host"	/* a host syscall failed; detail names it */
#define ERRSRC_DAEMON "daemon"	/* the daemon's own rule; detail names it */
#define ERRSRC_INJECT "inject"	/* a fault rule fired; detail names the rule */

struct errsrc {
	const char *kind;
	const char *detail;
};

extern __thread struct errsrc errsrc_current;
/* The op the thread is serving (an enum op), for fault hooks below ops/. */
extern __thread int errsrc_op;
/* The calling process of that op (FUSE's in.h.pid: the caller's tid). */
extern __thread unsigned int errsrc_pid;
/* Room for an injected error's detail ("rule 3 errno"). */
extern __thread char errsrc_detail_buf[96];

static inline void errsrc_reset(void)
{
	errsrc_current.kind = NULL;
	errsrc_current.detail = NULL;
}

/* Record the source unless an earlier (deeper) one is already recorded. */
static inline int errsrc_set(const char *kind, const char *detail, int neg_errno)
{
	if (!errsrc_current.kind) {
		errsrc_current.kind = kind;
		errsrc_current.detail = detail;
	}
	return neg_errno;
}

/* After a failed host syscall: `return host_err("statx");` */
static inline int host_err(const char *syscall_name)
{
	int e = errno ? errno : EIO;

	return errsrc_set(ERRSRC_HOST, syscall_name, -e);
}

/* A daemon-made error: `return daemon_err("unknown-nodeid", -EBADF);` */
static inline int daemon_err(const char *rule, int neg_errno)
{
	return errsrc_set(ERRSRC_DAEMON, rule, neg_errno);
}

#endif
