/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the workloads count and how they write it: per op, successes and
 * each errno; every ESTALE counted into a bucket keyed by (op, dir), dir
 * being the parent directory of the event's path (for fd ops the path the
 * fd was opened by), with a few events of each bucket kept as samples (when,
 * which thread, which op, which path). The JSON pieces are shared so that
 * every workload's document has the same "ops" and "estale" shapes (README
 * "Workloads").
 *
 * Buckets: at most COUNTS_BUCKETS_MAX (op, dir) keys per run, in the order
 * of their first ESTALE; once they are taken, an ESTALE with a new key goes
 * into its op's overflow bucket (dir "*"; at most one per op, after the
 * keyed ones). No ESTALE is lost: the buckets' counts add up to the total,
 * also when memory runs out (the overflow buckets need none).
 *
 * Samples: each bucket keeps its first event and a reservoir sample
 * (Algorithm R, a PRNG seeded from the run's seed) of COUNTS_SAMPLES - 1 of
 * its later ones, so the kept events spread over the whole run.
 */
#ifndef STALEFS_COUNTS_H
#define STALEFS_COUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define COUNTS_ERRNO_MAX 256	/* err[0] holds errnos past it */
#define COUNTS_BUCKETS_MAX 1024	/* (op, dir) buckets, besides the overflow ones */
#define COUNTS_SAMPLES 8	/* events kept per bucket */
#define COUNTS_OPS_MAX 16	/* ops are 0 .. COUNTS_OPS_MAX - 1 */

struct wl_event {
	uint64_t t_ns;		/* CLOCK_MONOTONIC, when the call returned */
	uint64_t start_ns;	/* ... and when it began (0: unknown) */
	int tid;
	int op;
	char path[256];		/* for fd ops, the path the fd was opened by */
};

struct counts_bucket {
	int op;
	char dir[256];		/* parent of the events' paths ("." for the root), or "*" */
	uint64_t n;		/* ESTALEs in this bucket */
	unsigned int kept;	/* ev[0 .. kept-1]; ev[0] is the first one */
	struct wl_event ev[COUNTS_SAMPLES];
};

/*
 * A run's ESTALEs. Not locked itself: every call names the lock its caller
 * holds (the workload's run lock) or says it needs none.
 */
struct counts_estale {
	uint64_t total;		/* every ESTALE, = the sum of the buckets' n */
	uint64_t rng;		/* the reservoir's PRNG state */
	struct counts_bucket *b;	/* keyed buckets, grown on demand */
	size_t nb, cap;
	uint16_t *index;	/* open-addressing hash: bucket index + 1, 0 free */
	struct counts_bucket overflow[COUNTS_OPS_MAX];	/* n == 0: unused */
};

/* The schema of a workload's result document (man/stalefs-formats.5). */
#define COUNTS_WORKLOAD_SCHEMA "workload/1"

/* "ESTALE" for 116, "E300" for an unnamed one, "other" for 0. */
const char *counts_errno_name(int e, char *buf, size_t len);
/* `"schema":"workload/1","stalefs":...,"started":...` for a result document:
 * this machine, and "started" seconds before now (when the workload began). */
void counts_json_origin(FILE *f, double seconds);
/* `"name":{"ok":N,"errors":{"ESTALE":2,...}` (the op's object left open for
 * extra members); adds its calls to *total. */
void counts_json_op(FILE *f, bool first, const char *name, uint64_t ok,
		    const uint64_t err[COUNTS_ERRNO_MAX], uint64_t *total);

/* Empty, the PRNG seeded from seed. Before the workers start (no lock). */
void counts_estale_init(struct counts_estale *c, uint64_t seed);
/* Count one ESTALE (ev->op < COUNTS_OPS_MAX) and maybe keep it. Caller holds
 * the lock that guards c while workers run (reader: run->lock, storm:
 * run->lock; ostree: one thread, none). Allocates at most once per new
 * bucket capacity; never fails. */
void counts_estale_add(struct counts_estale *c, const struct wl_event *ev);
/* Buckets in index order (keyed ones, then overflow ones by op); i < nbuckets.
 * No lock: only after the workers are joined. */
size_t counts_estale_nbuckets(const struct counts_estale *c);
const struct counts_bucket *counts_estale_bucket(const struct counts_estale *c, size_t i);
/* `"estale_total":N,"estale":[{"t_ns":..,"start_ns":..,"tid":..,"op":"..",
 * "path"|"opened_by":"..","bucket":I},...],"estale_buckets":[{"op":"..",
 * "dir":"..","n":N,"kept":K},...]`: the kept events by bucket, then t_ns;
 * fd_ops[op] says which ops name opened_by. No lock: after the workers. */
void counts_estale_json(FILE *f, const struct counts_estale *c, const char *const op_names[],
			const bool fd_ops[]);
/* Free the buckets; c is empty again (same PRNG state). */
void counts_estale_free(struct counts_estale *c);

/* CLOCK_MONOTONIC, in ns and in seconds: the workloads' and the harness's clock. */

#endif
