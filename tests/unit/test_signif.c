// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rates against a control: Fisher's one-sided p matches exact values
 * (computed with integer binomials), a count no higher than the control's
 * is never significant, the rate ratio's interval holds the ratio and
 * excludes 1 only for a clear effect, and a zero count's upper bound is
 * about 3/n.
 */
#include <math.h>

#include "signif.h"
#include "unit.h"

#define close_to(x, want, rel) ck_assert_msg(fabs((x) - (want)) <= (rel) * (want), \
					     "%s = %g, want %g", #x, (double)(x), (double)(want))

START_TEST(fisher_matches_exact_values)
{
	close_to(signif_fisher_greater(3, 4, 1, 4), 0.242857142857, 1e-9);
	close_to(signif_fisher_greater(5, 10, 0, 10), 0.016253869969, 1e-9);
	close_to(signif_fisher_greater(50, 2000, 0, 2000), 6.5136958915e-16, 1e-6);
	close_to(signif_fisher_greater(10, 100000, 2, 100000), 0.0192842896, 1e-6);
	close_to(signif_fisher_greater(3, 1000, 3, 1000), 0.656484844807, 1e-6);
	close_to(signif_fisher_greater(1, 5000, 0, 5000), 0.5, 1e-9);
}
END_TEST

START_TEST(no_effect_is_never_significant)
{
	ck_assert(signif_fisher_greater(0, 1000, 0, 1000) == 1.0);
	ck_assert(signif_fisher_greater(0, 1000, 50, 1000) == 1.0);
	ck_assert(signif_fisher_greater(5, 1000, 50, 1000) > 0.99);
	ck_assert(signif_fisher_greater(7, 0, 0, 10) == 1.0);	/* no trials */
	ck_assert(signif_fisher_greater(7, 10, 0, 0) == 1.0);
	/* Counts above the trials are clamped, never above 1. */
	ck_assert(signif_fisher_greater(20, 10, 0, 10) <= 1.0);
}
END_TEST

START_TEST(ratio_interval_holds_the_ratio)
{
	struct signif s;

	signif_compare(100, 10000, 10, 10000, &s);
	close_to(s.ratio, 10.0, 1e-9);
	ck_assert(s.lo < s.ratio && s.ratio < s.hi);
	ck_assert(s.lo > 1.0);
	ck_assert(s.p < 0.01);
	signif_compare(12, 10000, 10, 10000, &s);
	ck_assert(s.lo < 1.0 && s.hi > 1.0);
	ck_assert(s.p > 0.01);
	/* A zero control: corrected, finite, still clearly above 1. */
	signif_compare(200, 5000, 0, 5000, &s);
	ck_assert(isfinite(s.ratio) && isfinite(s.hi));
	ck_assert(s.lo > 1.0);
}
END_TEST

START_TEST(two_sided_fisher_matches_exact_values)
{
	close_to(signif_fisher_two_sided(3, 4, 1, 4), 0.485714285714, 1e-9);
	close_to(signif_fisher_two_sided(5, 10, 0, 10), 0.032507739938, 1e-9);
	close_to(signif_fisher_two_sided(0, 10, 5, 10), 0.032507739938, 1e-9);	/* either way */
	close_to(signif_fisher_two_sided(2, 10, 7, 12), 0.099071207430, 1e-9);
	close_to(signif_fisher_two_sided(10, 1000, 3, 2000), 0.001612056744, 1e-6);
	ck_assert(signif_fisher_two_sided(3, 1000, 3, 1000) > 0.999);
	ck_assert(signif_fisher_two_sided(0, 1000, 0, 1000) == 1.0);
	ck_assert(signif_fisher_two_sided(7, 0, 0, 10) == 1.0);
	ck_assert(signif_fisher_two_sided(500, 10000, 5, 10000) < 1e-16);
}
END_TEST

START_TEST(zero_count_bound_is_about_three_over_n)
{
	struct signif s;

	close_to(signif_zero_upper(1000), 0.0029914, 1e-3);
	ck_assert(signif_zero_upper(0) == 1.0);
	signif_compare(0, 3000, 0, 3000, &s);
	ck_assert(s.p == 1.0);
	ck_assert(s.upper1 < 0.0011 && s.upper1 > 0.0009);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("signif");
	TCase *tc = tcase_create("rates");

	tcase_add_test(tc, fisher_matches_exact_values);
	tcase_add_test(tc, no_effect_is_never_significant);
	tcase_add_test(tc, ratio_interval_holds_the_ratio);
	tcase_add_test(tc, two_sided_fisher_matches_exact_values);
	tcase_add_test(tc, zero_count_bound_is_about_three_over_n);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
