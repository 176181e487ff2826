/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The names of what a cell and the daemon can be set to, for the daemon
 * (`stalefs mount`) and the harness (`stalefs run --mode ...`) alike: inode
 * modes, cache policies, privileges and modelled virtiofsd releases. The
 * harness validates its cell options here and the daemon parses the same
 * words, so neither side can know a name the other does not.
 */
#ifndef STALEFS_MODES_H
#define STALEFS_MODES_H

#include <stdbool.h>

enum inode_mode {
	INODE_MODE_NEVER,	/* O_PATH fd per inode */
	INODE_MODE_PREFER,	/* file handles if the startup probe works */
	INODE_MODE_MANDATORY,	/* file handles or refuse to start */
};

enum cache_policy {
	CACHE_AUTO,
	CACHE_ALWAYS,
	CACHE_NEVER,
	CACHE_METADATA,
};

/* The virtiofsd release modelled where releases differ (the guest-fd limit). */
enum virtiofsd_version {
	VIRTIOFSD_1_13_0,	/* bcvk's (Ubuntu): no guest-fd accounting */
	VIRTIOFSD_1_13_2,	/* the current release: guest-fd limit, ENFILE */
};

/* How the daemon runs: as root, as if unprivileged (no CAP_DAC_READ_SEARCH:
 * --unprivileged), or in a user namespace (--userns, rootless podman's way). */
enum privilege {
	PRIV_ROOT,
	PRIV_UNPRIVILEGED,
	PRIV_USERNS,
};

const char *inode_mode_name(enum inode_mode mode);
const char *cache_policy_name(enum cache_policy cache);
const char *virtiofsd_version_name(enum virtiofsd_version v);
const char *privilege_name(enum privilege p);
/* The value, or -EINVAL. "fallback" is virtiofsd's deprecated name for
 * prefer: *was_fallback says it was used (was_fallback may be NULL). */
int inode_mode_parse(const char *name, bool *was_fallback);
int cache_policy_parse(const char *name);
int virtiofsd_version_parse(const char *name);
int privilege_parse(const char *name);

/* "never|prefer|mandatory|fallback" and the like, for usage lines. */
extern const char modes_inode_list[], modes_cache_list[], modes_privilege_list[],
	modes_version_list[];

#endif
