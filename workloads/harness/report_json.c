// SPDX-License-Identifier: GPL-2.0-or-later
/* `stalefs report --format json`: one JSON document of the merged cells and
 * their totals; see report.h. */
#include "report.h"
#include "report_render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static void json_counts(FILE *f, const struct report_counts *c)
{
	fputc('{', f);
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, c->v[i].key);
		fprintf(f, ":%" PRIu64, c->v[i].n);
	}
	fputc('}', f);
}

static void json_key_str(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	json_put_string(f, val);
}

/* Times and speeds: 10 digits (a millisecond of a day); rates: 6. */
static void json_key_num(FILE *f, const char *key, double v, int digits)
{
	fprintf(f, ",\"%s\":", key);
	json_put_number(f, v, digits);
}

static void json_rate(FILE *f, uint64_t k, uint64_t n)
{
	struct report_ci ci = report_wilson(k, n);

	json_key_num(f, "estale_rate", n ? (double)(k > n ? n : k) / n : 0.0, 6);
	fputs(",\"ci95\":[", f);
	json_put_number(f, ci.lo, 6);
	fputc(',', f);
	json_put_number(f, ci.hi, 6);
	fputc(']', f);
}

static void json_cell(FILE *f, const struct report_cell *c)
{
	uint64_t calls = report_cell_calls(c);

	fputs("{\"cell\":", f);
	json_put_string(f, c->id);
	json_key_str(f, "line_id", c->line_id);
	json_key_str(f, "backend", c->backend);
	fprintf(f, ",\"params\":%s", c->params_json);
	json_key_str(f, "started", c->origin.started);
	json_key_str(f, "host", c->origin.host);
	json_key_str(f, "kernel", c->origin.kernel);
	json_key_str(f, "status", c->status);
	json_key_str(f, "reason", c->reason);
	json_key_str(f, "effective_mode", c->effective_mode);
	json_key_str(f, "mode_reason", c->mode_reason);
	fprintf(f, ",\"reps\":%" PRIu64 ",\"reps_ran\":%" PRIu64 ",\"merged\":%u,\"calls\":",
		c->reps, c->reps_ran, c->merged);
	json_counts(f, &c->calls);
	fprintf(f, ",\"calls_total\":%" PRIu64 ",\"estale\":", calls);
	json_counts(f, &c->estale);
	fputs(",\"errors\":{", f);
	for (size_t i = 0; i < c->nerrors; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, c->errors[i].op);
		fputc(':', f);
		json_counts(f, &c->errors[i].by_errno);
	}
	fprintf(f, "},\"estale_total\":%" PRIu64, c->estale_total);
	json_rate(f, c->estale_total, calls);
	fprintf(f, ",\"integrity\":{\"files\":%" PRIu64 ",\"bytes\":%" PRIu64 ",\"symlinks\":%"
		PRIu64 ",\"xattrs\":%" PRIu64 ",\"mismatches\":%" PRIu64 "},\"emitted\":%" PRIu64,
		c->integrity.files, c->integrity.bytes, c->integrity.symlinks, c->integrity.xattrs,
		c->integrity.mismatches, c->emitted);
	if (c->trace_seen && !c->trace_missing)
		fprintf(f, ",\"emitted_trace\":%" PRIu64, c->emitted_trace);
	else
		fputs(",\"emitted_trace\":null", f);
	fprintf(f, ",\"masked\":%" PRIu64 ",\"attribution\":{\"inject\":", c->masked);
	json_counts(f, &c->inject);
	fputs(",\"host\":", f);
	json_counts(f, &c->host);
	fputs(",\"daemon\":", f);
	json_counts(f, &c->daemon);
	fprintf(f, ",\"kernel\":%" PRIu64 ",\"unattributed\":%" PRIu64 "},\"faults_fired\":%" PRIu64,
		c->kernel, c->unattributed, c->faults_fired);
	json_key_num(f, "ops_per_s", c->ops_per_s, 10);
	json_key_num(f, "duration_s", c->duration_s, 10);
	json_key_num(f, "setup_s", c->setup_s, 10);
	json_key_num(f, "teardown_s", c->teardown_s, 10);
	fputs(",\"chains\":", f);
	chains_json(&c->chains, f);
	json_key_str(f, "verdict", run_verdict_name(c->verdict));
	json_key_str(f, "repro", c->repro);
	fputs(",\"rep_results\":[", f);
	for (size_t i = 0; i < c->nrep_results; i++) {
		const struct report_rep *p = &c->rep_results[i];

		fprintf(f, "%s{\"seed\":%" PRIu64 ",\"exit\":%" PRId64 ",\"estale\":%" PRIu64
			",\"errors\":%" PRIu64 ",\"mismatches\":%" PRIu64 "}", i ? "," : "",
			p->seed, p->exit, p->estale, p->errors, p->mismatches);
	}
	fputc(']', f);
	if (c->base.change != CHANGE_NONE) {
		fprintf(f, ",\"baseline\":{\"rate\":");
		json_put_number(f, c->base.calls ? (double)c->base.estale / (double)c->base.calls : 0.0, 6);
		fprintf(f, ",\"calls\":%" PRIu64 ",\"estale\":%" PRIu64, c->base.calls, c->base.estale);
		json_key_str(f, "change", report_change_name(c->base.change));
		json_key_num(f, "p", c->base.p, 6);
		fputc('}', f);
	}
	fputc('}', f);
}

int report_json(const struct report *r, FILE *out)
{
	struct report_totals t;

	fputc('{', out);
	json_put_origin(out, REPORT_SCHEMA, &r->made);
	fputs(",\"cells\":[", out);
	for (size_t k = 0; k < r->n; k++) {
		fputs(k ? ",\n" : "\n", out);
		json_cell(out, &r->cells[k]);
	}
	report_totals(r, &t);
	fprintf(out, "\n],\n\"totals\":{\"cells\":%zu,\"clean\":%zu,\"estale\":%zu,\"failed\":%zu,"
		"\"skipped\":%zu,\"error\":%zu,\"calls\":%" PRIu64 ",\"estale_total\":%" PRIu64,
		t.cells, t.clean, t.with_estale, t.failed, t.skipped, t.errored, t.calls, t.estale);
	json_rate(out, t.estale, t.calls);
	fprintf(out, ",\"mismatches\":%" PRIu64 ",\"emitted\":%" PRIu64 ",\"masked\":%" PRIu64
		",\"faults_fired\":%" PRIu64, t.mismatches, t.emitted, t.masked, t.faults_fired);
	json_key_num(out, "duration_s", t.duration_s, 10);
	fputc('}', out);
	if (r->baseline) {
		const struct report_baseline *b = r->baseline;

		fputs(",\n\"baseline\":{\"started\":", out);
		json_put_string(out, b->started);
		json_key_str(out, "stalefs", b->stalefs);
		json_key_str(out, "kernel", b->kernel);
		fprintf(out, ",\"up\":%zu,\"down\":%zu,\"same\":%zu,\"new\":%zu,\"gone\":%zu}",
			b->up, b->down, b->same, b->added, b->gone);
	}
	fputs("}\n", out);
	return report_finish(out);
}
