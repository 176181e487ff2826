// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report --history and --baseline: a history written reads back as one
 * series per cell, a torn last line is skipped, a bad or oversized line is
 * refused with file:line; against a baseline the same rates are "same", a
 * big rise is "up", a cell only now is "new", one only then is "gone", and
 * other params do not match.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "report.h"
#include "unit.h"

static void load(struct report *r, const char *lines)
{
	FILE *f = fmemopen((void *)lines, strlen(lines), "r");
	char err[256];

	report_init(r);
	ck_assert_int_eq(report_read(r, f, "t", err, sizeof(err)), 0);
	fclose(f);
}

#define CELL(id, params, calls, est) \
	"{\"cell\":\"" id "\",\"params\":" params ",\"status\":\"ran\",\"calls\":{\"stat\":" #calls \
	"},\"estale_total\":" #est ",\"verdict\":\"clean\"}\n"

static int hist_of(struct history *h, const char *text, char *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret = history_read(h, f, "h", err, 256);

	fclose(f);
	return ret;
}

START_TEST(history_round_trip_gives_one_series_per_cell)
{
	struct report r;
	struct history h = { 0 };
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	load(&r, CELL("a", "{}", 1000, 5) CELL("b", "{}", 100, 0));
	ck_assert_int_eq(history_append(&r, f), 0);
	ck_assert_int_eq(history_append(&r, f), 0);
	fclose(f);
	ck_assert_int_eq(hist_of(&h, buf, err), 0);
	ck_assert_uint_eq(h.n, 2);
	const struct history_series *s = history_find(&h, r.cells[0].key);

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->n, 2);
	ck_assert_uint_eq(s->v[1].estale, 5);
	ck_assert_uint_eq(s->v[1].calls, 1000);
	ck_assert(s->v[1].lo < 0.005 && 0.005 < s->v[1].hi);
	ck_assert_str_eq(s->id, "a");
	ck_assert_ptr_null(history_find(&h, "nope"));
	/* A torn last line: skipped and counted. */
	buf[len - 10] = '\0';
	history_free(&h);
	ck_assert_int_eq(hist_of(&h, buf, err), 0);
	ck_assert_uint_eq(h.torn, 1);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_uint_eq(history_find(&h, r.cells[1].key)->n, 1);
	history_free(&h);
	free(buf);
	report_free(&r);
}
END_TEST

START_TEST(bad_or_oversized_history_line_is_refused_with_its_line)
{
	struct history h = { 0 };
	char err[256], *big;

	ck_assert_int_eq(hist_of(&h, "\n{\"schema\":\"history/1\",\"key\":\"k\"}\n", err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "h:2:"));
	history_free(&h);
	ck_assert_int_eq(hist_of(&h, "{\"schema\":\"cell/1\"}\n", err), -EINVAL);
	history_free(&h);
	big = malloc(HISTORY_LINE_MAX + 10);
	memset(big, ' ', HISTORY_LINE_MAX + 5);
	big[0] = '{';
	strcpy(big + HISTORY_LINE_MAX + 5, "}\n");
	ck_assert_int_eq(hist_of(&h, big, err), -E2BIG);
	ck_assert_ptr_nonnull(strstr(err, "h:1:"));
	history_free(&h);
	free(big);
}
END_TEST

/* now against then, through report/1 JSON as --baseline reads it. */
static void against(struct report *now, struct report_baseline *b, const char *then_lines)
{
	struct report then;
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	load(&then, then_lines);
	ck_assert_int_eq(report_json(&then, f), 0);
	fclose(f);
	f = fmemopen(buf, len, "r");
	ck_assert_int_eq(report_baseline_read(b, f, "base", err, sizeof(err)), 0);
	fclose(f);
	ck_assert_int_eq(report_baseline_compare(now, b), 0);
	report_free(&then);
	free(buf);
}

START_TEST(baseline_marks_same_up_new_and_gone)
{
	struct report now;
	struct report_baseline b;

	load(&now, CELL("same", "{}", 10000, 50) CELL("rise", "{}", 10000, 1200) CELL("fresh", "{}", 10, 0));
	against(&now, &b, CELL("same", "{}", 10000, 52) CELL("rise", "{}", 10000, 50)
		CELL("old", "{}", 10, 0));
	ck_assert_int_eq(now.cells[0].base.change, CHANGE_SAME);
	ck_assert_int_eq(now.cells[1].base.change, CHANGE_UP);
	ck_assert(now.cells[1].base.p < REPORT_CHANGE_P);
	ck_assert_int_eq(now.cells[2].base.change, CHANGE_NEW);
	ck_assert_uint_eq(b.up, 1);
	ck_assert_uint_eq(b.same, 1);
	ck_assert_uint_eq(b.added, 1);
	ck_assert_uint_eq(b.gone, 1);
	ck_assert(!b.v[2].matched);
	report_baseline_free(&b);
	report_free(&now);
}
END_TEST

START_TEST(baseline_with_other_params_does_not_match)
{
	struct report now;
	struct report_baseline b;

	load(&now, CELL("a", "{\"xattr\":true}", 1000, 500));
	against(&now, &b, CELL("a", "{}", 1000, 5));
	ck_assert_int_eq(now.cells[0].base.change, CHANGE_NEW);
	ck_assert_uint_eq(b.gone, 1);
	report_baseline_free(&b);
	report_free(&now);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("history");

	tcase_add_test(tc, history_round_trip_gives_one_series_per_cell);
	tcase_add_test(tc, bad_or_oversized_history_line_is_refused_with_its_line);
	tcase_add_test(tc, baseline_marks_same_up_new_and_gone);
	tcase_add_test(tc, baseline_with_other_params_does_not_match);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
