/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run a creating syscall with the caller's credentials, as virtiofsd does:
 * per-thread fsuid/fsgid and supplementary groups (raw syscalls, so only
 * the calling thread changes), restored afterwards.
 */
#ifndef STALEFS_CREDS_H
#define STALEFS_CREDS_H

#include <stdbool.h>
#include <sys/types.h>

struct creds {
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* NULL: leave supplementary groups alone */
	int ngroups;
};

struct creds_saved {
	bool changed;
	bool groups_changed;
};

/* Remember the daemon's own groups; call once at startup. */
void creds_init(void);
/* Switch to c. 0 or -errno (nothing changed then). */
int creds_enter(const struct creds *c, struct creds_saved *saved);
void creds_leave(struct creds_saved *saved);

#endif
