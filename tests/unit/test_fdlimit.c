// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtiofsd's fd limits: the 1.13.2 guest-fd limit is RLIMIT_NOFILE minus
 * 610 and answers ENFILE past it, 1.13.0 counts but never refuses; an
 * explicit --rlimit-nofile sets soft and hard, and one above fs.nr_open or
 * below 1.13.2's reserve refuses the start. Each case runs in its own
 * process (Check's fork mode), so lowering the limit stays there.
 */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "fdlimit.h"
#include "unit.h"

static struct config cfg;
static char err[512];

static void model(enum virtiofsd_version v, long long nofile)
{
	cfg = (struct config){ .virtiofsd_version = v, .rlimit_nofile = nofile > 0 ? nofile : 0,
			       .rlimit_nofile_set = nofile >= 0 };
}

START_TEST(guest_limit_1_13_2_is_rlimit_minus_reserve_and_answers_enfile)
{
	struct fdlimit fl;
	struct rlimit rl;

	model(VIRTIOFSD_1_13_2, 1000);
	ck_assert_int_eq(fdlimit_setup(&fl, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	ck_assert_uint_eq(rl.rlim_cur, 1000);
	ck_assert_uint_eq(rl.rlim_max, 1000);	/* soft = hard, as virtiofsd sets them */
	ck_assert_uint_eq(fl.guest_limit, 1000 - 610);
	for (int i = 0; i < 390; i++)
		ck_assert_int_eq(fdlimit_take(&fl), 0);
	ck_assert_int_eq(fdlimit_take(&fl), -ENFILE);
	ck_assert_uint_eq(fl.refused, 1);
	fdlimit_give(&fl);
	ck_assert_int_eq(fdlimit_take(&fl), 0);
	ck_assert_int_eq(fdlimit_take(&fl), -ENFILE);
	fdlimit_destroy(&fl);
}
END_TEST

START_TEST(version_1_13_0_counts_but_never_refuses)
{
	struct fdlimit fl;

	model(VIRTIOFSD_1_13_0, 1000);
	ck_assert_int_eq(fdlimit_setup(&fl, &cfg, err, sizeof(err)), 0);
	for (int i = 0; i < 2000; i++)
		ck_assert_int_eq(fdlimit_take(&fl), 0);
	ck_assert_uint_eq(fl.guest_used, 2000);
	fdlimit_destroy(&fl);
}
END_TEST

START_TEST(zero_leaves_the_limit_alone)
{
	struct fdlimit fl;
	struct rlimit before, after;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &before), 0);
	model(VIRTIOFSD_1_13_0, 0);
	ck_assert_int_eq(fdlimit_setup(&fl, &cfg, err, sizeof(err)), 0);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &after), 0);
	ck_assert_uint_eq(before.rlim_cur, after.rlim_cur);
	ck_assert_uint_eq(before.rlim_max, after.rlim_max);
	ck_assert_uint_eq(fl.rlimit, before.rlim_cur);
	fdlimit_destroy(&fl);
}
END_TEST

START_TEST(refused_starts_have_a_reason)
{
	struct fdlimit fl;

	model(VIRTIOFSD_1_13_2, 500);
	ck_assert_int_lt(fdlimit_setup(&fl, &cfg, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "Limit is 500, must be at least 610"));
	fdlimit_destroy(&fl);
	model(VIRTIOFSD_1_13_0, 1073741816);
	ck_assert_int_lt(fdlimit_setup(&fl, &cfg, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "cannot be increased above fs.nr_open"));
	fdlimit_destroy(&fl);
}
END_TEST

START_TEST(open_fds_are_counted_and_explained)
{
	struct fdlimit fl;
	struct fdlimit_note n;
	long before;
	int fd;

	model(VIRTIOFSD_1_13_2, 1000);
	ck_assert_int_eq(fdlimit_setup(&fl, &cfg, err, sizeof(err)), 0);
	before = fdlimit_open_fds(&fl);
	ck_assert_int_gt(before, 2);
	fd = dup(0);
	ck_assert_int_eq(fdlimit_open_fds(&fl), before + 1);
	close(fd);
	fdlimit_explain(&fl, EMFILE, false, &n);
	ck_assert_str_eq(n.limit, "RLIMIT_NOFILE");
	ck_assert_uint_eq(n.limit_n, 1000);
	ck_assert_int_eq(n.fds, before);
	fdlimit_explain(&fl, ENFILE, true, &n);
	ck_assert_str_eq(n.limit, "guest-fd");
	ck_assert_uint_eq(n.limit_n, 390);
	fdlimit_destroy(&fl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fdlimit");
	TCase *tc = tcase_create("limits");

	tcase_add_test(tc, guest_limit_1_13_2_is_rlimit_minus_reserve_and_answers_enfile);
	tcase_add_test(tc, version_1_13_0_counts_but_never_refuses);
	tcase_add_test(tc, zero_leaves_the_limit_alone);
	tcase_add_test(tc, refused_starts_have_a_reason);
	tcase_add_test(tc, open_fds_are_counted_and_explained);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
