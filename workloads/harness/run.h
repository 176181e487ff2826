/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running one cell: for each repetition, make (or reuse) the tree, start
 * the daemon with the cell's mode, privilege, cache and faults, wait for
 * the mount, run the workload (and the host churn beside it), collect the
 * workload's result, the daemon's event log and stats and the kernel's
 * trace, then stop everything and unmount: always, also on failure,
 * timeout or SIGINT/SIGTERM of the harness (children carry a parent-death
 * signal, so even a SIGKILLed harness leaves no daemon or mount).
 *
 * The cell's result is one JSON line (the cell file format that
 * `stalefs report` merges; README "Cell files").
 */
#ifndef STALEFS_RUN_H
#define STALEFS_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "attrib.h"
#include "cell.h"
#include "chain.h"

#define RUN_OPS 16
#define RUN_ERRS 16

enum run_status { RUN_RAN, RUN_CANNOT, RUN_ERROR, RUN_TIMEOUT, RUN_INTERRUPTED };
enum run_verdict { VERDICT_PASS, VERDICT_FAIL, VERDICT_SKIP };

struct run_opts {		/* how to run, not what (not part of the cell) */
	const char *workdir;	/* NULL: a temp dir under $TMPDIR */
	const char *tree;	/* reuse this tree (its manifest) as the shared dir */
	bool keep;		/* keep the work dir */
	int trace;		/* -1 off, 0 auto, 1 required */
	bool quiet;		/* no per-repetition lines on stderr */
};

struct run_rep {
	uint64_t seed;
	int exit;		/* the workload's exit code */
	uint64_t estale, errors, mismatches;
};

struct run_result {
	enum run_status status;
	char reason[512];
	char effective_mode[16];
	char mode_reason[256];
	unsigned int reps_ran;
	struct {
		char name[16];
		uint64_t calls, estale;
		struct {
			char name[24];
			uint64_t n;
		} err[RUN_ERRS];
		int nerr;
	} op[RUN_OPS];
	int nops;
	uint64_t estale_total, errors_total;
	uint64_t files, bytes, symlinks, xattrs, mismatches;
	struct attrib attrib;
	struct chains chains;	/* every surfaced ESTALE's cause chain */
	bool traced;
	char trace_why[256];	/* why not traced */
	uint64_t emitted_trace, trace_lost;
	uint64_t faults_fired;
	uint64_t mem_peak, mem_squeezes, mem_reclaimed, mem_hits;	/* --memory-pressure */
	uint64_t ops_total;
	double work_s, duration_s, setup_s, teardown_s;
	enum run_verdict verdict;
	struct run_rep *rep;	/* reps_ran of them */
};

/* Run the cell. 0 with r filled in (whatever the status), or -errno when
 * the harness itself failed before anything ran (err says why). */
int run_cell(const struct cell *c, const struct run_opts *o, struct run_result *r,
	     char *err, size_t errlen);
void run_result_free(struct run_result *r);
/* The calls of every op, and those that failed with errno name (other than ESTALE). */
uint64_t run_result_calls(const struct run_result *r);
uint64_t run_result_errno(const struct run_result *r, const char *name);
/* Add one workload result document (the workloads' JSON) into r and rr. */
struct jv;
void run_add_workload(struct run_result *r, struct run_rep *rr, const struct jv *w);
/* The verdict from the status, the integrity and the cell's expectation. */
void run_judge(const struct cell *c, struct run_result *r);
/* The cell line, newline-terminated; backend NULL for stalefs, else its
 * name is added to the cell id ("...@virtiofsd") and as "backend". */
void run_result_json(const struct cell *c, const struct run_result *r, FILE *f);
void run_result_json_as(const struct cell *c, const struct run_result *r, const char *backend,
			FILE *f);
/* One human line on f. */
void run_result_summary(const struct cell *c, const struct run_result *r, FILE *f);
/* The exit code for a finished cell: 0 pass, 1 fail, 77 cannot run, 99
 * harness error, 124 timeout, 130 interrupted. */
int run_exit_code(const struct run_result *r);
const char *run_status_name(enum run_status s);
const char *run_verdict_name(enum run_verdict v);

#endif
