/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A deterministic, seeded tree in the container-storage layout of bcvk #157:
 *
 *   overlay/<layer>/diff/sysroot/ostree/repo/objects/XX/<sha256>.file
 *   overlay/<layer>/diff/sysroot/ostree/deploy/os/deploy/<csum>.0/usr/...
 *
 * Objects are named by the SHA-256 of their content; deployment checkouts
 * hardlink into them (ostree checkout -H); a few hot objects get up to
 * max_links names (like .file-xattrs-link objects); sizes follow an OS-tree
 * mix. A manifest (".stalefs-manifest" at the root: path, sha256, size per
 * file name) lets readers check every byte; the tree hash is its SHA-256.
 */
#ifndef STALEFS_TREE_H
#define STALEFS_TREE_H

#include <stddef.h>
#include <stdint.h>

#define TREE_MANIFEST ".stalefs-manifest"

struct tree_params {
	uint64_t objects;	/* content objects over all layers */
	uint32_t max_links;	/* names of the hottest objects (ext4 allows 65000) */
	uint32_t layers;
	uint32_t checkouts;	/* deployment checkouts per layer */
	uint64_t seed;
};

struct tree_summary {
	uint64_t files;		/* distinct inodes */
	uint64_t links;		/* names beyond the first of each inode */
	uint64_t names;		/* file names in the manifest */
	uint64_t bytes;		/* content bytes (each inode once) */
	char hash[65];		/* SHA-256 of the manifest */
};

void tree_params_default(struct tree_params *p);

/* Make the tree under root (which must be empty or missing). 0 or -errno,
 * with a one-line reason in err. */
int tree_generate(const char *root, const struct tree_params *p, struct tree_summary *s,
		  char *err, size_t errlen);

#endif
