/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The readers: T threads over a generated tree (its manifest), each picking
 * names (hot, heavily linked objects most often) and doing stat, open, read
 * (every byte checked against the object's SHA-256), close; readlink for a
 * symlink name (target checked); every 4th round getxattr of the object's
 * xattr (value checked) when the tree has them, and every 8th a readdir of
 * the directory. Every outcome is counted per op and errno; every ESTALE is
 * counted by (op, dir) with sample events (counts.h). The result is one JSON document that depends only on
 * what happened (byte-stable for a fixed result).
 *
 * With overlay set, the readers first mount an overlayfs whose lower layers
 * are the tree's overlay/<layer>/diff dirs (the last layer on top, a tmpfs
 * upper: the guest-podman shape) and read the merged view. The mounts live
 * in a private mount namespace of this process, so they go away with it,
 * also when it is killed. With two_path as well, half the threads (the odd
 * ones) read the same layers directly, by their overlay/<layer>/diff/...
 * names on the plain mount, at the same time: the bcvk guest, where podman's
 * overlay has the layers as lowers while skopeo opens the diff files.
 */
#ifndef STALEFS_READER_H
#define STALEFS_READER_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "counts.h"

enum rop { ROP_STAT, ROP_OPEN, ROP_READ, ROP_CLOSE, ROP_READDIR, ROP_READLINK, ROP_GETXATTR,
	   ROP_COUNT };

/* reader_run's answer when this machine cannot run the workload (the
 * overlay cannot be mounted, drop_caches cannot be written): exit 77. */
#define READER_CANNOT_RUN (-ENOTSUP)


struct reader_params {
	const char *root;
	const char *manifest;	/* NULL: ROOT/.stalefs-manifest */
	unsigned int threads;
	double seconds;		/* run this long, or */
	uint64_t count;		/* this many rounds per thread (when nonzero) */
	uint64_t seed;
	unsigned int hot_pct;	/* share of picks among the most linked objects */
	unsigned int drop_caches_ms;	/* 0, or drop caches this often (FORGET storms) */
	int overlay;		/* read through an overlayfs over the layers */
	int two_path;		/* with overlay: odd threads read the layers directly */
};

struct reader_result {
	uint64_t ok[ROP_COUNT];
	uint64_t err[ROP_COUNT][COUNTS_ERRNO_MAX];
	uint64_t files_checked, bytes_checked, mismatches;
	uint64_t links_checked, xattrs_checked;
	uint64_t xattr_unsupported;	/* getxattr said EOPNOTSUPP: the mount has no xattrs */
	struct counts_estale estale;	/* every ESTALE; guarded by the run's lock */
	uint64_t drops;		/* drop_caches writes done */
	double seconds;
};

void reader_params_default(struct reader_params *p);
/* Run. 0, or -errno with a one-line reason in err (bad root or manifest). */
int reader_run(const struct reader_params *p, struct reader_result *r, char *err, size_t errlen);
/* Free what a run allocated in r (its ESTALE buckets). */
void reader_result_free(struct reader_result *r);
/* Ask running readers to stop (async-signal-safe; for SIGINT/SIGTERM). */
void reader_stop(void);
/* Calls that failed, over all ops. */
uint64_t reader_errors(const struct reader_result *r);
void reader_json(const struct reader_params *p, const struct reader_result *r, FILE *f);
void reader_summary(const struct reader_result *r, FILE *f);
const char *rop_name(enum rop op);

#endif
