/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stalefs report`: merging the harness's cell files (JSON lines, one line
 * per matrix cell, written by `stalefs run` and `stalefs matrix`) and
 * rendering them as a terminal table, GitHub Markdown, JUnit XML or one
 * JSON document. Everything here works on memory and FILE streams only, so
 * the unit tests drive it with fmemopen/open_memstream.
 * report.c reads and merges; report_text.c, report_md.c, report_junit.c and
 * report_json.c render, sharing report_render.h (private).
 *
 * Reading is tolerant: unknown fields are ignored, missing or mistyped
 * fields read as zero or empty. A line that is not JSON, not an object or
 * has no "cell" id is an error naming file:line. Lines with the same "cell"
 * id (shards, repeated runs) merge: counts and durations add up, rep_results
 * concatenate, the verdict is the worst (fail > pass > skip; an unknown
 * verdict string counts as fail, a missing one as skip), params are the
 * first line's.
 */
#ifndef STALEFS_REPORT_H
#define STALEFS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "chain.h"

#include "jsonv.h"

/* Name → count, in the order the names first appeared. */
struct report_count {
	char *key;
	uint64_t n;
};

struct report_counts {
	struct report_count *v;
	size_t n, cap;
};

/* The errnos other than ESTALE that one op returned. */
struct report_op_errors {
	char *op;
	struct report_counts by_errno;
};

/* Ordered from best to worst. */
enum report_verdict { REPORT_SKIP, REPORT_PASS, REPORT_FAIL };

struct report_params {
	char *mode, *privilege, *cache, *profile, *workload, *expect;
	char **rules;
	size_t nrules;
	bool overlay, churn;
	uint64_t drop_caches_ms, threads, count, reps, seed, objects, max_links;
	double seconds;
};

struct report_rep {
	uint64_t seed;
	int64_t exit;
	uint64_t estale, errors, mismatches;
};

struct report_integrity {
	uint64_t files, bytes, symlinks, xattrs, mismatches;
};

struct report_cell {
	char *id;
	struct report_params params;
	char *status, *reason, *effective_mode, *mode_reason, *repro;
	uint64_t reps, reps_ran;
	struct report_counts calls, estale;
	struct report_op_errors *errors;
	size_t nerrors, errors_cap;
	uint64_t estale_total;
	struct report_integrity integrity;
	uint64_t emitted, emitted_trace, masked;
	/* emitted_trace is printed only when some line had it and no line that
	 * ran lacked it (null: tracefs was not used). */
	bool trace_seen, trace_missing;
	struct report_counts inject, host, daemon;	/* attribution */
	uint64_t kernel, unattributed;			/* attribution */
	struct chains chains;				/* why: cause chains */
	uint64_t faults_fired;
	double ops_per_s, duration_s, setup_s, teardown_s;
	enum report_verdict verdict;
	struct report_rep *rep_results;
	size_t nrep_results, rep_cap;
	unsigned int merged;	/* how many lines made this cell */
};

/* The merged cells in the order their ids first appeared. */
struct report {
	struct report_cell *cells;
	size_t n, cap;
	size_t torn;		/* torn last lines skipped (a writer killed mid-line) */
	size_t *slots;		/* id hash index: cell index + 1, 0 is free */
	size_t nslots;
};

struct report_totals {
	size_t cells, passed, failed, skipped;
	uint64_t calls, estale, emitted, masked, mismatches, faults_fired;
	double duration_s;
};

/* A 95% Wilson score interval; n == 0 gives [0, 1]. */
struct report_ci {
	double lo, hi;
};

enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_JUNIT, REPORT_JSON };

/* What GitHub accepts in $GITHUB_STEP_SUMMARY is 1 MiB; stay below it. */
#define REPORT_MARKDOWN_MAX 1000000
#define REPORT_DEFAULT_TITLE "stalefs ESTALE matrix"

void report_init(struct report *r);
void report_free(struct report *r);

/* Add one parsed cell line, merging it into a cell with the same id.
 * 0, -EINVAL (err says why) or -ENOMEM. */
int report_add(struct report *r, const struct jv *line, char *err, size_t errlen);
/* Add every line of f; blank lines are skipped. name is for messages:
 * errors read "name:line: reason". 0, -EINVAL, -EIO or -ENOMEM. */
int report_read(struct report *r, FILE *f, const char *name, char *err, size_t errlen);
/* (report_read: a last line without its newline that does not parse is a
 * torn one, from a writer killed mid-line: skipped and counted in r->torn.
 * Any other bad line fails the read.) */

struct report_ci report_wilson(uint64_t k, uint64_t n);
/* A fraction as a percentage with 3 significant digits: "13.7%", "0.0259%". */
void report_pct(char *buf, size_t len, double frac);

/* Sum of a cell's calls. */
uint64_t report_cell_calls(const struct report_cell *c);
void report_totals(const struct report *r, struct report_totals *t);
/* Some merged cell has verdict fail. */
bool report_failed(const struct report *r);

/* "text", "markdown" (or "md"), "junit", "json". 0 or -EINVAL. */
int report_format_parse(const char *s, enum report_format *out);

/* Render r to out. title NULL means REPORT_DEFAULT_TITLE; markdown is kept
 * under REPORT_MARKDOWN_MAX bytes. 0, -ENOMEM or -EIO (out failed). */
int report_render(const struct report *r, enum report_format fmt, const char *title, FILE *out);
int report_text(const struct report *r, FILE *out);
/* Markdown kept under max bytes: per-op detail goes first, then rows (and
 * their repro lines) from the end; a last line says what was left out. */
int report_markdown(const struct report *r, const char *title, size_t max, FILE *out);
int report_junit(const struct report *r, const char *title, FILE *out);
int report_json(const struct report *r, FILE *out);

/* One line about a cell (no newline): counts, rate, attribution. */
int report_cell_summary(const struct report_cell *c, FILE *out);

/* `stalefs report ...`; argv[0] is "report". Returns the exit code. */
int report_main(int argc, char **argv);

#endif
