// SPDX-License-Identifier: GPL-2.0-or-later
/* The result of one cell; see run_result.h. */
#include "run_result.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "advice.h"
#include "jsonv.h"
#include "term.h"

static const char *const status_names[] = { "ran", "cannot-run", "error", "timeout", "interrupted",
					     "not-run" };
static const char *const verdict_names[] = { "clean", "estale", "failed", "skipped", "error" };

const char *run_status_name(enum run_status s)
{
	return status_names[s];
}

const char *run_verdict_name(enum run_verdict v)
{
	return verdict_names[v];
}

int run_status_parse(const char *name, enum run_status *out)
{
	for (size_t i = 0; i < sizeof(status_names) / sizeof(status_names[0]); i++)
		if (strcmp(name, status_names[i]) == 0) {
			*out = (enum run_status)i;
			return 0;
		}
	return -EINVAL;
}

int run_verdict_parse(const char *name, enum run_verdict *out)
{
	/* Cell lines before "schema" said pass, fail, skip: 1 tells the reader
	 * to settle clean/estale and failed/error from the line's counts. */
	static const struct {
		const char *name;
		enum run_verdict v;
	} legacy[] = { { "pass", VERDICT_CLEAN }, { "fail", VERDICT_FAILED }, { "skip", VERDICT_SKIPPED } };

	for (size_t i = 0; i < sizeof(verdict_names) / sizeof(verdict_names[0]); i++)
		if (strcmp(name, verdict_names[i]) == 0) {
			*out = (enum run_verdict)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
		if (strcmp(name, legacy[i].name) == 0) {
			*out = legacy[i].v;
			return 1;
		}
	return -EINVAL;
}

bool run_verdict_bad(enum run_verdict v)
{
	return v == VERDICT_FAILED || v == VERDICT_ERROR;
}

int run_result_op(struct run_result *r, const char *name)
{
	for (int i = 0; i < r->nops; i++)
		if (strcmp(r->op[i].name, name) == 0)
			return i;
	if (r->nops == RUN_OPS)
		return -1;
	snprintf(r->op[r->nops].name, sizeof(r->op[0].name), "%s", name);
	return r->nops++;
}

static void add_err(struct run_result *r, int op, const char *name, uint64_t n)
{
	int i;

	for (i = 0; i < r->op[op].nerr; i++)
		if (strcmp(r->op[op].err[i].name, name) == 0)
			break;
	if (i == RUN_ERRS)
		i = RUN_ERRS - 1;	/* full: lumped into the last */
	if (i == r->op[op].nerr) {
		snprintf(r->op[op].err[i].name, sizeof(r->op[op].err[i].name), "%s", name);
		r->op[op].err[i].n = 0;
		r->op[op].nerr++;
	}
	r->op[op].err[i].n += n;
}

void run_add_workload(struct run_result *r, struct run_rep *rr, const struct jv *w)
{
	const struct jv *ops = jv_get(w, "ops");

	for (size_t i = 0; ops && i < ops->n; i++) {
		const struct jv *o = &ops->items[i], *errs = jv_get(o, "errors");
		int k = run_result_op(r, ops->keys[i]);
		uint64_t calls = jv_u64(jv_get(o, "ok"), 0);

		for (size_t e = 0; errs && e < errs->n; e++) {
			uint64_t n = jv_u64(&errs->items[e], 0);

			calls += n;
			rr->errors += n;
			if (k < 0)
				continue;
			if (strcmp(errs->keys[e], "ESTALE") == 0)
				r->op[k].estale += n;
			else
				add_err(r, k, errs->keys[e], n);
		}
		if (k >= 0)
			r->op[k].calls += calls;
	}
	rr->estale = jv_u64(jv_get(w, "estale_total"), 0);
	rr->mismatches = jv_u64(jv_path(w, "integrity.mismatches"), 0);
	r->estale_total += rr->estale;
	r->errors_total += rr->errors;
	r->files += jv_u64(jv_path(w, "integrity.files"), 0);
	r->bytes += jv_u64(jv_path(w, "integrity.bytes"), 0);
	r->symlinks += jv_u64(jv_path(w, "integrity.symlinks"), 0);
	r->xattrs += jv_u64(jv_path(w, "integrity.xattrs"), 0);
	r->mismatches += rr->mismatches;
	r->ops_total += jv_u64(jv_get(w, "ops_total"), 0);
	r->work_s += jv_num(jv_get(w, "duration_s"), 0);
}

void run_judge(const struct cell *c, struct run_result *r)
{
	if (r->status == RUN_CANNOT || r->status == RUN_NOT_RUN)
		r->verdict = VERDICT_SKIPPED;
	else if (r->status != RUN_RAN)
		r->verdict = VERDICT_ERROR;
	else if (r->mismatches || (c->expect == EXPECT_NONE && r->estale_total) ||
		 (c->expect == EXPECT_SOME && !r->estale_total))
		r->verdict = VERDICT_FAILED;
	else
		r->verdict = r->estale_total ? VERDICT_ESTALE : VERDICT_CLEAN;
}

uint64_t run_result_calls(const struct run_result *r)
{
	uint64_t n = 0;

	for (int i = 0; i < r->nops; i++)
		n += r->op[i].calls;
	return n;
}

uint64_t run_result_errno(const struct run_result *r, const char *name)
{
	uint64_t n = 0;

	for (int i = 0; i < r->nops; i++)
		for (int e = 0; e < r->op[i].nerr; e++)
			if (strcmp(r->op[i].err[e].name, name) == 0)
				n += r->op[i].err[e].n;
	return n;
}

void run_result_free(struct run_result *r)
{
	free(r->rep);
	r->rep = NULL;
	if (r->kmsg)
		kmsg_close(r->kmsg);
	free(r->kmsg);
	r->kmsg = NULL;
}

int run_exit_code(const struct run_result *r)
{
	switch (r->status) {
	case RUN_CANNOT:
		return EXIT_CANNOT_RUN;
	case RUN_ERROR:
		return EXIT_INTERNAL;
	case RUN_TIMEOUT:
	case RUN_NOT_RUN:
		return EXIT_TIME_LIMIT;
	case RUN_INTERRUPTED:
		return EXIT_INTERRUPTED;
	default:
		return run_verdict_bad(r->verdict) ? 1 : 0;
	}
}

/* What the verdict means, in words. */
static void verdict_words(const struct cell *c, const struct run_result *r, uint64_t calls,
			  char *buf, size_t size)
{
	switch (r->verdict) {
	case VERDICT_CLEAN:
		snprintf(buf, size, "clean: no ESTALE in %llu calls; %llu files read, every byte as the "
			 "manifest says", (unsigned long long)calls, (unsigned long long)r->files);
		break;
	case VERDICT_ESTALE:
		snprintf(buf, size, "estale: %llu of %llu calls failed with ESTALE (%.3g%%)%s",
			 (unsigned long long)r->estale_total, (unsigned long long)calls,
			 calls ? 100.0 * (double)r->estale_total / (double)calls : 0.0,
			 c->expect == EXPECT_SOME ? ", as --expect some asked" : "");
		break;
	case VERDICT_FAILED:
		if (r->mismatches)
			snprintf(buf, size, "failed: %llu files read back other bytes than the manifest's",
				 (unsigned long long)r->mismatches);
		else if (c->expect == EXPECT_NONE)
			snprintf(buf, size, "failed: %llu ESTALE in %llu calls where --expect none allows "
				 "none", (unsigned long long)r->estale_total, (unsigned long long)calls);
		else
			snprintf(buf, size, "failed: no ESTALE in %llu calls where --expect some wants one",
				 (unsigned long long)calls);
		break;
	case VERDICT_SKIPPED:
		snprintf(buf, size, "skipped (%s): %s", run_status_name(r->status), r->reason);
		break;
	case VERDICT_ERROR:
		snprintf(buf, size, "error (%s): %s", run_status_name(r->status), r->reason);
		break;
	}
}

/* What made the ESTALE and what to try next: advice.h from the cause
 * chains, in the run's own words where there is no ESTALE to explain. */
static void next_words(const struct cell *c, const struct run_result *r, char *made_by,
		       size_t made_size, char *buf, size_t size)
{
	struct advice_in in = {
		.chains = &r->chains, .estale = r->estale_total, .calls = run_result_calls(r),
		.emitted = r->attrib.emitted, .masked = r->attrib.masked, .kernel = r->attrib.kernel,
		.mode = r->effective_mode, .cache = c->cache, .verdict = r->verdict,
	};
	struct advice a;

	advice_explain(&in, &a);
	snprintf(made_by, made_size, "%s", a.made_by);
	if (r->mismatches) {
		snprintf(buf, size, "wrong bytes are a daemon bug, not ESTALE: rerun the repro line with "
			 "--keep and read the daemon's log in the work dir");
		return;
	}
	if (a.family != ADVICE_NONE && a.next[0]) {
		snprintf(buf, size, "%s", a.next);
		return;
	}
	switch (r->verdict) {
	case VERDICT_CLEAN:
	case VERDICT_FAILED:	/* no ESTALE where --expect some wants one */
		snprintf(buf, size, "nothing to explain. A rare ESTALE needs more calls: --seconds, --reps "
			 "with --until-estale; `stalefs pinpoint` tries each suspected cause against a control");
		break;
	case VERDICT_ESTALE:
		snprintf(buf, size, "`stalefs pinpoint` tests each suspected cause against a control and "
			 "tries the mitigations");
		break;
	case VERDICT_SKIPPED:
		snprintf(buf, size, "`stalefs doctor` says what this machine can run and what to install");
		break;
	case VERDICT_ERROR:
		snprintf(buf, size, r->status == RUN_INTERRUPTED ? "rerun the repro line"
			 : "rerun the repro line with --keep: the work dir keeps the daemon's log, the "
			   "workload's stderr and the event log");
		break;
	}
}

/* The kernel's messages during the cell: how many, and the marked ones
 * (fuse, overlay, oom, BUG, ...) first, at most three. */
static void kernel_lines(const struct kmsg *k, FILE *f, int width)
{
	unsigned int marked = 0, shown = 0;
	char line[512];

	for (unsigned int i = 0; i < k->n; i++)
		marked += k->msgs[i].marked;
	snprintf(line, sizeof(line), "%llu message%s in the kernel's log during the cell%s",
		 (unsigned long long)(k->n + k->dropped), k->n + k->dropped == 1 ? "" : "s",
		 marked ? "; these matter:"
		 : " (none about FUSE, overlay, memory or a kernel bug)");
	term_fold(f, "kernel   ", NULL, line, width);
	for (unsigned int i = 0; i < k->n && shown < 3; i++) {
		if (!k->msgs[i].marked)
			continue;
		snprintf(line, sizeof(line), "[%llu.%06llu] %s",
			 (unsigned long long)(k->msgs[i].usec / 1000000),
			 (unsigned long long)(k->msgs[i].usec % 1000000), k->msgs[i].text);
		term_fold(f, "           ", NULL, line, width);
		shown++;
	}
}

void run_result_summary(const struct cell *c, const struct run_result *r, FILE *f, int width)
{
	char id[512], line[1024], made_by[256];
	uint64_t calls = run_result_calls(r);

	cell_id(c, id, sizeof(id));
	term_fold(f, "cell     ", "           ", id, width);
	verdict_words(c, r, calls, line, sizeof(line));
	term_fold(f, "verdict  ", NULL, line, width);
	if (r->status == RUN_RAN || r->reps_ran) {
		if (strcmp(r->effective_mode, c->mode) == 0 || !r->effective_mode[0])
			snprintf(line, sizeof(line), "%s", r->effective_mode[0] ? r->effective_mode : "?");
		else
			snprintf(line, sizeof(line), "%s in effect (asked for %s)%s%s", r->effective_mode,
				 c->mode, r->mode_reason[0] ? ": " : "", r->mode_reason);
		term_fold(f, "mode     ", NULL, line, width);
		snprintf(line, sizeof(line), "%llu surfaced to the workload; the daemon sent %llu, the "
			 "VFS retry masked %llu, the kernel made %llu; %llu other errors",
			 (unsigned long long)r->estale_total, (unsigned long long)r->attrib.emitted,
			 (unsigned long long)r->attrib.masked, (unsigned long long)r->attrib.kernel,
			 (unsigned long long)(r->errors_total - r->estale_total));
		term_fold(f, "ESTALE   ", NULL, line, width);
		snprintf(line, sizeof(line), "%u repetition%s, %.1f s (setup %.1f s, teardown %.1f s)",
			 r->reps_ran, r->reps_ran == 1 ? "" : "s", r->duration_s, r->setup_s,
			 r->teardown_s);
		term_fold(f, "time     ", NULL, line, width);
	}
	if (r->chains.total) {
		fputs("causes\n", f);
		chains_print(&r->chains, f, "  ", width);
	}
	if (r->kmsg && r->kmsg->n)
		kernel_lines(r->kmsg, f, width);
	next_words(c, r, made_by, sizeof(made_by), line, sizeof(line));
	if (made_by[0])
		term_fold(f, "made by  ", NULL, made_by, width);
	term_fold(f, "next     ", NULL, line, width);
}
