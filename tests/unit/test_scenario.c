// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scenario files: options and flags set the cell, comments and blank lines
 * are skipped, the shipped bcvk scenario is bcvk's shape, and hostile text
 * (unknown options, bad values, NUL bytes, long lines, too many lines, names
 * that try to leave the scenario directory) is refused with the file and
 * line in one reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "unit.h"

static int apply(struct cell *c, const char *text, char *err, size_t len)
{
	cell_default(c);
	return scenario_apply_text(c, text, strlen(text), "t.scenario", err, len);
}

START_TEST(options_and_flags_set_the_cell)
{
	struct cell c;
	char err[512];

	ck_assert_int_eq(apply(&c, "# a comment\n\n  mode fallback\ncache\tnever  \r\ntwo-path\n"
			       "podman-every 0.2\nsecond-daemon", err, sizeof(err)), 0);
	ck_assert_str_eq(c.mode, "fallback");
	ck_assert_str_eq(c.cache, "never");
	ck_assert(c.two_path && c.overlay && c.second_daemon);
	ck_assert(c.podman_every > 0.19 && c.podman_every < 0.21);
	cell_free(&c);
}
END_TEST

START_TEST(bcvk_scenario_is_bcvks_shape)
{
	struct cell c;
	char err[512];

	setenv("STALEFS_SCENARIOS", STALEFS_SRC_SCENARIOS_DIR, 1);
	cell_default(&c);
	ck_assert_msg(scenario_apply(&c, "bcvk", err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.version, "1.13.0");
	ck_assert_str_eq(c.mode, "fallback");
	ck_assert_str_eq(c.privilege, "userns");
	ck_assert_str_eq(c.cache, "never");
	ck_assert(c.readonly && c.two_path && c.second_daemon && c.podman_every > 0);
	ck_assert_uint_eq(c.max_links, 970);
	cell_free(&c);
}
END_TEST

START_TEST(bad_text_is_refused_with_its_line)
{
	struct cell c;
	char err[512], big[SCENARIO_LINE_MAX + 10], *many;

	ck_assert_int_eq(apply(&c, "mode never\nfrobnicate 3\n", err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "scenario t.scenario:2: 'frobnicate' is not a cell option");
	ck_assert_int_eq(apply(&c, "cache sometimes\n", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "t.scenario:1: bad --cache 'sometimes'"));
	ck_assert_int_eq(apply(&c, "overlay yes\n", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(scenario_apply_text(&c, "mode\0never", 10, "t.scenario", err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "scenario t.scenario: a NUL byte");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(apply(&c, big, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "a line over"));
	many = malloc(2 * (SCENARIO_LINES_MAX + 1) + 1);
	for (int i = 0; i <= SCENARIO_LINES_MAX; i++)
		memcpy(many + 2 * i, "#\n", 2);
	many[2 * (SCENARIO_LINES_MAX + 1)] = '\0';
	ck_assert_int_eq(apply(&c, many, err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "more than"));
	free(many);
	/* Across options: the cell's own checks. */
	ck_assert_int_eq(apply(&c, "workload ostree\nchurn\n", err, sizeof(err)), -EINVAL);
	cell_free(&c);
}
END_TEST

START_TEST(names_stay_in_the_scenario_dirs)
{
	struct cell c;
	char err[512], path[4096];

	ck_assert_int_eq(scenario_find("../etc/passwd", path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(scenario_find("BCVK", path, sizeof(path)), -ENOENT);
	ck_assert_int_eq(scenario_find("", path, sizeof(path)), -ENOENT);
	cell_default(&c);
	ck_assert_int_eq(scenario_apply(&c, "no-such-scenario", err, sizeof(err)), -ENOENT);
	ck_assert(strstr(err, "no scenario 'no-such-scenario'"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scenario");
	TCase *tc = tcase_create("file");

	tcase_add_test(tc, options_and_flags_set_the_cell);
	tcase_add_test(tc, bcvk_scenario_is_bcvks_shape);
	tcase_add_test(tc, bad_text_is_refused_with_its_line);
	tcase_add_test(tc, names_stay_in_the_scenario_dirs);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
