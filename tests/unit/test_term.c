// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * term.h: the width lines for people are folded at (COLUMNS first, 120 for a
 * file or pipe), and folding: no line passes the width, no word is lost,
 * continuation lines start as asked, a word longer than a line is cut.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"
#include "unit.h"

static char *folded(const char *first, const char *cont, const char *text, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	term_fold(f, first, cont, text, width);
	fclose(f);
	return buf;
}

static int widest(const char *s)
{
	int w = 0;

	while (*s) {
		int n = (int)strcspn(s, "\n");

		if (n > w)
			w = n;
		s += n + (s[n] == '\n');
	}
	return w;
}

START_TEST(folded_text_fits_the_width_and_keeps_every_word)
{
	static const char text[] = "ESTALE made by the kernel's overlay after the host changed what the guest "
				   "reads: names moved to new inodes; try cache=always or stalefs pinpoint";
	char *s = folded("  next: ", NULL, text, 40), *joined = calloc(1, sizeof(text) + 64);

	ck_assert_int_le(widest(s), 40);
	ck_assert(strncmp(s, "  next: ESTALE", 14) == 0);
	ck_assert_ptr_nonnull(strstr(s, "\n        "));	/* continuation under the text */
	/* The words, joined again, are the text. */
	for (const char *p = s + 8; *p; p++) {
		if (*p == '\n' && p[1]) {
			strcat(joined, " ");
			p += 8;
			continue;
		}
		if (*p != '\n')
			strncat(joined, p, 1);
	}
	ck_assert_str_eq(joined, text);
	ck_assert(s[strlen(s) - 1] == '\n');
	free(joined);
	free(s);
}
END_TEST

START_TEST(continuation_lines_start_with_cont)
{
	char *s = folded("cell  ", "    + ", "a/b/c one two three four five six seven", 20);

	ck_assert_int_le(widest(s), 20);
	ck_assert_ptr_nonnull(strstr(s, "\n    + "));
	free(s);
}
END_TEST

START_TEST(a_word_longer_than_a_line_is_cut_not_spilled)
{
	char word[200];
	char *s;

	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	s = folded("id ", NULL, word, 50);
	ck_assert_int_le(widest(s), 50);
	/* 199 x's on lines of 47 after the 3-column lead: 5 lines, none lost. */
	{
		size_t xs = 0, lines = 0;

		for (const char *p = s; *p; p++)
			xs += *p == 'x', lines += *p == '\n';
		ck_assert_uint_eq(xs, sizeof(word) - 1);
		ck_assert_uint_eq(lines, 5);
	}
	free(s);
}
END_TEST

/* Folded commands break only outside quotes, end broken lines in " \\", and
 * fit the width when no word is longer than a line. */
START_TEST(a_folded_command_breaks_outside_quotes_only)
{
	static const char cmd[] = "stalefs run --mode never --inject 'evict:every=100,path=/a \"b c\" d' "
				  "--inject \"x y\" --threads 1 --count 40 --objects 40 --seed 1";
	char *buf = NULL, joined[512] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	term_fold_command(f, "repro  ", cmd, 50);
	fclose(f);
	ck_assert_int_le(widest(buf), 50);
	ck_assert_ptr_nonnull(strstr(buf, "'evict:every=100,path=/a \"b c\" d'"));
	ck_assert_ptr_nonnull(strstr(buf, "\"x y\""));
	/* Joined as the shell joins " \\\n" and the indent: the command. */
	for (char *p = buf + 7; *p; p++) {
		if (p[0] == ' ' && p[1] == '\\' && p[2] == '\n') {
			strcat(joined, " ");
			p += 2;
			while (p[1] == ' ')
				p++;
		} else if (*p != '\n') {
			strncat(joined, p, 1);
		}
	}
	ck_assert_str_eq(joined, cmd);
	free(buf);
}
END_TEST

START_TEST(width_is_columns_then_120)
{
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	setenv("COLUMNS", "88", 1);
	ck_assert_int_eq(term_width(f), 88);
	setenv("COLUMNS", "5", 1);	/* not a sensible width */
	ck_assert_int_eq(term_width(f), TERM_WIDTH_DEFAULT);
	setenv("COLUMNS", "80x", 1);
	ck_assert_int_eq(term_width(f), TERM_WIDTH_DEFAULT);
	unsetenv("COLUMNS");
	ck_assert_int_eq(term_width(f), TERM_WIDTH_DEFAULT);	/* a file: no tty */
	ck_assert(!term_is_tty(f));
	fclose(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("term");
	TCase *tc = tcase_create("term");

	tcase_add_test(tc, folded_text_fits_the_width_and_keeps_every_word);
	tcase_add_test(tc, continuation_lines_start_with_cont);
	tcase_add_test(tc, a_word_longer_than_a_line_is_cut_not_spilled);
	tcase_add_test(tc, a_folded_command_breaks_outside_quotes_only);
	tcase_add_test(tc, width_is_columns_then_120);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
