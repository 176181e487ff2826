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
 * mix; each checkout's usr/bin has up to TREE_SYMLINKS symlinks to its files.
 * Objects carry the user xattr TREE_XATTR (value tree_xattr_value() of
 * their hash) where the filesystem takes user xattrs.
 *
 * A manifest (".stalefs-manifest" at the root) lets readers check every
 * byte: one line per name, "path<TAB>sha256<TAB>size", with a fourth column
 * "<TAB>target" for a symlink (hash and size are those of the file it leads
 * to); header lines start with '#' ("#xattr<TAB>user.stalefs" when objects
 * carry the xattr). The tree hash is the SHA-256 of the name lines.
 *
 * With twins = N, the first checkout of each layer also gets N pairs of
 * directories with the same content under two parents,
 * .../usr/lib/twin-NN/ and .../usr/share/twin-NN/, each holding TREE_TWIN_FILES
 * hardlinks to the same objects (names t0, t1, ...), all in the manifest:
 * the host can exchange a pair between its parents (churn --dir-move-every)
 * and every path keeps its bytes. They come after everything else, so a
 * tree without twins is byte-for-byte what it was.
 */
#ifndef STALEFS_TREE_H
#define STALEFS_TREE_H

#include <stddef.h>
#include <stdint.h>

#define TREE_MANIFEST ".stalefs-manifest"
#define TREE_XATTR "user.stalefs"
#define TREE_XATTR_LEN 23	/* "sha256=" and 16 hex digits */
#define TREE_SYMLINKS 16	/* per checkout */
#define TREE_TWIN_FILES 4	/* files in each twin directory */
#define TREE_TWIN_A "/usr/lib/twin-"	/* a twin pair: this and ... */
#define TREE_TWIN_B "/usr/share/twin-"	/* ... this, same number */

struct tree_params {
	uint64_t objects;	/* content objects over all layers */
	uint32_t max_links;	/* names of the hottest objects (ext4 allows 65000) */
	uint32_t layers;
	uint32_t checkouts;	/* deployment checkouts per layer */
	uint64_t seed;
	uint32_t twins;		/* twin directory pairs per layer (0: none), see below */
};

struct tree_summary {
	uint64_t files;		/* distinct inodes */
	uint64_t links;		/* names beyond the first of each inode */
	uint64_t names;		/* file names in the manifest */
	uint64_t bytes;		/* content bytes (each inode once) */
	uint64_t symlinks;	/* symlink names (also counted in names) */
	int xattrs;		/* objects carry TREE_XATTR */
	char hash[65];		/* SHA-256 of the manifest */
};

void tree_params_default(struct tree_params *p);

/* Make the tree under root (which must be empty or missing). 0 or -errno,
 * with a one-line reason in err. */
int tree_generate(const char *root, const struct tree_params *p, struct tree_summary *s,
		  char *err, size_t errlen);

/* The xattr value of an object with this content hash. */
void tree_xattr_value(const char *hash, char out[TREE_XATTR_LEN + 1]);

#endif
