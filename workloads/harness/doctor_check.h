/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One line of `stalefs doctor`: a check's status (ok | limited | missing), its
 * one-line reason and the features that need it; the facts the summary is
 * built from; and the doctor's state, one check per C_* slot. The check_*()
 * functions of doctor_kernel.h, doctor_fs.h and doctor_prog.h fill them in.
 */
#ifndef STALEFS_DOCTOR_CHECK_H
#define STALEFS_DOCTOR_CHECK_H

#include <stdbool.h>

#include "doctor_compare.h"

#define DETAIL_MAX 512
#define NEEDS_MAX 4

enum status { ST_OK, ST_LIMITED, ST_MISSING };

/* "ok", "limited", "missing" */
extern const char *const check_status_names[];

struct check {
	const char *name;
	enum status st;
	char detail[DETAIL_MAX];
	const char *needs[NEEDS_MAX + 1];	/* NULL-terminated */
};

/* What the daemon's handle probe answered for --dir (backing_probe). */
enum handles { HANDLES_OK, HANDLES_FALLBACK, HANDLES_FATAL };

/* What the summary is built from. */
struct facts {
	bool mount_ok;		/* stalefs mount can work for this user */
	bool sys_admin, dac_read_search;
	bool root;		/* euid 0 and CAP_SYS_ADMIN */
	enum handles handles;
	bool userns;
	bool io_uring;		/* io_uring_setup works and liburing is built in */
	bool overlay;		/* a test overlay mount worked */
	bool tracefs;		/* fuse events, syscall events, an instance */
	bool ostree;
	bool compare;		/* every piece of stalefs compare is there */
};

enum {
	C_FUSE, C_CAPS, C_HANDLES, C_USERNS, C_IO_URING, C_OVERLAY, C_TRACEFS,
	C_DROP_CACHES, C_MEMCG, C_OSTREE, C_VIRTIOFSD, C_QEMU, C_VHOST, C_COMPARE, C_COUNT
};

struct doctor {
	const char *dir;	/* --dir, default tmp */
	const char *tmp;	/* $TMPDIR or /tmp */
	struct check c[C_COUNT];
	struct facts f;
	struct doctor_compare cmp;	/* compare's pieces (check_compare) */
};

/* Names and needs of every check, each missing until it runs. */
void check_init_all(struct doctor *d);

/* Status and detail from scratch. */
void check_set(struct check *c, enum status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append ", text" (or "text" to an empty detail). */
void check_add(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Lower the status to st if st is worse. */
void check_worse(struct check *c, enum status st);

#endif
