// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Strict numbers from untrusted text: whole strings only, no signs or
 * spaces, ranges enforced (ERANGE), hex only when asked, no inf/nan.
 */
#include <errno.h>
#include <stdint.h>

#include "number.h"
#include "unit.h"

START_TEST(whole_numbers_in_range_parse)
{
	uint64_t n;
	unsigned int u;

	ck_assert_int_eq(number_u64("0", 10, 0, 10, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(number_u64("18446744073709551615", 10, 0, UINT64_MAX, &n), 0);
	ck_assert_uint_eq(n, UINT64_MAX);
	ck_assert_int_eq(number_u64("0x10", 0, 0, 100, &n), 0);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(number_uint("1024", 1024, &u), 0);
	ck_assert_uint_eq(u, 1024);
}
END_TEST

START_TEST(signs_spaces_junk_and_hex_in_decimal_are_refused)
{
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.0", "abc", NULL };
	uint64_t n = 7;

	for (int i = 0; bad[i]; i++)
		ck_assert_msg(number_u64(bad[i], 10, 0, 100, &n) == -EINVAL, "'%s' parsed", bad[i]);
	ck_assert_uint_eq(n, 7);	/* untouched on error */
	ck_assert_int_eq(number_u64(NULL, 10, 0, 1, &n), -EINVAL);
}
END_TEST

START_TEST(out_of_range_is_erange)
{
	uint64_t n;
	unsigned int u;

	ck_assert_int_eq(number_u64("0", 10, 1, 10, &n), -ERANGE);
	ck_assert_int_eq(number_u64("11", 10, 1, 10, &n), -ERANGE);
	ck_assert_int_eq(number_u64("18446744073709551616", 10, 0, UINT64_MAX, &n), -ERANGE);
	ck_assert_int_eq(number_uint("4294967296", UINT32_MAX, &u), -ERANGE);
}
END_TEST

START_TEST(decimals_are_finite_and_in_range)
{
	double d;

	ck_assert_int_eq(number_double("0.5", 0, 1, &d), 0);
	ck_assert(d == 0.5);
	ck_assert_int_eq(number_double(".25", 0, 1, &d), 0);
	ck_assert_int_eq(number_double("2e3", 0, 86400, &d), 0);
	ck_assert(d == 2000);
	ck_assert_int_eq(number_double("1.5", 0, 1, &d), -ERANGE);
	ck_assert_int_eq(number_double("inf", 0, 1e300, &d), -EINVAL);
	ck_assert_int_eq(number_double("nan", 0, 1, &d), -EINVAL);
	ck_assert_int_eq(number_double("-0.1", -1, 1, &d), -EINVAL);
	ck_assert_int_eq(number_double("1e999", 0, 1e300, &d), -EINVAL);
	ck_assert_int_eq(number_double("0.5s", 0, 1, &d), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("number");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, whole_numbers_in_range_parse);
	tcase_add_test(tc, signs_spaces_junk_and_hex_in_decimal_are_refused);
	tcase_add_test(tc, out_of_range_is_erange);
	tcase_add_test(tc, decimals_are_finite_and_in_range);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
