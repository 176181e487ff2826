/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The result of running one cell: its status (ran, or why not), the
 * workload's calls and errnos per op, integrity, the attribution and cause
 * chains of every surfaced ESTALE, the daemon's and the kernel's counts,
 * timings, the repetitions, and the verdict against the cell's
 * expectation. run.c fills it; cellline.h writes it as the cell line and
 * reads it back.
 */
#ifndef STALEFS_RUN_RESULT_H
#define STALEFS_RUN_RESULT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "attrib.h"
#include "cell.h"
#include "chain.h"
#include "json.h"
#include "kmsg.h"

#define RUN_OPS 16
#define RUN_ERRS 16

/* RUN_NOT_RUN: matrix's --time-limit ran out before the cell started. */
enum run_status { RUN_RAN, RUN_CANNOT, RUN_ERROR, RUN_TIMEOUT, RUN_INTERRUPTED, RUN_NOT_RUN };
/*
 * What a cell came to. clean and estale both met the cell's --expect (any
 * ESTALE seen makes it estale); failed did not (or the bytes were wrong);
 * skipped could not run here; error stopped early (harness error, time limit
 * or interrupt: run_status says which). Only failed and error gate CI.
 */
enum run_verdict { VERDICT_CLEAN, VERDICT_ESTALE, VERDICT_FAILED, VERDICT_SKIPPED, VERDICT_ERROR };

struct run_rep {
	uint64_t seed;
	int exit;		/* the workload's exit code */
	uint64_t estale, errors, mismatches;
};

struct run_result {
	struct json_origin origin;	/* when the cell started, on which machine */
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
	/* The kernel's messages during the cell (/dev/kmsg), or NULL: not looked
	 * at (a guest's cell, a cell not run, a line read back). */
	struct kmsg *kmsg;
};

void run_result_free(struct run_result *r);
/* The calls of every op, and those that failed with errno name (other than ESTALE). */
uint64_t run_result_calls(const struct run_result *r);
uint64_t run_result_errno(const struct run_result *r, const char *name);
/* The index of op name in r->op, added when new; -1 when r->op is full. */
int run_result_op(struct run_result *r, const char *name);
/* Add one workload result document (the workloads' JSON) into r and rr. */
struct jv;
void run_add_workload(struct run_result *r, struct run_rep *rr, const struct jv *w);
/* The verdict from the status, the integrity and the cell's expectation. */
void run_judge(const struct cell *c, struct run_result *r);
/* For people: the cell, its verdict in words, the mode in effect, the ESTALE
 * counts, time, the cause chains and what to do next, folded at width. */
void run_result_summary(const struct cell *c, const struct run_result *r, FILE *f, int width);
/* The exit code for a finished cell: 0 pass, 1 fail, 77 cannot run, 99
 * harness error, 124 timeout, 130 interrupted. */
int run_exit_code(const struct run_result *r);
const char *run_status_name(enum run_status s);
const char *run_verdict_name(enum run_verdict v);
/* The names back; 0 or -EINVAL. */
int run_status_parse(const char *name, enum run_status *out);
int run_verdict_parse(const char *name, enum run_verdict *out);
/* failed or error: what makes a cell's exit code non-zero. */
bool run_verdict_bad(enum run_verdict v);

#endif
