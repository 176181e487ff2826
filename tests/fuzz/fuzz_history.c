// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the files `stalefs report` reads back: the input is read as a
 * history file (history/1 lines) and as a --baseline document (report/1),
 * and whatever reads is used: series looked up, a report compared with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "history.h"
#include "report.h"

static const char *const seeds[] = {
	"{\"schema\":\"history/1\",\"stalefs\":\"0.1.0\",\"kernel\":\"6.1\",\"host\":\"h\",\"started\":"
	"\"2026-12-04T10:00:00Z\",\"key\":\"stalefs\\na\\n{}\",\"cell\":\"a\",\"line_id\":\"a\","
	"\"backend\":\"stalefs\",\"estale\":5,\"calls\":1000,\"rate\":0.005,\"ci95\":[0.002,0.011],"
	"\"verdict\":\"estale\"}\n"
	"{\"schema\":\"history/1\",\"stalefs\":\"0.1.0\",\"kernel\":\"6.1\",\"host\":\"h\",\"started\":"
	"\"2026-12-03T10:00:00Z\",\"key\":\"stalefs\\na\\n{}\",\"cell\":\"a\",\"line_id\":\"a\","
	"\"backend\":\"stalefs\",\"estale\":0,\"calls\":10,\"rate\":0,\"ci95\":[0,0.3],\"verdict\":\"clean\"}\n"
	"{\"schema\":\"history/1\",\"key\":\"x\",\"cell\":\"x\",\"started\":\"2026",
	"{\"schema\":\"report/1\",\"stalefs\":\"0.1.0\",\"kernel\":\"6.1\",\"host\":\"h\",\"started\":"
	"\"2026-12-04T10:00:00Z\",\"cells\":[{\"cell\":\"a\",\"line_id\":\"a\",\"backend\":\"stalefs\","
	"\"params\":{},\"calls_total\":1000,\"estale_total\":5},{\"cell\":\"b #12ab\",\"line_id\":\"b\","
	"\"params\":{\"xattr\":true},\"calls_total\":0,\"estale_total\":0}]}\n",
};

static const char now[] =
	"{\"cell\":\"a\",\"params\":{},\"status\":\"ran\",\"calls\":{\"stat\":1000},\"estale_total\":90,"
	"\"verdict\":\"estale\"}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r"), *g;
	struct history h = { 0 };
	struct report_baseline b;
	struct report r;
	char err[512];

	if (!f)
		return 0;
	if (history_read(&h, f, "fuzz", err, sizeof(err)) == 0)
		for (size_t i = 0; i < h.n; i++)
			if (history_find(&h, h.s[i].key) == NULL || h.s[i].n == 0)
				abort();
	rewind(f);
	report_init(&r);
	g = fmemopen((void *)now, strlen(now), "r");
	if (g && report_read(&r, g, "now", err, sizeof(err)) == 0 &&
	    report_baseline_read(&b, f, "fuzz", err, sizeof(err)) == 0) {
		char *buf = NULL;
		size_t len = 0;
		FILE *o;

		if (report_baseline_compare(&r, &b) == 0) {
			r.baseline = &b;
			r.history = &h;
			o = open_memstream(&buf, &len);
			if (o) {
				(void)report_text(&r, 80, false, o);
				(void)report_json(&r, o);
				fclose(o);
			}
			free(buf);
		}
		report_baseline_free(&b);
	}
	if (g)
		fclose(g);
	report_free(&r);
	history_free(&h);
	fclose(f);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}
