/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The io_uring metadata storm: T threads, each with its own ring, over a
 * generated tree (its manifest, as the readers use it). Each batch picks QD
 * names (hot, heavily linked objects most often) and runs four waves through
 * the ring: QD statx (relative to an O_PATH root dirfd), QD openat, reads of
 * every opened file to the end (each file's bytes checked against its
 * SHA-256 and size), QD close. Every completion is counted per op and errno;
 * every ESTALE is kept as an event. The result is one JSON document that
 * depends only on what happened (byte-stable for a fixed result).
 *
 * The engine needs liburing (HAVE_LIBURING); without it only storm_cli()
 * exists, and it says so and exits 77.
 */
#ifndef STALEFS_STORM_H
#define STALEFS_STORM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "counts.h"

enum sop { SOP_STATX, SOP_OPENAT, SOP_READ, SOP_CLOSE, SOP_COUNT };

#define STORM_QD_MAX 4096
#define STORM_THREADS_MAX 64

/* storm_run()'s return when io_uring cannot be set up here (not a -errno). */
#define STORM_NO_IO_URING 1

struct storm_params {
	const char *root;
	const char *manifest;	/* NULL: ROOT/.stalefs-manifest */
	unsigned int queue_depth;	/* names per batch, and the ring's size */
	unsigned int threads;	/* one ring each */
	double seconds;		/* run this long, or */
	uint64_t count;		/* this many batches per thread (when nonzero) */
	uint64_t seed;
	unsigned int hot_pct;	/* share of picks among the most linked objects */
};


struct storm_result {
	uint64_t ok[SOP_COUNT];	/* completions with res >= 0 (each read chunk is one) */
	uint64_t err[SOP_COUNT][COUNTS_ERRNO_MAX];	/* completions with res == -errno */
	uint64_t files_checked, bytes_checked, mismatches;
	struct counts_estale estale;	/* every ESTALE; guarded by the run's lock */
	uint64_t batches;	/* over all threads */
	double seconds;
};

void storm_params_default(struct storm_params *p);
/*
 * Run. 0; STORM_NO_IO_URING when no ring can be set up (io_uring disabled,
 * filtered, or missing); or -errno (bad root or manifest, out of memory, an
 * io_uring call failing mid-run). Every failure leaves a one-line reason in err.
 */
int storm_run(const struct storm_params *p, struct storm_result *r, char *err, size_t errlen);
/* Free what a run allocated in r (its ESTALE buckets). */
void storm_result_free(struct storm_result *r);
/* Completions that failed, over all ops. */
uint64_t storm_errors(const struct storm_result *r);
void storm_json(const struct storm_params *p, const struct storm_result *r, FILE *f);
/* One line. */
void storm_summary(const struct storm_params *p, const struct storm_result *r, FILE *f);
const char *sop_name(enum sop op);

/* `stalefs workload storm ...`; argv[0] is "storm". Returns the exit code:
 * 0 clean, 1 errors or mismatches, 2 usage, 77 io_uring unavailable. */
int storm_cli(int argc, char **argv);

#endif
