// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A profile's one-line description (`stalefs profiles`) from its leading
 * comment: the first sentence, the SPDX line skipped, cut to the width at a
 * word, and bounded on any bytes a file may hold.
 */
#include <errno.h>
#include <string.h>

#include "profiles_cli.h"
#include "unit.h"

static int describe(const char *text, char *out, size_t outlen, size_t width)
{
	return profile_describe(text, strlen(text), out, outlen, width);
}

START_TEST(first_sentence_after_the_spdx_line_is_the_description)
{
	char out[128];

	ck_assert_int_eq(describe("# SPDX-License-Identifier: GPL-2.0-or-later\n"
				  "# Seed 002: the server reboots. Its store\n# is dropped.\nrestart\n",
				  out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "Seed 002: the server reboots.");
}
END_TEST

START_TEST(a_sentence_over_several_comment_lines_is_joined_with_spaces)
{
	char out[128];

	ck_assert_int_eq(describe("#   A FORGET storm\n#from the kernel side.\r\n", out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "A FORGET storm from the kernel side.");
	/* No '.' at all: the paragraph, up to an empty comment line. */
	ck_assert_int_eq(describe("# one\n# two\n#\n# three\n", out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "one two");
	/* virtiofsd.md is not the end of a sentence. */
	ck_assert_int_eq(describe("# see virtiofsd.md now\nx\n", out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "see virtiofsd.md now");
}
END_TEST

START_TEST(a_long_sentence_is_cut_at_a_word_with_dots_within_the_width)
{
	char out[128];

	ck_assert_int_eq(describe("# alpha beta, gamma delta epsilon.\n", out, sizeof(out), 15), 0);
	ck_assert_str_eq(out, "alpha beta...");	/* the comma before the cut goes too */
	/* Exactly the width fits as it is. */
	ck_assert_int_eq(describe("# abcdefghij.\n", out, sizeof(out), 11), 0);
	ck_assert_str_eq(out, "abcdefghij.");
	/* A smaller out than width: out wins. */
	ck_assert_int_eq(describe("# alpha beta gamma delta epsilon zeta.\n", out, 16, 120), 0);
	ck_assert_uint_le(strlen(out), 15);
	ck_assert_str_eq(out, "alpha beta...");
}
END_TEST

START_TEST(one_long_word_is_cut_between_utf8_characters)
{
	char out[64];

	/* "§" is two bytes; the cut (width 11 - 3 for the dots) falls inside the 4th. */
	ck_assert_int_eq(describe("# a\xc2\xa7\xc2\xa7\xc2\xa7\xc2\xa7\xc2\xa7\xc2\xa7\xc2\xa7.\n", out,
				  sizeof(out), 11), 0);
	ck_assert_str_eq(out, "a\xc2\xa7\xc2\xa7\xc2\xa7...");
}
END_TEST

START_TEST(no_leading_comment_is_enoent)
{
	char out[64] = "x";

	ck_assert_int_eq(describe("", out, sizeof(out), 120), -ENOENT);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(describe("errno:op=LOOKUP\n# later\n", out, sizeof(out), 120), -ENOENT);
	ck_assert_int_eq(describe("# SPDX-License-Identifier: GPL-2.0-or-later\n#\nrestart\n", out,
				  sizeof(out), 120), -ENOENT);
	ck_assert_int_eq(profile_describe(NULL, 0, out, sizeof(out), 120), -ENOENT);
	/* A blank line before the comment is fine; after it the comment ends. */
	ck_assert_int_eq(describe("\n  # late\n\n# other\n", out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "late");
	ck_assert_int_eq(describe("# x\n", out, 4, 120), -EINVAL);
	ck_assert_int_eq(describe("# x\n", out, sizeof(out), 3), -EINVAL);
}
END_TEST

START_TEST(untrusted_bytes_stay_inside_the_given_length)
{
	char text[40], out[64], big[4096];

	/* Control bytes become '?'; a NUL ends the text. */
	ck_assert_int_eq(profile_describe("# a\x1b[2Jb\0# hidden\n", 18, out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "a?[2Jb");
	/* Bad or cut UTF-8 and C1 controls too; good UTF-8 stays. */
	ck_assert_int_eq(describe("# \xc2\xa7 \xff \xc2\x9b \xe2\x82 \xe2\x82\xac\n", out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "\xc2\xa7 ? ?? ?? \xe2\x82\xac");
	ck_assert_int_eq(profile_describe("# a\xe2\x82\xac", 5, out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "a??");	/* the third byte is past len */
	/* No newline and no NUL: only len bytes are read (the rest is 'Z'). */
	memset(text, 'Z', sizeof(text));
	memcpy(text, "# abc", 5);
	ck_assert_int_eq(profile_describe(text, 5, out, sizeof(out), 120), 0);
	ck_assert_str_eq(out, "abc");
	ck_assert_int_eq(profile_describe(text, 1, out, sizeof(out), 120), -ENOENT);
	/* A comment longer than the paragraph buffer is cut, not overrun. */
	memset(big, 'w', sizeof(big));
	for (size_t i = 0; i < sizeof(big); i += 7)
		big[i] = ' ';
	big[0] = '#';
	ck_assert_int_eq(profile_describe(big, sizeof(big), out, sizeof(out), 60), 0);
	ck_assert_uint_le(strlen(out), 60);
	ck_assert_str_eq(out + strlen(out) - 3, "...");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profiles");
	TCase *tc = tcase_create("describe");

	tcase_add_test(tc, first_sentence_after_the_spdx_line_is_the_description);
	tcase_add_test(tc, a_sentence_over_several_comment_lines_is_joined_with_spaces);
	tcase_add_test(tc, a_long_sentence_is_cut_at_a_word_with_dots_within_the_width);
	tcase_add_test(tc, one_long_word_is_cut_between_utf8_characters);
	tcase_add_test(tc, no_leading_comment_is_enoent);
	tcase_add_test(tc, untrusted_bytes_stay_inside_the_given_length);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
