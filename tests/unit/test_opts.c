// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Option tables: options anywhere (GNU permutation) until "--", exact names,
 * "=value" or the next word, bundled short flags, ranges and choices checked
 * with one-line errors, and --help lines made from the table.
 */
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "unit.h"

enum { O_ROOT = 1, O_N, O_SEC, O_CACHE, O_FG, O_DEBUG, O_OPT };

static const struct opt tab[] = {
	{ O_ROOT, "root", OPT_STR, "DIR", NULL, .help = "the tree's root" },
	{ O_N, "objects", OPT_U64, "N", "2000", .min = 1, .max = 100, .help = "objects to make" },
	{ O_SEC, "seconds", OPT_DOUBLE, "S", "5", .help = "how long" },
	{ O_CACHE, "cache", OPT_CHOICE, "C", "auto", .choices = "auto|always|never",
	  .help = "cache policy" },
	{ O_FG, "foreground", OPT_FLAG, .short_name = 'f', .help = "stay in the foreground" },
	{ O_DEBUG, "debug", OPT_FLAG, .short_name = 'd', .help = "log every request" },
	{ O_OPT, "options", OPT_STR, "LIST", .short_name = 'o', .help = "mount options" },
};
#define NTAB (sizeof(tab) / sizeof(tab[0]))

/* Parse words; the ids seen in order into ids, the end code returned. */
static int parse(char **argv, int argc, struct opts *o, int *ids, int *nids)
{
	int id;

	ck_assert_int_eq(opts_init(o, "test", tab, NTAB, argc, argv), 0);
	*nids = 0;
	while ((id = opts_next(o)) > 0)
		ids[(*nids)++] = id;
	return id;
}

START_TEST(options_anywhere_and_positionals_keep_their_order)
{
	char *argv[] = { "cmd", "a", "--root", "/r", "b", "--objects=7", "-fd", "--", "--cache",
			 "c", NULL };
	int ids[16], n;
	struct opts o;

	ck_assert_int_eq(parse(argv, 10, &o, ids, &n), OPTS_END);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(ids[0], O_ROOT);
	ck_assert_int_eq(ids[1], O_N);
	ck_assert_int_eq(ids[2], O_FG);
	ck_assert_int_eq(ids[3], O_DEBUG);
	ck_assert_int_eq(10 - o.optind, 4);
	ck_assert_str_eq(argv[o.optind], "a");
	ck_assert_str_eq(argv[o.optind + 1], "b");
	ck_assert_str_eq(argv[o.optind + 2], "--cache");	/* after "--": an argument */
	ck_assert_str_eq(argv[o.optind + 3], "c");
	opts_fini(&o);
}
END_TEST

START_TEST(values_are_converted_and_checked)
{
	char *ok[] = { "cmd", "--objects", "100", "--seconds=0.5", "--cache", "never", "-ofoo", NULL };
	struct opts o;
	int id;

	ck_assert_int_eq(opts_init(&o, "test", tab, NTAB, 7, ok), 0);
	ck_assert_int_eq(opts_next(&o), O_N);
	ck_assert_uint_eq(o.u, 100);
	ck_assert_int_eq(opts_next(&o), O_SEC);
	ck_assert(o.d == 0.5);
	ck_assert_int_eq(opts_next(&o), O_CACHE);
	ck_assert_uint_eq(o.u, 2);
	ck_assert_int_eq(opts_next(&o), O_OPT);
	ck_assert_str_eq(o.arg, "foo");
	id = opts_next(&o);
	ck_assert_int_eq(id, OPTS_END);
	opts_fini(&o);
}
END_TEST

START_TEST(bad_input_is_one_clear_line)
{
	static const struct {
		const char *word, *next, *want;
	} cases[] = {
		{ "--objects", "0", "test: bad --objects '0' (1..100)" },
		{ "--objects", "x", "test: bad --objects 'x' (1..100)" },
		{ "--seconds", "0", "test: bad --seconds '0' (more than 0, at most 86400)" },
		{ "--cache", "nev", "test: bad --cache 'nev' (auto|always|never)" },
		{ "--obj", "5", "test: unknown option '--obj' (did you mean --objects?)" },
		{ "--bogus", "5", "test: unknown option '--bogus' (see --help)" },
		{ "--foreground=1", NULL, "test: --foreground takes no value" },
		{ "-x", NULL, "test: unknown option '-x' (see --help)" },
		{ "--root", NULL, "test: --root needs a value (DIR)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = { "cmd", (char *)cases[i].word, (char *)cases[i].next, NULL };
		struct opts o;
		int ids[4], n;

		ck_assert_int_eq(parse(argv, cases[i].next ? 3 : 2, &o, ids, &n), OPTS_BAD);
		ck_assert_str_eq(o.err, cases[i].want);
		ck_assert_str_eq(o.why, cases[i].want + strlen("test: "));
		ck_assert(strchr(o.err, '\n') == NULL);
		opts_fini(&o);
	}
}
END_TEST

START_TEST(help_is_made_from_the_table)
{
	char *argv[] = { "cmd", "--root", "/r", "--help", NULL };
	char *text = NULL;
	size_t len = 0;
	struct opts o;
	int ids[4], n;
	FILE *f;

	ck_assert_int_eq(parse(argv, 4, &o, ids, &n), OPTS_HELP);
	f = open_memstream(&text, &len);
	opts_help(&o, f, "test --root DIR [options]", "What it does.");
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "usage: test --root DIR [options]\n"));
	ck_assert_ptr_nonnull(strstr(text, "  --objects N               objects to make (1..100; default 2000)\n"));
	ck_assert_ptr_nonnull(strstr(text, "  -f, --foreground          stay in the foreground\n"));
	ck_assert_ptr_nonnull(strstr(text, "cache policy (auto|always|never; default auto)"));
	ck_assert_ptr_nonnull(strstr(text, "  -h, --help"));
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		ck_assert_int_le(strcspn(line, "\n"), 120);
	free(text);
	opts_fini(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("opts");

	tcase_add_test(tc, options_anywhere_and_positionals_keep_their_order);
	tcase_add_test(tc, values_are_converted_and_checked);
	tcase_add_test(tc, bad_input_is_one_clear_line);
	tcase_add_test(tc, help_is_made_from_the_table);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
