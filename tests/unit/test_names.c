// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The table of recent names: a name answered with another nodeid,
 * generation or submount flag is a change; the same answer, a first answer
 * or another name is not; tracking off never reports; a slot is 32 bytes.
 */
#include <stdio.h>

#include "names.h"
#include "unit.h"

START_TEST(changes_are_reported_with_the_old_answer)
{
	struct names t;
	struct name_change c;

	ck_assert_int_eq(names_init(&t, 1000), 0);
	ck_assert_uint_eq(t.nslots, 1024);
	ck_assert(!names_note(&t, 1, "a", 5, 0, false, &c));	/* first answer */
	ck_assert(!names_note(&t, 1, "a", 5, 0, false, &c));	/* same answer */
	ck_assert(!names_note(&t, 2, "a", 9, 0, false, &c));	/* another parent */
	ck_assert(names_note(&t, 1, "a", 7, 0, false, &c));
	ck_assert_uint_eq(c.old_nodeid, 5);
	ck_assert(names_note(&t, 1, "a", 7, 1, false, &c));
	ck_assert_uint_eq(c.old_generation, 0);
	ck_assert(names_note(&t, 1, "a", 7, 1, true, &c));
	ck_assert(!c.old_submount);
	ck_assert(!names_note(&t, 1, "b", 7, 1, true, &c));	/* another name */
	names_destroy(&t);
}
END_TEST

START_TEST(off_never_reports_and_slots_are_small)
{
	struct names t;
	struct name_change c;

	ck_assert_int_eq(names_init(&t, 0), 0);
	ck_assert(!names_note(&t, 1, "a", 5, 0, false, &c));
	ck_assert(!names_note(&t, 1, "a", 6, 0, false, &c));
	names_destroy(&t);
	ck_assert_uint_le(names_slot_bytes(), 64);
	ck_assert_uint_eq(names_slot_bytes(), 32);
}
END_TEST

START_TEST(many_names_keep_recent_ones)
{
	struct names t;
	struct name_change c;
	char name[32];
	int seen = 0;

	ck_assert_int_eq(names_init(&t, 1 << 16), 0);
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		names_note(&t, 1, name, (uint64_t)i + 2, 0, false, &c);
	}
	/* The last 1000 names are found again (a direct-mapped table loses
	 * some to collisions, but few at this load). */
	for (int i = 19000; i < 20000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		seen += names_note(&t, 1, name, (uint64_t)i + 100000, 0, false, &c);
	}
	ck_assert_int_ge(seen, 950);
	names_destroy(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, changes_are_reported_with_the_old_answer);
	tcase_add_test(tc, off_never_reports_and_slots_are_small);
	tcase_add_test(tc, many_names_keep_recent_ones);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
