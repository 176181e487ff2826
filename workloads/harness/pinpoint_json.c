// SPDX-License-Identifier: GPL-2.0-or-later
/* pinpoint's JSON output; see pinpoint_json.h. */
#include "pinpoint_json.h"
#include "clock.h"

#include <time.h>

#include "counts.h"
#include "json.h"
#include "pinpoint_text.h"	/* pinpoint_bcvk_lines */

#define FORMAT_VERSION 1
#define PINPOINT_SCHEMA "pinpoint/1"	/* man/stalefs-formats.5; the same 1 */

static const char *const finding_json[] = { "seen", "not-seen", "too-short", "could-not-run",
					    "not-run" };
static const char *const mfinding_json[] = { "removed", "reduced", "not-removed", "too-short",
					     "could-not-run", "not-tried" };
static const char *const measure_json[] = { "estale", "emitted", "eio", "mode" };

static void side_json(const struct side *s, FILE *f)
{
	char id[600], repro[8192];

	if (!s->ran) {
		fputs("null", f);
		return;
	}
	cell_id(&s->cell, id, sizeof(id));
	cell_repro(&s->cell, repro, sizeof(repro));
	fputs("{\"cell\":", f);
	json_put_string(f, id);
	fprintf(f, ",\"status\":\"%s\",\"reason\":", run_status_name(s->r.status));
	json_put_string(f, s->r.reason);
	fprintf(f, ",\"count\":%llu,\"calls\":%llu,\"estale\":%llu,\"emitted\":%llu,\"seconds\":%.3f,"
		"\"duration_s\":%.3f,\"effective_mode\":", (unsigned long long)s->count,
		(unsigned long long)s->calls, (unsigned long long)s->r.estale_total,
		(unsigned long long)s->r.attrib.emitted, s->cell.seconds, s->r.duration_s);
	json_put_string(f, s->r.effective_mode);
	fprintf(f, ",\"transport\":\"%s\",\"repro\":", s->guest ? "virtio-fs" : "fuse");
	json_put_string(f, repro);
	fputs(",\"chains\":", f);
	chains_json(&s->r.chains, f);
	fputc('}', f);
}

static void signif_json(const struct signif *s, FILE *f)
{
	fprintf(f, "{\"p\":%.6g,\"ratio\":%.6g,\"lo\":%.6g,\"hi\":%.6g,\"rate\":%.6g,"
		"\"upper_rate\":", s->p, s->ratio, s->lo, s->hi,
		s->n1 ? (double)s->a / (double)s->n1 : 0.0);
	if (s->a)
		fputs("null}", f);
	else
		fprintf(f, "%.6g}", s->upper1);
}

void pinpoint_print_json(const bool *sel, const struct outcome *xs, const struct plan *pl,
			 int code, FILE *f)
{
	double elapsed = mono_seconds() - pl->t0;
	char lines[16][1024];
	struct json_origin o;
	int n, first = 1;

	json_origin_since(&o, elapsed);	/* started: when pinpoint began */
	fputc('{', f);
	json_put_origin(f, PINPOINT_SCHEMA, &o);
	/* "format" and "version" name the same thing as "schema", for readers of
	 * the first pinpoint documents. */
	fprintf(f, ",\"format\":\"stalefs-pinpoint\",\"version\":%d,\"alpha\":%g,\"time_limit\":%g,"
		"\"control_only\":%s,\"elapsed_s\":%.3f,\"experiments\":[", FORMAT_VERSION, PINPOINT_ALPHA,
		pl->limit, pl->control_only ? "true" : "false", elapsed);
	for (size_t i = 0; i < NEXP; i++) {
		const struct experiment *e = &experiments[i];
		const struct outcome *x = &xs[i];

		if (!sel[i])
			continue;
		fprintf(f, "%s{\"name\":", first ? "" : ",");
		first = 0;
		json_put_string(f, e->name);
		fputs(",\"question\":", f);
		json_put_string(f, e->question);
		fprintf(f, ",\"measure\":\"%s\",\"verdict\":\"%s\",\"why\":", measure_json[e->measure],
			finding_json[x->f]);
		json_put_string(f, x->why);
		fputs(",\"conclusion\":", f);
		json_put_string(f, x->f == F_SEEN ? e->seen : x->f == F_NOT_SEEN ? e->not_seen : "");
		fputs(",\"cell\":", f);
		side_json(&x->a, f);
		fputs(",\"control\":", f);
		side_json(&x->b, f);
		fputs(",\"stats\":", f);
		if (x->a.ran && x->b.ran && e->measure != M_MODE)
			signif_json(&x->st, f);
		else
			fputs("null", f);
		fputs(",\"mitigations\":[", f);
		for (int k = 0; k < x->nmit; k++) {
			const struct mit_result *m = &x->mit[k];

			fprintf(f, "%s{\"name\":", k ? "," : "");
			json_put_string(f, m->m->name);
			fprintf(f, ",\"verdict\":\"%s\",\"run\":", mfinding_json[m->f]);
			side_json(&m->s, f);
			fputs(",\"stats\":", f);
			if (m->s.ran)
				signif_json(&m->st, f);
			else
				fputs("null", f);
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputs("],\"bcvk\":[", f);
	n = pinpoint_bcvk_lines(xs, lines, 16);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		json_put_string(f, lines[i]);
	}
	fprintf(f, "],\"exit\":%d}\n", code);
}
