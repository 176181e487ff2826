/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A generated tree's manifest (tree.h), as the workloads read it: every
 * name with its content hash and size (and a symlink's target), whether the
 * objects carry the tree's xattr, and the "hot" names (those of objects
 * with at least 10 names, which the workloads pick most often).
 */
#ifndef STALEFS_MANIFEST_H
#define STALEFS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mname {
	char *path;		/* relative to the tree's root */
	char *target;		/* a symlink's target, or NULL */
	char hash[65];
	uint64_t size;
};

struct manifest {
	struct mname *names;
	size_t n;
	size_t *hot;		/* indexes into names (manifest_find_hot) */
	size_t nhot;
	bool xattrs;		/* objects carry TREE_XATTR */
};

/* Read path. 0, or -errno with a one-line reason in err: -EINVAL also for a
 * name that leaves the tree (absolute, or a ".." component). Malformed
 * lines are skipped. */
int manifest_load(struct manifest *m, const char *path, char *err, size_t errlen);
/* Index the hot names (again, after names were rewritten). 0 or -ENOMEM. */
int manifest_find_hot(struct manifest *m);
/* A name's index: hot_pct percent of picks among the hot names. */
size_t manifest_pick(const struct manifest *m, uint64_t *rng, unsigned int hot_pct);
void manifest_free(struct manifest *m);

/* splitmix64: the workloads' seeded stream. */
uint64_t manifest_rand(uint64_t *state);

#endif
