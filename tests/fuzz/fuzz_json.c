// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the harness's JSON reader (cell files, stats, events, workload
 * results read back): parse, walk some paths, and a string the writer
 * writes must read back as the same bytes (json.h's surrogateescape).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "jsonv.h"

static const char *const seeds[] = {
	"{\"cell\":\"a\",\"calls\":{\"stat\":10},\"estale_total\":0,\"rate\":1.5e-3}",
	"[1,-2.5,true,false,null,\"\\u00e9\\ud83d\\ude00\\udcff\",{\"a\":[[]]}]",
	"{\"ops\":{\"read\":{\"ok\":3,\"errors\":{\"ESTALE\":1}}},\"integrity\":{\"files\":3}}",
	"\"a\\\"b\\\\c\\n\\t\\/\"",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], *text = NULL, *name;
	size_t len = 0;
	struct jv *v = jv_parse((const char *)data, size, err, sizeof(err));
	FILE *f;

	if (v) {
		(void)jv_path(v, "cell");
		(void)jv_u64(jv_path(v, "calls.stat"), 0);
		(void)jv_num(jv_path(v, "ops.read.ok"), 0);
		(void)jv_str(jv_path(v, "a"), "");
		jv_free(v);
	}
	/* The input as a C string through the writer and back. */
	name = malloc(size + 1);
	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	f = open_memstream(&text, &len);
	if (f) {
		json_put_string(f, name);
		fclose(f);
		v = jv_parse(text, len, err, sizeof(err));
		if (!v || v->type != JV_STR || strcmp(v->str, name) != 0)
			abort();	/* what the writer writes must read back */
		jv_free(v);
	}
	free(text);
	free(name);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}
