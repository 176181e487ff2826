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
 * Lines are read through cellline.h (untrusted input, bounds-checked): a
 * line it refuses is an error naming file:line; a torn last line (a writer
 * killed mid-line) is skipped and counted.
 *
 * Merging: lines merge only when everything that defines the cell matches:
 * the "cell" id, the "backend" and the whole "params" object (shards and
 * repeated runs of one cell). Then counts and durations add up, rep_results
 * concatenate, and the verdict is the worst, in the order
 *     skipped < clean < estale < failed < error
 * (a cell that ran says more than one that could not; ESTALE seen is worse
 * than none; not meeting --expect is worse still; a harness error is worst,
 * since it says nothing about the filesystem). Lines with one id but other
 * params (another --inject rule, --xattr, --seed...) are distinct cells:
 * each such id is shown with " #xxxx", a short hash of its params, and
 * keeps its own repro line; r->warn says which param differed first.
 *
 * Rendering: text is for people (a verdict sentence and a next step from
 * advice.h, then a compact table that fits the terminal, then per-cell
 * details; --wide gives every column); Markdown is kept under GitHub's
 * summary limit, failed and error cells first; JUnit maps failed to
 * <failure>, error to <error>, skipped to <skipped/>; JSON ("report/1")
 * carries every cell field, param and the backend.
 */
#ifndef STALEFS_REPORT_H
#define STALEFS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cell.h"
#include "chain.h"
#include "json.h"
#include "jsonv.h"
#include "run_result.h"

struct history;

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

#define REPORT_SCHEMA "report/1"

struct report_rep {
	uint64_t seed;
	int64_t exit;
	uint64_t estale, errors, mismatches;
};

struct report_integrity {
	uint64_t files, bytes, symlinks, xattrs, mismatches;
};

/* A cell against the baseline's cell of the same key. */
enum report_change { CHANGE_NONE, CHANGE_SAME, CHANGE_UP, CHANGE_DOWN, CHANGE_NEW };
struct report_cell_base {
	enum report_change change;	/* CHANGE_NONE: no baseline given */
	uint64_t estale, calls;		/* the baseline's (CHANGE_NEW: 0) */
	double p;			/* two-sided Fisher p of the two rates */
};

struct report_cell {
	char *id;		/* as shown: the line's id, " #xxxx" added when split */
	char *line_id;		/* the lines' "cell" */
	char *backend;		/* "stalefs", "virtiofsd", ... */
	struct cell params;	/* the first line's (all lines' when merged) */
	char *params_json;	/* the "params" object, as cellline.h writes it */
	char *key;		/* backend, id and params: what must match to merge */
	struct json_origin origin;	/* the earliest line's start, host and kernel */
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
	enum run_verdict verdict;
	struct report_rep *rep_results;
	size_t nrep_results, rep_cap;
	unsigned int merged;	/* how many lines made this cell */
	struct report_cell_base base;	/* against --baseline (report_baseline_compare) */
};

/* The merged cells in the order their ids first appeared. */
struct report {
	struct report_cell *cells;
	size_t n, cap;
	size_t torn;		/* torn last lines skipped (a writer killed mid-line) */
	size_t *slots;		/* key hash index: cell index + 1, 0 is free */
	size_t nslots;
	/* Lines with one id but other params, one line each ("id: params
	 * differ (first: xattr): shown as distinct rows"); the caller prints and
	 * may clear them (report_warn_clear). */
	char **warn;
	size_t nwarn, warn_cap;
	size_t *id_slots;	/* line id index: the first cell with it */
	/* Where and when the report is made (report_init: now, this machine). */
	struct json_origin made;
	/* Set by the caller: the series of past reports (--history), and the
	 * baseline compared against (--baseline); NULL when not given. */
	const struct history *history;
	const struct report_baseline *baseline;
};

/* ---- --baseline: this report against an earlier report/1 document ----- */

/* Significant at p < REPORT_CHANGE_P (two-sided Fisher, signif.h). */
#define REPORT_CHANGE_P 0.01
/* A baseline document is read whole, up to this size. */
#define REPORT_BASELINE_MAX (64u << 20)

struct report_base_cell {
	const char *id, *line_id, *backend;	/* into doc */
	const struct jv *params;		/* into doc: the "params" object */
	uint64_t estale, calls;
	bool matched;		/* some cell of this report has its key */
};

struct report_baseline {
	struct jv *doc;
	char started[32], stalefs[32], kernel[65];
	struct report_base_cell *v;
	size_t n;
	size_t up, down, same, added, gone;	/* report_baseline_compare's counts */
};

/* Read a `report --format json` document (report/1). 0, -EINVAL, -E2BIG,
 * -EIO or -ENOMEM, err saying why (name:reason). */
int report_baseline_read(struct report_baseline *b, FILE *f, const char *name, char *err,
			 size_t errlen);
/* Set every cell's base and b's counts; cells match when line id, backend
 * and params are all equal. 0 or -ENOMEM. */
int report_baseline_compare(struct report *r, struct report_baseline *b);
void report_baseline_free(struct report_baseline *b);
const char *report_change_name(enum report_change c);

struct report_totals {
	size_t cells, clean, with_estale, failed, skipped, errored;	/* by verdict */
	uint64_t calls, estale, emitted, masked, mismatches, faults_fired;
	double duration_s;
};

/* A 95% Wilson score interval; n == 0 gives [0, 1]. */
struct report_ci {
	double lo, hi;
};

enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_JUNIT, REPORT_JSON, REPORT_HTML };

/* What GitHub accepts in $GITHUB_STEP_SUMMARY is 1 MiB; stay below it. */
#define REPORT_MARKDOWN_MAX 1000000
#define REPORT_DEFAULT_TITLE "stalefs ESTALE matrix"

/* *v, an array of *cap elements of size bytes, grown (doubling) to hold
 * need: 0 or -ENOMEM (then *v is as it was). */
int report_grow(void **v, size_t *cap, size_t need, size_t size);
void report_init(struct report *r);
void report_free(struct report *r);
void report_warn_clear(struct report *r);

/* The rank of a verdict in merging: skipped 0 < clean < estale < failed < error 4. */
int report_verdict_rank(enum run_verdict v);

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
/* Some merged cell's verdict is failed or error. */
bool report_failed(const struct report *r);

/* "text", "markdown" (or "md"), "junit", "json". 0 or -EINVAL. */
int report_format_parse(const char *s, enum report_format *out);

/* Render r to out. title NULL means REPORT_DEFAULT_TITLE; markdown is kept
 * under REPORT_MARKDOWN_MAX bytes. 0, -ENOMEM or -EIO (out failed). */
int report_render(const struct report *r, enum report_format fmt, const char *title, FILE *out);
/* The text width when nothing says otherwise (report_render uses it). */
#define REPORT_TEXT_WIDTH 120
/* For people: the verdict and a next step, a table of at most width columns
 * (long ids cut in the middle, rates without their interval when narrow;
 * below about 70 columns the table is as narrow as it gets; wide: every
 * column, as wide as it takes), the totals, per cell its cause chains and
 * notes, and the repro lines of failed and error cells (shell lines
 * continued with " \\", never inside quotes). */
int report_text(const struct report *r, unsigned int width, bool wide, FILE *out);
/* Markdown kept under max bytes: per-op detail goes first, then rows: those
 * of failed and error cells (and their repro lines) are kept first, then
 * estale ones, then the rest, shown in their order; a last line says how
 * many rows were left out. */
int report_markdown(const struct report *r, const char *title, size_t max, FILE *out);
int report_junit(const struct report *r, const char *title, FILE *out);
int report_json(const struct report *r, FILE *out);
/* One self-contained HTML page (report_html.c): charts as inline SVG, no
 * script; chart elements carry data-cell, data-rate, ... attributes. */
int report_html(const struct report *r, const char *title, FILE *out);

/* One line about a cell (no newline): counts, rate, attribution. */
int report_cell_summary(const struct report_cell *c, FILE *out);

/* `stalefs report ...`; argv[0] is "report". Returns the exit code. */
int report_main(int argc, char **argv);

#endif
