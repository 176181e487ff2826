// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz cell-line reading, merging (lines of one id with other params are
 * split) and every report renderer: the input is a cell file (JSON lines);
 * whatever reads renders as text (also narrow and --wide), Markdown (also
 * cut to a small limit), JUnit and JSON, and the JSON must parse again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jsonv.h"
#include "report.h"

static const char *const seeds[] = {
	"{\"cell\":\"a\",\"params\":{\"mode\":\"prefer\",\"expect\":\"none\",\"rules\":[\"errno:op=READ,"
	"errno=ESTALE\"]},\"status\":\"ran\",\"effective_mode\":\"never\",\"reps\":1,\"reps_ran\":1,"
	"\"calls\":{\"stat\":10,\"open\":10},\"estale\":{\"stat\":2},\"estale_total\":2,\"emitted\":2,"
	"\"verdict\":\"fail\",\"duration_s\":1.5,\"ops_per_s\":100,\"repro\":\"stalefs run a\","
	"\"rep_results\":[{\"seed\":1,\"exit\":1}]}\n",
	"{\"cell\":\"b\",\"status\":\"cannot-run\",\"reason\":\"needs <root> & more\",\"verdict\":\"skip\"}\n"
	"{\"cell\":\"b\",\"status\":\"ran\",\"verdict\":\"pass\",\"errors\":{\"open\":{\"ENOENT\":3}}}\n",
	"{\"cell\":\"c|d\",\"status\":\"ran\",\"verdict\":\"pass\",\"attribution\":{\"inject\":{\"rule 1\":4},"
	"\"host\":{\"open_by_handle_at\":2},\"kernel\":1}}\n",
	"{\"schema\":\"cell/1\",\"stalefs\":\"0.1.0\",\"kernel\":\"6.1\",\"host\":\"h\",\"started\":"
	"\"2026-12-04T10:00:00Z\",\"cell\":\"never/root/auto/none/read\",\"params\":{\"rules\":"
	"[\"evict:every=3\"]},\"status\":\"ran\",\"calls\":{\"stat\":9},\"estale\":{\"stat\":2},"
	"\"estale_total\":2,\"chains\":{\"total\":2,\"complete\":2,\"list\":[{\"layer\":\"overlayfs "
	"(lower revalidation)\",\"reply\":\"LOOKUP answered ENOENT (host lookup)\",\"cause\":"
	"\"host layer-swap\",\"n\":2}]},\"verdict\":\"estale\"}\n"
	"{\"cell\":\"never/root/auto/none/read\",\"params\":{\"xattr\":true},\"status\":\"timeout\","
	"\"verdict\":\"error\",\"repro\":\"stalefs run --xattr 'a b'\"}\n"
	"{\"cell\":\"never/root/auto/none/read\",\"backend\":\"virtiofsd\",\"status\":\"ran\","
	"\"verdict\":\"failed\"}\n",
};

static void render_all(const struct report *r)
{
	static const enum report_format fmts[] = { REPORT_TEXT, REPORT_MARKDOWN, REPORT_JUNIT,
						   REPORT_JSON, REPORT_HTML };
	char err[256];

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			continue;
		(void)report_render(r, fmts[i], "fuzz <&>", f);
		fclose(f);
		if (fmts[i] == REPORT_JSON && len) {
			struct jv *v = jv_parse(buf, len, err, sizeof(err));

			if (!v)
				abort();	/* our own JSON must read back */
			jv_free(v);
		}
		free(buf);
	}
	for (int i = 0; i < 4; i++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			continue;
		if (i == 0)
			(void)report_markdown(r, NULL, 600, f);
		else
			(void)report_text(r, i == 1 ? 1 : 50, i == 3, f);
		fclose(f);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct report r;
	char err[512];

	if (!f)
		return 0;
	report_init(&r);
	if (report_read(&r, f, "fuzz", err, sizeof(err)) == 0)
		render_all(&r);
	report_free(&r);
	fclose(f);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}
