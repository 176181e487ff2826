// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The harness's JSON reader: values of every type, escapes and surrogate
 * pairs, dotted paths and typed defaults, and refusal of malformed input
 * with the byte offset in the reason. Mounts nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonv.h"
#include "unit.h"

static struct jv *parse(const char *s)
{
	char err[256];
	struct jv *v = jv_parse(s, strlen(s), err, sizeof(err));

	ck_assert_msg(v != NULL, "%s: %s", s, err);
	return v;
}

START_TEST(values_and_paths)
{
	struct jv *v = parse(" {\"a\":{\"b\":[1,2.5,-3e2],\"s\":\"x\\\"\\u00e9\\ud83d\\ude00\\n\"},"
			     "\"t\":true,\"f\":false,\"z\":null,\"n\":18014398509481984} ");
	const struct jv *b = jv_path(v, "a.b");

	ck_assert_int_eq(v->type, JV_OBJ);
	ck_assert_uint_eq(v->n, 5);
	ck_assert_str_eq(v->keys[1], "t");
	ck_assert_int_eq(b->type, JV_ARR);
	ck_assert_uint_eq(b->n, 3);
	ck_assert(jv_num(&b->items[1], 0) == 2.5);
	ck_assert(jv_num(&b->items[2], 0) == -300);
	ck_assert_str_eq(jv_str(jv_path(v, "a.s"), ""), "x\"\xc3\xa9\xf0\x9f\x98\x80\n");
	ck_assert(jv_bool(jv_get(v, "t"), false));
	ck_assert(!jv_bool(jv_get(v, "f"), true));
	ck_assert_int_eq(jv_get(v, "z")->type, JV_NULL);
	ck_assert_uint_eq(jv_u64(jv_get(v, "n"), 0), 18014398509481984ULL);
	/* Missing or mistyped: the default. */
	ck_assert_ptr_null(jv_path(v, "a.nope.x"));
	ck_assert_uint_eq(jv_u64(jv_path(v, "a.s"), 7), 7);
	ck_assert_str_eq(jv_str(jv_get(v, "t"), "d"), "d");
	ck_assert_uint_eq(jv_u64(&b->items[2], 9), 9);	/* negative */
	jv_free(v);
	v = parse("[]");
	ck_assert_uint_eq(v->n, 0);
	jv_free(v);
}
END_TEST

START_TEST(malformed_input_is_refused)
{
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "tru", "\"abc", "\"\\x\"", "01x",
		"[1] 2", "\"\\ud800\"", "\"\\u0000\"", "\"a\tb\"", "{1:2}", "nan", "-",
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jv *v = jv_parse(bad[i], strlen(bad[i]), err, sizeof(err));

		ck_assert_msg(v == NULL, "accepted '%s'", bad[i]);
		ck_assert_msg(strstr(err, "at byte") != NULL, "'%s': %s", bad[i], err);
	}
	/* Too deep. */
	{
		char deep[200];

		memset(deep, '[', sizeof(deep) - 1);
		deep[sizeof(deep) - 1] = '\0';
		ck_assert_ptr_null(jv_parse(deep, strlen(deep), err, sizeof(err)));
		ck_assert_ptr_nonnull(strstr(err, "deep"));
	}
}
END_TEST

START_TEST(names_that_are_not_utf8_round_trip_as_surrogateescape)
{
	/* a stray 0xff, good UTF-8 (é, an emoji), a cut-short é, an encoded
	 * surrogate, an overlong NUL, a quote and a control byte */
	static const char name[] = "a\xff b\xc3\xa9 \xf0\x9f\x98\x80 \xc3 \xed\xa0\x80 \xe0\x80\x80 \"q\"\x01";
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct jv *v;

	ck_assert_ptr_nonnull(f);
	json_put_string(f, name);
	fclose(f);
	for (size_t i = 0; i < len; i++)
		ck_assert_msg((unsigned char)text[i] >= 0x20, "raw control byte at %zu of %s", i, text);
	ck_assert_ptr_nonnull(strstr(text, "\\udcff"));
	ck_assert_ptr_nonnull(strstr(text, "\xc3\xa9"));	/* good UTF-8 stays as it is */
	ck_assert_ptr_nonnull(strstr(text, "\\udced\\udca0\\udc80"));
	v = jv_parse(text, len, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s: %s", text, err);
	ck_assert_int_eq(v->type, JV_STR);
	ck_assert_str_eq(v->str, name);
	jv_free(v);
	free(text);
}
END_TEST

static Suite *jsonv_suite(void)
{
	Suite *s = suite_create("jsonv");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, values_and_paths);
	tcase_add_test(tc, malformed_input_is_refused);
	tcase_add_test(tc, names_that_are_not_utf8_round_trip_as_surrogateescape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(jsonv_suite());
}
