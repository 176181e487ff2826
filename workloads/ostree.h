/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ostree workload: drives the real `ostree` command on a directory
 * (typically a stalefs mount) the way container storage does, then checks
 * what it wrote with our own code.
 *
 *   ROOT/stalefs-ostree/repo     ostree init --mode=MODE
 *                                ostree commit --tree=dir=SRC (SRC: a seeded
 *                                tree_generate() tree plus a few symlinks, in
 *                                a host temp dir)
 *   ROOT/stalefs-ostree/co-K     ostree checkout (hardlinks into the repo),
 *                                K = 1..checkouts
 *                                ostree fsck --all
 *
 * then every checkout is walked: stat, open, read (SHA-256 against the
 * source), close, readlink, readdir, each counted per op and errno with
 * every ESTALE kept as an event. Checkouts are removed (our own rm -rf,
 * counted) between rounds. Each ostree step runs by fork/exec with its
 * output captured; the tail of a failing step's output is kept.
 *
 * The result is one JSON document that depends only on what happened
 * (byte-stable for a fixed result, except durations and timestamps).
 */
#ifndef STALEFS_OSTREE_H
#define STALEFS_OSTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "counts.h"

enum ostreewl_mode {
	OSTREEWL_BARE,
	OSTREEWL_BARE_USER,
	OSTREEWL_BARE_USER_ONLY,
	OSTREEWL_ARCHIVE,
	OSTREEWL_MODE_COUNT
};

enum ostreewl_step {
	OSTREEWL_INIT,
	OSTREEWL_COMMIT,
	OSTREEWL_CHECKOUT,
	OSTREEWL_FSCK,
	OSTREEWL_STEP_COUNT
};

enum ostreewl_op {
	OSTREEWL_STAT,
	OSTREEWL_OPEN,
	OSTREEWL_READ,
	OSTREEWL_CLOSE,
	OSTREEWL_READDIR,
	OSTREEWL_READLINK,
	OSTREEWL_UNLINK,
	OSTREEWL_RMDIR,
	OSTREEWL_OP_COUNT
};

#define OSTREEWL_FAILURES_MAX 32
#define OSTREEWL_OUTPUT_MAX 2048	/* the tail kept of a failing step's output */

struct ostreewl_params {
	const char *root;
	const char *ostree;	/* the binary; NULL: "ostree" on PATH */
	uint64_t objects;	/* of the source tree (tree_generate) */
	uint32_t max_links;
	uint64_t seed;
	enum ostreewl_mode mode;
	unsigned int checkouts;	/* per round */
	unsigned int rounds;
	bool force;		/* remove an existing ROOT/stalefs-ostree first */
	bool cleanup;		/* remove ROOT/stalefs-ostree at the end */
};

struct ostreewl_stepstat {
	uint64_t ok, failed;
	uint64_t stale_lines;	/* output lines saying "Stale file handle" */
	double seconds;
};

struct ostreewl_failure {
	enum ostreewl_step step;
	unsigned int round;	/* 0 for init and commit */
	unsigned int checkout;	/* 1..checkouts for checkout, else 0 */
	int exit;		/* exit status, 128+N for signal N, 127 exec failed */
	char output[OSTREEWL_OUTPUT_MAX + 1];
};


struct ostreewl_result {
	bool not_installed;	/* no ostree binary: nothing ran */
	char version[32];	/* `ostree --version`, or "unknown" */
	uint64_t src_names, src_bytes;	/* the source tree (every file name, every byte) */
	char src_hash[65];	/* its tree hash (tree_generate's) */
	struct ostreewl_stepstat steps[OSTREEWL_STEP_COUNT];
	uint64_t fsck_corrupted;	/* object errors fsck reported */
	struct ostreewl_failure failures[OSTREEWL_FAILURES_MAX];
	uint64_t nfailures;	/* all failed steps, even past OSTREEWL_FAILURES_MAX */
	char hint[200];		/* a known cause of a failure, or "" */
	uint64_t ok[OSTREEWL_OP_COUNT];
	uint64_t err[OSTREEWL_OP_COUNT][COUNTS_ERRNO_MAX];
	uint64_t files_checked, bytes_checked, symlinks_checked;
	uint64_t mismatches;	/* content, size, type or target differs, or missing/extra */
	uint64_t missing, extra;
	struct counts_estale estale;	/* our own walk's (one thread: no lock) */
	double seconds;
};

void ostreewl_params_default(struct ostreewl_params *p);
const char *ostreewl_mode_name(enum ostreewl_mode m);
/* The mode named s, or -EINVAL. */
int ostreewl_mode_parse(const char *s);

/* Run. 0 when the ostree steps ran (they may have failed: see the result),
 * or -errno with a one-line reason in err: bad root, ROOT/stalefs-ostree
 * exists (-EEXIST), no ostree binary (-ENOENT with r->not_installed), the
 * source tree could not be made. */
int ostreewl_run(const struct ostreewl_params *p, struct ostreewl_result *r, char *err,
		 size_t errlen);
/* Free what a run allocated in r (its ESTALE buckets). */
void ostreewl_result_free(struct ostreewl_result *r);
/* Calls that failed, over all ops. */
uint64_t ostreewl_errors(const struct ostreewl_result *r);
/* A step failed, an op failed, a byte differed or fsck found corruption. */
bool ostreewl_failed(const struct ostreewl_result *r);
void ostreewl_json(const struct ostreewl_params *p, const struct ostreewl_result *r, FILE *f);
void ostreewl_summary(const struct ostreewl_result *r, FILE *f);

/* `stalefs workload ostree ...`; argv[0] is "ostree". Returns the exit code:
 * 0 clean, 1 a step failed or errors/mismatches, 2 usage, 77 no ostree. */
int ostree_cli(int argc, char **argv);

#endif
