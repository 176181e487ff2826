// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The shared names of inode modes, cache policies, privileges and versions:
 * every value's name parses back to it, "fallback" is prefer and says so,
 * unknown and near-miss names are refused, and each usage list holds every
 * name the parser takes.
 */
#include <errno.h>
#include <string.h>

#include "modes.h"
#include "unit.h"

/* Does the |-separated list hold word? */
static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p; p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL)
		if (strncmp(p, word, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return true;
	return false;
}

START_TEST(every_name_parses_back_to_its_value)
{
	bool fb = true;

	for (int m = INODE_MODE_NEVER; m <= INODE_MODE_MANDATORY; m++) {
		ck_assert_int_eq(inode_mode_parse(inode_mode_name(m), &fb), m);
		ck_assert(!fb);
		ck_assert(in_list(modes_inode_list, inode_mode_name(m)));
	}
	for (int c = CACHE_AUTO; c <= CACHE_METADATA; c++) {
		ck_assert_int_eq(cache_policy_parse(cache_policy_name(c)), c);
		ck_assert(in_list(modes_cache_list, cache_policy_name(c)));
	}
	for (int p = PRIV_ROOT; p <= PRIV_USERNS; p++) {
		ck_assert_int_eq(privilege_parse(privilege_name(p)), p);
		ck_assert(in_list(modes_privilege_list, privilege_name(p)));
	}
	for (int v = VIRTIOFSD_1_13_0; v <= VIRTIOFSD_1_13_2; v++) {
		ck_assert_int_eq(virtiofsd_version_parse(virtiofsd_version_name(v)), v);
		ck_assert(in_list(modes_version_list, virtiofsd_version_name(v)));
	}
}
END_TEST

START_TEST(fallback_is_prefer_and_says_so)
{
	bool fb = false;

	ck_assert_int_eq(inode_mode_parse("fallback", &fb), INODE_MODE_PREFER);
	ck_assert(fb);
	ck_assert_int_eq(inode_mode_parse("fallback", NULL), INODE_MODE_PREFER);
	ck_assert(in_list(modes_inode_list, "fallback"));
}
END_TEST

START_TEST(unknown_and_near_names_are_refused)
{
	ck_assert_int_eq(inode_mode_parse("", NULL), -EINVAL);
	ck_assert_int_eq(inode_mode_parse("Never", NULL), -EINVAL);
	ck_assert_int_eq(inode_mode_parse("neve", NULL), -EINVAL);
	ck_assert_int_eq(cache_policy_parse("never "), -EINVAL);
	ck_assert_int_eq(privilege_parse("rootless"), -EINVAL);
	ck_assert_int_eq(virtiofsd_version_parse("1.13"), -EINVAL);
	ck_assert_int_eq(virtiofsd_version_parse("1.13.1"), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("modes");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, every_name_parses_back_to_its_value);
	tcase_add_test(tc, fallback_is_prefer_and_says_so);
	tcase_add_test(tc, unknown_and_near_names_are_refused);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
